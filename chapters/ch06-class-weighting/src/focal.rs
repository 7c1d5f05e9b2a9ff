//! Focal loss of one example against the probability of its true class.

use book_kit::plot::linspace;
use candle_core::{Device, Result, Tensor};
use nn_functional::{self as F, Reduction, SigmoidFocalLossOptions};
use shared::activations::to_f64_vec;

// ANCHOR: focal_shape
/// Focal loss of one positive example at each probability `p` (α off),
/// through the logit `ln(p / (1 − p))`.
pub fn focal_at(p: &[f64], gamma: f64) -> Result<Vec<f64>> {
    let logits: Vec<f64> = p.iter().map(|&p| (p / (1.0 - p)).ln()).collect();
    let z = Tensor::new(logits.as_slice(), &Device::Cpu)?;
    let y = z.ones_like()?;
    let opts = SigmoidFocalLossOptions {
        alpha: None,
        gamma,
        reduction: Reduction::None,
    };
    to_f64_vec(&F::sigmoid_focal_loss(&z, &y, opts)?)
}

/// The probabilities of the true class where the loss is compared.
pub const P_T: [f64; 4] = [0.1, 0.5, 0.9, 0.99];

/// Focal loss at [`P_T`] for one γ.
pub struct FocalRow {
    pub gamma: f64,
    /// The loss at each of [`P_T`].
    pub loss: Vec<f64>,
    /// The loss at p_t = 0.9 over plain BCE's there: (1 − 0.9)^γ.
    pub vs_bce: f64,
    /// The easy example's loss (p_t = 0.9) over the hard one's (p_t = 0.1).
    pub easy_over_hard: f64,
}

pub fn focal_shape(gammas: &[f64]) -> Result<Vec<FocalRow>> {
    let ce = focal_at(&P_T, 0.0)?;
    gammas
        .iter()
        .map(|&gamma| {
            let loss = focal_at(&P_T, gamma)?;
            Ok(FocalRow {
                gamma,
                vs_bce: loss[2] / ce[2],
                easy_over_hard: loss[2] / loss[0],
                loss,
            })
        })
        .collect()
}
// ANCHOR_END: focal_shape

/// Focal loss against `p_t` for one γ, for the plot.
pub struct FocalCurve {
    pub gamma: f64,
    /// `(p_t, loss)` at 200 points from 0.05 to 0.999.
    pub points: Vec<(f64, f64)>,
}

pub fn focal_curves(gammas: &[f64]) -> Result<Vec<FocalCurve>> {
    let p = linspace(0.05, 0.999, 200);
    gammas
        .iter()
        .map(|&gamma| {
            let loss = focal_at(&p, gamma)?;
            Ok(FocalCurve {
                gamma,
                points: p.iter().copied().zip(loss).collect(),
            })
        })
        .collect()
}
