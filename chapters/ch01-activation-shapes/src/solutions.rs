//! Reference solutions to `exercises.rs`, compiled only with the `solutions`
//! feature. The README's test command turns it on, so every exercise's check
//! runs against these and cannot rot.

use candle_core::{Result, Tensor};

/// `slope + (1 − slope)·[z > 0]`: `slope` at the kink, as in PyTorch.
pub fn leaky_relu_grad(z: &Tensor, slope: f64) -> Result<Tensor> {
    let positive = z.gt(0.0)?.to_dtype(z.dtype())?;
    (positive * (1.0 - slope))? + slope
}
