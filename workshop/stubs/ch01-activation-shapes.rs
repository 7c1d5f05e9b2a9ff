//! The workshop's exercises for this chapter. Write each function's body in
//! place of its `todo!()`, then check it with the command in its comment.
//! The chapter's last section, "Your turn", runs them too.

use candle_core::{Result, Tensor};

// ANCHOR: leaky_relu_grad
/// The derivative of LeakyReLU with negative slope `slope`, element by
/// element, written as a formula (no autograd): 1 where `z > 0`, `slope`
/// elsewhere, with PyTorch's value at the kink `z = 0`. Same shape and dtype
/// as `z`. PyTorch: what `z.grad` holds after
/// `F.leaky_relu(z, slope).sum().backward()`.
///
/// Check it: `cargo exercise leaky-relu-grad`
pub fn leaky_relu_grad(z: &Tensor, slope: f64) -> Result<Tensor> {
    // TODO: build a 0/1 mask from a comparison (`gt`, `ge`, `lt`, … return
    // u8), in z's dtype, and turn it into 1 or `slope` with arithmetic on
    // tensors and f64s. Which comparison decides what z = 0 gets?
    // Each operator returns a `Result`: `((z * 0.5)? + 1.0)?`. Between tensors,
    // `mask * a + b` compiles (Candle adds a `Result` and a tensor); with a number,
    // `z * 0.5 + 1.0` does not (E0277: cannot add `{float}` to `Result<Tensor, Error>`).
    let _ = (z, slope);
    todo!()
}
// ANCHOR_END: leaky_relu_grad
