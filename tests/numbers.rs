//! Every number a page states is one the book's code prints, or one whose
//! source is written down here and checked where it can be.
//!
//! On every page of SUMMARY.md, in the prose and in the formulas (code spans
//! and fenced blocks are code and output, included from files and checked by
//! the tidy test), each number with a decimal point, an exponent or a `%` is
//! looked up among the numbers printed by:
//!
//! - the page's chapter at its default flags, and its `--help` (other pages:
//!   every chapter);
//! - the same chapter at the flags that the paragraph or list item names
//!   (`--outlier-size 100`, or `cargo run -p CHAPTER -- FLAGS`), so a "try
//!   this" line is checked against the run it describes.
//!
//! A stated number matches a printed token with its sign (`−0.5473` is not
//! `0.5473`, `0.0219` is not found inside `10.02195`); one with two or more
//! significant digits also matches a printed number that rounds to it (the
//! prose's `1.4` for the table's `1.4067`); a percentage `x%` matches `x%`
//! or a printed fraction that rounds to it (`30.1%` and `0.301`). The choices
//! of a "predict the output" question are left out: the wrong ones are false
//! on purpose, and `tests/predict.rs` checks the right one.
//!
//! What no chapter prints is in one of three lists: [`CONSTANTS`] (computed
//! here and compared), [`VERSIONS`] (read from Cargo.lock and the PyTorch
//! figures' files), and [`MEASURED`] (timings and sizes, with where and when
//! each was measured). A list entry that no page needs any more fails too.

use std::collections::{BTreeMap, BTreeSet};
use std::f64::consts::{LN_2, PI, SQRT_2};

use act_loss_book::chapters;
use book_kit::chapter::AnyChapter;

use crate::common::{book, outputs};

/// Numbers of mathematics that pages state inside or beside a formula: the
/// number as written, its value computed here, and what it is.
/// A number as written, how to compute it, and what it is.
type Constant = (&'static str, fn() -> f64, &'static str);

const CONSTANTS: &[Constant] = &[
    ("0.0", || 0.0, "an input exactly at ReLU's kink"),
    (
        "0.5",
        || 0.5,
        "one half: σ(0), a threshold, ReLU's share of active units",
    ),
    (
        "0.25",
        || 0.25,
        "σ'(0) = 1/4, the sigmoid derivative's maximum; 1/N for N = 4; torchvision's α",
    ),
    ("0.75", || 1.0 - 0.25, "1 − α for torchvision's α = 0.25"),
    (
        "0.044715",
        || 0.044715,
        "the constant of GELU's tanh approximation",
    ),
    ("-0.75", gelu_argmin, "where exact GELU is smallest"),
    ("0.707", || 1.0 / SQRT_2, "1/√2"),
    (
        "0.99999994",
        || f64::from((1.0 / (1.0 + (-17.0f64).exp())) as f32),
        "σ(17) rounded once to f32 (the naive 1/(1 + e^(−17)) in f32 gives 1)",
    ),
    ("1.414", || SQRT_2, "√2"),
    (
        "0.18",
        || (2.0f64 / 64.0).sqrt(),
        "√(2/64), Kaiming's standard deviation for 64 inputs",
    ),
    (
        "0.16",
        || (0.5702f64 / 1.4067).powi(2),
        "(0.5702 / 1.4067)², the ratio of two printed W factors, squared",
    ),
    (
        "0.15",
        || 5.0 * 0.03,
        "five Adam steps of at most the learning rate, 0.03",
    ),
    ("0.01", || 0.01, "LeakyReLU's default slope, 0.01 z"),
    (
        "0.1",
        || 0.1,
        "chapter 2's verdict line (first/last below 0.1), chapter 5's scan step",
    ),
    (
        "1.25",
        || 5.0 / 4.0,
        "δ/N for Huber's δ = 5 and N = 4 deliveries",
    ),
    (
        "0.8",
        || 1.0 - 0.02 * 10.0,
        "1 − lr · wd for lr 0.02 and weight decay 10",
    ),
    (
        "0.7",
        || 0.7,
        "the example probability in the definition of calibration",
    ),
    ("70%", || 70.0, "the same example, as a share"),
    ("3.7", || (-100.0f64).exp() * 1e44, "e^-100 ≈ 3.7 × 10^-44"),
    ("4.1", || (-17.0f64).exp() * 1e8, "e^-17 ≈ 4.1 × 10^-8"),
    (
        "4.140",
        || (-17.0f64).exp().ln_1p() * 1e8,
        "log(1 + e^-17) ≈ 4.140 × 10^-8",
    ),
    (
        "1.2",
        || 2f64.powi(-23) * 1e7,
        "2^-23 ≈ 1.2 × 10^-7, f32's spacing above 1",
    ),
    ("1.39", || 4f64.ln(), "log 4"),
    ("0.69", || LN_2, "log 2"),
    (
        "1.6",
        || 2.0 * (2.0 / PI).sqrt(),
        "2√(2/π), the mean of |2ε| for a standard normal ε",
    ),
    ("0.73", || 1.0 / (1.0 + (-1.0f64).exp()), "σ(1)"),
    (
        "0.398942",
        || 1.0 / (2.0 * PI).sqrt(),
        "1/√(2π), rounded to six digits by Candle",
    ),
    (
        "0.797885",
        || (2.0 / PI).sqrt(),
        "√(2/π), rounded to six digits by Candle",
    ),
    (
        "1.8",
        || 2f64.powi(64) / 1e19,
        "the divisor whose square overflows f32: b² > 3.4e38 for b > 1.8 × 10^19",
    ),
];

/// Where exact GELU, z · Φ(z), is smallest: a search on a 0.0001 grid, with
/// erf from Abramowitz and Stegun 7.1.26 (error below 1.5e-7).
fn gelu_argmin() -> f64 {
    let erf = |x: f64| {
        let t = 1.0 / (1.0 + 0.3275911 * x.abs());
        let poly = t
            * (0.254829592
                + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        (1.0 - poly * (-x * x).exp()).copysign(x)
    };
    let gelu = |z: f64| 0.5 * z * (1.0 + erf(z / SQRT_2));
    (0..20000)
        .map(|i| -2.0 + i as f64 * 1e-4)
        .min_by(|a, b| gelu(*a).total_cmp(&gelu(*b)))
        .unwrap_or(0.0)
}

/// Versions the pages name, each checked against where it is pinned.
const VERSIONS: &[(&str, &str)] = &[
    ("0.11", "Candle and candle-nn, as locked in Cargo.lock"),
    (
        "2.15",
        "PyTorch, as written in the chapters' pytorch-figures.toml",
    ),
];

/// Timings and sizes: `(page, number, where and when it was measured)`.
const MEASURED: &[(&str, &str, &str)] = &[
    (
        "ch07-matching-loss-to-task",
        "57.7",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "62.5",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "77.9",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "198.1",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "47.0",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "51.7",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "67.4",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "166.1",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "34.5",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "39.5",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "54.4",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "128.4",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "28.2",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "33.2",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "47.4",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "108.8",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "24.1",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "28.8",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "43.7",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "96.6",
        "`cargo run --release -p ch07-matching-loss-to-task -- --timing` with the row's flags, fastest of 8, round-robin over the rows, side by side with `tools/bench-ch07-pytorch.py`, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "53.7",
        "`cargo run -p ch07-matching-loss-to-task -- --timing` in the dev profile, fastest of 8, round-robin with the release rows, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "59.7",
        "`cargo run -p ch07-matching-loss-to-task -- --timing` in the dev profile, fastest of 8, round-robin with the release rows, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "78.1",
        "`cargo run -p ch07-matching-loss-to-task -- --timing` in the dev profile, fastest of 8, round-robin with the release rows, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "191.5",
        "`cargo run -p ch07-matching-loss-to-task -- --timing` in the dev profile, fastest of 8, round-robin with the release rows, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "82.4",
        "`tools/bench-ch07-pytorch.py 8`, PyTorch 2.15.0, 2 threads, fastest of 8, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "85.4",
        "`tools/bench-ch07-pytorch.py 8`, PyTorch 2.15.0, 2 threads, fastest of 8, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "96.8",
        "`tools/bench-ch07-pytorch.py 8`, PyTorch 2.15.0, 2 threads, fastest of 8, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "264.6",
        "`tools/bench-ch07-pytorch.py 8`, PyTorch 2.15.0, 2 threads, fastest of 8, 2-core machine, 2026-12-07",
    ),
    (
        "ch07-matching-loss-to-task",
        "10.7",
        "the plain forms' and `--bias-add broadcast`'s regression timings above, 57.7 − 47.0, per 200-step loop",
    ),
    (
        "ch07-matching-loss-to-task",
        "0.41",
        "the ratio 108.8 / 264.6 of the timings above",
    ),
    (
        "ch07-matching-loss-to-task",
        "30%",
        "run-to-run variation of the timings over the 8 runs, 2026-12-07",
    ),
    (
        "ch03-regression-losses",
        "3.2",
        "`--lr 0.01 --steps 1000 --time`, best of 3, dev build, 2-core machine, 2026-12-06",
    ),
    (
        "ch06-class-weighting",
        "1.4",
        "`--hidden 16 --time`, best of 3 (1.397 s), dev build, 2-core machine, 2026-12-06",
    ),
    (
        "ch10-candle-vs-pytorch",
        "0.32",
        "chapter 4's `--time` after caching RAYON_NUM_THREADS (`book_kit::cli::cache_thread_count`), 2-core machine, 2026-11-29 (commit cf0fa6c)",
    ),
    (
        "ch10-candle-vs-pytorch",
        "0.71",
        "chapter 4's `--time` before that cache, 2-core machine, 2026-11-29 (commit cf0fa6c)",
    ),
    (
        "workshop",
        "2.0",
        "`cargo run -p ch02-vanishing-gradients -- --depth 60 --time`, best of 3 (2.027 s), 2-core machine, 2026-12-06",
    ),
    (
        "workshop",
        "1.2",
        "disk under target/ after `cargo run --bin book` and `cargo exercise`, fresh clone, 2026-12-07 (README)",
    ),
    (
        "workshop",
        "2.7",
        "disk under target/ after both test builds, fresh clone, 2026-12-07 (README)",
    ),
    (
        "workshop",
        "6.3",
        "the first `cargo exercise` after `cargo run --bin book`, fresh clone, vendored, offline, 2-core machine, 2026-12-07 (README)",
    ),
    (
        "running",
        "1.2",
        "disk under target/ after `cargo run --bin book` and `cargo exercise`, fresh clone, 2026-12-07 (README)",
    ),
];

/// One number as a page states it.
#[derive(Clone, Debug, PartialEq)]
struct Stated {
    /// As written, with `−` read as `-`: `-0.5473`, `30.1%`, `1.793e-9`.
    text: String,
    value: f64,
    percent: bool,
    /// Digits after the decimal point (of the mantissa).
    decimals: usize,
    /// Significant digits.
    significant: usize,
}

/// Every number in `text` with a decimal point, an exponent or a `%`, with
/// the sign written before it (`-` or `−`, not after a letter or digit).
/// A number glued to letters or to a further `.digit` (`f32`, `1.98.1`) is a
/// name, not a figure.
fn stated_numbers(text: &str) -> Vec<Stated> {
    let text = text.replace('−', "-");
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit()
            && (i == 0
                || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.' || b[i - 1] == b'_'));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let mut decimals = 0;
        if j + 1 < b.len() && b[j] == b'.' && b[j + 1].is_ascii_digit() {
            j += 1;
            let d = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            decimals = j - d;
        }
        let mantissa_end = j;
        let mut exponent = false;
        if j + 1 < b.len() && b[j] == b'e' {
            let mut k = j + 1;
            if k < b.len() && (b[k] == b'-' || b[k] == b'+') {
                k += 1;
            }
            if k < b.len() && b[k].is_ascii_digit() {
                while k < b.len() && b[k].is_ascii_digit() {
                    k += 1;
                }
                j = k;
                exponent = true;
            }
        }
        let percent = j < b.len() && b[j] == b'%';
        let glued = j < b.len()
            && (b[j].is_ascii_alphabetic()
                || b[j] == b'_'
                || (b[j] == b'.' && j + 1 < b.len() && b[j + 1].is_ascii_digit()));
        if (decimals > 0 || exponent || percent) && !glued {
            let negative = i > 0
                && b[i - 1] == b'-'
                && (i < 2 || !(b[i - 2].is_ascii_alphanumeric() || b[i - 2] == b')'));
            let start = if negative { i - 1 } else { i };
            let digits = &text[start..j];
            let significant = text[i..mantissa_end]
                .trim_start_matches(['0', '.'])
                .bytes()
                .filter(u8::is_ascii_digit)
                .count();
            out.push(Stated {
                text: format!("{digits}{}", if percent { "%" } else { "" }),
                value: digits.parse().unwrap_or(f64::NAN),
                percent,
                decimals,
                significant,
            });
        }
        i = j.max(i + 1);
    }
    out
}

/// The numeric tokens of printed text, as printed, with their values.
fn printed_tokens(text: &str) -> BTreeMap<String, f64> {
    stated_numbers(text)
        .into_iter()
        .map(|s| (s.text, s.value))
        .collect()
}

/// Whether `n` is one of `printed`'s tokens, or a rounding of one (see the
/// module's header).
fn is_printed(n: &Stated, printed: &BTreeMap<String, f64>, min_rounded: usize) -> bool {
    if printed.contains_key(&n.text) {
        return true;
    }
    let half_unit = 0.5 * 10f64.powi(-(n.decimals as i32)) + 1e-12;
    if n.percent {
        return printed
            .iter()
            .any(|(t, v)| !t.ends_with('%') && (100.0 * v - n.value).abs() <= half_unit);
    }
    n.significant >= min_rounded
        && !n.text.contains('e')
        && printed.iter().any(|(t, v)| {
            !t.ends_with('%')
                && !t.contains('e')
                && v.is_sign_negative() == n.value.is_sign_negative()
                && (v - n.value).abs() <= half_unit
        })
}

/// The page without its code: fenced blocks and inline code spans removed
/// (formulas kept), as paragraphs and list items, each with the flags its
/// code spans name.
fn blocks(page: &str) -> Vec<(String, Vec<String>, Option<String>)> {
    let mut out = Vec::new();
    let outside_fences: Vec<&str> = page.split("```").step_by(2).collect();
    for part in outside_fences {
        let mut current: Vec<&str> = Vec::new();
        let mut flush = |lines: &mut Vec<&str>| {
            if lines.is_empty() {
                return;
            }
            let text = lines.join("\n");
            lines.clear();
            let spans: Vec<&str> = text.split('`').skip(1).step_by(2).collect();
            let flags = spans
                .iter()
                .filter_map(|s| {
                    let s = s.trim();
                    if s.starts_with("--") {
                        Some(s.to_string())
                    } else {
                        s.split_once(" -- ").map(|(_, f)| f.trim().to_string())
                    }
                })
                .filter(|f| !f.chars().any(|c| c.is_ascii_uppercase()))
                .collect();
            // the chapter a `cargo run -p CHAPTER -- FLAGS` span names, for
            // pages that are not a chapter's own
            let named = spans.iter().find_map(|s| {
                s.trim()
                    .strip_prefix("cargo run -p ")
                    .and_then(|r| r.split_whitespace().next())
                    .map(str::to_string)
            });
            let prose: String = text.split('`').step_by(2).collect::<Vec<_>>().join(" ");
            out.push((prose, flags, named));
        };
        for line in part.lines() {
            let item = line.trim_start().starts_with("- ") || line.trim_start().starts_with("> ");
            if line.trim().is_empty() || item {
                flush(&mut current);
            }
            // the choices of a predict-the-output question
            let choice = line.trim_start().starts_with("- **")
                && line.trim_start()[4..].starts_with(|c: char| c.is_ascii_uppercase())
                && line.contains(".**");
            if !line.trim().is_empty() && !choice {
                current.push(line);
            }
        }
        flush(&mut current);
    }
    out
}

/// Every page of SUMMARY.md, by file stem.
fn summary_pages() -> Vec<String> {
    let summary = std::fs::read_to_string(book().src().join("SUMMARY.md")).unwrap();
    summary
        .split("](")
        .skip(1)
        .filter_map(|s| s.split(".md)").next())
        .map(|s| s.trim_start_matches("./").to_string())
        .collect()
}

/// What a chapter prints at its defaults, and its `--help`.
fn chapter_tokens(ch: &dyn AnyChapter) -> BTreeMap<String, f64> {
    let (_, output) = outputs()
        .iter()
        .find(|(c, _)| c.name() == ch.name())
        .expect("every chapter has an output");
    let help = ch.command().render_long_help().to_string();
    printed_tokens(&format!("{}\n{help}", output.text()))
}

#[test]
fn every_number_a_page_states_is_printed_or_has_its_source_here() {
    let all: String = outputs().iter().map(|(_, o)| o.text()).collect();
    let all_tokens = printed_tokens(&all);
    let mut runs: BTreeMap<(String, String), BTreeMap<String, f64>> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut used = BTreeSet::new();
    let mut checked = 0;
    for page in summary_pages() {
        let md = std::fs::read_to_string(book().src().join(format!("{page}.md"))).unwrap();
        let own = chapters::find(&page);
        let base = own
            .map(chapter_tokens)
            .unwrap_or_else(|| all_tokens.clone());
        // On a page that is not a chapter's, the pool is every chapter's
        // output, so a rounding must keep three significant digits.
        let min_rounded = if own.is_some() { 2 } else { 3 };
        for (prose, flags, named) in blocks(&md) {
            let mut printed = base.clone();
            // the flags' own values are stated in code on the page
            for f in &flags {
                printed.extend(printed_tokens(f));
            }
            let stated = stated_numbers(&prose);
            // the runs at the block's flags, only when a number needs them
            let run_by = own.or_else(|| named.as_deref().and_then(chapters::find));
            if let Some(ch) =
                run_by.filter(|_| stated.iter().any(|n| !is_printed(n, &printed, min_rounded)))
            {
                for f in &flags {
                    let key = (ch.name().to_string(), f.clone());
                    if !runs.contains_key(&key) {
                        let args: Vec<&str> = f.split_whitespace().collect();
                        let tokens = ch
                            .output_for(&args)
                            .map(|o| printed_tokens(&o.text()))
                            .unwrap_or_default();
                        runs.insert(key.clone(), tokens);
                    }
                    printed.extend(runs[&key].clone());
                }
            }
            for n in stated {
                checked += 1;
                // a listed timing or size is what it is, whatever else matches
                if MEASURED.iter().any(|(p, t, _)| *p == page && *t == n.text) {
                    used.insert(format!("{page} {}", n.text));
                    continue;
                }
                if let Some((t, f, what)) = CONSTANTS.iter().find(|(t, _, _)| *t == n.text) {
                    let half_unit = 0.5 * 10f64.powi(-(n.decimals as i32));
                    assert!(
                        (f() - n.value).abs() <= half_unit + 1e-12,
                        "CONSTANTS: {t} is not {what} ({})",
                        f()
                    );
                    used.insert(format!("constant {t}"));
                    continue;
                }
                if VERSIONS.iter().any(|(v, _)| *v == n.text) {
                    used.insert(format!("version {}", n.text));
                    continue;
                }
                if is_printed(&n, &printed, min_rounded) {
                    continue;
                }
                problems.push(format!("{page}.md: {}", n.text));
            }
        }
    }
    for (t, _, _) in CONSTANTS {
        if !used.contains(&format!("constant {t}")) {
            problems.push(format!("CONSTANTS has {t}, which no page needs"));
        }
    }
    for (page, t, _) in MEASURED {
        if !used.contains(&format!("{page} {t}")) {
            problems.push(format!(
                "MEASURED has {t} for {page}.md, which it no longer states"
            ));
        }
    }
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} numbers stated but not printed (stale, or typed by hand?):\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(checked > 300, "only {checked} numbers found on the pages");
}

#[test]
fn the_versions_the_pages_name_are_the_pinned_ones() {
    let lock = std::fs::read_to_string(book().root().join("Cargo.lock")).unwrap();
    for krate in ["candle-core", "candle-nn"] {
        let entry = format!("name = \"{krate}\"\nversion = \"0.11.");
        assert!(
            lock.contains(&entry),
            "Cargo.lock does not lock {krate} 0.11"
        );
    }
    for ch in ["ch05-naive-bce-nan", "ch07-matching-loss-to-task"] {
        let file = book()
            .root()
            .join("chapters")
            .join(ch)
            .join("pytorch-figures.toml");
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.contains("pytorch = \"2.15."),
            "{}: not PyTorch 2.15",
            file.display()
        );
    }
    assert_eq!(VERSIONS.len(), 2, "a new version needs its check here");
}

#[test]
fn numbers_are_read_whole_with_their_sign() {
    let found: Vec<String> = stated_numbers(
        "at −0.5473 and 0.0219; 30.1% of 1.98.1 f32 x2.5 e-3, 1.793e-9 and 12 and a-0.5",
    )
    .into_iter()
    .map(|s| s.text)
    .collect();
    assert_eq!(found, ["-0.5473", "0.0219", "30.1%", "1.793e-9", "0.5"]);
    let printed = printed_tokens("loss 10.02195  rate 0.301  -0.5473  1.4067");
    let n = |t: &str| stated_numbers(t).remove(0);
    assert!(
        !is_printed(&n("0.0219"), &printed, 2),
        "a substring of 10.02195"
    );
    assert!(
        !is_printed(&n("0.5473"), &printed, 2),
        "the printed one is negative"
    );
    assert!(is_printed(&n("−0.5473"), &printed, 2));
    assert!(is_printed(&n("30.1%"), &printed, 2), "0.301 is 30.1%");
    assert!(!is_printed(&n("30.2%"), &printed, 2));
    assert!(is_printed(&n("1.4"), &printed, 2), "1.4067 rounds to 1.4");
    assert!(!is_printed(&n("1.5"), &printed, 2));
    assert!(
        !is_printed(&n("0.3"), &printed, 2),
        "one significant digit: no rounding"
    );
    assert!(
        !is_printed(&n("1.4"), &printed, 3),
        "two digits are not enough on a page of every chapter"
    );
}

#[test]
fn paragraphs_carry_their_flags_and_choices_are_left_out() {
    let page = "Text 1.25 here\nand `--lr 0.1` there.\n\n- `--seed 7`: 0.75\n- **A.** 9.99, wrong\n\nLast `cargo run -p ch01-x -- --at -6` 2.5";
    let b = blocks(page);
    assert_eq!(b.len(), 3, "{b:?}");
    assert_eq!(b[0].1, ["--lr 0.1"]);
    assert!(b[0].0.contains("1.25") && !b[0].0.contains("0.1"));
    assert_eq!(b[1].1, ["--seed 7"]);
    assert_eq!(b[2].1, ["--at -6"]);
    assert_eq!(b[2].2.as_deref(), Some("ch01-x"));
    assert_eq!(b[0].2, None);
    assert!(b.iter().all(|(p, _, _)| !p.contains("9.99")));
}
