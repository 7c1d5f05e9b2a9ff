//! The three losses, Huber as it is often described, and each loss of one
//! sample against its error. Computes; never prints.

use candle_core::{DType, Result, Tensor};
use nn_functional::{self as F, HuberLossOptions, Reduction};
use shared::activations::{Pointwise, value_and_grad};

// ANCHOR: loss
/// The three regression losses, each with PyTorch's semantics (from `nn_functional`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Loss {
    Mse,
    Mae,
    Huber { delta: f64 },
}

impl Loss {
    pub fn name(&self) -> String {
        match self {
            Loss::Mse => "MSE".to_string(),
            Loss::Mae => "MAE".to_string(),
            Loss::Huber { delta } => format!("Huber δ={delta}"),
        }
    }
    /// PyTorch's `F.mse_loss`, `F.l1_loss` or `F.huber_loss(delta=…)`, with
    /// its `reduction`.
    pub fn reduced(&self, pred: &Tensor, target: &Tensor, reduction: Reduction) -> Result<Tensor> {
        match *self {
            Loss::Mse => F::mse_loss(pred, target, reduction),
            Loss::Mae => F::l1_loss(pred, target, reduction),
            Loss::Huber { delta } => {
                F::huber_loss(pred, target, HuberLossOptions { delta, reduction })
            }
        }
    }
    /// One loss per sample (PyTorch's `reduction="none"`).
    pub fn elementwise(&self, pred: &Tensor, target: &Tensor) -> Result<Tensor> {
        self.reduced(pred, target, Reduction::None)
    }
    /// The mean over the samples: `MSELoss`, `L1Loss`, `HuberLoss(delta)`.
    pub fn mean(&self, pred: &Tensor, target: &Tensor) -> Result<Tensor> {
        self.reduced(pred, target, Reduction::Mean)
    }
}
// ANCHOR_END: loss

/// MSE, MAE and Huber with threshold `delta`: the chapter's three losses.
pub fn three_losses(delta: f64) -> [Loss; 3] {
    [Loss::Mse, Loss::Mae, Loss::Huber { delta }]
}

// ANCHOR: as_written
/// Huber with `e²` ("MSE") below δ, as it is often described. Not PyTorch's.
pub fn huber_as_written(e: &Tensor, delta: f64) -> Result<Tensor> {
    let abs_e = e.abs()?;
    let inside = abs_e.lt(delta)?.to_dtype(e.dtype())?;
    let linear = ((abs_e - 0.5 * delta)? * delta)?;
    (&inside * e.sqr()?)? + ((1.0 - inside)? * linear)?
}
// ANCHOR_END: as_written

/// A loss's value and slope just below and just above `|e| = δ`, in f64.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Join {
    pub value_below: f64,
    pub value_above: f64,
    pub slope_below: f64,
    pub slope_above: f64,
}

pub fn join(f: impl Fn(&Tensor) -> Result<Tensor>, delta: f64) -> Result<Join> {
    let at = [delta * (1.0 - 1e-9), delta * (1.0 + 1e-9)];
    let d = value_and_grad(f, &at, DType::F64)?;
    Ok(Join {
        value_below: d.value[0],
        value_above: d.value[1],
        slope_below: d.grad[0],
        slope_above: d.grad[1],
    })
}

/// One sample's loss (N = 1) at each error, and its derivative, via autograd in f64.
pub struct LossCurve {
    pub loss: Loss,
    /// `z` is the error ŷ − y.
    pub points: Pointwise,
}

pub fn loss_curve(loss: Loss, errors: &[f64]) -> Result<LossCurve> {
    Ok(LossCurve {
        loss,
        points: value_and_grad(
            |e| loss.elementwise(e, &e.zeros_like()?),
            errors,
            DType::F64,
        )?,
    })
}

/// ½e² and its derivative e at each error: Huber's limit as δ → ∞.
pub fn half_square(errors: &[f64]) -> Pointwise {
    Pointwise {
        z: errors.to_vec(),
        value: errors.iter().map(|e| 0.5 * e * e).collect(),
        grad: errors.to_vec(),
    }
}
