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

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

mod axis;
mod clip;
mod file;
#[cfg(test)]
mod tests;

use axis::{bounds, log_ticks, tick_label};
use clip::Clip;
pub use file::{Plot, PlotError};

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
