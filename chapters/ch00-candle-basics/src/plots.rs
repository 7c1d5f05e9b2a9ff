//! Draws the chapter's plot from its report; computes nothing.

use book_kit::plot::{Legend, LineChart, Plot, Series};
use candle_core::Result;

use crate::Report;

/// The training loss before each step, and the loss of predicting the mean.
pub fn plots(r: &Report) -> Result<Vec<Plot>> {
    let t = &r.training;
    let mut loss: Vec<(f64, f64)> = t
        .history
        .iter()
        .enumerate()
        .map(|(i, &l)| (i as f64, l))
        .collect();
    loss.push((t.history.len() as f64, t.final_loss));
    let end = t.history.len() as f64;
    let chart = LineChart::new("shared::nn::train: MSE on delivery times", "step", "MSE")
        .series(Series::new("training loss", loss))
        .series(Series::new(
            "predicting the mean",
            vec![(0.0, t.mean_baseline), (end, t.mean_baseline)],
        ))
        .x_range(0.0, end)
        .log_y()
        .legend(Legend::UpperRight);
    Ok(vec![Plot::new("training-loss", &chart)?])
}
