//! The workshop's exercises for this chapter. Write each function's body in
//! place of its `todo!()`, then check it with the command in its comment.
//! The chapter's last section, "Your turn", runs them too.

use candle_core::Result;
use candle_core::backprop::GradStore;
use shared::nn::Mlp;

// ANCHOR: layer_grad_norms
/// The L2 norm of each layer's weight gradient, read from `grads` (what
/// `loss.backward()` returned), one number per layer of `mlp.layers`, input
/// side first, the output layer included. A weight with no gradient in the
/// store counts as 0. PyTorch:
/// `[layer.weight.grad.norm().item() for layer in layers]`.
///
/// Check it: `cargo exercise layer-grad-norms`
pub fn layer_grad_norms(mlp: &Mlp, grads: &GradStore) -> Result<Vec<f64>> {
    // TODO: for each layer, look its `weight` (a Var) up in the store, and
    // reduce the gradient to one number: the square root of the sum of its
    // squared entries, over every entry. `shared::activations::to_f64`
    // turns a one-element tensor into an f64.
    // Each operator returns a `Result`: `((z * 0.5)? + 1.0)?`. Between tensors,
    // `mask * a + b` compiles (Candle adds a `Result` and a tensor); with a number,
    // `z * 0.5 + 1.0` does not (E0277: cannot add `{float}` to `Result<Tensor, Error>`).
    let _ = (mlp, grads);
    todo!()
}
// ANCHOR_END: layer_grad_norms
