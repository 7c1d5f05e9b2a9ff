//! Line charts drawn into an SVG `String`.
//!
//! plotters is built without its font features, so text is laid out by its
//! own metrics, without system fonts: the same chart gives the same bytes on
//! every machine. The caller decides where the SVG goes.
//!
//! Every plot reads without colour: each series has its own dash pattern as
//! well as its own colour, and the legend draws the same pattern, so a chart
//! reads in greyscale and on paper. And every plot says what it shows in
//! words: [`LineChart::describe`] writes its alternative text from the same
//! title, series and ranges the SVG is drawn from; the book writes it beside
//! the SVG (`NAME.alt.txt`), and the page's `![…](plots/…)` includes it.

use std::fmt;

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

/// One named curve. Points with a non-finite coordinate break the line.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64)>,
}

impl Series {
    pub fn new(label: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Self {
            label: label.into(),
            points,
        }
    }
}

/// `n` evenly spaced points from `lo` to `hi`, both included.
pub fn linspace(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    match n {
        0 => vec![],
        1 => vec![lo],
        _ => (0..n)
            .map(|i| lo + (hi - lo) * i as f64 / (n - 1) as f64)
            .collect(),
    }
}

/// A line chart: title, axis labels, series, and the ranges to show.
#[derive(Clone, Debug, PartialEq)]
pub struct LineChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    /// The x range; `None` fits the data.
    pub x_range: Option<(f64, f64)>,
    /// The y range; `None` fits the data (with a margin).
    pub y_range: Option<(f64, f64)>,
    /// A logarithmic y axis; non-positive values are left out.
    pub log_y: bool,
    /// Width and height in pixels.
    pub size: (u32, u32),
    /// Where the legend goes, so it does not hide the data.
    pub legend: Legend,
}

/// Text sizes in pixels of the 640-pixel-wide canvas. A phone shows a plot
/// about 290 pixels wide (a 400-pixel screen less mdBook's margins), so the
/// smallest text, 19 px here, still reads at 8.6 px there.
const FONT_TEXT: u32 = 19;
const FONT_AXIS: u32 = 21;
const FONT_TITLE: u32 = 25;

/// Series colours, in order: Tableau 10, dark enough to read on white
/// (plotters' own palette starts with a pale yellow).
const COLORS: [(u8, u8, u8); 10] = [
    (0x1f, 0x77, 0xb4),
    (0xd6, 0x27, 0x28),
    (0x2c, 0xa0, 0x2c),
    (0xff, 0x7f, 0x0e),
    (0x94, 0x67, 0xbd),
    (0x8c, 0x56, 0x4b),
    (0xe3, 0x77, 0xc2),
    (0x7f, 0x7f, 0x7f),
    (0xbc, 0xbd, 0x22),
    (0x17, 0xbe, 0xcf),
];

/// Series dash patterns (SVG `stroke-dasharray`, in pixels), in the same
/// order as [`COLORS`]: solid, dashed, dotted, dash-dot, ... so that series
/// are told apart without colour. The legend's sample line is long enough
/// ([`LEGEND_SAMPLE`]) to show a whole period of each.
const DASHES: [Option<&str>; 10] = [
    None,
    Some("12 6"),
    Some("2 4"),
    Some("16 5 3 5"),
    Some("6 4"),
    Some("16 4 3 4 3 4"),
    Some("26 6"),
    Some("8 3 2 3"),
    Some("2 3 2 9"),
    Some("20 4 8 4"),
];

/// The names of the dash patterns, for tests and the legend's reader.
pub const DASH_NAMES: [&str; 10] = [
    "solid",
    "dashed",
    "dotted",
    "dash-dot",
    "short dashes",
    "dash-dot-dot",
    "long dashes",
    "dash-dot, short",
    "double dots",
    "long and short dashes",
];

/// Width in pixels of the legend's sample of each line.
const LEGEND_SAMPLE: i32 = 44;

/// A corner of the plotting area for the legend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Legend {
    #[default]
    UpperLeft,
    UpperRight,
    LowerLeft,
    LowerRight,
}

impl LineChart {
    pub fn new(
        title: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
    ) -> Self {
        Self {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            series: Vec::new(),
            x_range: None,
            y_range: None,
            log_y: false,
            size: (640, 420),
            legend: Legend::UpperLeft,
        }
    }
    pub fn legend(mut self, corner: Legend) -> Self {
        self.legend = corner;
        self
    }
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }
    pub fn series(mut self, s: Series) -> Self {
        self.series.push(s);
        self
    }
    pub fn x_range(mut self, lo: f64, hi: f64) -> Self {
        self.x_range = Some((lo, hi));
        self
    }
    pub fn y_range(mut self, lo: f64, hi: f64) -> Self {
        self.y_range = Some((lo, hi));
        self
    }
    pub fn log_y(mut self) -> Self {
        self.log_y = true;
        self
    }

    /// The x and y ranges the chart shows: the ones set, or the data's.
    pub fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let usable =
            |(x, y): &(f64, f64)| x.is_finite() && y.is_finite() && (!self.log_y || *y > 0.0);
        let pts = || {
            self.series
                .iter()
                .flat_map(|s| s.points.iter())
                .filter(|p| usable(p))
        };
        let x = self
            .x_range
            .unwrap_or_else(|| bounds(pts().map(|p| p.0), false));
        let y = self
            .y_range
            .unwrap_or_else(|| bounds(pts().map(|p| p.1), !self.log_y));
        (x, y)
    }

    /// The chart in words, for the image's alternative text: its title, what
    /// it draws (each series' label), and each axis with its label and the
    /// range shown (and a log scale), all read from the chart itself. Plain
    /// text, one line.
    pub fn describe(&self) -> String {
        let ((x0, x1), (y0, y1)) = self.ranges();
        let mut out = self.title.trim().trim_end_matches('.').to_string();
        out.push_str(". ");
        let labels: Vec<&str> = self
            .series
            .iter()
            .map(|s| s.label.trim())
            .filter(|l| !l.is_empty())
            .collect();
        let n = self.series.len();
        match (n, labels.len()) {
            (0, _) => out.push_str("An empty line chart"),
            (1, 0) => out.push_str("A line chart of one curve"),
            (_, 0) => out.push_str(&format!("A line chart of {n} curves")),
            (1, _) => out.push_str(&format!("A line chart of one curve, {}", labels[0])),
            _ => {
                let unlabelled = n - labels.len();
                out.push_str(&format!("A line chart of {n} curves: {}", list(&labels)));
                if unlabelled > 0 {
                    out.push_str(&format!(" and {unlabelled} unlabelled"));
                }
            }
        }
        let axis = |name: &str, label: &str, lo: f64, hi: f64, log: bool| {
            let span = if log { 0.0 } else { hi - lo };
            let label = label.trim();
            format!(
                "{name} axis{} from {} to {}{}",
                if label.is_empty() {
                    String::new()
                } else {
                    format!(": {label},")
                },
                tick_label(lo, span),
                tick_label(hi, span),
                if log && !label.contains("log") {
                    ", log scale"
                } else {
                    ""
                }
            )
        };
        out.push_str(&format!(
            ". {}; {}.",
            axis("x", &self.x_label, x0, x1, false),
            axis("y", &self.y_label, y0, y1, self.log_y)
        ));
        out
    }

    /// Draws the chart as an SVG document.
    pub fn to_svg(&self) -> Result<String, PlotError> {
        let ((x0, x1), (y0, y1)) = self.ranges();
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, self.size).into_drawing_area();
            let clip = Clip {
                x: (x0, x1),
                y: (y0, y1),
                log_y: self.log_y,
            };
            if self.log_y {
                // plotters labels a log axis at powers of ten only, which
                // leaves a one-decade chart with two labels: add 2 and 5.
                let ticks = log_ticks(y0, y1);
                self.draw(
                    &root,
                    x0..x1,
                    (y0..y1).log_scale().with_key_points(ticks),
                    &clip,
                )?;
            } else {
                self.draw(&root, x0..x1, y0..y1, &clip)?;
            }
            root.present().map_err(PlotError::from_plotters)?;
        }
        Ok(dash_series(&svg, self.series.len()))
    }

    fn draw<Y>(
        &self,
        root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
        x: std::ops::Range<f64>,
        y: Y,
        clip: &Clip,
    ) -> Result<(), PlotError>
    where
        Y: AsRangedCoord<Value = f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        let e = PlotError::from_plotters;
        // No background: the page's shows through, and the book's stylesheet
        // inverts the (black) ink on its dark themes.
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", FONT_TITLE))
            .margin(14)
            .x_label_area_size(52)
            .y_label_area_size(84)
            .build_cartesian_2d(x, y)
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .axis_desc_style(("sans-serif", FONT_AXIS))
            .label_style(("sans-serif", FONT_TEXT))
            .x_label_formatter(&|v| tick_label(*v, clip.x.1 - clip.x.0))
            .y_label_formatter(&|v| {
                tick_label(*v, if clip.log_y { 0.0 } else { clip.y.1 - clip.y.0 })
            })
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(e)?;
        for (i, s) in self.series.iter().enumerate() {
            let (r, g, b) = COLORS[i % COLORS.len()];
            let color = RGBColor(r, g, b).to_rgba();
            let style = color.stroke_width(2);
            let mut first = true;
            for segment in clip.segments(&s.points) {
                let drawn = chart
                    .draw_series(LineSeries::new(segment.iter().copied(), style))
                    .map_err(e)?;
                if first {
                    drawn.label(&s.label).legend(move |(x, y)| {
                        PathElement::new(
                            vec![(x, y), (x + LEGEND_SAMPLE, y)],
                            color.stroke_width(2),
                        )
                    });
                    first = false;
                }
            }
        }
        if self.series.len() > 1 || self.series.iter().any(|s| !s.label.is_empty()) {
            chart
                .configure_series_labels()
                .position(match self.legend {
                    Legend::UpperLeft => SeriesLabelPosition::UpperLeft,
                    Legend::UpperRight => SeriesLabelPosition::UpperRight,
                    Legend::LowerLeft => SeriesLabelPosition::LowerLeft,
                    Legend::LowerRight => SeriesLabelPosition::LowerRight,
                })
                .legend_area_size(LEGEND_SAMPLE + 10)
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .label_font(("sans-serif", FONT_TEXT))
                .draw()
                .map_err(e)?;
        }
        Ok(())
    }
}

/// "a", "a and b", "a, b and c"; "a; b, c; and d" when an item has a comma.
fn list(items: &[&str]) -> String {
    let (sep, last_sep) = if items.iter().any(|i| i.contains(',')) {
        ("; ", "; and ")
    } else {
        (", ", " and ")
    };
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{}{last_sep}{last}", init.join(sep)),
    }
}

/// Gives each series' lines, in the plot and in the legend, its dash pattern.
/// plotters 0.3 has no dash style for a path (its `DashedLineSeries` cuts a
/// line into one SVG element per dash, restarting at every break), so the
/// pattern goes on as an SVG attribute: a series is drawn in its own colour
/// ([`COLORS`], which no other element uses), so each `<polyline>` with that
/// stroke is one of its lines or its legend sample.
fn dash_series(svg: &str, series: usize) -> String {
    let mut out = svg.to_string();
    for i in 0..series.min(COLORS.len()) {
        if let Some(dash) = DASHES[i] {
            let (r, g, b) = COLORS[i];
            let stroke = format!("stroke=\"#{r:02X}{g:02X}{b:02X}\" ");
            out = out.replace(
                &format!("<polyline fill=\"none\" opacity=\"1\" {stroke}"),
                &format!(
                    "<polyline fill=\"none\" opacity=\"1\" {stroke}stroke-dasharray=\"{dash}\" "
                ),
            );
        }
    }
    out
}

/// The visible rectangle: lines leaving it are cut at its edge, so a curve
/// that runs off the chart does not appear to level off along the border.
struct Clip {
    x: (f64, f64),
    y: (f64, f64),
    log_y: bool,
}

impl Clip {
    /// y in the space where lines are straight: log10(y) on a log axis.
    fn fy(&self, y: f64) -> f64 {
        if self.log_y { y.log10() } else { y }
    }
    fn inv_fy(&self, y: f64) -> f64 {
        if self.log_y { 10f64.powf(y) } else { y }
    }

    /// The visible pieces of a polyline. Non-finite points (and non-positive
    /// ones on a log axis) break the line.
    fn segments(&self, points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
        let usable =
            |(x, y): (f64, f64)| x.is_finite() && y.is_finite() && (!self.log_y || y > 0.0);
        let (y0, y1) = (self.fy(self.y.0), self.fy(self.y.1));
        let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut current: Vec<(f64, f64)> = Vec::new();
        let mut flush = |current: &mut Vec<(f64, f64)>| {
            if current.len() > 1 {
                out.push(std::mem::take(current));
            } else {
                current.clear();
            }
        };
        for w in points.windows(2) {
            let (p, q) = (w[0], w[1]);
            if !usable(p) || !usable(q) {
                flush(&mut current);
                continue;
            }
            let a = (p.0, self.fy(p.1));
            let b = (q.0, self.fy(q.1));
            match clip_segment(a, b, self.x, (y0.min(y1), y0.max(y1))) {
                None => flush(&mut current),
                Some((c, d)) => {
                    let c = (c.0, self.inv_fy(c.1));
                    let d = (d.0, self.inv_fy(d.1));
                    if current.last() != Some(&c) {
                        flush(&mut current);
                        current.push(c);
                    }
                    current.push(d);
                }
            }
        }
        flush(&mut current);
        out
    }
}

/// Liang–Barsky: the part of segment `a`–`b` inside the rectangle, if any.
/// Endpoints inside are returned unchanged, so consecutive pieces join exactly.
fn clip_segment(
    a: (f64, f64),
    b: (f64, f64),
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.0 - x0),
        (dx, x1 - a.0),
        (-dy, a.1 - y0),
        (dy, y1 - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| {
        if t == 0.0 {
            a
        } else if t == 1.0 {
            b
        } else {
            (a.0 + t * dx, a.1 + t * dy)
        }
    };
    Some((at(t0), at(t1)))
}

/// An axis tick: at most four significant digits, trailing zeros trimmed,
/// scientific notation for very small or large magnitudes (log axes), and
/// never "-0". `span` is the axis range on a linear axis (0 on a log axis):
/// a tick that is zero up to rounding prints as 0.
fn tick_label(v: f64, span: f64) -> String {
    if v == 0.0 || v.abs() < span.abs() * 1e-9 {
        return "0".to_string();
    }
    let a = v.abs();
    if !(1e-3..1e4).contains(&a) {
        let s = format!("{v:.2e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return format!("{mantissa}e{exp}");
    }
    crate::table::g(v, 4)
}

/// Tick values for a log axis from `lo` to `hi`: 1, 2 and 5 times each power
/// of ten when the range spans few decades, powers of ten when it spans many.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    if !(lo > 0.0 && hi.is_finite()) {
        return Vec::new();
    }
    let decades = (hi / lo).log10();
    let steps: &[f64] = if decades <= 4.0 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0]
    };
    let stride = (decades / 8.0).ceil().max(1.0) as i32;
    let first = lo.log10().floor() as i32;
    let last = hi.log10().ceil() as i32;
    (first..=last)
        .filter(|k| (k - first) % stride == 0)
        .flat_map(|k| steps.iter().map(move |m| m * 10f64.powi(k)))
        .filter(|v| (lo..=hi).contains(v))
        .collect()
}

/// The range of `values`, widened by 5% on each side when `pad` is set;
/// `(0, 1)` when there are none.
fn bounds(values: impl Iterator<Item = f64>, pad: bool) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if lo == hi {
        return (lo - 1.0, hi + 1.0);
    }
    if pad {
        let m = 0.05 * (hi - lo);
        (lo - m, hi + m)
    } else {
        (lo, hi)
    }
}

/// A chart that could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotError(pub String);

impl PlotError {
    fn from_plotters<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> Self {
        PlotError(e.to_string())
    }
}

impl fmt::Display for PlotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot draw chart: {}", self.0)
    }
}

impl std::error::Error for PlotError {}

/// A named SVG, as chapters return their plots: `name` is the file stem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plot {
    pub name: String,
    pub svg: String,
    /// What the plot shows, in words ([`LineChart::describe`]).
    pub alt: String,
}

impl Plot {
    pub fn new(name: impl Into<String>, chart: &LineChart) -> Result<Self, PlotError> {
        Ok(Self {
            name: name.into(),
            svg: chart.to_svg()?,
            alt: chart.describe(),
        })
    }
    /// The file name the plot is written under, `name.svg`.
    pub fn file_name(&self) -> String {
        format!("{}.svg", self.name)
    }
    /// The file its alternative text is written under, `name.alt.txt`.
    pub fn alt_file_name(&self) -> String {
        format!("{}.alt.txt", self.name)
    }
    /// The alternative text as the book's pages include it inside
    /// `![…](…)`: Markdown, with every character that Markdown (or mdBook's
    /// `{{#…}}`) could read as syntax escaped by a backslash, and no final
    /// newline, so the image stays on one line. Rendered, it is [`Self::alt`].
    pub fn alt_markdown(&self) -> String {
        let mut out = String::with_capacity(self.alt.len() + 8);
        for c in self.alt.chars() {
            if matches!(
                c,
                '\\' | '`'
                    | '*'
                    | '_'
                    | '['
                    | ']'
                    | '<'
                    | '>'
                    | '{'
                    | '}'
                    | '!'
                    | '&'
                    | '|'
                    | '~'
                    | '#'
            ) {
                out.push('\\');
            }
            out.push(if c == '\n' { ' ' } else { c });
        }
        out
    }
    /// How a page shows the plot of chapter `chapter`: the image, its
    /// alternative text included from the file the book writes.
    pub fn markdown(&self, chapter: &str) -> String {
        format!(
            "![{{{{#include plots/{chapter}/{}}}}}](plots/{chapter}/{})",
            self.alt_file_name(),
            self.file_name()
        )
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn log_ticks_add_two_and_five_within_a_few_decades() {
        assert_eq!(log_ticks(0.05, 2.0), vec![0.05, 0.1, 0.2, 0.5, 1.0, 2.0]);
        assert_eq!(log_ticks(1e-12, 1.0).len(), 7);
        assert!(log_ticks(0.0, 1.0).is_empty());
    }

    fn sampled(f: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
        linspace(-6.0, 6.0, 50)
            .into_iter()
            .map(|x| (x, f(x)))
            .collect()
    }

    #[test]
    fn draws_the_same_bytes_twice_with_title_and_legend() {
        let chart = LineChart::new("Sigmoid", "z", "f(z)")
            .series(Series::new("f", sampled(|z| 1.0 / (1.0 + (-z).exp()))))
            .series(Series::new(
                "f'",
                sampled(|z| {
                    let s = 1.0 / (1.0 + (-z).exp());
                    s * (1.0 - s)
                }),
            ));
        let a = chart.to_svg().unwrap();
        assert_eq!(a, chart.to_svg().unwrap());
        assert!(a.starts_with("<svg"));
        for text in [">\nSigmoid\n<", ">\nf(z)\n<", ">\nf&apos;\n<", ">\nz\n<"] {
            assert!(a.contains(text), "{text} missing from the SVG:\n{a}");
        }
    }

    #[test]
    fn lines_are_cut_at_the_edge_of_the_visible_range() {
        let clip = Clip {
            x: (0.0, 10.0),
            y: (0.0, 1.0),
            log_y: false,
        };
        // up from (0, 0) to (2, 2): leaves the chart at (1, 1); comes back down later
        let segs = clip.segments(&[(0.0, 0.0), (2.0, 2.0), (4.0, 2.0), (6.0, 0.0), (8.0, 0.0)]);
        assert_eq!(
            segs,
            vec![
                vec![(0.0, 0.0), (1.0, 1.0)],
                vec![(5.0, 1.0), (6.0, 0.0), (8.0, 0.0)]
            ]
        );
        // a NaN breaks the line
        let segs = clip.segments(&[(0.0, 0.5), (1.0, f64::NAN), (2.0, 0.5), (3.0, 0.5)]);
        assert_eq!(segs, vec![vec![(2.0, 0.5), (3.0, 0.5)]]);
    }

    #[test]
    fn tick_labels_are_short_and_never_minus_zero() {
        assert_eq!(tick_label(-0.0, 1.0), "0");
        assert_eq!(tick_label(-5.551115123125783e-17, 2.0), "0");
        assert_eq!(tick_label(0.25, 1.0), "0.25");
        assert_eq!(tick_label(3.0, 6.0), "3");
        assert_eq!(tick_label(9.99999999e-5, 0.0), "1e-4");
        assert_eq!(tick_label(2.5e-7, 0.0), "2.5e-7");
        assert_eq!(tick_label(100000.0, 0.0), "1e5");
        assert_eq!(tick_label(10000.0, 0.0), "1e4");
        assert_eq!(tick_label(2500.0, 0.0), "2500");
    }

    #[test]
    fn the_description_names_title_series_axes_and_ranges() {
        let chart = LineChart::new("Sigmoid and its derivative", "z", "f(z)")
            .series(Series::new("f", sampled(|z| 1.0 / (1.0 + (-z).exp()))))
            .series(Series::new("f'", sampled(|z| z / 12.0)))
            .series(Series::new("f''", sampled(|_| 0.25)))
            .y_range(-0.5, 1.0);
        assert_eq!(
            chart.describe(),
            "Sigmoid and its derivative. A line chart of 3 curves: f, f' and f''. \
             x axis: z, from -6 to 6; y axis: f(z), from -0.5 to 1."
        );
        let log = LineChart::new("Loss", "step", "loss")
            .series(Series::new("", vec![(0.0, 1e-3), (10.0, 2.0)]))
            .y_range(1e-4, 10.0)
            .log_y();
        assert_eq!(
            log.describe(),
            "Loss. A line chart of one curve. \
             x axis: step, from 0 to 10; y axis: loss, from 1e-4 to 10, log scale."
        );
        // the data's range when none is set
        let fitted =
            LineChart::new("t", "x", "y").series(Series::new("a", vec![(1.0, 2.0), (3.0, 4.0)]));
        assert!(
            fitted
                .describe()
                .contains("x axis: x, from 1 to 3; y axis: y, from 1.9 to 4.1.")
        );
        // labels with commas are kept apart by semicolons; no y label, no colon
        let commas = LineChart::new("F1", "threshold", "")
            .series(Series::new("BCE", vec![(0.0, 0.0), (1.0, 1.0)]))
            .series(Series::new(
                "BCE, pos_weight 18",
                vec![(0.0, 0.0), (1.0, 1.0)],
            ))
            .y_range(0.0, 1.0);
        assert_eq!(
            commas.describe(),
            "F1. A line chart of 2 curves: BCE; and BCE, pos_weight 18. \
             x axis: threshold, from 0 to 1; y axis from 0 to 1."
        );
    }

    #[test]
    fn alt_text_is_escaped_for_markdown_on_one_line() {
        let plot = Plot {
            name: "n".into(),
            svg: String::new(),
            alt: "Softmax of [t, 0, 0]: p_t * 2 {{#x}}\n<b>".into(),
        };
        assert_eq!(
            plot.alt_markdown(),
            r"Softmax of \[t, 0, 0\]: p\_t \* 2 \{\{\#x\}\} \<b\>"
        );
        assert_eq!(
            plot.markdown("ch01-x"),
            "![{{#include plots/ch01-x/n.alt.txt}}](plots/ch01-x/n.svg)"
        );
    }

    #[test]
    fn each_series_and_its_legend_sample_have_their_own_dash_pattern() {
        let mut chart = LineChart::new("dashes", "x", "y");
        for i in 0..DASHES.len() {
            chart = chart.series(Series::new(format!("s{i}"), sampled(|z| z + i as f64)));
        }
        let svg = chart.to_svg().unwrap();
        for (i, dash) in DASHES.iter().enumerate() {
            let (r, g, b) = COLORS[i];
            let stroke = format!("stroke=\"#{r:02X}{g:02X}{b:02X}\"");
            let lines: Vec<&str> = svg
                .split("<polyline")
                .filter(|p| p.contains(&stroke))
                .collect();
            // the curve and the legend's sample
            assert_eq!(lines.len(), 2, "series {i}: {} lines", lines.len());
            for l in lines {
                match dash {
                    None => assert!(!l.contains("stroke-dasharray"), "series {i} is solid"),
                    Some(d) => assert!(
                        l.contains(&format!("stroke-dasharray=\"{d}\"")),
                        "series {i} ({}) is not dashed {d}: {l}",
                        DASH_NAMES[i]
                    ),
                }
            }
        }
        let distinct: BTreeSet<_> = DASHES.iter().collect();
        assert_eq!(
            distinct.len(),
            DASHES.len(),
            "two series share a dash pattern"
        );
        // nothing else is dashed: axes, ticks and the legend's frame stay solid
        assert_eq!(
            svg.matches("stroke-dasharray").count(),
            2 * (DASHES.len() - 1)
        );
    }

    #[test]
    fn log_scale_skips_non_positive_and_nan() {
        let chart = LineChart::new("norms", "layer", "norm")
            .series(Series::new(
                "g",
                vec![(0.0, 1.0), (1.0, 0.0), (2.0, f64::NAN), (3.0, 1e-6)],
            ))
            .log_y();
        let svg = chart.to_svg().unwrap();
        assert!(!svg.contains("NaN"));
    }
}
