//! Reference solutions to `exercises.rs`, compiled only with the `solutions`
//! feature. The README's test command turns it on, so every exercise's check
//! runs against these and cannot rot.

use candle_core::{D, DType, Result, Tensor};
use shared::activations::{log_softmax, sigmoid};
use shared::losses::bce_with_logits_elementwise;

/// `Σ w[yᵢ]·lᵢ / Σ w[yᵢ]`, with `lᵢ = −log softmax(zᵢ)[yᵢ]`.
pub fn weighted_cross_entropy(
    logits: &Tensor,
    targets: &Tensor,
    class_weights: &Tensor,
) -> Result<Tensor> {
    let idx = targets.to_dtype(DType::U32)?;
    let per_sample = log_softmax(logits, D::Minus1)?
        .gather(&idx.unsqueeze(1)?, 1)?
        .squeeze(1)?
        .neg()?;
    let w = class_weights.index_select(&idx, 0)?;
    (per_sample * &w)?.sum_all()? / w.sum_all()?
}

/// `α_t · (1 − p_t)^γ · BCE`, with `p_t = p·y + (1 − p)(1 − y)`.
pub fn focal_term(
    logits: &Tensor,
    targets: &Tensor,
    alpha: Option<f64>,
    gamma: f64,
) -> Result<Tensor> {
    let y = targets;
    let bce = bce_with_logits_elementwise(logits, y, None)?;
    let p = sigmoid(logits)?;
    let p_t = ((&p * y)? + ((1.0 - &p)? * (1.0 - y)?)?)?;
    let loss = ((1.0 - p_t)?.powf(gamma)? * bce)?;
    match alpha {
        Some(a) => ((y * a)? + ((1.0 - y)? * (1.0 - a))?)? * loss,
        None => Ok(loss),
    }
}
