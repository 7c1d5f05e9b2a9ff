//! Reference solutions to `exercises.rs`, compiled only with the `solutions`
//! feature. The README's test command turns it on, so every exercise's check
//! runs against these and cannot rot.

use candle_core::{Result, Tensor};
use shared::activations::to_f64;
use shared::candle_nn::{AdamW, Optimizer};
use shared::nn::Mlp;

/// Forward, loss, backward and step; the loss from before the step.
pub fn train_step(
    model: &Mlp,
    opt: &mut AdamW,
    x: &Tensor,
    loss: &dyn Fn(&Tensor) -> Result<Tensor>,
) -> Result<f64> {
    let l = loss(&model.forward(x)?)?; // raw outputs: values or logits
    opt.backward_step(&l)?; // gradients, then one Adam update
    to_f64(&l)
}
