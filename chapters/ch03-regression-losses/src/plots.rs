//! The chapter's charts: each loss and its gradient against the error, and
//! Huber for several δ.

use candle_core::{DType, Result};
use shared::activations::{Pointwise, value_and_grad};
use shared::plot::{LineChart, Plot, Series, linspace};

use crate::{Loss, Options, three_losses};

/// `(x, y)` pairs. Curves that leave a chart's y range are cut at its edge
/// by `shared::plot`.
fn points(x: &[f64], y: &[f64]) -> Vec<(f64, f64)> {
    x.iter().copied().zip(y.iter().copied()).collect()
}

/// Each loss of one sample (N = 1) at errors `e`, and its derivative, via autograd.
fn per_sample(loss: Loss, e: &[f64]) -> Result<Pointwise> {
    value_and_grad(|e| loss.elementwise(e, &e.zeros_like()?), e, DType::F64)
}

/// Loss and gradient against the error, and Huber for several δ.
pub fn plots(opts: &Options) -> Result<Vec<Plot>> {
    let d = opts.delta;
    let e = linspace(-3.0 * d, 3.0 * d, 601);
    let (v_max, g_max) = (4.0 * d * d, 2.4 * d);
    let mut values = LineChart::new(
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
    for loss in three_losses(opts) {
        let f = per_sample(loss, &e)?;
        values = values.series(Series::new(loss.name(), points(&e, &f.value)));
        grads = grads.series(Series::new(loss.name(), points(&e, &f.grad)));
    }
    let z = linspace(-8.0, 8.0, 321);
    let half_sq: Vec<f64> = z.iter().map(|e| 0.5 * e * e).collect();
    let mut deltas = LineChart::new("Huber loss for several δ", "error ŷ − y", "loss")
        .x_range(-8.0, 8.0)
        .y_range(0.0, 40.0)
        .series(Series::new("½e² (δ → ∞)", points(&z, &half_sq)));
    for delta in [5.0, 2.0, 1.0, 0.5] {
        let h = Loss::Huber { delta };
        let f = per_sample(h, &z)?;
        deltas = deltas.series(Series::new(h.name(), points(&z, &f.value)));
    }
    Ok(vec![
        Plot::new("losses", &values)?,
        Plot::new("gradients", &grads)?,
        Plot::new("huber-deltas", &deltas)?,
    ])
}
