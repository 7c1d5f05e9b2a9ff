//! `cross_entropy`, on class indices or class probabilities.

use candle_core::{Result, Tensor, bail};

use super::nll::{
    DEFAULT_IGNORE_INDEX, batched, class_targets, class_weight, nll, nll_of_picked, unbatch,
};
use crate::check::{DeviceChecks, not_empty};
use crate::reduction::Reduction;
use crate::softmax::log_softmax;

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
    if eps == 0.0 {
        // `log_softmax` at the targets only, `(z − m)[y] − log Σ exp(z − m)`:
        // the same values and gradients, bit for bit, without the `(N, C)`
        // matrix of log-probabilities, whose forward and backward passes
        // took about a third of the time at (4096, 1000).
        let shifted = input.broadcast_sub(&input.max_keepdim(1)?.detach())?;
        let lse = shifted.exp()?.sum_keepdim(1)?.log()?;
        let picked = (shifted.gather(&t.safe.unsqueeze(1)?, 1)? - lse)?.squeeze(1)?;
        let nll = nll_of_picked(&picked, &t, opts.reduction, F)?;
        return unbatch(nll, unbatched, opts.reduction);
    }
    let log_probs = log_softmax(&input, 1)?;
    let nll = nll(&log_probs, &t, opts.reduction, F)?;
    let smooth = match &weight_b {
        Some(w) => log_probs.broadcast_mul(w)?.sum(1)?.neg()?,
        None => log_probs.sum(1)?.neg()?,
    };
    let smooth = match &t.ignore {
        Some(ignore) => ignore.where_cond(&smooth.zeros_like()?, &smooth)?,
        None => smooth,
    };
    let smooth = match (opts.reduction, &t.ignore) {
        (Reduction::None, _) => smooth,
        (Reduction::Sum, _) => smooth.sum_all()?,
        (Reduction::Mean, _) if weight.is_some() => {
            (smooth.sum_all()? / t.total_weight(&input)?)?
        }
        (Reduction::Mean, Some(ignore)) => {
            let kept = (1.0 - ignore.to_dtype(input.dtype())?)?.sum_all()?;
            (smooth.sum_all()? / kept)?
        }
        (Reduction::Mean, None) => (smooth.sum_all()? / t.total_weight(&input)?)?,
        (Reduction::BatchMean, _) => {
            bail!("{F}: `reduction` batchmean is only defined for kl_div")
        }
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
