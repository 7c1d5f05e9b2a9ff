//! Reference solutions to `exercises.rs`, compiled only with the `solutions`
//! feature. The README's test command turns it on, so every exercise's check
//! runs against these and cannot rot.

use candle_core::backprop::GradStore;
use candle_core::{DType, Result, Tensor, Var, bail};

/// One norm over every gradient; scale all by `max_norm / (norm + 1e-6)`
/// when that is below 1.
pub fn clip_grad_norm(grads: &mut GradStore, vars: &[Var], max_norm: f64) -> Result<f64> {
    let mut sum_sq = 0.0;
    for v in vars {
        if let Some(g) = grads.get(v) {
            sum_sq += g
                .to_dtype(DType::F64)?
                .sqr()?
                .sum_all()?
                .to_scalar::<f64>()?;
        }
    }
    let norm = sum_sq.sqrt();
    let factor = max_norm / (norm + 1e-6);
    if factor < 1.0 {
        for v in vars {
            if let Some(g) = grads.remove(v) {
                grads.insert(v, (g * factor)?);
            }
        }
    }
    Ok(norm)
}

/// The targets reshaped to the predictions' `(N, 1)`, then the plain MSE.
pub fn column_mse(pred: &Tensor, target: &Tensor) -> Result<Tensor> {
    if target.elem_count() != pred.elem_count() {
        bail!(
            "column_mse: {} targets for {} predictions",
            target.elem_count(),
            pred.elem_count()
        )
    }
    (pred - target.reshape(pred.shape())?)?.sqr()?.mean_all()
}
