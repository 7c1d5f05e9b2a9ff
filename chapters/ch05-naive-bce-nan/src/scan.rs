//! Finding, by scanning the logit, where each naive loss first breaks.

use book_kit::plot::linspace;
use candle_core::{DType, Device, Result, Tensor};
use nn_functional as F;
use shared::activations;

use crate::bce::Bce;

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

/// How a value can fail to be finite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NonFinite {
    Nan,
    Inf,
}

impl NonFinite {
    pub fn holds(self, v: f64) -> bool {
        match self {
            NonFinite::Nan => v.is_nan(),
            NonFinite::Inf => v.is_infinite(),
        }
    }
}

/// Something that can go wrong at a logit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Check {
    /// σ(z) rounds to exactly this value (0 or 1).
    SigmoidIs(f64),
    /// The naive loss against target `y` is NaN, or infinite.
    NaiveLoss { y: f64, fails: NonFinite },
    /// The naive loss's gradient against target `y` is NaN.
    NaiveGradNan { y: f64 },
    /// The stable loss or its gradient is not finite at z or at −z, for
    /// either target: the scan runs both ways at once.
    StableEitherSign,
}

impl Check {
    /// Whether the check fails at each logit of `z`, in `dtype`.
    pub fn fails(self, z: &[f64], dtype: DType) -> Result<Vec<bool>> {
        match self {
            Check::SigmoidIs(target) => sigmoid_is(z, dtype, target),
            Check::NaiveLoss { y, fails } => {
                let r = Bce::Naive.eval(z, y, dtype)?;
                Ok(r.value.iter().map(|&v| fails.holds(v)).collect())
            }
            Check::NaiveGradNan { y } => {
                let r = Bce::Naive.eval(z, y, dtype)?;
                Ok(r.grad.iter().map(|g| g.is_nan()).collect())
            }
            Check::StableEitherSign => {
                let neg: Vec<f64> = z.iter().map(|z| -z).collect();
                let (a, b) = (
                    stable_not_finite(z, dtype)?,
                    stable_not_finite(&neg, dtype)?,
                );
                Ok(a.iter().zip(b).map(|(a, b)| *a || b).collect())
            }
        }
    }
}

/// Whether σ(z) in `dtype` is exactly `target` (0 or 1).
pub fn sigmoid_is(z: &[f64], dtype: DType, target: f64) -> Result<Vec<bool>> {
    let t = Tensor::new(z, &Device::Cpu)?.to_dtype(dtype)?;
    let p = activations::to_f64_vec(&F::sigmoid(&t)?)?;
    Ok(p.iter().map(|&p| p == target).collect())
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

/// One thing that can go wrong, and where it first does in f32 and in f64.
pub struct Threshold {
    pub what: &'static str,
    pub check: Check,
    pub f32: Option<f64>,
    pub f64: Option<f64>,
}

/// The checks of the thresholds table: what each is called, the direction
/// the scan goes (+1 or −1), and the check.
pub const CHECKS: [(&str, f64, Check); 9] = {
    use NonFinite::{Inf, Nan};
    [
        ("sigma(z) rounds to exactly 1", 1.0, Check::SigmoidIs(1.0)),
        (
            "naive loss, y = 1 (correct): NaN",
            1.0,
            Check::NaiveLoss { y: 1.0, fails: Nan },
        ),
        (
            "naive loss, y = 0 (wrong): inf",
            1.0,
            Check::NaiveLoss { y: 0.0, fails: Inf },
        ),
        (
            "naive gradient, y = 1: NaN",
            1.0,
            Check::NaiveGradNan { y: 1.0 },
        ),
        ("sigma(z) rounds to exactly 0", -1.0, Check::SigmoidIs(0.0)),
        (
            "naive loss, y = 0 (correct): NaN",
            -1.0,
            Check::NaiveLoss { y: 0.0, fails: Nan },
        ),
        (
            "naive loss, y = 1 (wrong): inf",
            -1.0,
            Check::NaiveLoss { y: 1.0, fails: Inf },
        ),
        (
            "naive gradient, y = 0: NaN",
            -1.0,
            Check::NaiveGradNan { y: 0.0 },
        ),
        (
            "stable loss or gradient not finite, z or -z",
            1.0,
            Check::StableEitherSign,
        ),
    ]
};

/// Every failure of the naive loss, scanned in both precisions.
pub fn find_thresholds() -> Result<Vec<Threshold>> {
    CHECKS
        .iter()
        .map(|&(what, dir, check)| {
            let fails = |z: &[f64], d: DType| check.fails(z, d);
            Ok(Threshold {
                what,
                check,
                f32: first_failure(DType::F32, dir, &fails)?,
                f64: first_failure(DType::F64, dir, &fails)?,
            })
        })
        .collect()
}

/// The row of `thresholds` for `check`.
pub fn threshold(thresholds: &[Threshold], check: Check) -> Option<&Threshold> {
    thresholds.iter().find(|t| t.check == check)
}

/// The stable form checked on a wide grid, in f32, for both targets.
pub struct StableFar {
    pub logits: usize,
    pub all_finite: bool,
}

/// The stable form at 20001 logits from −10000 to 10000.
pub fn stable_far() -> Result<StableFar> {
    let far = linspace(-1e4, 1e4, 20_001);
    Ok(StableFar {
        logits: far.len(),
        all_finite: stable_not_finite(&far, DType::F32)?.iter().all(|b| !b),
    })
}

/// Where the thresholds are, in closed form.
pub struct ClosedForms {
    /// 1 + e^−z rounds to 1 from z = 24 ln 2 (f32) and 53 ln 2 (f64).
    pub rounds_to_one_f32: f64,
    pub rounds_to_one_f64: f64,
    /// e^−z overflows once −z exceeds the log of the largest float.
    pub exp_overflow_f32: f64,
    pub exp_overflow_f64: f64,
}

pub fn closed_forms() -> ClosedForms {
    ClosedForms {
        rounds_to_one_f32: 24.0 * std::f64::consts::LN_2,
        rounds_to_one_f64: 53.0 * std::f64::consts::LN_2,
        exp_overflow_f32: (f32::MAX as f64).ln(),
        exp_overflow_f64: f64::MAX.ln(),
    }
}
