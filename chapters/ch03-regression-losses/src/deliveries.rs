//! Four deliveries, with and without one lost parcel: each loss's value, each
//! sample's share of it and of its gradient, and where Huber's two branches
//! meet. Computes; never prints.

use candle_core::{Device, Result, Tensor};
use shared::activations::{to_f64, to_f64_vec};
use shared::losses::loss_and_grad;

use crate::loss::{Join, Loss, huber_as_written, join};

/// The example: four predicted delivery times (minutes) and what happened.
pub const PREDICTIONS: [f32; 4] = [35.0, 31.0, 48.0, 42.0];
pub const TARGETS: [f32; 4] = [41.0, 29.0, 55.0, 38.0];
/// The same, with the last parcel lost for an hour: 97 instead of 38.
pub const OUTLIER_TARGETS: [f32; 4] = [41.0, 29.0, 55.0, 97.0];

/// One loss on a batch, taken apart sample by sample.
#[derive(Clone, Debug, PartialEq)]
pub struct Breakdown {
    pub loss: Loss,
    /// The mean loss, as PyTorch prints it.
    pub value: f64,
    /// Prediction minus target, per sample.
    pub errors: Vec<f64>,
    /// Each sample's loss divided by N: these add up to `value`.
    pub contributions: Vec<f64>,
    /// `∂ value / ∂ prediction`, per sample, from Candle's autograd.
    pub grad: Vec<f64>,
}

impl Breakdown {
    /// Sample `i`'s share of the loss.
    pub fn loss_share(&self, i: usize) -> f64 {
        self.contributions[i] / self.contributions.iter().sum::<f64>()
    }
    /// Sample `i`'s share of the gradient's total magnitude.
    pub fn grad_share(&self, i: usize) -> f64 {
        self.grad[i].abs() / self.grad.iter().map(|g| g.abs()).sum::<f64>()
    }
}

// ANCHOR: breakdown
pub fn breakdown(loss: Loss, pred: &[f32], target: &[f32]) -> Result<Breakdown> {
    let (p, t) = (
        Tensor::new(pred, &Device::Cpu)?,
        Tensor::new(target, &Device::Cpu)?,
    );
    let n = pred.len() as f64;
    let per_sample = to_f64_vec(&loss.elementwise(&p, &t)?)?;
    let lg = loss_and_grad(&p, |p| loss.mean(p, &t))?;
    Ok(Breakdown {
        loss,
        value: lg.value,
        errors: to_f64_vec(&(&p - &t)?)?,
        contributions: per_sample.iter().map(|l| l / n).collect(),
        grad: lg.grad,
    })
}
// ANCHOR_END: breakdown

// ANCHOR: four_deliveries
/// One loss on the four deliveries, before and after the parcel was lost.
pub struct Growth {
    pub loss: Loss,
    pub clean: f64,
    pub with_outlier: f64,
}

pub fn four_deliveries(losses: &[Loss]) -> Result<Vec<Growth>> {
    losses
        .iter()
        .map(|&loss| {
            Ok(Growth {
                loss,
                clean: breakdown(loss, &PREDICTIONS, &TARGETS)?.value,
                with_outlier: breakdown(loss, &PREDICTIONS, &OUTLIER_TARGETS)?.value,
            })
        })
        .collect()
}
// ANCHOR_END: four_deliveries

/// Each loss taken apart on the four deliveries with the lost parcel.
pub fn shares(losses: &[Loss]) -> Result<Vec<Breakdown>> {
    losses
        .iter()
        .map(|&loss| breakdown(loss, &PREDICTIONS, &OUTLIER_TARGETS))
        .collect()
}

/// One way of writing Huber's small-error branch: how it behaves at δ, and
/// its mean loss on the four deliveries.
pub struct Branch {
    pub join: Join,
    pub four_deliveries: f64,
    pub with_outlier: f64,
}

/// PyTorch's Huber (½e² inside δ) against the one written with e².
pub struct HuberJoin {
    pub pytorch: Branch,
    pub as_written: Branch,
}

pub fn huber_join(delta: f64) -> Result<HuberJoin> {
    let huber = Loss::Huber { delta };
    Ok(HuberJoin {
        pytorch: Branch {
            join: join(|e| huber.elementwise(e, &e.zeros_like()?), delta)?,
            four_deliveries: breakdown(huber, &PREDICTIONS, &TARGETS)?.value,
            with_outlier: breakdown(huber, &PREDICTIONS, &OUTLIER_TARGETS)?.value,
        },
        as_written: Branch {
            join: join(|e| huber_as_written(e, delta), delta)?,
            four_deliveries: as_written_mean(&TARGETS, delta)?,
            with_outlier: as_written_mean(&OUTLIER_TARGETS, delta)?,
        },
    })
}

/// The mean of `huber_as_written` over the four deliveries.
fn as_written_mean(target: &[f32], delta: f64) -> Result<f64> {
    let (p, t) = (
        Tensor::new(&PREDICTIONS, &Device::Cpu)?,
        Tensor::new(target, &Device::Cpu)?,
    );
    to_f64(&huber_as_written(&(p - t)?, delta)?.mean_all()?)
}
