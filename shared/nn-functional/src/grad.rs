//! Gradient clipping on a Candle [`GradStore`]: `torch.nn.utils`'s
//! `clip_grad_norm_` and `clip_grad_value_`.
//!
//! candle-nn's optimisers take the [`GradStore`] that `loss.backward()`
//! returns, so clipping fits between the two:
//!
//! ```
//! use candle_core::{Device, Var};
//! use candle_nn::{Optimizer, SGD};
//! use nn_functional as F;
//!
//! let w = Var::new(&[3.0f32, 4.0], &Device::Cpu)?;
//! let loss = (w.as_tensor() * 10.0)?.sum_all()?; // gradient (10, 10)
//! let mut grads = loss.backward()?;
//! // PyTorch: torch.nn.utils.clip_grad_norm_(params, max_norm=1.0)
//! let norm = F::clip_grad_norm(&mut grads, &[w.clone()], 1.0, Default::default())?;
//! assert!((norm.to_scalar::<f32>()? - 200f32.sqrt()).abs() < 1e-4);
//! SGD::new(vec![w.clone()], 0.1)?.step(&grads)?; // a step of length 0.1
//! # Ok::<(), candle_core::Error>(())
//! ```

use candle_core::backprop::GradStore;
use candle_core::{DType, Device, Result, Tensor, Var, bail};

use crate::check::DeviceChecks;

/// Options of [`clip_grad_norm`]: PyTorch's keyword arguments `norm_type`
/// and `error_if_nonfinite`.
///
/// ```
/// use nn_functional::ClipGradNormOptions;
/// // PyTorch: clip_grad_norm_(params, 1.0, norm_type=float("inf"))
/// let opts = ClipGradNormOptions { norm_type: f64::INFINITY, ..Default::default() };
/// assert_eq!(ClipGradNormOptions::default().norm_type, 2.0);
/// # let _ = opts;
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClipGradNormOptions {
    /// The p of the p-norm: 2 (the default), `f64::INFINITY` for the largest
    /// absolute value, or any other p > 0.
    pub norm_type: f64,
    /// Fail, leaving the gradients alone, when the total norm is NaN or
    /// infinite. Default false, as in PyTorch: the gradients are then
    /// multiplied by the resulting factor (NaN, or 0).
    pub error_if_nonfinite: bool,
}

impl Default for ClipGradNormOptions {
    fn default() -> Self {
        ClipGradNormOptions {
            norm_type: 2.0,
            error_if_nonfinite: false,
        }
    }
}

/// The p-norm of one tensor, in its dtype, as a 0-d tensor.
fn norm(g: &Tensor, p: f64) -> Result<Tensor> {
    let g = g.flatten_all()?;
    if p == f64::INFINITY {
        g.abs()?.max(0)
    } else if p == 2.0 {
        g.sqr()?.sum_all()?.sqrt()
    } else if p == 1.0 {
        g.abs()?.sum_all()
    } else {
        g.abs()?.powf(p)?.sum_all()?.powf(1.0 / p)
    }
}

/// Rescales the gradients of `vars` so that their total norm, taken over all
/// of them together as one vector, is at most `max_norm`, and returns the
/// total norm before clipping: `torch.nn.utils.clip_grad_norm_`.
///
/// As in PyTorch, the norm of each gradient is taken in its dtype, the
/// total is the norm of those norms (in the first gradient's dtype), and
/// every gradient is multiplied by `min(max_norm / (total + 1e-6), 1)`
/// computed on the device: no host read, unless `error_if_nonfinite` asks
/// for the check. A variable without a gradient is skipped; with no
/// gradient at all the norm is 0.
///
/// ```
/// use candle_core::{Device, Tensor, Var};
/// use nn_functional::{self as F, ClipGradNormOptions};
///
/// let a = Var::new(&[0.0f64, 0.0], &Device::Cpu)?;
/// let b = Var::new(&[0.0f64], &Device::Cpu)?;
/// let loss = ((a.as_tensor() * Tensor::new(&[3.0f64, 4.0], &Device::Cpu)?)?.sum_all()?
///     + (b.as_tensor() * 12.0)?.sum_all()?)?;
/// let mut grads = loss.backward()?;
/// // PyTorch: torch.nn.utils.clip_grad_norm_([a, b], max_norm=1.3)
/// let total = F::clip_grad_norm(&mut grads, &[a.clone(), b.clone()], 1.3, ClipGradNormOptions::default())?;
/// assert!((total.to_scalar::<f64>()? - 13.0).abs() < 1e-12); // √(3² + 4² + 12²)
/// let ga = grads.get(&a).unwrap().to_vec1::<f64>()?;
/// assert!((ga[0] - 0.3).abs() < 1e-6);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn clip_grad_norm(
    grads: &mut GradStore,
    vars: &[Var],
    max_norm: f64,
    opts: ClipGradNormOptions,
) -> Result<Tensor> {
    const F: &str = "clip_grad_norm";
    if !(max_norm >= 0.0 && max_norm.is_finite()) {
        bail!("{F}: `max_norm` must be a finite number ≥ 0, got {max_norm}")
    }
    let p = opts.norm_type;
    if p.is_nan() || p <= 0.0 {
        bail!("{F}: `norm_type` must be > 0 (or infinity), got {p}")
    }
    let with_grad: Vec<&Var> = vars.iter().filter(|v| grads.get(v).is_some()).collect();
    let Some(first) = with_grad.first().and_then(|v| grads.get(v)) else {
        return Tensor::new(0f32, &Device::Cpu);
    };
    let dtype = first.dtype();
    let device = first.device().clone();
    let mut norms = Vec::with_capacity(with_grad.len());
    for v in &with_grad {
        if let Some(g) = grads.get(v) {
            if !crate::math::is_float(g.dtype()) {
                bail!("{F}: gradients must be float tensors, got {:?}", g.dtype())
            }
            norms.push(
                norm(g, p)?
                    .to_dtype(dtype)?
                    .to_device(&device)?
                    .reshape(1)?,
            );
        }
    }
    let total = norm(&Tensor::cat(&norms, 0)?, p)?;
    if opts.error_if_nonfinite {
        let mut checks = DeviceChecks::default();
        let finite = crate::check::finite(&total)?;
        checks.push(
            &finite.eq(0.0)?,
            format!(
                "{F}: the total norm of order {p} of the gradients is non-finite, so it cannot be clipped (error_if_nonfinite)"
            ),
        )?;
        checks.run()?;
    }
    let coef = ((&total + 1e-6)?.recip()? * max_norm)?;
    // min(coef, 1), keeping NaN as PyTorch's clamp does
    let below = coef.lt(1.0)?.to_dtype(dtype)?;
    let clamped = ((&coef * &below)? + (1.0 - &below)?)?;
    for v in &with_grad {
        if let Some(g) = grads.remove(v) {
            let c = clamped.to_dtype(g.dtype())?.to_device(g.device())?;
            grads.insert(v, g.broadcast_mul(&c)?);
        }
    }
    Ok(total)
}

/// Clamps every gradient of `vars` to `[−clip_value, clip_value]`:
/// `torch.nn.utils.clip_grad_value_`. NaN stays NaN.
///
/// ```
/// use candle_core::{Device, Tensor, Var};
/// use nn_functional as F;
///
/// let w = Var::new(&[0.0f32, 0.0], &Device::Cpu)?;
/// let loss = (w.as_tensor() * Tensor::new(&[-5.0f32, 0.5], &Device::Cpu)?)?.sum_all()?;
/// let mut grads = loss.backward()?;
/// // PyTorch: torch.nn.utils.clip_grad_value_([w], clip_value=1.0)
/// F::clip_grad_value(&mut grads, &[w.clone()], 1.0)?;
/// assert_eq!(grads.get(&w).unwrap().to_vec1::<f32>()?, [-1.0, 0.5]);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub fn clip_grad_value(grads: &mut GradStore, vars: &[Var], clip_value: f64) -> Result<()> {
    if !(clip_value >= 0.0 && clip_value.is_finite()) {
        bail!("clip_grad_value: `clip_value` must be a finite number ≥ 0, got {clip_value}")
    }
    for v in vars {
        if let Some(g) = grads.remove(v) {
            let clipped = match g.dtype() {
                DType::F16 | DType::BF16 | DType::F32 | DType::F64 => {
                    g.clamp(-clip_value, clip_value)
                }
                other => {
                    let err =
                        format!("clip_grad_value: gradients must be float tensors, got {other:?}");
                    grads.insert(v, g);
                    bail!("{err}")
                }
            };
            grads.insert(v, clipped?);
        }
    }
    Ok(())
}
