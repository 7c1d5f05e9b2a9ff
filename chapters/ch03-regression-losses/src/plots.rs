//! Draws the chapter's plots from its report; computes nothing: each loss and
//! its gradient against the error, and Huber for several δ.

use book_kit::plot::{LineChart, Plot, Series};
use candle_core::Result;
use shared::activations::Pointwise;

use crate::Report;

/// `(x, y)` pairs. Curves that leave a chart's y range are cut at its edge
/// by `book_kit::plot`.
fn points(x: &[f64], y: &[f64]) -> Vec<(f64, f64)> {
    x.iter().copied().zip(y.iter().copied()).collect()
}

fn values(p: &Pointwise) -> Vec<(f64, f64)> {
    points(&p.z, &p.value)
}

/// Loss and gradient against the error, and Huber for several δ.
pub fn plots(r: &Report) -> Result<Vec<Plot>> {
    let d = r.opts.delta;
    let (v_max, g_max) = (4.0 * d * d, 2.4 * d);
    let mut losses = LineChart::new(
        "Loss of one sample against its error",
        "error ŷ − y",
        "loss",
    )
    .x_range(-3.0 * d, 3.0 * d)
    .y_range(0.0, v_max);
    let mut grads = LineChart::new(
        "Gradient of one sample's loss",
        "error ŷ − y",
        "d loss / d ŷ",
    )
    .x_range(-3.0 * d, 3.0 * d)
    .y_range(-g_max, g_max);
    for c in &r.loss_curves {
        let p = &c.points;
        losses = losses.series(Series::new(c.loss.name(), values(p)));
        grads = grads.series(Series::new(c.loss.name(), points(&p.z, &p.grad)));
    }
    let mut deltas = LineChart::new("Huber loss for several δ", "error ŷ − y", "loss")
        .x_range(-8.0, 8.0)
        .y_range(0.0, 40.0)
        .series(Series::new("½e² (δ → ∞)", values(&r.half_square)));
    for c in &r.huber_curves {
        deltas = deltas.series(Series::new(c.loss.name(), values(&c.points)));
    }
    Ok(vec![
        Plot::new("losses", &losses)?,
        Plot::new("gradients", &grads)?,
        Plot::new("huber-deltas", &deltas)?,
    ])
}
