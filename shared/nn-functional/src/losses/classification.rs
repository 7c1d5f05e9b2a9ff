//! Classification losses: `cross_entropy` and `nll_loss`.

use candle_core::{DType, Result, Tensor, bail};

use crate::check::{DeviceChecks, float, negative_or_nonfinite, not_empty};
use crate::reduction::Reduction;
use crate::softmax::log_softmax;

/// PyTorch's default `ignore_index`, −100: a target of −100 is ignored
/// unless the options say otherwise.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional as F;
///
/// let logits = Tensor::new(&[[0.0f64, 0.0], [5.0, 0.0]], &Device::Cpu)?;
/// let target = Tensor::new(&[0i64, F::DEFAULT_IGNORE_INDEX], &Device::Cpu)?;
/// // PyTorch: F.cross_entropy(logits, torch.tensor([0, -100]))
/// let loss = F::cross_entropy(&logits, &target, Default::default())?;
/// assert!((loss.to_scalar::<f64>()? - 2f64.ln()).abs() < 1e-15); // the second row is ignored
/// # Ok::<(), candle_core::Error>(())
/// ```
pub const DEFAULT_IGNORE_INDEX: i64 = -100;

/// Options of [`nll_loss`]: PyTorch's keyword arguments `weight`,
/// `ignore_index` and `reduction`.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional::NllLossOptions;
/// // PyTorch: F.nll_loss(log_probs, target, weight=w, ignore_index=0)
/// let w = Tensor::new(&[1.0f32, 2.0, 3.0], &Device::Cpu)?;
/// let opts = NllLossOptions { weight: Some(w), ignore_index: 0, ..Default::default() };
/// assert_eq!(NllLossOptions::default().ignore_index, -100);
/// # let _ = opts;
/// # Ok::<(), candle_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct NllLossOptions {
    /// One weight per class, shape `(C,)`, finite and ≥ 0. Default none.
    pub weight: Option<Tensor>,
    /// A target equal to this contributes nothing, to the loss or to the
    /// mean's denominator. Default −100.
    pub ignore_index: i64,
    /// Default [`Reduction::Mean`]: with weights, the sum divided by the sum
    /// of the weights of the targets not ignored.
    pub reduction: Reduction,
}

impl Default for NllLossOptions {
    fn default() -> Self {
        NllLossOptions {
            weight: None,
            ignore_index: DEFAULT_IGNORE_INDEX,
            reduction: Reduction::Mean,
        }
    }
}

/// Options of [`cross_entropy`]: PyTorch's keyword arguments `weight`,
/// `ignore_index`, `reduction` and `label_smoothing`.
///
/// ```
/// use nn_functional::CrossEntropyOptions;
/// // PyTorch: F.cross_entropy(logits, target, label_smoothing=0.1)
/// let opts = CrossEntropyOptions { label_smoothing: 0.1, ..Default::default() };
/// # let _ = opts;
/// ```
#[derive(Clone, Debug)]
pub struct CrossEntropyOptions {
    /// One weight per class, shape `(C,)`, finite and ≥ 0. Default none.
    pub weight: Option<Tensor>,
    /// With class-index targets, a target equal to this contributes
    /// nothing. Probability targets accept only the default, −100, as in
    /// PyTorch.
    pub ignore_index: i64,
    /// Default [`Reduction::Mean`]: with class-index targets and weights,
    /// the sum divided by the sum of the weights of the targets not ignored;
    /// with probability targets, divided by the number of samples.
    pub reduction: Reduction,
    /// Mixes the target with the uniform distribution: `(1 − ε)·target +
    /// ε/C`. In `[0, 1]`; default 0.
    pub label_smoothing: f64,
}

impl Default for CrossEntropyOptions {
    fn default() -> Self {
        CrossEntropyOptions {
            weight: None,
            ignore_index: DEFAULT_IGNORE_INDEX,
            reduction: Reduction::Mean,
            label_smoothing: 0.0,
        }
    }
}

/// Inputs `(C)` (unbatched) become `(1, C)`; the flag says to undo it.
fn batched(input: &Tensor, f: &str) -> Result<(Tensor, bool)> {
    float(input, f, "input")?;
    match input.rank() {
        0 => bail!(
            "{f}: `input` must have a class dimension, shape (C), (N, C) or (N, C, d1, …), got a scalar"
        ),
        1 => Ok((input.unsqueeze(0)?, true)),
        _ => Ok((input.clone(), false)),
    }
}

/// `(C,)` weights checked and reshaped to `(1, C, 1, …)` for `input`.
fn class_weight(w: &Tensor, input: &Tensor, f: &str, checks: &mut DeviceChecks) -> Result<Tensor> {
    let c = input.dim(1)?;
    if w.dims() != [c] {
        bail!(
            "{f}: `weight` must hold one weight per class, shape ({c},), got {:?}",
            w.dims()
        )
    }
    if w.dtype() != input.dtype() {
        bail!(
            "{f}: `weight` must have the dtype of `input`, {:?}, got {:?}",
            input.dtype(),
            w.dtype()
        )
    }
    checks.push(
        &negative_or_nonfinite(w)?,
        format!("{f}: every class weight in `weight` must be finite and ≥ 0"),
    )?;
    Ok(w.clone())
}

/// Class-index targets, checked and prepared for a `(N, C, d1, …)` input.
struct Targets {
    /// The class of each target, ignored ones replaced by 0 (u32).
    safe: Tensor,
    /// 1 where the target is `ignore_index` (u8).
    ignore: Tensor,
    /// The weight of each target's class, 0 where ignored (input's dtype).
    weight: Tensor,
}

fn class_targets(
    input: &Tensor,
    target: &Tensor,
    weight: Option<&Tensor>,
    ignore_index: i64,
    f: &str,
    checks: &mut DeviceChecks,
) -> Result<Targets> {
    if !matches!(target.dtype(), DType::U8 | DType::U32 | DType::I64) {
        bail!(
            "{f}: `target` must hold class indices (u8, u32 or i64) or probabilities (the dtype of `input`), got {:?}",
            target.dtype()
        )
    }
    let mut want = input.dims().to_vec();
    let c = want.remove(1);
    if target.dims() != want {
        bail!(
            "{f}: class-index `target` must have shape {want:?} for `input` of shape {:?}, got {:?}",
            input.dims(),
            target.dims()
        )
    }
    not_empty(input, f)?;
    let t = target.to_dtype(DType::I64)?;
    let ignore = t.eq(ignore_index as f64)?;
    let out_of_range = (t.lt(0.0)? + t.ge(c as f64)?)?;
    let bad = ignore.where_cond(&out_of_range.zeros_like()?, &out_of_range)?;
    checks.push(
        &bad,
        format!(
            "{f}: every `target` must be a class index in 0..{c} or `ignore_index` ({ignore_index})"
        ),
    )?;
    // Ignored and out-of-range targets both point at class 0 until the checks
    // run, so that no gather or index_select fails first with a worse message.
    let unusable = ignore.maximum(&out_of_range)?;
    let safe = unusable
        .where_cond(&t.zeros_like()?, &t)?
        .to_dtype(DType::U32)?;
    let zeros = ignore.zeros_like()?.to_dtype(input.dtype())?;
    let weight = match weight {
        Some(w) => w
            .index_select(&safe.flatten_all()?, 0)?
            .reshape(safe.shape())?,
        None => zeros.ones_like()?,
    };
    let weight = ignore.where_cond(&zeros, &weight)?;
    Ok(Targets {
        safe,
        ignore,
        weight,
    })
}

/// `−w[y]·input[y]` per target (0 where ignored), reduced as PyTorch does.
fn nll(log_probs: &Tensor, t: &Targets, reduction: Reduction, f: &str) -> Result<Tensor> {
    let picked = log_probs.gather(&t.safe.unsqueeze(1)?, 1)?.squeeze(1)?;
    let each = (picked.neg()? * &t.weight)?;
    let each = t.ignore.where_cond(&each.zeros_like()?, &each)?;
    match reduction {
        Reduction::None => Ok(each),
        Reduction::Sum => each.sum_all(),
        Reduction::Mean => each.sum_all()? / t.weight.sum_all()?,
        Reduction::BatchMean => bail!("{f}: `reduction` batchmean is only defined for kl_div"),
    }
}

/// The negative log-likelihood loss on log-probabilities:
/// `torch.nn.functional.nll_loss`. `input` is `(N, C)`, `(N, C, d1, …)` or
/// `(C)`, and `target` holds class indices (u8, u32 or i64) of shape
/// `(N)`, `(N, d1, …)` or `()`.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional::{self as F, NllLossOptions};
///
/// let log_probs = Tensor::new(&[[-0.5f64, -1.0], [-2.0, -0.1]], &Device::Cpu)?;
/// let target = Tensor::new(&[0i64, 1], &Device::Cpu)?;
/// let weight = Tensor::new(&[1.0f64, 3.0], &Device::Cpu)?;
/// // PyTorch: F.nll_loss(log_probs, target, weight=weight)
/// let opts = NllLossOptions { weight: Some(weight), ..Default::default() };
/// let loss = F::nll_loss(&log_probs, &target, opts)?;
/// assert!((loss.to_scalar::<f64>()? - (0.5 + 3.0 * 0.1) / 4.0).abs() < 1e-15);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn nll_loss(input: &Tensor, target: &Tensor, opts: NllLossOptions) -> Result<Tensor> {
    const F: &str = "nll_loss";
    let (input, unbatched) = batched(input, F)?;
    let target = if unbatched {
        target.unsqueeze(0)?
    } else {
        target.clone()
    };
    let mut checks = DeviceChecks::default();
    let weight = match &opts.weight {
        Some(w) => Some(class_weight(w, &input, F, &mut checks)?),
        None => None,
    };
    let t = class_targets(
        &input,
        &target,
        weight.as_ref(),
        opts.ignore_index,
        F,
        &mut checks,
    )?;
    checks.run()?;
    let loss = nll(&input, &t, opts.reduction, F)?;
    unbatch(loss, unbatched, opts.reduction)
}

fn unbatch(loss: Tensor, unbatched: bool, reduction: Reduction) -> Result<Tensor> {
    if unbatched && reduction == Reduction::None {
        loss.squeeze(0)
    } else {
        Ok(loss)
    }
}

/// Cross-entropy between logits and targets:
/// `torch.nn.functional.cross_entropy`.
///
/// `input` holds logits, `(N, C)`, `(N, C, d1, …)` or `(C)`. `target` is
/// either class indices (u8, u32 or i64, shape `input` without its class
/// dimension) or class probabilities (the dtype and shape of `input`). The
/// options combine as in PyTorch: a weighted mean divides by the sum of the
/// weights of the targets not ignored, label smoothing's uniform term is
/// weighted by the same class weights, and a batch whose every target is
/// ignored has a mean of NaN (0/0) and gradients of 0.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional::{self as F, CrossEntropyOptions};
///
/// let logits = Tensor::new(&[[2.0f32, 0.5, -1.0], [0.1, 0.2, 3.0]], &Device::Cpu)?;
/// let target = Tensor::new(&[0u32, 2], &Device::Cpu)?;
/// // PyTorch: F.cross_entropy(logits, target, label_smoothing=0.1)
/// let opts = CrossEntropyOptions { label_smoothing: 0.1, ..Default::default() };
/// let loss = F::cross_entropy(&logits, &target, opts)?;
/// assert!(loss.to_scalar::<f32>()? > 0.0);
///
/// // Probability targets: PyTorch: F.cross_entropy(logits, probs)
/// let probs = Tensor::new(&[[1.0f32, 0.0, 0.0], [0.0, 0.5, 0.5]], &Device::Cpu)?;
/// let loss = F::cross_entropy(&logits, &probs, Default::default())?;
/// assert!(loss.to_scalar::<f32>()? > 0.0);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn cross_entropy(input: &Tensor, target: &Tensor, opts: CrossEntropyOptions) -> Result<Tensor> {
    const F: &str = "cross_entropy";
    let (input, unbatched) = batched(input, F)?;
    let eps = opts.label_smoothing;
    if !(0.0..=1.0).contains(&eps) {
        bail!("{F}: `label_smoothing` must be between 0 and 1, got {eps}")
    }
    let mut checks = DeviceChecks::default();
    let weight = match &opts.weight {
        Some(w) => Some(class_weight(w, &input, F, &mut checks)?),
        None => None,
    };
    let c = input.dim(1)?;
    // (1, C, 1, …): the class weights broadcast against the input
    let mut wshape = vec![1; input.rank()];
    wshape[1] = c;
    let weight_b = match &weight {
        Some(w) => Some(w.reshape(wshape)?),
        None => None,
    };
    if target.dtype() == input.dtype() {
        checks.run()?;
        let target = if unbatched {
            target.unsqueeze(0)?
        } else {
            target.clone()
        };
        let loss = probability_targets(&input, &target, weight_b.as_ref(), eps, &opts, F)?;
        return unbatch(loss, unbatched, opts.reduction);
    }
    let target = if unbatched {
        target.unsqueeze(0)?
    } else {
        target.clone()
    };
    let t = class_targets(
        &input,
        &target,
        weight.as_ref(),
        opts.ignore_index,
        F,
        &mut checks,
    )?;
    checks.run()?;
    let log_probs = log_softmax(&input, 1)?;
    let nll = nll(&log_probs, &t, opts.reduction, F)?;
    if eps == 0.0 {
        return unbatch(nll, unbatched, opts.reduction);
    }
    let smooth = match &weight_b {
        Some(w) => log_probs.broadcast_mul(w)?.sum(1)?.neg()?,
        None => log_probs.sum(1)?.neg()?,
    };
    let smooth = t.ignore.where_cond(&smooth.zeros_like()?, &smooth)?;
    let smooth = match opts.reduction {
        Reduction::None => smooth,
        Reduction::Sum => smooth.sum_all()?,
        Reduction::Mean if weight.is_some() => (smooth.sum_all()? / t.weight.sum_all()?)?,
        Reduction::Mean => {
            let kept = (1.0 - t.ignore.to_dtype(input.dtype())?)?.sum_all()?;
            (smooth.sum_all()? / kept)?
        }
        Reduction::BatchMean => bail!("{F}: `reduction` batchmean is only defined for kl_div"),
    };
    let loss = ((nll * (1.0 - eps))? + (smooth * (eps / c as f64))?)?;
    unbatch(loss, unbatched, opts.reduction)
}

fn probability_targets(
    input: &Tensor,
    target: &Tensor,
    weight: Option<&Tensor>,
    eps: f64,
    opts: &CrossEntropyOptions,
    f: &str,
) -> Result<Tensor> {
    if input.dims() != target.dims() {
        bail!(
            "{f}: probability `target` must have the shape of `input`, {:?}, got {:?}",
            input.dims(),
            target.dims()
        )
    }
    if opts.ignore_index != DEFAULT_IGNORE_INDEX {
        bail!("{f}: `ignore_index` is not supported for probability targets (as in PyTorch)")
    }
    not_empty(input, f)?;
    let c = input.dim(1)?;
    let target = if eps > 0.0 {
        ((target * (1.0 - eps))? + eps / c as f64)?
    } else {
        target.clone()
    };
    let prod = (log_softmax(input, 1)? * target)?;
    let prod = match weight {
        Some(w) => prod.broadcast_mul(w)?,
        None => prod,
    };
    match opts.reduction {
        Reduction::None => prod.sum(1)?.neg(),
        Reduction::Sum => prod.sum_all()?.neg(),
        Reduction::Mean => prod.sum_all()?.neg()? / (input.elem_count() / c) as f64,
        Reduction::BatchMean => bail!("{f}: `reduction` batchmean is only defined for kl_div"),
    }
}
