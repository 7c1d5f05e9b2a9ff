//! The workshop's exercises for this chapter. Write each function's body in
//! place of its `todo!()`, then check it with the command in its comment.
//! The chapter's last section, "Your turn", runs them too.

use candle_core::{Result, Tensor};
use shared::candle_nn::{AdamW, Optimizer};
use shared::nn::Mlp;

// ANCHOR: train_step
/// One step of the chapter's training loop (`fit` in `tasks.rs`): the
/// model's raw outputs for the batch `x` (`model.forward`), the loss on
/// them, the gradients, and one update of the weights by `opt`. Returns the
/// loss before the update, as a number. In PyTorch:
/// `opt.zero_grad(); l = loss(model(x)); l.backward(); opt.step(); return l.item()`.
///
/// Check it: `cargo exercise train-step`
pub fn train_step(
    model: &Mlp,
    opt: &mut AdamW,
    x: &Tensor,
    loss: &dyn Fn(&Tensor) -> Result<Tensor>,
) -> Result<f64> {
    // TODO: Candle has no `zero_grad`: `backward` returns fresh gradients
    // every time. The `Optimizer` trait has a method that takes the loss,
    // computes the gradients and updates the weights in one call. Read the
    // loss as a number with `shared::activations::to_f64`.
    // Each operator returns a `Result`: `((z * 0.5)? + 1.0)?`. Between tensors,
    // `mask * a + b` compiles (Candle adds a `Result` and a tensor); with a number,
    // `z * 0.5 + 1.0` does not (E0277: cannot add `{float}` to `Result<Tensor, Error>`).
    let _ = (model, opt, x, loss, AdamW::learning_rate);
    todo!()
}
// ANCHOR_END: train_step
