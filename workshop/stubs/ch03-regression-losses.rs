//! The workshop's exercises for this chapter. Write each function's body in
//! place of its `todo!()`, then check it with the command in its comment.
//! The chapter's last section, "Your turn", runs them too.

use candle_core::{Result, Tensor};

// ANCHOR: huber_grad
/// The gradient of Huber loss with threshold `delta`, mean-reduced over
/// every element, with respect to each prediction, worked out by hand (no
/// autograd): PyTorch's `HuberLoss(delta=delta)`, the `pred.grad` after
/// `HuberLoss(delta=delta)(pred, target).backward()`. Same shape as `pred`.
///
/// Check it: `cargo exercise huber-grad`
pub fn huber_grad(pred: &Tensor, target: &Tensor, delta: f64) -> Result<Tensor> {
    // TODO: differentiate each branch, ½e² where |e| < δ and δ(|e| − ½δ)
    // elsewhere, in the prediction (e = pred − target), and look at what the
    // two results have in common; then at what they give at |e| = δ. Last,
    // what the mean over N elements does to each one's share.
    // Each operator returns a `Result`: `((z * 0.5)? + 1.0)?`. Between tensors,
    // `mask * a + b` compiles (Candle adds a `Result` and a tensor); with a number,
    // `z * 0.5 + 1.0` does not (E0277: cannot add `{float}` to `Result<Tensor, Error>`).
    let _ = (pred, target, delta);
    todo!()
}
// ANCHOR_END: huber_grad
