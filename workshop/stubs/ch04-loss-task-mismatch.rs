//! The workshop's exercises for this chapter. Write each function's body in
//! place of its `todo!()`, then check it with the command in its comment.
//! The chapter's last section, "Your turn", runs them too.

use candle_core::{Result, Tensor};

// ANCHOR: sigmoid_mse_grad
/// The gradient of MSE on the sigmoid, `mean((σ(z) − y)²)` over the N
/// elements of `logits` and of the 0/1 `targets` (same shape), with respect
/// to each logit `z`, worked out by hand rather than by autograd. It is what
/// `z.grad` holds in PyTorch after `MSELoss()(torch.sigmoid(z), y).backward()`,
/// and has the shape of `logits`.
///
/// Check it: `cargo exercise sigmoid-mse-grad`
pub fn sigmoid_mse_grad(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
    // TODO: apply the chain rule to one element's loss, through p = σ(z)
    // (`shared::activations::sigmoid`), and write σ'(z) with σ(z) itself.
    // Then remember that a mean gives each element 1/N of the loss
    // (`elem_count`).
    // Each operator returns a `Result`: `((z * 0.5)? + 1.0)?`. Between tensors,
    // `mask * a + b` compiles (Candle adds a `Result` and a tensor); with a number,
    // `z * 0.5 + 1.0` does not (E0277: cannot add `{float}` to `Result<Tensor, Error>`).
    let _ = (logits, targets);
    todo!()
}
// ANCHOR_END: sigmoid_mse_grad
