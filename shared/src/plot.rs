//! Line charts drawn into an SVG `String`.
//!
//! plotters is built without its font features, so text is laid out by its
//! own metrics, without system fonts: the same chart gives the same bytes on
//! every machine. The caller decides where the SVG goes.

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

    /// `f` sampled at `n` evenly spaced points of `[lo, hi]`.
    pub fn sample(
        label: impl Into<String>,
        lo: f64,
        hi: f64,
        n: usize,
        f: impl Fn(f64) -> f64,
    ) -> Self {
        let points = linspace(lo, hi, n).into_iter().map(|x| (x, f(x))).collect();
        Self::new(label, points)
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
        }
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

    /// Draws the chart as an SVG document.
    pub fn to_svg(&self) -> Result<String, PlotError> {
        let usable =
            |(x, y): &(f64, f64)| x.is_finite() && y.is_finite() && (!self.log_y || *y > 0.0);
        let pts = || {
            self.series
                .iter()
                .flat_map(|s| s.points.iter())
                .filter(|p| usable(p))
        };
        let (x0, x1) = self
            .x_range
            .unwrap_or_else(|| bounds(pts().map(|p| p.0), false));
        let (y0, y1) = self
            .y_range
            .unwrap_or_else(|| bounds(pts().map(|p| p.1), !self.log_y));
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, self.size).into_drawing_area();
            if self.log_y {
                self.draw(&root, x0..x1, (y0..y1).log_scale(), &usable)?;
            } else {
                self.draw(&root, x0..x1, y0..y1, &usable)?;
            }
            root.present().map_err(PlotError::from_plotters)?;
        }
        Ok(svg)
    }

    fn draw<Y>(
        &self,
        root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
        x: std::ops::Range<f64>,
        y: Y,
        usable: &dyn Fn(&(f64, f64)) -> bool,
    ) -> Result<(), PlotError>
    where
        Y: AsRangedCoord<Value = f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        let e = PlotError::from_plotters;
        root.fill(&WHITE).map_err(e)?;
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 24))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(x, y)
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .axis_desc_style(("sans-serif", 17))
            .label_style(("sans-serif", 14))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(e)?;
        for (i, s) in self.series.iter().enumerate() {
            let color = Palette99::pick(i).to_rgba();
            let style = color.stroke_width(2);
            let mut first = true;
            for segment in s.points.split(|p| !usable(p)) {
                if segment.is_empty() {
                    continue;
                }
                let drawn = chart
                    .draw_series(LineSeries::new(segment.iter().copied(), style))
                    .map_err(e)?;
                if first {
                    drawn.label(&s.label).legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                    });
                    first = false;
                }
            }
        }
        if self.series.len() > 1 || self.series.iter().any(|s| !s.label.is_empty()) {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .label_font(("sans-serif", 15))
                .draw()
                .map_err(e)?;
        }
        Ok(())
    }
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
}

impl Plot {
    pub fn new(name: impl Into<String>, chart: &LineChart) -> Result<Self, PlotError> {
        Ok(Self {
            name: name.into(),
            svg: chart.to_svg()?,
        })
    }
    /// The file name the plot is written under, `name.svg`.
    pub fn file_name(&self) -> String {
        format!("{}.svg", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_the_same_bytes_twice_with_title_and_legend() {
        let chart = LineChart::new("Sigmoid", "z", "f(z)")
            .series(Series::sample("f", -6.0, 6.0, 50, |z| {
                1.0 / (1.0 + (-z).exp())
            }))
            .series(Series::sample("f'", -6.0, 6.0, 50, |z| {
                let s = 1.0 / (1.0 + (-z).exp());
                s * (1.0 - s)
            }));
        let a = chart.to_svg().unwrap();
        assert_eq!(a, chart.to_svg().unwrap());
        assert!(a.starts_with("<svg"));
        for text in [">\nSigmoid\n<", ">\nf(z)\n<", ">\nf&apos;\n<", ">\nz\n<"] {
            assert!(a.contains(text), "{text} missing from the SVG:\n{a}");
        }
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
