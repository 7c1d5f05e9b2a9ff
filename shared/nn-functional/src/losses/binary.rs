//! Binary losses: `binary_cross_entropy_with_logits`, `binary_cross_entropy`
//! and torchvision's `sigmoid_focal_loss`.

use candle_core::{DType, Result, Tensor, bail};

use crate::check::{DeviceChecks, same_shape_and_dtype, weight_like};
use crate::math::{log1p, log1p_of_exp};
use crate::reduction::{Reduction, reduce};

/// Options of [`binary_cross_entropy_with_logits`]: PyTorch's keyword
/// arguments `weight`, `pos_weight` and `reduction`.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional::BinaryCrossEntropyWithLogitsOptions;
/// // PyTorch: F.binary_cross_entropy_with_logits(x, y, pos_weight=torch.tensor([3.0]))
/// let opts = BinaryCrossEntropyWithLogitsOptions {
///     pos_weight: Some(Tensor::new(&[3.0f32], &Device::Cpu)?),
///     ..Default::default()
/// };
/// # let _ = opts;
/// # Ok::<(), candle_core::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct BinaryCrossEntropyWithLogitsOptions {
    /// A weight per element, broadcast to the input's shape. Default none.
    pub weight: Option<Tensor>,
    /// A weight on the positive term, broadcast to the input's shape (one
    /// per class, the last dimension, is usual): `pos_weight > 1` raises
    /// recall. Default none (1).
    pub pos_weight: Option<Tensor>,
    /// Default [`Reduction::Mean`].
    pub reduction: Reduction,
}

/// Binary cross-entropy on logits, stable for any logit:
/// `torch.nn.functional.binary_cross_entropy_with_logits`.
///
/// Per element, with `lw = 1 + (pos_weight − 1)·y`,
/// `w · ((1 − y)·z + lw·log(1 + e^(−z)))`, computed as
/// `w · (c·z + lw·log1p(e^(−|z|)))` where `c = (1 − y) − lw·[z < 0]` is built
/// from the targets and the sign of `z` alone. Nothing overflows at any
/// logit, and no gradient is lost to `1 − 1` cancellation: at `z = −17`,
/// `y = 0` the gradient is `σ(−17) = 4.1e-8`, as in PyTorch, even in f32.
/// (candle-nn's `binary_cross_entropy_with_logit` takes `log σ(z)` and gives
/// NaN from `z ≈ 16.7` in f32.)
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional as F;
///
/// let logits = Tensor::new(&[100.0f32, -100.0, 0.0], &Device::Cpu)?;
/// let targets = Tensor::new(&[1.0f32, 1.0, 0.0], &Device::Cpu)?;
/// // PyTorch: F.binary_cross_entropy_with_logits(logits, targets)
/// let loss = F::binary_cross_entropy_with_logits(&logits, &targets, Default::default())?;
/// let want = (0.0 + 100.0 + 2f32.ln()) / 3.0;
/// assert!((loss.to_scalar::<f32>()? - want).abs() < 1e-5);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn binary_cross_entropy_with_logits(
    input: &Tensor,
    target: &Tensor,
    opts: BinaryCrossEntropyWithLogitsOptions,
) -> Result<Tensor> {
    const F: &str = "binary_cross_entropy_with_logits";
    same_shape_and_dtype(input, target, F)?;
    let mut checks = DeviceChecks::default();
    let weight = match &opts.weight {
        Some(w) => Some(weight_like(w, input, F, "weight", &mut checks)?),
        None => None,
    };
    let pos_weight = match &opts.pos_weight {
        Some(w) => Some(weight_like(w, input, F, "pos_weight", &mut checks)?),
        None => None,
    };
    checks.run()?;
    let loss = bce_logits_elementwise(input, target, pos_weight.as_ref())?;
    let loss = match weight {
        Some(w) => (loss * w)?,
        None => loss,
    };
    reduce(loss, opts.reduction, F)
}

// ANCHOR: bce_logits_elementwise
/// The unweighted, unreduced stable form (also used by the focal loss).
fn bce_logits_elementwise(z: &Tensor, y: &Tensor, pos_weight: Option<&Tensor>) -> Result<Tensor> {
    // 1 where z < 0, else 0 (NaN included), as `z < 0` gives it, from
    // `sign`: a contiguous unary pass, where Candle makes a comparison one
    // element at a time
    let negative = z.sign()?.affine(-1.0, 0.0)?.relu()?;
    // +1 where z < 0, else −1 (also at 0): −sign(z), so that z·minus_sign is
    // −|z| in one product
    let minus_sign = negative.affine(2.0, -1.0)?;
    let log_term = log1p_of_exp(&(z * minus_sign)?.exp()?)?; // log(1 + e^(−|z|))
    let (coef, log_term) = match pos_weight {
        None => (((1.0 - y)? - negative)?, log_term),
        Some(pw) => {
            let lw = ((y * (pw - 1.0)?)? + 1.0)?;
            (((1.0 - y)? - (&lw * negative)?)?, (lw * log_term)?)
        }
    };
    (z * coef)? + log_term
}
// ANCHOR_END: bce_logits_elementwise

/// Options of [`binary_cross_entropy`]: PyTorch's keyword arguments `weight`
/// and `reduction`.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional::{BinaryCrossEntropyOptions, Reduction};
/// // PyTorch: F.binary_cross_entropy(p, y, weight=w, reduction="sum")
/// let w = Tensor::new(&[1.0f32, 2.0], &Device::Cpu)?;
/// let opts = BinaryCrossEntropyOptions { weight: Some(w), reduction: Reduction::Sum };
/// # let _ = opts;
/// # Ok::<(), candle_core::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct BinaryCrossEntropyOptions {
    /// A weight per element, broadcast to the input's shape. Default none.
    pub weight: Option<Tensor>,
    /// Default [`Reduction::Mean`].
    pub reduction: Reduction,
}

/// Binary cross-entropy on probabilities, `−w·(y·log p + (1 − y)·log(1 − p))`
/// with each log clamped at −100 as PyTorch does:
/// `torch.nn.functional.binary_cross_entropy`.
///
/// `input` and `target` must lie in `[0, 1]` (checked on the device, as
/// PyTorch checks them). The gradient is PyTorch's, written out:
/// `w·(p − y) / max(p·(1 − p), 1e-12)` for `input`, and `−logit(p)` for
/// `target` (where `p` is exactly 0 or 1 PyTorch's target gradient is ±∞;
/// here it is the derivative of the clamped loss, ±(100 + log …), finite).
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional as F;
///
/// let p = Tensor::new(&[0.0f64, 0.5], &Device::Cpu)?;
/// let y = Tensor::new(&[1.0f64, 1.0], &Device::Cpu)?;
/// // PyTorch: F.binary_cross_entropy(p, y)
/// let loss = F::binary_cross_entropy(&p, &y, Default::default())?;
/// let want = (100.0 + 2f64.ln()) / 2.0; // log 0 is clamped at −100
/// assert!((loss.to_scalar::<f64>()? - want).abs() < 1e-12);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn binary_cross_entropy(
    input: &Tensor,
    target: &Tensor,
    opts: BinaryCrossEntropyOptions,
) -> Result<Tensor> {
    const F: &str = "binary_cross_entropy";
    same_shape_and_dtype(input, target, F)?;
    if matches!(input.dtype(), DType::F16 | DType::BF16) {
        // PyTorch computes this in f32 for half types, and must here too:
        // its 1e-12 floor is 0 in f16.
        let up = |t: &Tensor| t.to_dtype(DType::F32);
        let weight = match &opts.weight {
            Some(w) if w.dtype() != input.dtype() => bail!(
                "{F}: `weight` must have the dtype of `input`, {:?}, got {:?}",
                input.dtype(),
                w.dtype()
            ),
            Some(w) => Some(up(w)?),
            None => None,
        };
        let opts = BinaryCrossEntropyOptions { weight, ..opts };
        return binary_cross_entropy(&up(input)?, &up(target)?, opts)?.to_dtype(input.dtype());
    }
    let mut checks = DeviceChecks::default();
    let outside = |t: &Tensor| -> Result<Tensor> {
        // 1 unless 0 ≤ t ≤ 1 (NaN included)
        (t.ge(0.0)? * t.le(1.0)?)?.eq(0.0)
    };
    checks.push(
        &outside(input)?,
        format!("{F}: every element of `input` must be between 0 and 1"),
    )?;
    checks.push(
        &outside(target)?,
        format!("{F}: every element of `target` must be between 0 and 1"),
    )?;
    let weight = match &opts.weight {
        Some(w) => Some(weight_like(w, input, F, "weight", &mut checks)?),
        None => None,
    };
    checks.run()?;

    // The value, as PyTorch computes it, as a constant ...
    let (p, y) = (input.detach(), target.detach());
    let clamp = |t: Tensor| -> Result<Tensor> { t.maximum(-100.0) };
    let log_p = clamp(p.log()?)?;
    let log_1mp = clamp(log1p(&p.neg()?)?)?;
    let value = ((&y * &log_p)? + ((1.0 - &y)? * &log_1mp)?)?.neg()?;
    // ... plus terms that are 0 in value and carry PyTorch's gradients.
    // PyTorch's EPSILON is the f32 1e-12, 9.9999999600e-13
    let denom = (&p * (1.0 - &p)?)?.maximum(1e-12f32 as f64)?;
    let grad_input = ((&p - &y)? / denom)?;
    let inside = (p.gt(0.0)? * p.lt(1.0)?)?;
    let logit = (&p / (1.0 - &p)?)?.log()?;
    let safe_logit = inside.where_cond(&logit, &(&log_p - &log_1mp)?)?;
    let grad_target = safe_logit.neg()?;
    let through_input = ((input - &p)? * grad_input)?;
    let through_target = ((target - &y)? * grad_target)?;
    let loss = ((value + through_input)? + through_target)?;
    let loss = match weight {
        Some(w) => (loss * w)?,
        None => loss,
    };
    reduce(loss, opts.reduction, F)
}

/// Options of [`sigmoid_focal_loss`]: torchvision's keyword arguments
/// `alpha`, `gamma` and `reduction`, with torchvision's defaults (α = 0.25,
/// γ = 2, reduction `"none"`).
///
/// ```
/// use nn_functional::{Reduction, SigmoidFocalLossOptions};
/// // torchvision: sigmoid_focal_loss(x, y, alpha=-1, gamma=2, reduction="mean")
/// let opts = SigmoidFocalLossOptions { alpha: None, reduction: Reduction::Mean, ..Default::default() };
/// assert_eq!(SigmoidFocalLossOptions::default().reduction, Reduction::None);
/// # let _ = opts;
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SigmoidFocalLossOptions {
    /// The weight of the positive class, in `[0, 1]`; `None` is
    /// torchvision's `alpha=-1`, no weighting. Default `Some(0.25)`.
    pub alpha: Option<f64>,
    /// The focusing exponent, ≥ 0; 0 gives (α-weighted) BCE. Default 2.
    pub gamma: f64,
    /// Default [`Reduction::None`], as in torchvision.
    pub reduction: Reduction,
}

impl Default for SigmoidFocalLossOptions {
    fn default() -> Self {
        SigmoidFocalLossOptions {
            alpha: Some(0.25),
            gamma: 2.0,
            reduction: Reduction::None,
        }
    }
}

/// Focal loss (Lin et al., 2017) on logits, with torchvision's semantics:
/// `torchvision.ops.sigmoid_focal_loss`, i.e.
/// `α_t · (1 − p_t)^γ · BCE(z, y)` with `p = σ(z)`,
/// `p_t = p·y + (1 − p)(1 − y)` and `α_t = α·y + (1 − α)(1 − y)`.
///
/// At `γ = 0` the factor `(1 − p_t)^γ` is left out: its value is 1 and its
/// derivative 0 in PyTorch, while Candle's `powf` would give a NaN
/// derivative where `p_t = 1`.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional::{self as F, Reduction, SigmoidFocalLossOptions};
///
/// let logits = Tensor::new(&[2.0f32, -1.0], &Device::Cpu)?;
/// let targets = Tensor::new(&[1.0f32, 0.0], &Device::Cpu)?;
/// // torchvision: sigmoid_focal_loss(logits, targets, reduction="sum")
/// let opts = SigmoidFocalLossOptions { reduction: Reduction::Sum, ..Default::default() };
/// let loss = F::sigmoid_focal_loss(&logits, &targets, opts)?;
/// assert!(loss.to_scalar::<f32>()? < 0.03);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn sigmoid_focal_loss(
    input: &Tensor,
    target: &Tensor,
    opts: SigmoidFocalLossOptions,
) -> Result<Tensor> {
    const F: &str = "sigmoid_focal_loss";
    same_shape_and_dtype(input, target, F)?;
    let gamma = opts.gamma;
    if !(gamma >= 0.0 && gamma.is_finite()) {
        bail!("{F}: `gamma` must be a finite number ≥ 0, got {gamma}")
    }
    if let Some(alpha) = opts.alpha
        && !(0.0..=1.0).contains(&alpha)
    {
        bail!("{F}: `alpha` must be between 0 and 1 (or None for no weighting), got {alpha}")
    }
    let ce = bce_logits_elementwise(input, target, None)?;
    let p = candle_nn::ops::sigmoid(input)?;
    let p_t = ((&p * target)? + ((1.0 - &p)? * (1.0 - target)?)?)?;
    let loss = if gamma == 0.0 {
        ce
    } else {
        ((1.0 - p_t)?.powf(gamma)? * ce)?
    };
    let loss = match opts.alpha {
        Some(alpha) => {
            let alpha_t = ((target * alpha)? + ((1.0 - target)? * (1.0 - alpha))?)?;
            (alpha_t * loss)?
        }
        None => loss,
    };
    reduce(loss, opts.reduction, F)
}
