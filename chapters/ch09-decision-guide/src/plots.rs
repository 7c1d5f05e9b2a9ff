//! Draws the chapter's plot from its report; computes nothing.

use book_kit::plot::{LineChart, Plot, Series};
use candle_core::Result;

use crate::Report;

fn points(x: &[f64], y: &[f64]) -> Vec<(f64, f64)> {
    x.iter().copied().zip(y.iter().copied()).collect()
}

/// Sigmoid and the first softmax probability of `[z, 0, 0]` against the
/// logit, with the decision threshold.
pub fn plots(r: &Report) -> Result<Vec<Plot>> {
    let t = &r.transforms;
    let (lo, hi) = (t.grid[0], t.grid[t.grid.len() - 1]);
    let chart = LineChart::new("From a logit to a probability", "logit z", "probability")
        .series(Series::new("sigmoid(z)", points(&t.grid, &t.grid_sigmoid)))
        .series(Series::new(
            "softmax([z, 0, 0]), first",
            points(&t.grid, &t.grid_softmax3),
        ))
        .series(Series::new(
            format!("threshold {}", t.threshold),
            vec![(lo, t.threshold), (hi, t.threshold)],
        ))
        .x_range(lo, hi)
        .y_range(-0.02, 1.02);
    Ok(vec![Plot::new("logit-to-probability", &chart)?])
}
