//! Gradient utilities candle-nn does not have, such as clipping the global
//! gradient norm (PyTorch's `torch.nn.utils.clip_grad_norm_`).
//!
//! candle-nn's optimisers take a [`GradStore`] (`Optimizer::step(&grads)`),
//! so clipping fits between `loss.backward()` and the step:
//!
//! ```
//! # use candle_core::{Device, Tensor, Var};
//! # use candle_nn::{Optimizer, SGD};
//! let w = Var::new(&[3.0f32, 4.0], &Device::Cpu)?;
//! let loss = (w.as_tensor() * 10.0)?.sum_all()?; // gradient (10, 10)
//! let mut grads = loss.backward()?;
//! let norm = shared::grad::clip_grad_norm(&mut grads, &[w.clone()], 1.0)?;
//! assert!((norm - 200f64.sqrt()).abs() < 1e-4);
//! SGD::new(vec![w.clone()], 0.1)?.step(&grads)?; // a step of length 0.1
//! # Ok::<(), candle_core::Error>(())
//! ```

use candle_core::backprop::GradStore;
use candle_core::{DType, Result, Var, bail};

// ANCHOR: clip
/// Rescales the gradients of `vars` in `grads` so that their global L2 norm,
/// taken over all of them together as if they were one vector, is at most
/// `max_norm`; returns the norm before clipping.
///
/// The semantics are PyTorch's `clip_grad_norm_(params, max_norm)`: the
/// factor is `max_norm / (total_norm + 1e-6)`, applied only when it is below
/// 1, so a gradient already inside the ball is left untouched. A variable
/// without a gradient counts as zero. A non-finite norm is returned as is and,
/// as in PyTorch (`error_if_nonfinite=False`), the gradients are multiplied by
/// the resulting factor: NaN for a NaN norm, 0 for an infinite one.
pub fn clip_grad_norm(grads: &mut GradStore, vars: &[Var], max_norm: f64) -> Result<f64> {
    if !(max_norm >= 0.0 && max_norm.is_finite()) {
        bail!("clip_grad_norm: max_norm must be a non-negative number, got {max_norm}")
    }
    let mut sum_sq = 0.0;
    for v in vars {
        if let Some(g) = grads.get(v) {
            let g = g.to_dtype(DType::F64)?;
            sum_sq += g.sqr()?.sum_all()?.to_scalar::<f64>()?;
        }
    }
    let total_norm = sum_sq.sqrt();
    let factor = max_norm / (total_norm + 1e-6);
    // A NaN factor scales too, as PyTorch's `clamp(factor, max=1)` keeps NaN.
    if factor < 1.0 || factor.is_nan() {
        for v in vars {
            if let Some(g) = grads.remove(v) {
                grads.insert(v, (g * factor)?);
            }
        }
    }
    Ok(total_norm)
}
// ANCHOR_END: clip

/// The global L2 norm of the gradients of `vars`, without changing them.
pub fn grad_norm(grads: &GradStore, vars: &[Var]) -> Result<f64> {
    let mut sum_sq = 0.0;
    for v in vars {
        if let Some(g) = grads.get(v) {
            sum_sq += g
                .to_dtype(DType::F64)?
                .sqr()?
                .sum_all()?
                .to_scalar::<f64>()?;
        }
    }
    Ok(sum_sq.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{Device, Tensor};

    /// Two variables whose loss `Σ a·w` has gradients `a`, known in advance.
    fn store(a: &[f32], b: &[f32]) -> (GradStore, Vec<Var>) {
        let dev = &Device::Cpu;
        let w1 = Var::zeros(a.len(), DType::F32, dev).unwrap();
        let w2 = Var::zeros(b.len(), DType::F32, dev).unwrap();
        let ta = Tensor::new(a, dev).unwrap();
        let tb = Tensor::new(b, dev).unwrap();
        let loss = ((w1.as_tensor() * ta).unwrap().sum_all().unwrap()
            + (w2.as_tensor() * tb).unwrap().sum_all().unwrap())
        .unwrap();
        (loss.backward().unwrap(), vec![w1, w2])
    }

    fn grads_of(grads: &GradStore, vars: &[Var]) -> Vec<Vec<f32>> {
        vars.iter()
            .map(|v| grads.get(v).unwrap().to_vec1::<f32>().unwrap())
            .collect()
    }

    #[test]
    fn the_norm_is_global_and_the_direction_is_kept() {
        // ‖(3, 4) ∪ (12)‖ = 13, not the per-tensor norms 5 and 12.
        let (mut g, vars) = store(&[3.0, 4.0], &[12.0]);
        let norm = clip_grad_norm(&mut g, &vars, 1.0).unwrap();
        assert!((norm - 13.0).abs() < 1e-9, "{norm}");
        let f = 1.0 / (13.0 + 1e-6);
        let got = grads_of(&g, &vars);
        let want = [vec![3.0 * f, 4.0 * f], vec![12.0 * f]];
        for (gv, wv) in got.iter().flatten().zip(want.iter().flatten()) {
            assert!((*gv as f64 - wv).abs() < 1e-7, "{gv} vs {wv}");
        }
        assert!((grad_norm(&g, &vars).unwrap() - 1.0).abs() < 1e-6);
    }

    #[test]
    fn a_gradient_inside_the_ball_is_left_alone() {
        let (mut g, vars) = store(&[0.3, 0.4], &[0.0]);
        let norm = clip_grad_norm(&mut g, &vars, 1.0).unwrap();
        assert!((norm - 0.5).abs() < 1e-7);
        assert_eq!(grads_of(&g, &vars), [vec![0.3, 0.4], vec![0.0]]);
        // exactly at max_norm: the factor 1/(1 + 1e-6) is below 1, so PyTorch scales
        let (mut g, vars) = store(&[3.0, 4.0], &[0.0]);
        clip_grad_norm(&mut g, &vars, 5.0).unwrap();
        assert!(grads_of(&g, &vars)[0][0] < 3.0);
    }

    #[test]
    fn non_finite_norms_behave_as_in_pytorch() {
        let (mut g, vars) = store(&[f32::NAN, 1.0], &[2.0]);
        assert!(clip_grad_norm(&mut g, &vars, 1.0).unwrap().is_nan());
        assert!(grads_of(&g, &vars).iter().flatten().all(|x| x.is_nan()));
        let (mut g, vars) = store(&[f32::INFINITY, 1.0], &[2.0]);
        assert_eq!(clip_grad_norm(&mut g, &vars, 1.0).unwrap(), f64::INFINITY);
        let got = grads_of(&g, &vars);
        assert!(got[0][0].is_nan()); // inf · 0
        assert_eq!((got[0][1], got[1][0]), (0.0, 0.0));
    }

    #[test]
    fn a_bad_max_norm_is_refused() {
        let (mut g, vars) = store(&[1.0], &[1.0]);
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            assert!(clip_grad_norm(&mut g, &vars, bad).is_err(), "{bad}");
        }
    }
}
