//! Reference solutions to `exercises.rs`, compiled only with the `solutions`
//! feature. The README's test command turns it on, so every exercise's check
//! runs against these and cannot rot.

use candle_core::{D, Result, Tensor};

/// `max(z, 0) − z·y + log(1 + e^(−|z|))`: `exp` sees only `−|z| ≤ 0`.
pub fn stable_bce(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
    let z = logits;
    let softplus_tail = (z.abs()?.neg()?.exp()? + 1.0)?.log()?;
    (z.relu()? - (z * targets)?)? + softplus_tail
}

/// `(z − m) − log Σ e^(z − m)`, with `m` each row's maximum.
pub fn log_softmax(logits: &Tensor) -> Result<Tensor> {
    let shifted = logits.broadcast_sub(&logits.max_keepdim(D::Minus1)?)?;
    let lse = shifted.exp()?.sum_keepdim(D::Minus1)?.log()?;
    shifted.broadcast_sub(&lse)
}
