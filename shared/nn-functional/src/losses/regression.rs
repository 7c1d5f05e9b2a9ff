//! Regression losses: `mse_loss`, `l1_loss`, `huber_loss`, `smooth_l1_loss`.

use candle_core::{Result, Tensor, bail};

use crate::check::same_shape_and_dtype;
use crate::math::abs;
use crate::reduction::{Reduction, reduce};

/// Mean squared error, `(input − target)²` per element, reduced:
/// `torch.nn.functional.mse_loss`.
///
/// `input` and `target` must have the same shape and dtype (PyTorch
/// broadcasts with a warning; this refuses, as a silent broadcast is
/// usually a bug).
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional::{self as F, Reduction};
///
/// let input = Tensor::new(&[1.0f32, 2.0, 3.0], &Device::Cpu)?;
/// let target = Tensor::new(&[1.0f32, 0.0, 0.0], &Device::Cpu)?;
/// // PyTorch: F.mse_loss(input, target)
/// let loss = F::mse_loss(&input, &target, Reduction::Mean)?;
/// assert_eq!(loss.to_scalar::<f32>()?, (4.0 + 9.0) / 3.0);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn mse_loss(input: &Tensor, target: &Tensor, reduction: Reduction) -> Result<Tensor> {
    same_shape_and_dtype(input, target, "mse_loss")?;
    reduce((input - target)?.sqr()?, reduction, "mse_loss")
}

/// Mean absolute error, `|input − target|` per element, reduced:
/// `torch.nn.functional.l1_loss`. Its derivative at a perfect prediction is
/// 0, as in PyTorch (`sign(0) = 0`).
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional::{self as F, Reduction};
///
/// let input = Tensor::new(&[1.0f64, -2.0], &Device::Cpu)?;
/// let target = Tensor::new(&[0.0f64, 0.0], &Device::Cpu)?;
/// // PyTorch: F.l1_loss(input, target, reduction="sum")
/// let loss = F::l1_loss(&input, &target, Reduction::Sum)?;
/// assert_eq!(loss.to_scalar::<f64>()?, 3.0);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn l1_loss(input: &Tensor, target: &Tensor, reduction: Reduction) -> Result<Tensor> {
    same_shape_and_dtype(input, target, "l1_loss")?;
    reduce(abs(&(input - target)?)?, reduction, "l1_loss")
}

/// Options of [`huber_loss`]: PyTorch's keyword arguments `reduction` and
/// `delta`.
///
/// ```
/// use nn_functional::{HuberLossOptions, Reduction};
/// // PyTorch: F.huber_loss(input, target, delta=0.5, reduction="sum")
/// let opts = HuberLossOptions { delta: 0.5, reduction: Reduction::Sum };
/// assert_eq!(HuberLossOptions::default().delta, 1.0);
/// # let _ = opts;
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HuberLossOptions {
    /// Where the loss turns from quadratic to linear; must be > 0. Default 1.
    pub delta: f64,
    /// Default [`Reduction::Mean`].
    pub reduction: Reduction,
}

impl Default for HuberLossOptions {
    fn default() -> Self {
        HuberLossOptions {
            delta: 1.0,
            reduction: Reduction::Mean,
        }
    }
}

/// Huber loss: `½e²` where `|e| < δ`, `δ(|e| − ½δ)` elsewhere, with
/// `e = input − target`: `torch.nn.functional.huber_loss`.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional::{self as F, HuberLossOptions};
///
/// let input = Tensor::new(&[0.5f64, 3.0], &Device::Cpu)?;
/// let target = Tensor::new(&[0.0f64, 0.0], &Device::Cpu)?;
/// // PyTorch: F.huber_loss(input, target, delta=1.0)
/// let loss = F::huber_loss(&input, &target, HuberLossOptions::default())?;
/// assert_eq!(loss.to_scalar::<f64>()?, (0.125 + 2.5) / 2.0);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn huber_loss(input: &Tensor, target: &Tensor, opts: HuberLossOptions) -> Result<Tensor> {
    same_shape_and_dtype(input, target, "huber_loss")?;
    let delta = opts.delta;
    if !(delta > 0.0 && delta.is_finite()) {
        bail!("huber_loss: `delta` must be a finite number > 0, got {delta}")
    }
    let e = (input - target)?;
    let abs_e = abs(&e)?;
    let quadratic = (e.sqr()? * 0.5)?;
    let linear = ((&abs_e - 0.5 * delta)? * delta)?;
    let loss = abs_e.lt(delta)?.where_cond(&quadratic, &linear)?;
    reduce(loss, opts.reduction, "huber_loss")
}

/// Options of [`smooth_l1_loss`]: PyTorch's keyword arguments `reduction`
/// and `beta`.
///
/// ```
/// use nn_functional::{Reduction, SmoothL1LossOptions};
/// // PyTorch: F.smooth_l1_loss(input, target, beta=0.1)
/// let opts = SmoothL1LossOptions { beta: 0.1, ..Default::default() };
/// assert_eq!(opts.reduction, Reduction::Mean);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SmoothL1LossOptions {
    /// Where the loss turns from quadratic to linear; must be ≥ 0 (0 gives
    /// [`l1_loss`], as in PyTorch). Default 1.
    pub beta: f64,
    /// Default [`Reduction::Mean`].
    pub reduction: Reduction,
}

impl Default for SmoothL1LossOptions {
    fn default() -> Self {
        SmoothL1LossOptions {
            beta: 1.0,
            reduction: Reduction::Mean,
        }
    }
}

/// Smooth L1 loss: `½e²/β` where `|e| < β`, `|e| − ½β` elsewhere:
/// `torch.nn.functional.smooth_l1_loss`. It is Huber's loss divided by `β`.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional::{self as F, SmoothL1LossOptions};
///
/// let input = Tensor::new(&[0.5f64, 3.0], &Device::Cpu)?;
/// let target = Tensor::new(&[0.0f64, 0.0], &Device::Cpu)?;
/// // PyTorch: F.smooth_l1_loss(input, target, beta=2.0)
/// let opts = SmoothL1LossOptions { beta: 2.0, ..Default::default() };
/// let loss = F::smooth_l1_loss(&input, &target, opts)?;
/// assert_eq!(loss.to_scalar::<f64>()?, (0.0625 + 2.0) / 2.0);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn smooth_l1_loss(
    input: &Tensor,
    target: &Tensor,
    opts: SmoothL1LossOptions,
) -> Result<Tensor> {
    same_shape_and_dtype(input, target, "smooth_l1_loss")?;
    let beta = opts.beta;
    if !(beta >= 0.0 && beta.is_finite()) {
        bail!("smooth_l1_loss: `beta` must be a finite number ≥ 0, got {beta}")
    }
    let e = (input - target)?;
    let abs_e = abs(&e)?;
    if beta == 0.0 {
        return reduce(abs_e, opts.reduction, "smooth_l1_loss");
    }
    let quadratic = (e.sqr()? * (0.5 / beta))?;
    let linear = (&abs_e - 0.5 * beta)?;
    let loss = abs_e.lt(beta)?.where_cond(&quadratic, &linear)?;
    reduce(loss, opts.reduction, "smooth_l1_loss")
}
