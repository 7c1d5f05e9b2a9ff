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
    // number ≤ 0. Useful: `relu`, `abs`, `neg`, `exp`, `log`, `*`, `-`.
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
    let _ = (logits, D::Minus1);
    todo!()
}
// ANCHOR_END: log_softmax
