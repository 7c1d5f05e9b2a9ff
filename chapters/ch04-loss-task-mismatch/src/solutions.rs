//! Reference solutions to `exercises.rs`, compiled only with the `solutions`
//! feature. The README's test command turns it on, so every exercise's check
//! runs against these and cannot rot.

use candle_core::{Result, Tensor};
use nn_functional as F;

/// `2(σ(z) − y)·σ(z)(1 − σ(z)) / N`.
pub fn sigmoid_mse_grad(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
    let n = logits.elem_count() as f64;
    let p = F::sigmoid(logits)?;
    let slope = (&p * (1.0 - &p)?)?; // σ'(z)
    ((&p - targets)? * slope)? * (2.0 / n)
}
