//! The workshop's exercises for this chapter. Write each function's body in
//! place of its `todo!()`, then check it with the command in its comment.
//! The chapter's last section, "Your turn", runs them too.

use candle_core::{D, Result, Tensor};

// ANCHOR: stable_bce
/// Binary cross-entropy on logits, per element, that stays finite for every
/// logit `z` and target `y` (0 or 1): PyTorch's `BCEWithLogitsLoss` with
/// `reduction="none"`.
///
/// Check it: `cargo exercise stable-bce`
pub fn stable_bce(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
    // TODO: do not compute σ(z) and then its log. Rewrite
    // −y·log σ(z) − (1 − y)·log(1 − σ(z)) so that `exp` only ever sees a
    // number ≤ 0. Useful: `relu`, `abs`, `neg`, `exp`, `log`, `*`, `-`, and a
    // per-element switch: a 0/1 mask from a comparison (`lt`, `gt`, then
    // `to_dtype`, as ch01's ReLU) or `where_cond`.
    // The check wants the loss within 1e-4 of the exact one for 8 ≤ |z| ≤ 17,
    // 4.14e-8 at z = ±17 with the right label, not 0 (stricter than PyTorch's
    // f32, which gives 0 for two of those): f32's 1 + t keeps fewer of
    // t = e^(−|z|)'s digits the smaller t is, so for small t use
    // log(1 + t) ≈ t − t²/2.
    // Its gradient there must be σ(17) − 1 = −4.1e-8 too, not 0: autograd adds
    // relu(z)'s 1, −z·y's −1 and the small term's −4.1e-8 one at a time, and
    // here −1 and −4.1e-8 meet first and round to −1, which the 1 cancels.
    // Write the part linear in z as one product, z · (p − y), with p = 1 where
    // z > 0, else 0 (`gt`, `to_dtype`); a per-element switch is such a mask too.
    // Each operator returns a `Result`: `((z * 0.5)? + 1.0)?`. Between tensors,
    // `mask * a + b` compiles (Candle adds a `Result` and a tensor); with a number,
    // `z * 0.5 + 1.0` does not (E0277: cannot add `{float}` to `Result<Tensor, Error>`).
    let _ = (logits, targets);
    todo!()
}
// ANCHOR_END: stable_bce

// ANCHOR: log_softmax
/// `log softmax(z)` along the last dimension, finite for logits of any size:
/// PyTorch's `torch.log_softmax(z, dim=-1)`.
///
/// Check it: `cargo exercise log-softmax`
pub fn log_softmax(logits: &Tensor) -> Result<Tensor> {
    // TODO: subtract each row's maximum first (`max_keepdim(D::Minus1)`,
    // then `broadcast_sub`), so that the largest exponent is e^0 = 1.
    // Each operator returns a `Result`: `((z * 0.5)? + 1.0)?`. Between tensors,
    // `mask * a + b` compiles (Candle adds a `Result` and a tensor); with a number,
    // `z * 0.5 + 1.0` does not (E0277: cannot add `{float}` to `Result<Tensor, Error>`).
    let _ = (logits, D::Minus1);
    todo!()
}
// ANCHOR_END: log_softmax
