//! Activation functions with PyTorch's parameters and PyTorch's derivatives,
//! kinks included: each branch is chosen by a comparison, which carries no
//! gradient, so the derivative at a kink is the one PyTorch picks (ReLU'(0)
//! = 0, LeakyReLU'(0) = slope, ELU'(0) = α). Candle's built-in `relu` gives 1
//! there, and candle-nn's `leaky_relu` `0.5 + 0.5·slope`.

use candle_core::{Result, Tensor};

use crate::math::{positive_mask, softplus as softplus_stable};

/// `max(0, x)`, with derivative 0 at 0: `torch.nn.functional.relu`.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional as F;
///
/// let x = Tensor::new(&[-1.0f32, 0.0, 2.0], &Device::Cpu)?;
/// // PyTorch: F.relu(x)
/// assert_eq!(F::relu(&x)?.to_vec1::<f32>()?, [0.0, 0.0, 2.0]);
/// # Ok::<(), candle_core::Error>(())
/// ```
// ANCHOR: relu
pub fn relu(input: &Tensor) -> Result<Tensor> {
    // `+ 0.0` turns the −0 of a negative x times 0 into +0, as PyTorch gives.
    (input * positive_mask(input)?)? + 0.0
}
// ANCHOR_END: relu

/// `x` for `x > 0`, else `negative_slope·x`, with derivative
/// `negative_slope` at 0: `torch.nn.functional.leaky_relu` (PyTorch's
/// default slope is 0.01).
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional as F;
///
/// let x = Tensor::new(&[-2.0f64, 3.0], &Device::Cpu)?;
/// // PyTorch: F.leaky_relu(x, negative_slope=0.01)
/// assert_eq!(F::leaky_relu(&x, 0.01)?.to_vec1::<f64>()?, [-0.02, 3.0]);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn leaky_relu(input: &Tensor, negative_slope: f64) -> Result<Tensor> {
    let mask = positive_mask(input)?;
    // factor = 1 where x > 0, negative_slope elsewhere
    let factor = ((mask * (1.0 - negative_slope))? + negative_slope)?;
    input * factor
}

/// `scale · (x for x > 0, else α·(eˣ − 1))`, derivative `scale·α` at 0.
fn scaled_elu(input: &Tensor, alpha: f64, scale: f64) -> Result<Tensor> {
    let positive = input.gt(0.0)?;
    let zeros = input.zeros_like()?;
    // the exponential branch sees 0 where x > 0, so it cannot overflow
    let negative_part = positive.where_cond(&zeros, input)?;
    let exp_branch = ((negative_part.exp()? - 1.0)? * alpha)?;
    let linear = positive.where_cond(input, &zeros)?;
    (linear + exp_branch)? * scale
}

/// `x` for `x > 0`, else `α·(eˣ − 1)`: `torch.nn.functional.elu` (PyTorch's
/// default α is 1).
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional as F;
///
/// let x = Tensor::new(&[0.0f64, 2.0], &Device::Cpu)?;
/// // PyTorch: F.elu(x, alpha=1.0)
/// assert_eq!(F::elu(&x, 1.0)?.to_vec1::<f64>()?, [0.0, 2.0]);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn elu(input: &Tensor, alpha: f64) -> Result<Tensor> {
    scaled_elu(input, alpha, 1.0)
}

/// SELU's α, as in PyTorch.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional as F;
///
/// let x = Tensor::new(&[-1000.0f64], &Device::Cpu)?;
/// // PyTorch: F.selu(x) → −scale·α for very negative x
/// let y = F::selu(&x)?.to_vec1::<f64>()?;
/// assert!((y[0] + F::SELU_SCALE * F::SELU_ALPHA).abs() < 1e-15);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub const SELU_ALPHA: f64 = 1.673_263_242_354_377_3;
/// SELU's scale, as in PyTorch.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional as F;
///
/// let x = Tensor::new(&[2.0f64], &Device::Cpu)?;
/// // PyTorch: F.selu(x) → scale·x for x > 0
/// assert_eq!(F::selu(&x)?.to_vec1::<f64>()?, [2.0 * F::SELU_SCALE]);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub const SELU_SCALE: f64 = 1.050_700_987_355_480_5;

/// `scale·elu(x, α)` with SELU's constants: `torch.nn.functional.selu`.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional as F;
///
/// let x = Tensor::new(&[1.0f64], &Device::Cpu)?;
/// // PyTorch: F.selu(x)
/// assert_eq!(F::selu(&x)?.to_vec1::<f64>()?, [F::SELU_SCALE]);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn selu(input: &Tensor) -> Result<Tensor> {
    scaled_elu(input, SELU_ALPHA, SELU_SCALE)
}

/// Which GELU: PyTorch's `approximate=` keyword, `"none"` or `"tanh"`.
///
/// ```
/// use nn_functional::GeluApproximate;
/// // PyTorch: F.gelu(x, approximate="tanh")
/// let which = GeluApproximate::Tanh;
/// assert_eq!(GeluApproximate::default(), GeluApproximate::None);
/// # let _ = which;
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum GeluApproximate {
    /// `approximate="none"`: the exact `x·Φ(x)`.
    #[default]
    None,
    /// `approximate="tanh"`: `x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
    Tanh,
}

/// GELU, exact or tanh-approximated: `torch.nn.functional.gelu`.
///
/// Both forms are written out from Candle operations whose backward passes
/// are exact (`erf`, `tanh`), so the gradient agrees with PyTorch's to the
/// last digits. Candle's own `gelu` and `gelu_erf` have backward passes
/// with six-digit constants: near `x = −0.74`, where the tanh form's
/// derivative crosses zero, they are 2.8e-5 off.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional::{self as F, GeluApproximate};
///
/// let x = Tensor::new(&[0.0f64, 1.0], &Device::Cpu)?;
/// // PyTorch: F.gelu(x)
/// let y = F::gelu(&x, GeluApproximate::None)?.to_vec1::<f64>()?;
/// assert!((y[1] - 0.841_344_746_068_542_9).abs() < 1e-15);
/// // PyTorch: F.gelu(x, approximate="tanh")
/// let y = F::gelu(&x, GeluApproximate::Tanh)?.to_vec1::<f64>()?;
/// assert!((y[1] - 0.841_191_990_608_276_8).abs() < 1e-15);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn gelu(input: &Tensor, approximate: GeluApproximate) -> Result<Tensor> {
    match approximate {
        GeluApproximate::None => {
            let cdf = (((input * std::f64::consts::FRAC_1_SQRT_2)?.erf()? + 1.0)? * 0.5)?;
            input * cdf
        }
        GeluApproximate::Tanh => {
            // √(2/π)
            let k_beta = std::f64::consts::SQRT_2 * std::f64::consts::FRAC_2_SQRT_PI * 0.5;
            let cube = (input.sqr()? * input)?;
            let inner = ((input + (cube * 0.044715)?)? * k_beta)?;
            let right = (inner.tanh()? + 1.0)?;
            (input * 0.5)? * right
        }
    }
}

/// `1 / (1 + e^(−x))`: `torch.sigmoid` / `torch.nn.functional.sigmoid`,
/// candle-nn's fused kernel, whose backward is PyTorch's `y·(1 − y)`.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional as F;
///
/// let x = Tensor::new(&[0.0f32, -1000.0], &Device::Cpu)?;
/// // PyTorch: torch.sigmoid(x)
/// assert_eq!(F::sigmoid(&x)?.to_vec1::<f32>()?, [0.5, 0.0]);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn sigmoid(input: &Tensor) -> Result<Tensor> {
    candle_nn::ops::sigmoid(input)
}

/// The hyperbolic tangent: `torch.tanh` / `torch.nn.functional.tanh`.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional as F;
///
/// let x = Tensor::new(&[0.0f64], &Device::Cpu)?;
/// // PyTorch: torch.tanh(x)
/// assert_eq!(F::tanh(&x)?.to_vec1::<f64>()?, [0.0]);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn tanh(input: &Tensor) -> Result<Tensor> {
    input.tanh()
}

/// SiLU (swish), `x·σ(x)`: `torch.nn.functional.silu`.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional as F;
///
/// let x = Tensor::new(&[0.0f64, 1.0], &Device::Cpu)?;
/// // PyTorch: F.silu(x)
/// let y = F::silu(&x)?.to_vec1::<f64>()?;
/// assert!((y[1] - 1.0 / (1.0 + (-1f64).exp())).abs() < 1e-15);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn silu(input: &Tensor) -> Result<Tensor> {
    input * sigmoid(input)?
}

/// Mish, `x·tanh(softplus(x))`: `torch.nn.functional.mish`, with a softplus
/// that cannot overflow.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional as F;
///
/// let x = Tensor::new(&[0.0f64, 100.0], &Device::Cpu)?;
/// // PyTorch: F.mish(x)
/// assert_eq!(F::mish(&x)?.to_vec1::<f64>()?, [0.0, 100.0]);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn mish(input: &Tensor) -> Result<Tensor> {
    input * softplus_stable(input)?.tanh()?
}

/// `log(1 + e^(βx)) / β`, and `x` itself where `βx > threshold`:
/// `torch.nn.functional.softplus` (PyTorch's defaults are `beta=1`,
/// `threshold=20`). Stable for any `x`.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional as F;
///
/// let x = Tensor::new(&[0.0f64, 30.0], &Device::Cpu)?;
/// // PyTorch: F.softplus(x, beta=1.0, threshold=20.0)
/// let y = F::softplus(&x, 1.0, 20.0)?.to_vec1::<f64>()?;
/// assert_eq!(y, [2f64.ln(), 30.0]);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn softplus(input: &Tensor, beta: f64, threshold: f64) -> Result<Tensor> {
    let scaled = (input * beta)?;
    let smooth = (softplus_stable(&scaled)? / beta)?;
    scaled.gt(threshold)?.where_cond(input, &smooth)
}
