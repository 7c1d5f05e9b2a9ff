//! [`Reduction`], PyTorch's `reduction=` keyword.

use candle_core::{Result, Tensor, bail};

/// How a loss combines its per-element values: PyTorch's `reduction=`
/// keyword, `"none"`, `"mean"` (the default), `"sum"` and, for
/// [`kl_div`](crate::kl_div) only, `"batchmean"`.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use nn_functional::{self as F, Reduction};
///
/// let input = Tensor::new(&[1.0f64, 2.0, 4.0], &Device::Cpu)?;
/// let target = Tensor::new(&[1.0f64, 1.0, 1.0], &Device::Cpu)?;
/// // PyTorch: F.l1_loss(input, target, reduction="none")
/// let each = F::l1_loss(&input, &target, Reduction::None)?;
/// assert_eq!(each.to_vec1::<f64>()?, [0.0, 1.0, 3.0]);
/// // PyTorch: F.l1_loss(input, target, reduction="sum")
/// let total = F::l1_loss(&input, &target, Reduction::Sum)?;
/// assert_eq!(total.to_scalar::<f64>()?, 4.0);
/// assert_eq!(Reduction::default(), Reduction::Mean);
/// # Ok::<(), candle_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Reduction {
    /// `reduction="none"`: one loss per element, in the shape PyTorch gives.
    None,
    /// `reduction="mean"`: the mean, or for losses with class weights the
    /// weighted mean, divided by the sum of the weights that apply.
    #[default]
    Mean,
    /// `reduction="sum"`: the sum.
    Sum,
    /// `reduction="batchmean"`: the sum divided by the batch size (the first
    /// dimension). Only [`kl_div`](crate::kl_div) accepts it, as in PyTorch.
    BatchMean,
}

impl Reduction {
    /// PyTorch's spelling: `"none"`, `"mean"`, `"sum"` or `"batchmean"`.
    ///
    /// ```
    /// use nn_functional::Reduction;
    /// // PyTorch: reduction="batchmean"
    /// assert_eq!(Reduction::BatchMean.as_str(), "batchmean");
    /// assert_eq!("sum".parse::<Reduction>(), Ok(Reduction::Sum));
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Reduction::None => "none",
            Reduction::Mean => "mean",
            Reduction::Sum => "sum",
            Reduction::BatchMean => "batchmean",
        }
    }
}

impl std::str::FromStr for Reduction {
    type Err = String;

    /// Parses PyTorch's spelling, as `reduction="mean"` is written there.
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "none" => Ok(Reduction::None),
            "mean" => Ok(Reduction::Mean),
            "sum" => Ok(Reduction::Sum),
            "batchmean" => Ok(Reduction::BatchMean),
            other => Err(format!(
                "reduction must be none, mean, sum or batchmean, got {other:?}"
            )),
        }
    }
}

impl std::fmt::Display for Reduction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Applies `none`, `mean` or `sum`; `batchmean` is refused here because only
/// `kl_div` has it (it handles it before calling this).
pub(crate) fn reduce(loss: Tensor, reduction: Reduction, f: &str) -> Result<Tensor> {
    match reduction {
        Reduction::None => Ok(loss),
        Reduction::Mean => loss.mean_all(),
        Reduction::Sum => loss.sum_all(),
        Reduction::BatchMean => {
            bail!("{f}: `reduction` batchmean is only defined for kl_div; use none, mean or sum")
        }
    }
}
