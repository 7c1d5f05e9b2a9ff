//! `softmax` and `log_softmax` over any dimension, with a backward pass.

use candle_core::{Result, Tensor, shape::Dim};

// ANCHOR: softmax
/// The maximum along `dim`, kept and detached: a constant shift that makes
/// `exp` safe and cancels out of the result, and so out of the gradient.
fn max_shift(z: &Tensor, dim: usize) -> Result<Tensor> {
    Ok(z.max_keepdim(dim)?.detach())
}

/// Softmax along `dim`, `exp(z − max z) / Σ exp(z − max z)`:
/// `torch.nn.functional.softmax(input, dim)`.
///
/// It is built from Candle operations, so autograd differentiates it (unlike
/// `candle_nn::ops::softmax_last_dim`, which has no backward pass), and it
/// takes any dimension, a `usize` or `D::Minus1`.
///
/// ```
/// use candle_core::{D, Device, Tensor};
/// use nn_functional as F;
///
/// let logits = Tensor::new(&[[1000.0f32, 1000.0], [0.0, 2f32.ln()]], &Device::Cpu)?;
/// // PyTorch: F.softmax(logits, dim=-1)
/// let p = F::softmax(&logits, D::Minus1)?;
/// assert_eq!(p.to_vec2::<f32>()?, [[0.5, 0.5], [1.0 / 3.0, 2.0 / 3.0]]);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn softmax<D: Dim>(input: &Tensor, dim: D) -> Result<Tensor> {
    let dim = dim.to_index(input.shape(), "softmax")?;
    if input.elem_count() == 0 {
        return Ok(input.clone()); // as PyTorch: an empty tensor stays empty
    }
    let e = input.broadcast_sub(&max_shift(input, dim)?)?.exp()?;
    e.broadcast_div(&e.sum_keepdim(dim)?)
}
// ANCHOR_END: softmax

/// `log softmax` along `dim`, `z − m − log Σ exp(z − m)` with `m = max z`:
/// `torch.nn.functional.log_softmax(input, dim)`. Stable for any logits,
/// and differentiable.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional as F;
///
/// let logits = Tensor::new(&[[0.0f64, 0.0], [100.0, -100.0]], &Device::Cpu)?;
/// // PyTorch: F.log_softmax(logits, dim=1)
/// let lp = F::log_softmax(&logits, 1)?.to_vec2::<f64>()?;
/// assert_eq!(lp[0], [-(2f64.ln()), -(2f64.ln())]);
/// assert_eq!(lp[1], [0.0, -200.0]);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn log_softmax<D: Dim>(input: &Tensor, dim: D) -> Result<Tensor> {
    let dim = dim.to_index(input.shape(), "log_softmax")?;
    if input.elem_count() == 0 {
        return Ok(input.clone());
    }
    let shifted = input.broadcast_sub(&max_shift(input, dim)?)?;
    let lse = shifted.exp()?.sum_keepdim(dim)?.log()?;
    shifted.broadcast_sub(&lse)
}
