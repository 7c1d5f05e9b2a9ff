//! Cross-entropy over several classes: softmax then log against log-softmax.

use candle_core::{D, DType, Device, Result, Tensor};
use nn_functional as F;
use shared::activations::{self, naive_softmax};
use shared::losses::{LossAndGrad, loss_and_grad};

use crate::scan::first_failure;

// ANCHOR: multiclass
/// One row of logits through three cross-entropies: softmax then log,
/// exp / sum then log, and log-softmax. Each is a loss and its gradient.
pub struct MultiClass {
    pub softmax_log: LossAndGrad,
    pub naive_log: LossAndGrad,
    pub log_softmax: LossAndGrad,
}

pub fn multiclass_case(logits: &[f32], target: u32) -> Result<MultiClass> {
    let dev = Device::Cpu;
    let z = Tensor::new(logits, &dev)?.unsqueeze(0)?;
    let t = Tensor::new(&[target], &dev)?;
    let index = t.unsqueeze(1)?;
    let pick = |log_p: Tensor| log_p.gather(&index, 1)?.neg()?.mean_all();
    Ok(MultiClass {
        softmax_log: loss_and_grad(&z, |z| pick(F::softmax(z, D::Minus1)?.log()?))?,
        naive_log: loss_and_grad(&z, |z| pick(naive_softmax(z, D::Minus1)?.log()?))?,
        log_softmax: loss_and_grad(&z, |z| F::cross_entropy(z, &t, Default::default()))?,
    })
}
// ANCHOR_END: multiclass

/// The logits and targets of the multi-class table.
pub const MULTICLASS_CASES: [(&[f32], u32); 6] = [
    (&[100.0, 0.0, 0.0], 0),
    (&[50.0, 0.0, 0.0], 1),
    (&[100.0, 0.0, 0.0], 1),
    (&[200.0, 0.0, 0.0], 1),
    (&[-200.0, 0.0, 0.0], 0),
    (&[1000.0, 1000.0, 0.0], 0),
];

/// One row of the multi-class table.
pub struct MultiClassRow {
    pub logits: Vec<f64>,
    pub target: u32,
    pub result: MultiClass,
}

pub fn multiclass_rows() -> Result<Vec<MultiClassRow>> {
    MULTICLASS_CASES
        .iter()
        .map(|&(logits, target)| {
            Ok(MultiClassRow {
                logits: logits.iter().map(|&x| x as f64).collect(),
                target,
                result: multiclass_case(logits, target)?,
            })
        })
        .collect()
}

/// For logits `[t, 0, 0]` in f32, the first `t` where each form breaks.
pub struct MultiClassThresholds {
    /// exp/sum then log gives NaN for target 0.
    pub naive_nan: Option<f64>,
    /// softmax then log gives inf for target 1.
    pub softmax_inf: Option<f64>,
}

/// −log p_target for logits `[t, 0, 0]` at each `t`, with `softmax` then log, in f32.
fn loss_after(
    softmax: fn(&Tensor, D) -> Result<Tensor>,
    t: &[f64],
    target: usize,
) -> Result<Vec<f64>> {
    let rows: Vec<f32> = t.iter().flat_map(|&t| [t as f32, 0.0, 0.0]).collect();
    let z = Tensor::from_vec(rows, (t.len(), 3), &Device::Cpu)?;
    let col = softmax(&z, D::Minus1)?.log()?.narrow(1, target, 1)?.neg()?;
    activations::to_f64_vec(&col)
}

pub fn multiclass_thresholds() -> Result<MultiClassThresholds> {
    let naive_nan = first_failure(DType::F32, 1.0, &|t, _| {
        let loss = loss_after(naive_softmax, t, 0)?;
        Ok(loss.iter().map(|v| v.is_nan()).collect())
    })?;
    let softmax_inf = first_failure(DType::F32, 1.0, &|t, _| {
        let loss = loss_after(F::softmax::<D>, t, 1)?;
        Ok(loss.iter().map(|v| v.is_infinite()).collect())
    })?;
    Ok(MultiClassThresholds {
        naive_nan,
        softmax_inf,
    })
}
