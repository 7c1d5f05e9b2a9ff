//! Draws the chapter's plots from its report; computes nothing.

use book_kit::plot::{Legend, LineChart, Plot, Series};
use candle_core::Result;

use crate::Report;

/// Every task's training loss on one log-scale chart.
pub fn plots(r: &Report) -> Result<Vec<Plot>> {
    let curve = |h: &[f64]| h.iter().enumerate().map(|(i, &l)| (i as f64, l)).collect();
    let runs = [
        ("regression (MSE)", &r.regression.fit),
        ("binary (BCE with logits)", &r.binary.fit),
        ("4-class (cross-entropy)", &r.multiclass.fit),
        ("multi-label (3 BCEs)", &r.multilabel.fit),
        ("sequence (CE per position)", &r.sequence.fit),
        ("4-class, label smoothing", &r.smoothed),
    ];
    let mut chart = LineChart::new(
        "Training loss of every task",
        "Adam step",
        "loss (log scale)",
    );
    for (name, fit) in runs {
        chart = chart.series(Series::new(name, curve(&fit.history)));
    }
    let chart = chart
        .x_range(0.0, r.opts.steps as f64)
        // Three empty decades on top, for the legend.
        .y_range(0.01, 1e5)
        .log_y()
        .size(640, 480)
        .legend(Legend::UpperRight);
    Ok(vec![Plot::new("loss-curves", &chart)?])
}
