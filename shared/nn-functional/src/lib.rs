//! PyTorch's `torch.nn.functional` losses and activations, and
//! `torch.nn.utils`' gradient clipping, for [Candle](https://github.com/huggingface/candle),
//! with PyTorch's semantics in every corner.
//!
//! # Quick start
//!
//! ```toml
//! [dependencies]
//! candle-core = "0.11"
//! nn-functional = "0.1"
//! ```
//!
//! A PyTorch user finds everything by its PyTorch name, and PyTorch's keyword
//! arguments are fields of an options struct with PyTorch's defaults:
//!
//! ```
//! use candle_core::{Device, Tensor, Var};
//! use nn_functional::{self as F, CrossEntropyOptions, Reduction};
//!
//! let dev = Device::Cpu;
//! let logits = Var::new(&[[2.0f32, 0.5, -1.0], [0.1, 0.2, 3.0], [1.0, 1.0, 1.0]], &dev)?;
//! let target = Tensor::new(&[0i64, 2, -100], &dev)?; // the last one is ignored
//! let weight = Tensor::new(&[1.0f32, 2.0, 0.5], &dev)?;
//!
//! // PyTorch: F.cross_entropy(logits, target, weight=weight, label_smoothing=0.1)
//! let loss = F::cross_entropy(
//!     &logits,
//!     &target,
//!     CrossEntropyOptions {
//!         weight: Some(weight),
//!         label_smoothing: 0.1,
//!         ..Default::default()
//!     },
//! )?;
//! let mut grads = loss.backward()?;
//! // PyTorch: torch.nn.utils.clip_grad_norm_([logits], max_norm=1.0)
//! F::clip_grad_norm(&mut grads, &[logits.clone()], 1.0, Default::default())?;
//!
//! // PyTorch: F.gelu(x, approximate="tanh"), F.softmax(x, dim=1)
//! let h = F::gelu(&logits, F::GeluApproximate::Tanh)?;
//! let p = F::softmax(&h, 1)?;
//! # let _ = (p, Reduction::Mean);
//! # Ok::<(), candle_core::Error>(())
//! ```
//!
//! # What "PyTorch's semantics" means here
//!
//! - **Values and gradients.** Every function is built from Candle
//!   operations, so Candle's autograd differentiates it, and its gradients
//!   are PyTorch's: at kinks (ReLU'(0) = 0, LeakyReLU'(0) = slope, `|e|`'(0)
//!   = 0), where PyTorch writes its backward out (`binary_cross_entropy`),
//!   and where a naive form would lose digits (`binary_cross_entropy_with_logits`
//!   at large logits). In f64 the test suite holds every value and gradient
//!   to within 1e-9 of PyTorch 2.15's on a fixture of cases made by PyTorch
//!   (see the README for the figures and the measure).
//! - **Options combine as in PyTorch.** A weighted mean divides by the sum
//!   of the weights of the targets not ignored; a batch whose every target is
//!   ignored has a mean of NaN, as in PyTorch; label smoothing is weighted by
//!   the class weights.
//! - **Bad input is an `Err`, never a panic**, and the message names the
//!   argument and the rule: mismatched shapes or dtypes, class indices out
//!   of range, negative or non-finite weights, `label_smoothing` outside
//!   `[0, 1]`, an empty batch.
//! - **Any device.** No function copies tensor data to the host, except one
//!   read of a few flags where a check needs the values (class indices in
//!   range, weights non-negative, probabilities in `[0, 1]`, and
//!   `error_if_nonfinite`). A call without such inputs never synchronises.
//! - **Dtypes.** f32 and f64, and f16 and bf16 wherever Candle's backend
//!   has the operations (all of them on the CPU): within 5e-3 (f16) and
//!   5e-2 (bf16) of the f64 result on the same inputs, relative to the
//!   largest value of each result.
//!
//! Deliberate differences from candle-nn are listed in the README; in short,
//! candle-nn 0.11's `binary_cross_entropy_with_logit` is NaN from a logit of
//! about 16.7 in f32, its `cross_entropy` has no weights, `ignore_index`,
//! smoothing or probability targets, `softmax_last_dim` has no backward pass,
//! and Candle's `relu`, `leaky_relu` and `gelu` differ from PyTorch in their
//! gradients.
#![deny(missing_docs)]

mod activations;
mod check;
mod grad;
mod losses;
mod math;
mod reduction;
mod softmax;

pub use activations::{
    GeluApproximate, SELU_ALPHA, SELU_SCALE, elu, gelu, leaky_relu, mish, relu, selu, sigmoid,
    silu, softplus, tanh,
};
pub use grad::{ClipGradNormOptions, clip_grad_norm, clip_grad_value};
pub use losses::binary::{
    BinaryCrossEntropyOptions, BinaryCrossEntropyWithLogitsOptions, SigmoidFocalLossOptions,
    binary_cross_entropy, binary_cross_entropy_with_logits, sigmoid_focal_loss,
};
pub use losses::cross_entropy::{CrossEntropyOptions, cross_entropy};
pub use losses::kl::{KlDivOptions, kl_div};
pub use losses::nll::{DEFAULT_IGNORE_INDEX, NllLossOptions, nll_loss};
pub use losses::regression::{
    HuberLossOptions, SmoothL1LossOptions, huber_loss, l1_loss, mse_loss, smooth_l1_loss,
};
pub use reduction::Reduction;
pub use softmax::{log_softmax, softmax};
