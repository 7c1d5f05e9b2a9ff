//! Reference solutions to `exercises.rs`, compiled only with the `solutions`
//! feature. The README's test command turns it on, so every exercise's check
//! runs against these and cannot rot.

use candle_core::{D, Result, Tensor};

/// `max(z, 0) − z·y + log(1 + e^(−|z|))`: `exp` sees only `−|z| ≤ 0`.
/// Two details keep its digits in f32. `max(z, 0) − z·y` is written
/// `z·([z > 0] − y)`, a coefficient autograd treats as a constant, so no
/// `1 − 1` cancels the gradient σ(−17) = 4.1e-8 to 0. And below t = 1e-3,
/// `log(1 + t)` is `t − t²/2` (within 1e-7 of it): f32's `1 + t` keeps fewer
/// of t's digits the smaller t is (all of them lost at |z| = 17), so the
/// plain log is off by up to 6e-5 just above the switch, and 6e-3 by z = 11.
pub fn stable_bce(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
    let z = logits;
    let positive = z.gt(0.0)?.to_dtype(z.dtype())?;
    let linear = (z * (positive - targets)?)?;
    let t = z.abs()?.neg()?.exp()?;
    let tiny = t.lt(1e-3)?.to_dtype(t.dtype())?;
    let series = (&t - (t.sqr()? * 0.5)?)?;
    let plain = (&t + 1.0)?.log()?;
    let log1p = ((&tiny * series)? + ((1.0 - &tiny)? * plain)?)?;
    linear + log1p
}

/// `(z − m) − log Σ e^(z − m)`, with `m` each row's maximum.
pub fn log_softmax(logits: &Tensor) -> Result<Tensor> {
    let shifted = logits.broadcast_sub(&logits.max_keepdim(D::Minus1)?)?;
    let lse = shifted.exp()?.sum_keepdim(D::Minus1)?.log()?;
    shifted.broadcast_sub(&lse)
}
