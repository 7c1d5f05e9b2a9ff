//! The workshop's exercises for this chapter. Write each function's body in
//! place of its `todo!()`, then check it with the command in its comment.
//! The chapter's last section, "Your turn", runs them too.

use candle_core::backprop::GradStore;
use candle_core::{DType, Result, Tensor, Var};

// ANCHOR: clip_grad_norm
/// Clips the gradients of `vars` in `grads` by their total norm, as PyTorch's
/// `torch.nn.utils.clip_grad_norm_(params, max_norm)` does: one L2 norm over
/// all the gradients together, as if they were one long vector (a variable
/// without a gradient counts as zero); if `max_norm / (norm + 1e-6)` is below
/// 1, every gradient is multiplied by it, otherwise none is touched. Returns
/// the norm from before the clipping. Finite gradients only.
///
/// Check it: `cargo exercise clip-grad-norm`
pub fn clip_grad_norm(grads: &mut GradStore, vars: &[Var], max_norm: f64) -> Result<f64> {
    // TODO: `grads.get(v)` gives a variable's gradient, or `None`. Add up
    // the squares of every element of every gradient first (in f64:
    // `to_dtype(DType::F64)`, `sqr`, `sum_all`, `to_scalar`), then decide.
    // To replace a gradient, `grads.remove(v)` and `grads.insert(v, new)`.
    // Each operator returns a `Result`: `((z * 0.5)? + 1.0)?`. Between tensors,
    // `mask * a + b` compiles (Candle adds a `Result` and a tensor); with a number,
    // `z * 0.5 + 1.0` does not (E0277: cannot add `{float}` to `Result<Tensor, Error>`).
    let _ = (grads, vars, max_norm, DType::F64);
    todo!()
}
// ANCHOR_END: clip_grad_norm

// ANCHOR: column_mse
/// Mean squared error of a model's `(N, 1)` predictions against N targets
/// that come either as a column `(N, 1)` or flat `(N)`: the mean of the N
/// squared errors `(predᵢ − targetᵢ)²`, a scalar. PyTorch's
/// `F.mse_loss(pred, target.view_as(pred))`. Targets of any other count are
/// an error, never a broadcast.
///
/// Check it: `cargo exercise column-mse`
pub fn column_mse(pred: &Tensor, target: &Tensor) -> Result<Tensor> {
    // TODO: give the targets the predictions' shape before subtracting
    // (`reshape`, or `unsqueeze`), so that row i meets only target i.
    // `broadcast_sub` would compare every prediction with every target.
    // Each operator returns a `Result`: `((z * 0.5)? + 1.0)?`. Between tensors,
    // `mask * a + b` compiles (Candle adds a `Result` and a tensor); with a number,
    // `z * 0.5 + 1.0` does not (E0277: cannot add `{float}` to `Result<Tensor, Error>`).
    let _ = (pred, target);
    todo!()
}
// ANCHOR_END: column_mse
