//! `kl_div`, the Kullback–Leibler divergence.

use candle_core::{Result, Tensor};

use crate::check::same_shape_and_dtype;
use crate::math::full_like;
use crate::reduction::{Reduction, reduce};

/// Options of [`kl_div`]: PyTorch's keyword arguments `reduction` and
/// `log_target`.
///
/// ```
/// use nn_functional::{KlDivOptions, Reduction};
/// // PyTorch: F.kl_div(log_q, log_p, reduction="batchmean", log_target=True)
/// let opts = KlDivOptions { reduction: Reduction::BatchMean, log_target: true };
/// # let _ = opts;
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct KlDivOptions {
    /// Default [`Reduction::Mean`] (PyTorch's default, which averages over
    /// every element; [`Reduction::BatchMean`] gives the mathematical KL
    /// divergence per sample).
    pub reduction: Reduction,
    /// Whether `target` holds log-probabilities. Default false.
    pub log_target: bool,
}

/// The Kullback–Leibler divergence of `target` from `input`:
/// `torch.nn.functional.kl_div`. `input` holds log-probabilities; `target`
/// probabilities, or log-probabilities with `log_target`. Per element,
/// `target·(log target − input)` (0 where `target` is 0), or
/// `e^target·(target − input)` with `log_target`.
///
/// Where `target` is exactly 0 (and `log_target` is false), PyTorch's
/// gradient with respect to `target` is NaN (`0/0` in `xlogy`'s backward);
/// here `0·log 0` is the constant 0, so that gradient is `−input`.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional::{self as F, KlDivOptions, Reduction};
///
/// let log_q = Tensor::new(&[[0.5f64.ln(), 0.5f64.ln()]], &Device::Cpu)?;
/// let p = Tensor::new(&[[1.0f64, 0.0]], &Device::Cpu)?;
/// // PyTorch: F.kl_div(log_q, p, reduction="batchmean")
/// let opts = KlDivOptions { reduction: Reduction::BatchMean, ..Default::default() };
/// let kl = F::kl_div(&log_q, &p, opts)?;
/// assert!((kl.to_scalar::<f64>()? - 2f64.ln()).abs() < 1e-15);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn kl_div(input: &Tensor, target: &Tensor, opts: KlDivOptions) -> Result<Tensor> {
    const F: &str = "kl_div";
    same_shape_and_dtype(input, target, F)?;
    let loss = if opts.log_target {
        (target.exp()? * (target - input)?)?
    } else {
        // xlogy(t, t) − t·input, with log 1 = 0 standing in for log 0 where
        // t = 0 (so that no 0·∞ reaches the value or the backward pass)
        let is_zero = target.eq(0.0)?;
        let safe = is_zero.where_cond(&full_like(target, 1.0)?, target)?;
        ((target * safe.log()?)? - (target * input)?)?
    };
    match opts.reduction {
        Reduction::BatchMean if input.rank() == 0 => loss.sum_all(),
        Reduction::BatchMean => loss.sum_all()? / input.dim(0)? as f64,
        other => reduce(loss, other, F),
    }
}
