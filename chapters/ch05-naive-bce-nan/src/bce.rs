//! The three binary cross-entropies, compared on single logits, on a sweep of
//! logits, and as curves against the logit.

use candle_core::{DType, Device, Result, Tensor};
use nn_functional::{self as F, BinaryCrossEntropyWithLogitsOptions, Reduction};
use shared::activations::{Pointwise, to_f64_vec, value_and_grad};
use shared::losses;

// ANCHOR: losses
/// The binary cross-entropies this chapter compares, all on logits `z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bce {
    /// σ(z), then −(y·log p + (1 − y)·log(1 − p)): `shared::losses::naive_bce`.
    Naive,
    /// candle-nn 0.11's `loss::binary_cross_entropy_with_logit`.
    CandleNn,
    /// (1 − y)·z + softplus(−z): `nn_functional::binary_cross_entropy_with_logits`.
    Stable,
}

impl Bce {
    /// The loss of each logit against target `y` (one value per element).
    pub fn elementwise(self, z: &Tensor, y: f64) -> Result<Tensor> {
        let target = (z.ones_like()? * y)?;
        match self {
            Bce::Naive => losses::naive_bce_elementwise(z, &target),
            Bce::Stable => {
                let opts = BinaryCrossEntropyWithLogitsOptions {
                    reduction: Reduction::None,
                    ..Default::default()
                };
                F::binary_cross_entropy_with_logits(z, &target, opts)
            }
            // candle-nn only has a mean-reduced form: apply it to one logit at a time.
            Bce::CandleNn => {
                let per_logit = (0..z.elem_count())
                    .map(|i| {
                        let (zi, yi) = (z.narrow(0, i, 1)?, target.narrow(0, i, 1)?);
                        shared::candle_nn::loss::binary_cross_entropy_with_logit(&zi, &yi)?
                            .reshape(1)
                    })
                    .collect::<Result<Vec<_>>>()?;
                Tensor::cat(&per_logit, 0)
            }
        }
    }

    /// Loss and d loss / dz at each logit, in `dtype`, through Candle's autograd.
    pub fn eval(self, z: &[f64], y: f64, dtype: DType) -> Result<Pointwise> {
        value_and_grad(|t| self.elementwise(t, y), z, dtype)
    }
}
// ANCHOR_END: losses

impl Bce {
    /// The name the chapter prints.
    pub fn label(self) -> &'static str {
        match self {
            Bce::Naive => "naive_bce (sigmoid, then log)",
            Bce::CandleNn => "candle_nn binary_cross_entropy_with_logit",
            Bce::Stable => "bce_with_logits (stable)",
        }
    }
}

/// One logit through every loss, in f32.
pub struct SideBySide {
    pub sigmoid: f64,
    /// [Naive, CandleNn, Stable] for target 1, then the same for target 0.
    pub rows: Vec<BceRow>,
}

/// One loss at one logit and target.
pub struct BceRow {
    pub bce: Bce,
    /// The target, 1 or 0.
    pub y: f64,
    pub loss: f64,
    /// d loss / dz.
    pub grad: f64,
}

pub fn side_by_side(z: f64) -> Result<SideBySide> {
    let p = F::sigmoid(&Tensor::new(&[z as f32], &Device::Cpu)?)?;
    let mut rows = Vec::new();
    for y in [1.0, 0.0] {
        for bce in [Bce::Naive, Bce::CandleNn, Bce::Stable] {
            let r = bce.eval(&[z], y, DType::F32)?;
            rows.push(BceRow {
                bce,
                y,
                loss: r.value[0],
                grad: r.grad[0],
            });
        }
    }
    Ok(SideBySide {
        sigmoid: to_f64_vec(&p)?[0],
        rows,
    })
}

/// At how many points two losses give the same loss and gradient.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Agreement {
    pub same: usize,
    pub total: usize,
}

/// At how many of the integer logits in [−200, 200], for both targets, candle-nn's
/// loss and gradient equal those of `naive_bce` (NaN counting as equal to NaN).
pub fn candle_nn_matches_naive() -> Result<Agreement> {
    let z: Vec<f64> = (-200..=200).map(f64::from).collect();
    let same = |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan());
    let mut count = 0;
    for y in [0.0, 1.0] {
        let naive = Bce::Naive.eval(&z, y, DType::F32)?;
        let candle = Bce::CandleNn.eval(&z, y, DType::F32)?;
        count += (0..z.len())
            .filter(|&i| {
                same(naive.value[i], candle.value[i]) && same(naive.grad[i], candle.grad[i])
            })
            .count();
    }
    Ok(Agreement {
        same: count,
        total: 2 * z.len(),
    })
}

/// The logits of the sweep tables.
pub const SWEEP: [f64; 14] = [
    -200.0, -100.0, -50.0, -20.0, -17.0, -10.0, 0.0, 10.0, 16.0, 17.0, 20.0, 50.0, 100.0, 200.0,
];

/// Naive and stable loss and gradient at [`SWEEP`]: index 0 is target y = 1,
/// index 1 target y = 0.
pub struct Sweep {
    pub naive: [Pointwise; 2],
    pub stable: [Pointwise; 2],
}

pub fn sweep(dtype: DType) -> Result<Sweep> {
    let run = |bce: Bce| -> Result<[Pointwise; 2]> {
        Ok([bce.eval(&SWEEP, 1.0, dtype)?, bce.eval(&SWEEP, 0.0, dtype)?])
    };
    Ok(Sweep {
        naive: run(Bce::Naive)?,
        stable: run(Bce::Stable)?,
    })
}

/// The naive and the stable loss against the logit for one target, in f32.
pub struct LossCurve {
    pub y: f64,
    pub naive: Pointwise,
    pub stable: Pointwise,
}

/// Both losses at the logits `z`, for target 1 and then target 0.
pub fn loss_curves(z: &[f64]) -> Result<Vec<LossCurve>> {
    [1.0, 0.0]
        .into_iter()
        .map(|y| {
            Ok(LossCurve {
                y,
                naive: Bce::Naive.eval(z, y, DType::F32)?,
                stable: Bce::Stable.eval(z, y, DType::F32)?,
            })
        })
        .collect()
}
