//! Draws the chapter's plots from its report; computes nothing.

use book_kit::plot::{Legend, LineChart, Plot, Series};
use book_kit::table::pct;
use candle_core::Result;

use crate::Report;
use crate::scores::RateScores;

/// The focal-loss curves, and for every rate the precision–recall curves and
/// F1 against the threshold.
pub fn plots(r: &Report) -> Result<Vec<Plot>> {
    let mut chart = LineChart::new(
        "Focal loss of one example (α off)",
        "p_t, probability of the true class",
        "loss",
    )
    .x_range(0.0, 1.0)
    .y_range(0.0, 5.0);
    for c in &r.focal_curves {
        chart = chart.series(Series::new(format!("γ = {}", c.gamma), c.points.clone()));
    }
    let mut plots = vec![Plot::new("focal-loss", &chart)?];
    for rate in &r.rates {
        plots.push(Plot::new(
            format!("precision-recall-{}", rate_tag(rate)),
            &pr_chart(rate),
        )?);
        plots.push(Plot::new(
            format!("f1-threshold-{}", rate_tag(rate)),
            &f1_chart(rate),
        )?);
    }
    Ok(plots)
}

fn rate_tag(r: &RateScores) -> String {
    format!("{}pct", 100.0 * r.rate).replace('.', "_")
}

fn pr_chart(r: &RateScores) -> LineChart {
    let mut chart = LineChart::new(
        format!(
            "Precision-recall, {} positives (+: threshold 0.5)",
            pct(r.rate)
        ),
        "recall",
        "precision",
    )
    .x_range(0.0, 1.0)
    // Precision never exceeds 1; the curves fall to the right, so the upper
    // right corner is free for the legend.
    .y_range(-0.02, 1.02)
    .legend(Legend::UpperRight);
    for c in &r.curves {
        let mut points = c.precision_recall.clone();
        // Where threshold 0.5 lands on the curve: a cross, after a break in the line.
        let (x, y, d) = (c.at_half.recall, c.at_half.precision, 0.03);
        let gap = (f64::NAN, f64::NAN);
        points.extend([gap, (x - d, y), (x + d, y), gap, (x, y - d), (x, y + d)]);
        chart = chart.series(Series::new(c.method.name(), points));
    }
    chart
}

fn f1_chart(r: &RateScores) -> LineChart {
    let mut chart = LineChart::new(
        format!("F1 against the threshold, {} positives", pct(r.rate)),
        "threshold",
        "F1 of the minority class",
    )
    .x_range(0.0, 1.0)
    .y_range(0.0, 1.0);
    for c in &r.curves {
        chart = chart.series(Series::new(c.method.name(), c.f1.clone()));
    }
    chart
}
