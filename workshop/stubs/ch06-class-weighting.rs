//! The workshop's exercises for this chapter. Write each function's body in
//! place of its `todo!()`, then check it with the command in its comment.
//! The chapter's last section, "Your turn", runs them too.

use candle_core::{D, Result, Tensor};

// ANCHOR: weighted_cross_entropy
/// Cross-entropy with class weights, on `(N, C)` logits and `N` class indices
/// (`u32`), reduced the way PyTorch's `CrossEntropyLoss(weight=w)` does it:
/// each sample's `−log softmax(zᵢ)[yᵢ]` is multiplied by `w[yᵢ]`, the weight
/// of its own class, and the weighted sum is divided by `Σᵢ w[yᵢ]`. Returns
/// a scalar; `class_weights` has shape `(C)` and the dtype of the logits.
///
/// Check it: `cargo exercise weighted-ce-mean`
pub fn weighted_cross_entropy(
    logits: &Tensor,
    targets: &Tensor,
    class_weights: &Tensor,
) -> Result<Tensor> {
    // TODO: each sample's loss first: a log-softmax that cannot overflow
    // (`shared::activations::log_softmax(logits, D::Minus1)`), then the entry
    // of each row's target (`gather` wants the indices as an `(N, 1)` tensor).
    // Each sample's weight is an `index_select`. Then reduce exactly as the
    // comment says.
    // Each operator returns a `Result`: `((z * 0.5)? + 1.0)?`. Between tensors,
    // `mask * a + b` compiles (Candle adds a `Result` and a tensor); with a number,
    // `z * 0.5 + 1.0` does not (E0277: cannot add `{float}` to `Result<Tensor, Error>`).
    let _ = (logits, targets, class_weights, D::Minus1);
    todo!()
}
// ANCHOR_END: weighted_cross_entropy

// ANCHOR: focal_term
/// Focal loss per element, on logits `z` and 0/1 targets `y` of the same
/// shape: torchvision's `sigmoid_focal_loss(z, y, alpha, gamma,
/// reduction="none")`, that is `α_t · (1 − p_t)^γ · BCE(z, y)`. With
/// `p = σ(z)`, `p_t` is the probability the model gives to the true class,
/// and `α_t` is `α` for a positive and `1 − α` for a negative; `alpha: None`
/// leaves `α_t` out. It must stay finite for any logit.
///
/// Check it: `cargo exercise focal-term`
pub fn focal_term(
    logits: &Tensor,
    targets: &Tensor,
    alpha: Option<f64>,
    gamma: f64,
) -> Result<Tensor> {
    // TODO: take BCE from `shared::losses::bce_with_logits_elementwise`, which
    // is stable. Then build p_t from p and y with arithmetic alone (no `if`:
    // y is a tensor of 0s and 1s), the factor with `powf`, and α_t the same
    // way as p_t.
    // Each operator returns a `Result`: `((z * 0.5)? + 1.0)?`. Between tensors,
    // `mask * a + b` compiles (Candle adds a `Result` and a tensor); with a number,
    // `z * 0.5 + 1.0` does not (E0277: cannot add `{float}` to `Result<Tensor, Error>`).
    let _ = (logits, targets, alpha, gamma);
    todo!()
}
// ANCHOR_END: focal_term
