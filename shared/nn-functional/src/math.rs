//! Building blocks shared by the losses and activations: masks, PyTorch's
//! subgradients at kinks, and stable forms of `log1p` and `softplus`.
//!
//! Two rules keep the gradients PyTorch's and free of NaN:
//! - a comparison carries no gradient in Candle, so a 0/1 mask or a `sign`
//!   built from comparisons is a constant to autograd;
//! - a branch is chosen with `where_cond`, whose backward pass sends exactly 0
//!   to the branch not taken, and a branch that could overflow is fed an input
//!   that cannot (`0 · ∞` in a backward pass would be NaN).

use candle_core::{DType, Result, Tensor};

// ANCHOR: positive_mask
/// 1 where `z > 0`, else 0, in `z`'s dtype: a constant to autograd.
pub(crate) fn positive_mask(z: &Tensor) -> Result<Tensor> {
    z.gt(0.0)?.to_dtype(z.dtype())
}
// ANCHOR_END: positive_mask

/// `sign(e)` (−1, 0 or 1) as a constant: `sign(0) = 0`, as in PyTorch.
pub(crate) fn sign(e: &Tensor) -> Result<Tensor> {
    let pos = e.gt(0.0)?.to_dtype(e.dtype())?;
    let neg = e.lt(0.0)?.to_dtype(e.dtype())?;
    pos - neg
}

/// `|e|` with PyTorch's derivative `sign(e)`, 0 at `e = 0`.
pub(crate) fn abs(e: &Tensor) -> Result<Tensor> {
    e * sign(e)?
}

/// A tensor of `value` with `like`'s shape, dtype and device.
pub(crate) fn full_like(like: &Tensor, value: f64) -> Result<Tensor> {
    like.ones_like()? * value
}

/// `log(1 + u)` for `−1 ≤ u ≤ 1`, accurate where `1 + u` rounds (Goldberg's
/// correction `u / ((1 + u) − 1)`, added as a constant), with the
/// derivative `1 / (1 + u)` that PyTorch's `log1p` has.
pub(crate) fn log1p(u: &Tensor) -> Result<Tensor> {
    let one_plus = (u + 1.0)?;
    let w = (one_plus.detach() - 1.0)?;
    let rounds_to_one = w.eq(0.0)?;
    let ones = full_like(u, 1.0)?;
    // Where w is 0 the correction is never used: replace it by 1 so that no
    // 0/0 reaches the product (a NaN there would poison the backward pass).
    let correction = rounds_to_one.where_cond(&ones, &(u.detach() / &w)?)?;
    // The correction goes into the value only: the gradient stays
    // 1/(1 + u), which rounding `1 + u` leaves accurate (the correction,
    // off 1 by up to ε/u, would not).
    let plain = one_plus.log()?;
    let p = plain.detach();
    let fix = ((&p * correction)? - &p)?;
    // At u = −1, log(0) = −∞ takes no correction: −∞ − (−∞) would be NaN.
    let fix = p
        .abs()?
        .lt(f64::INFINITY)?
        .where_cond(&fix, &full_like(u, 0.0)?)?;
    let corrected = (plain + fix)?;
    rounds_to_one.where_cond(u, &corrected)
}

// ANCHOR: log1p_of_exp
/// [`log1p`] for `0 ≤ u ≤ 1` (an `exp` of a non-positive number, as in
/// `softplus` and BCE with logits), the same values and gradients bit for
/// bit with a smaller graph for autograd: where `1 + u` rounds to 1, the
/// value `u` comes in through the constant correction added to `log(1) = 0`,
/// not through a `where_cond`, whose backward pass allocates and selects
/// twice, and the masks come from `sign` rather than comparisons. The
/// gradient there is `1 / (1 + u) = 1` either way. (At `u = −0` the sum
/// would give +0 where [`log1p`] gives −0, hence `0 ≤ u`.)
pub(crate) fn log1p_of_exp(u: &Tensor) -> Result<Tensor> {
    let one_plus = (u + 1.0)?;
    let w = (one_plus.detach() - 1.0)?; // ≥ 0
    // 1 where 1 + u rounded to 1 (w = 0), else 0: from `sign`, a contiguous
    // unary pass, not a comparison, which Candle makes one element at a time
    let rounds_to_one = w.sign()?.affine(-1.0, 1.0)?;
    let (u_c, plain) = (u.detach(), one_plus.log()?);
    let p = plain.detach();
    // log(1 + u)·(u / w) − log(1 + u), and 0 − 0 where w = 0 (the divisor
    // is 1 there); u comes in there instead
    let correction = ((&p * (&u_c / (&w + &rounds_to_one)?)?)? - &p)?;
    let fix = (correction + (rounds_to_one * &u_c)?)?;
    plain + fix
}
// ANCHOR_END: log1p_of_exp

/// `log(1 + e^u)`, stable for any `u`: `max(u, 0) + log1p(e^(−|u|))`, with
/// the derivative `σ(u)` (½ at 0).
pub(crate) fn softplus(u: &Tensor) -> Result<Tensor> {
    let nonneg = u.ge(0.0)?;
    let zeros = u.zeros_like()?;
    // s = +1 where u ≥ 0, −1 where u < 0 (so |u| = u·s has slope +1 at 0 and
    // the two halves of the derivative, 1 and −½, add up to σ(0) = ½).
    let s = ((nonneg.to_dtype(u.dtype())? * 2.0)? - 1.0)?;
    let pos = nonneg.where_cond(u, &zeros)?;
    let tail = log1p_of_exp(&(u * s)?.neg()?.exp()?)?;
    pos + tail
}

/// Checks that `dtype` is a float type this crate computes in.
pub(crate) fn is_float(dtype: DType) -> bool {
    matches!(dtype, DType::F16 | DType::BF16 | DType::F32 | DType::F64)
}
