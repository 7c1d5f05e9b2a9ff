//! One table helper, so every chapter's output is aligned alike: the first
//! column left-aligned, the others right-aligned, two spaces between columns,
//! and a rule under the header.

use std::fmt;

/// A text table built row by row and printed with `Display`.
#[derive(Clone, Debug, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<S: ToString>(header: &[S]) -> Self {
        Self {
            header: header.iter().map(ToString::to_string).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; cells may be anything printable, usually from [`f4`] and friends.
    pub fn row<S: ToString>(&mut self, cells: &[S]) -> &mut Self {
        self.rows
            .push(cells.iter().map(ToString::to_string).collect());
        self
    }

    fn widths(&self) -> Vec<usize> {
        let cols = self
            .rows
            .iter()
            .map(Vec::len)
            .chain([self.header.len()])
            .max()
            .unwrap_or(0);
        (0..cols)
            .map(|c| {
                self.rows
                    .iter()
                    .chain([&self.header])
                    .filter_map(|r| r.get(c))
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    }
}

fn write_line(f: &mut fmt::Formatter<'_>, cells: &[String], widths: &[usize]) -> fmt::Result {
    let mut line = String::new();
    for (c, w) in widths.iter().enumerate() {
        let cell = cells.get(c).map(String::as_str).unwrap_or("");
        if c == 0 {
            line.push_str(&format!("{cell:<w$}"));
        } else {
            line.push_str(&format!("  {cell:>w$}"));
        }
    }
    writeln!(f, "{}", line.trim_end())
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let widths = self.widths();
        write_line(f, &self.header, &widths)?;
        let total = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
        writeln!(f, "{}", "-".repeat(total))?;
        for r in &self.rows {
            write_line(f, r, &widths)?;
        }
        Ok(())
    }
}

/// Whether `ACT_LOSS_DIGITS=all` is set: then every formatter below prints
/// each number in full (the shortest form that reads back as the same `f64`),
/// so that a test can compare a chapter's numbers to the last bit, e.g. at
/// one thread and at several. Read once per process.
pub fn all_digits() -> bool {
    static ALL: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ALL.get_or_init(|| std::env::var("ACT_LOSS_DIGITS").is_ok_and(|v| v == "all"))
}

/// `x` in full, for [`all_digits`]: `NaN`, `inf`, `-inf` as elsewhere.
fn full(x: f64) -> String {
    if x.is_finite() {
        format!("{x:?}")
    } else {
        fixed_digits(x, 0)
    }
}

/// A number at 4 decimals, the book's default precision; `NaN`, `inf`, `-inf` as such.
pub fn f4(x: f64) -> String {
    fixed(x, 4)
}

/// A number at `decimals` decimals; non-finite values spelled `NaN`, `inf`, `-inf`.
pub fn fixed(x: f64, decimals: usize) -> String {
    if all_digits() {
        return full(x);
    }
    fixed_digits(x, decimals)
}

fn fixed_digits(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        "NaN".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_string()
    } else {
        // Avoid printing "-0.0000" for tiny negatives.
        let s = format!("{x:.decimals$}");
        if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
            s[1..].to_string()
        } else {
            s
        }
    }
}

/// A number in scientific notation with 3 significant decimals, e.g. `1.234e-5`.
pub fn sci(x: f64) -> String {
    if all_digits() {
        return full(x);
    }
    if x.is_finite() {
        format!("{x:.3e}")
    } else {
        fixed(x, 0)
    }
}

/// A share as a percentage with one decimal, e.g. `12.5%`.
pub fn pct(x: f64) -> String {
    if all_digits() {
        return full(x);
    }
    if x.is_finite() {
        format!("{:.1}%", 100.0 * x)
    } else {
        fixed(x, 0)
    }
}

/// A number with six significant digits, in fixed or scientific notation as
/// suits its size (like C's `%g`); for tools where values span many scales.
pub fn g6(x: f64) -> String {
    g(x, 6)
}

/// Four significant digits, fixed or scientific as suits the size, trailing
/// zeros kept so a column lines up (`8.390`, `13.04`, `1.793e-9`): for tables
/// whose values span many orders of magnitude.
pub fn g4(x: f64) -> String {
    if all_digits() {
        return full(x);
    }
    if !x.is_finite() || x == 0.0 {
        return g(x, 4);
    }
    let mag = x.abs().log10().floor() as i32;
    if (-4..4).contains(&mag) {
        let decimals = (3 - mag).max(0) as usize;
        fixed(x, decimals)
    } else {
        format!("{x:.3e}")
    }
}

/// `x` with `digits` significant digits, fixed or scientific as suits its size.
pub fn g(x: f64, digits: usize) -> String {
    if all_digits() {
        return full(x);
    }
    let digits = digits.max(1);
    if !x.is_finite() {
        return fixed(x, 0);
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let mag = x.abs().log10().floor() as i32;
    if (-4..digits as i32).contains(&mag) {
        let decimals = (digits as i32 - 1 - mag).max(0) as usize;
        let s = format!("{x:.decimals$}");
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        };
        if s == "-0" { "0".to_string() } else { s }
    } else {
        format!("{x:.prec$e}", prec = digits - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_columns_and_draws_a_rule() {
        let mut t = Table::new(&["name", "value"]);
        t.row(&["ReLU", "1.0000"]).row(&["LeakyReLU", "-0.0100"]);
        assert_eq!(
            t.to_string(),
            "name         value\n------------------\nReLU        1.0000\nLeakyReLU  -0.0100\n"
        );
    }

    #[test]
    fn formats_non_finite_and_negative_zero() {
        assert_eq!(f4(f64::NAN), "NaN");
        assert_eq!(f4(f64::INFINITY), "inf");
        assert_eq!(f4(f64::NEG_INFINITY), "-inf");
        assert_eq!(f4(-0.00001), "0.0000");
        assert_eq!(f4(-0.25), "-0.2500");
        assert_eq!(pct(0.125), "12.5%");
        assert_eq!(sci(0.000012345), "1.234e-5");
    }

    #[test]
    fn six_significant_digits() {
        assert_eq!(g6(0.25148), "0.25148");
        assert_eq!(g6(12.5), "12.5");
        assert_eq!(g6(-0.0119462), "-0.0119462");
        assert_eq!(g6(1e4), "10000");
        assert_eq!(g6(4.1399e-8), "4.13990e-8");
        assert_eq!(g6(0.0), "0");
        assert_eq!(g4(9.5367e-7), "9.537e-7");
        assert_eq!(g4(3.3617), "3.362");
        assert_eq!(g4(8.39), "8.390");
        assert_eq!(g4(13.04), "13.04");
        assert_eq!(g4(0.001644), "0.001644");
        assert_eq!(g4(1.0), "1.000");
        assert_eq!(g4(0.0), "0");
        assert_eq!(g(0.5, 4), "0.5");
    }
}
