//! `nll_loss`, and the class-index targets it shares with `cross_entropy`.

use candle_core::{DType, Result, Tensor, bail};

use crate::check::{DeviceChecks, float, negative_or_nonfinite, not_empty};
use crate::reduction::Reduction;

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

/// Inputs `(C)` (unbatched) become `(1, C)`; the flag says to undo it.
pub(crate) fn batched(input: &Tensor, f: &str) -> Result<(Tensor, bool)> {
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
pub(crate) fn class_weight(
    w: &Tensor,
    input: &Tensor,
    f: &str,
    checks: &mut DeviceChecks,
) -> Result<Tensor> {
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
pub(crate) struct Targets {
    /// The class of each target, ignored ones replaced by 0 (u32).
    pub(crate) safe: Tensor,
    /// 1 where the target is `ignore_index` (u8); `None` when no target can
    /// be (see [`Targets::plain`]).
    pub(crate) ignore: Option<Tensor>,
    /// The weight of each target's class, 0 where ignored (input's dtype);
    /// `None` when every target has weight 1.
    pub(crate) weight: Option<Tensor>,
}

impl Targets {
    /// The number the mean divides by: the sum of the weights of the
    /// targets not ignored (their number when unweighted).
    pub(crate) fn total_weight(&self, like: &Tensor) -> Result<Tensor> {
        match &self.weight {
            Some(w) => w.sum_all(),
            None => Tensor::ones((), like.dtype(), like.device())? * self.safe.elem_count() as f64,
        }
    }
}

pub(crate) fn class_targets(
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
    if weight.is_none() && ignore_index < 0 && matches!(target.dtype(), DType::U8 | DType::U32) {
        // PyTorch's default call on u8 or u32 indices: no target can be
        // `ignore_index` and each weighs 1, so only the range is checked and
        // the mean divides by the number of targets. The same values and
        // gradients as below, bit for bit, with none of its masks (a
        // training step on 1000 targets spent about a tenth of its time
        // building them).
        let t = target.to_dtype(DType::U32)?;
        checks.push(
            &t.ge(c as f64)?,
            format!(
                "{f}: every `target` must be a class index in 0..{c} or `ignore_index` ({ignore_index})"
            ),
        )?;
        return Ok(Targets {
            safe: t,
            ignore: None,
            weight: None,
        });
    }
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
        ignore: Some(ignore),
        weight: Some(weight),
    })
}

/// `−w[y]·input[y]` per target (0 where ignored), reduced as PyTorch does.
pub(crate) fn nll(
    log_probs: &Tensor,
    t: &Targets,
    reduction: Reduction,
    f: &str,
) -> Result<Tensor> {
    let picked = log_probs.gather(&t.safe.unsqueeze(1)?, 1)?.squeeze(1)?;
    nll_of_picked(&picked, t, reduction, f)
}

/// [`nll`] from `input[y]` already picked, one per target.
pub(crate) fn nll_of_picked(
    picked: &Tensor,
    t: &Targets,
    reduction: Reduction,
    f: &str,
) -> Result<Tensor> {
    let each = match &t.weight {
        Some(w) => (picked.neg()? * w)?,
        None => picked.neg()?,
    };
    let each = match &t.ignore {
        Some(ignore) => ignore.where_cond(&each.zeros_like()?, &each)?,
        None => each,
    };
    match reduction {
        Reduction::None => Ok(each),
        Reduction::Sum => each.sum_all(),
        Reduction::Mean => each.sum_all()? / t.total_weight(picked)?,
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

pub(crate) fn unbatch(loss: Tensor, unbatched: bool, reduction: Reduction) -> Result<Tensor> {
    if unbatched && reduction == Reduction::None {
        loss.squeeze(0)
    } else {
        Ok(loss)
    }
}
