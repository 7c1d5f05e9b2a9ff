//! PyTorch's `BCELoss(sigmoid(z))`, reproduced, next to the naive and the
//! stable form.

use candle_core::{DType, Device, Result, Tensor};
use nn_functional as F;
use shared::activations;

use crate::bce::Bce;

// ANCHOR: pytorch
/// PyTorch's `BCELoss` on `p = σ(z)`, reproduced: each log is clamped at −100.
pub fn clamped_bce_elementwise(z: &Tensor, y: f64) -> Result<Tensor> {
    let p = F::sigmoid(z)?;
    let log_p = p.log()?.maximum(-100.0)?;
    let log_1mp = (1.0 - &p)?.log()?.maximum(-100.0)?;
    ((log_p * y)? + (log_1mp * (1.0 - y))?)?.neg()
}

/// The gradient PyTorch's autograd reports through `BCELoss(sigmoid(z))`, in f32:
/// BCELoss's backward `(p − y) / max(p(1 − p), 1e-12)`, times sigmoid's `p(1 − p)`.
pub fn clamped_bce_grad(z: f32, y: f32) -> f32 {
    let p = 1.0 / (1.0 + (-z).exp());
    let dp = p * (1.0 - p);
    (p - y) / dp.max(1e-12) * dp
}
// ANCHOR_END: pytorch

/// One logit and target through PyTorch's clamped loss, the naive and the
/// stable one, in f32.
pub struct PytorchRow {
    pub z: f64,
    pub y: f64,
    /// `BCELoss(sigmoid(z))` and the gradient PyTorch reports for it.
    pub clamped: f64,
    pub clamped_grad: f64,
    /// The naive loss (candle-nn's is the same).
    pub naive: f64,
    pub stable: f64,
    pub stable_grad: f64,
}

/// The common demonstration (logit 100, target 1) and the cases around it.
pub const PYTORCH_CASES: [(f64, f64); 6] = [
    (100.0, 1.0),
    (17.0, 1.0),
    (16.0, 0.0),
    (17.0, 0.0),
    (200.0, 0.0),
    (-200.0, 1.0),
];

pub fn pytorch_rows() -> Result<Vec<PytorchRow>> {
    PYTORCH_CASES
        .iter()
        .map(|&(z, y)| {
            let t = Tensor::new(&[z as f32], &Device::Cpu)?;
            let clamped = activations::to_f64_vec(&clamped_bce_elementwise(&t, y)?)?[0];
            let naive = Bce::Naive.eval(&[z], y, DType::F32)?;
            let stable = Bce::Stable.eval(&[z], y, DType::F32)?;
            Ok(PytorchRow {
                z,
                y,
                clamped,
                clamped_grad: clamped_bce_grad(z as f32, y as f32) as f64,
                naive: naive.value[0],
                stable: stable.value[0],
                stable_grad: stable.grad[0],
            })
        })
        .collect()
}
