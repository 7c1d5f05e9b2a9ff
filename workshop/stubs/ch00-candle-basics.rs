//! The workshop's exercises for this chapter. Write each function's body in
//! place of its `todo!()`, then check it with the command in its comment.
//! The chapter's last section, "Your turn", runs them too.

use candle_core::{D, DType, Result, Tensor, Var};

// ANCHOR: accuracy
/// The share of rows whose largest logit is at the true class, as an `f64`
/// between 0 and 1. `logits` has the classes in its last dimension, any
/// number of dimensions before it (shape `(n, c)` or `(b, n, c)`); `labels`
/// holds u32 class indices with the logits' shape minus the last dimension.
/// PyTorch: `(logits.argmax(dim=-1) == labels).float().mean().item()`.
///
/// Check it: `cargo exercise accuracy`
pub fn accuracy(logits: &Tensor, labels: &Tensor) -> Result<f64> {
    // TODO: pick each row's predicted class along the last dimension, compare
    // it with the labels (`eq` gives u8: 1 or 0), and average. Think about
    // the dtype before you average, and about how to get a plain number out
    // of a tensor with no dimensions.
    // Each operator returns a `Result`: `((z * 0.5)? + 1.0)?`. Between tensors,
    // `mask * a + b` compiles (Candle adds a `Result` and a tensor); with a number,
    // `z * 0.5 + 1.0` does not (E0277: cannot add `{float}` to `Result<Tensor, Error>`).
    let _ = (logits, labels, D::Minus1, DType::F32);
    todo!()
}
// ANCHOR_END: accuracy

// ANCHOR: weight_gradient
/// The gradient, with respect to the weights `w` (a `Var` of shape `(k, 1)`),
/// of the mean squared error of a linear model, `mean((x·w − y)²)`, for
/// inputs `x` of shape `(n, k)` and targets `y` of shape `(n, 1)`, taken by
/// Candle's autograd. It has `w`'s shape, and `w` is left unchanged.
/// PyTorch: `((x @ w - y) ** 2).mean().backward()`, then `w.grad`.
///
/// Check it: `cargo exercise var-gradient`
pub fn weight_gradient(w: &Var, x: &Tensor, y: &Tensor) -> Result<Tensor> {
    // TODO: build the loss from `w` itself (`nn_functional::mse_loss` is
    // PyTorch's F.mse_loss), call `backward()`, and look the gradient up in the
    // store it returns. A missing gradient is an error to return (`bail!`),
    // not a panic.
    // Each operator returns a `Result`: `((z * 0.5)? + 1.0)?`. Between tensors,
    // `mask * a + b` compiles (Candle adds a `Result` and a tensor); with a number,
    // `z * 0.5 + 1.0` does not (E0277: cannot add `{float}` to `Result<Tensor, Error>`).
    let _ = (w, x, y);
    todo!()
}
// ANCHOR_END: weight_gradient
