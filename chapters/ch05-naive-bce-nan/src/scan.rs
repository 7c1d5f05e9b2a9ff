//! Finding, by scanning the logit, where each naive loss first breaks.

use candle_core::{D, DType, Device, Result, Tensor};
use shared::activations;

use crate::Bce;

/// Which of the logits `z` fail a check, evaluated in a dtype.
pub type Fails<'a> = dyn Fn(&[f64], DType) -> Result<Vec<bool>> + 'a;

// ANCHOR: scan
/// The first logit, going outwards from 0 in direction `dir` (+1 or −1), at
/// which `fails` holds in `dtype`: a scan in steps of 0.1 up to |z| = 1000,
/// then bisection between the last good and the first failing logit, down to
/// two neighbouring numbers of `dtype`. `None` if it never fails.
pub fn first_failure(dtype: DType, dir: f64, fails: &Fails) -> Result<Option<f64>> {
    let grid: Vec<f64> = (0..=10_000).map(|i| dir * i as f64 * 0.1).collect();
    let Some(i) = fails(&grid, dtype)?.iter().position(|&f| f) else {
        return Ok(None);
    };
    if i == 0 {
        return Ok(Some(0.0));
    }
    let round = |x: f64| {
        if dtype == DType::F32 {
            x as f32 as f64
        } else {
            x
        }
    };
    let (mut good, mut bad) = (grid[i - 1], grid[i]);
    loop {
        let mid = round((good + bad) / 2.0);
        if mid == good || mid == bad {
            return Ok(Some(bad));
        }
        if fails(&[mid], dtype)?[0] {
            bad = mid;
        } else {
            good = mid;
        }
    }
}
// ANCHOR_END: scan

/// One thing that can go wrong, and where it first does in f32 and in f64.
pub struct Threshold {
    pub what: &'static str,
    pub f32: Option<f64>,
    pub f64: Option<f64>,
}

type Check = fn(&[f64], DType) -> Result<Vec<bool>>;

/// Whether σ(z) in `dtype` is exactly `target` (0 or 1).
pub fn sigmoid_is(z: &[f64], dtype: DType, target: f64) -> Result<Vec<bool>> {
    let t = Tensor::new(z, &Device::Cpu)?.to_dtype(dtype)?;
    let p = activations::to_f64_vec(&activations::sigmoid(&t)?)?;
    Ok(p.iter().map(|&p| p == target).collect())
}

/// Whether a loss is NaN (`nan`) or infinite (`!nan`) at each logit.
fn loss_fails(bce: Bce, y: f64, z: &[f64], dtype: DType, nan: bool) -> Result<Vec<bool>> {
    let r = bce.eval(z, y, dtype)?;
    Ok(r.value
        .iter()
        .map(|v| if nan { v.is_nan() } else { v.is_infinite() })
        .collect())
}

/// Whether the naive loss's gradient is NaN at each logit.
fn grad_nan(y: f64, z: &[f64], dtype: DType) -> Result<Vec<bool>> {
    Ok(Bce::Naive
        .eval(z, y, dtype)?
        .grad
        .iter()
        .map(|g| g.is_nan())
        .collect())
}

/// Whether the stable loss or its gradient is non-finite at `z`, for either label.
pub fn stable_not_finite(z: &[f64], dtype: DType) -> Result<Vec<bool>> {
    let mut bad = vec![false; z.len()];
    for y in [0.0, 1.0] {
        let r = Bce::Stable.eval(z, y, dtype)?;
        for (i, b) in bad.iter_mut().enumerate() {
            *b |= !(r.value[i].is_finite() && r.grad[i].is_finite());
        }
    }
    Ok(bad)
}

/// [`stable_not_finite`] at `z` or at `−z`: the scan runs both ways at once.
fn stable_not_finite_either_sign(z: &[f64], dtype: DType) -> Result<Vec<bool>> {
    let neg: Vec<f64> = z.iter().map(|z| -z).collect();
    let (a, b) = (
        stable_not_finite(z, dtype)?,
        stable_not_finite(&neg, dtype)?,
    );
    Ok(a.iter().zip(b).map(|(a, b)| *a || b).collect())
}

/// Every failure of the naive loss, scanned in both precisions.
pub fn find_thresholds() -> Result<Vec<Threshold>> {
    let checks: [(&'static str, f64, Check); 9] = [
        ("sigma(z) rounds to exactly 1", 1.0, |z, d| {
            sigmoid_is(z, d, 1.0)
        }),
        ("naive loss, y = 1 (correct): NaN", 1.0, |z, d| {
            loss_fails(Bce::Naive, 1.0, z, d, true)
        }),
        ("naive loss, y = 0 (wrong): inf", 1.0, |z, d| {
            loss_fails(Bce::Naive, 0.0, z, d, false)
        }),
        ("naive gradient, y = 1: NaN", 1.0, |z, d| {
            grad_nan(1.0, z, d)
        }),
        ("sigma(z) rounds to exactly 0", -1.0, |z, d| {
            sigmoid_is(z, d, 0.0)
        }),
        ("naive loss, y = 0 (correct): NaN", -1.0, |z, d| {
            loss_fails(Bce::Naive, 0.0, z, d, true)
        }),
        ("naive loss, y = 1 (wrong): inf", -1.0, |z, d| {
            loss_fails(Bce::Naive, 1.0, z, d, false)
        }),
        ("naive gradient, y = 0: NaN", -1.0, |z, d| {
            grad_nan(0.0, z, d)
        }),
        (
            "stable loss or gradient not finite, z or -z",
            1.0,
            stable_not_finite_either_sign,
        ),
    ];
    checks
        .iter()
        .map(|&(what, dir, check)| {
            Ok(Threshold {
                what,
                f32: first_failure(DType::F32, dir, &check)?,
                f64: first_failure(DType::F64, dir, &check)?,
            })
        })
        .collect()
}

/// For logits `[t, 0, 0]` in f32: where exp/sum-then-log first gives NaN
/// (target 0), and where softmax-then-log first gives inf (target 1).
pub fn multiclass_thresholds() -> Result<(Option<f64>, Option<f64>)> {
    let loss_at = |t: &[f64], target: u32, naive: bool| -> Result<Vec<f64>> {
        let rows: Vec<f32> = t.iter().flat_map(|&t| [t as f32, 0.0, 0.0]).collect();
        let z = Tensor::from_vec(rows, (t.len(), 3), &Device::Cpu)?;
        let p = if naive {
            activations::naive_softmax(&z, D::Minus1)?
        } else {
            activations::softmax(&z, D::Minus1)?
        };
        let col = p.log()?.narrow(1, target as usize, 1)?.neg()?;
        activations::to_f64_vec(&col)
    };
    let nan = first_failure(DType::F32, 1.0, &|t, _| {
        Ok(loss_at(t, 0, true)?.iter().map(|v| v.is_nan()).collect())
    })?;
    let inf = first_failure(DType::F32, 1.0, &|t, _| {
        Ok(loss_at(t, 1, false)?
            .iter()
            .map(|v| v.is_infinite())
            .collect())
    })?;
    Ok((nan, inf))
}
