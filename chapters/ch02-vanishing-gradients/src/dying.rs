//! Dying ReLUs: how many hidden units output 0 for every input, and get no
//! gradient, after a good start, a bad start and a few training steps.
//! Computes and returns data; `lib.rs` prints it, `plots.rs` draws it.

use candle_core::{DType, Result, Tensor};
use nn_functional::{self as F, Reduction};
use shared::activations::Activation;
use shared::nn::{Init, Mlp, train};

use crate::Options;
use crate::gradients::{Batch, network, norm, probe};

// ANCHOR: units
/// Per hidden layer, the share of units for which `pred` holds on every row of `t`.
fn share_of_units(t: &Tensor, pred: impl Fn(f32) -> bool) -> Result<f64> {
    let rows = t.to_dtype(DType::F32)?.to_vec2::<f32>()?;
    let width = rows.first().map_or(0, Vec::len);
    let all = (0..width)
        .filter(|&j| rows.iter().all(|r| pred(r[j])))
        .count();
    Ok(all as f64 / width.max(1) as f64)
}

/// Dead and silent units, layer by layer, after one start.
#[derive(Clone, Debug)]
pub struct Units {
    pub start: Start,
    pub activation: Activation,
    /// Output exactly 0 for every input of the batch.
    pub dead: Vec<f64>,
    /// Pre-activation z ≤ 0 for every input (for ReLU, the same as dead).
    pub negative: Vec<f64>,
    /// dLoss/dz exactly 0 for every input: nothing moves this unit's weights.
    pub no_grad: Vec<f64>,
    /// ‖dLoss/dh‖ at the first hidden layer.
    pub first_grad: f64,
}

fn units(start: Start, mlp: &Mlp, batch: &Batch) -> Result<Units> {
    let p = probe(mlp, batch)?;
    let per_layer = |ts: &[Tensor], pred: fn(f32) -> bool| -> Result<Vec<f64>> {
        ts.iter().map(|t| share_of_units(t, pred)).collect()
    };
    Ok(Units {
        start,
        activation: mlp.activation,
        dead: per_layer(&p.h, |v| v == 0.0)?,
        negative: per_layer(&p.z, |v| v <= 0.0)?,
        no_grad: per_layer(&p.dz, |v| v == 0.0)?,
        first_grad: p.dh.first().map_or(Ok(f64::NAN), norm)?,
    })
}
// ANCHOR_END: units

// ANCHOR: dying
/// Where a network's weights came from before its units were counted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Start {
    /// Kaiming normal initialisation, untouched.
    Kaiming,
    /// Kaiming normal, then this added to every hidden bias.
    BiasShift(f64),
    /// Kaiming normal, then `steps` full-batch Adam steps at rate `lr`.
    Adam { steps: usize, lr: f64 },
}

/// Adam's usual learning rate, the sane one to compare `--lr` with.
pub const SANE_LR: f64 = 0.001;

/// ReLU and LeakyReLU from Kaiming init: untouched, with every hidden bias
/// shifted by `bias_shift`, and after a few Adam steps at a sane and at a
/// too-large learning rate.
pub fn dying(opts: &Options, batch: &Batch) -> Result<Vec<Units>> {
    let mut out = Vec::new();
    for act in [Activation::Relu, Activation::LeakyRelu { slope: 0.01 }] {
        let mlp = network(opts, batch, act, Init::KaimingNormal)?;
        out.push(units(Start::Kaiming, &mlp, batch)?);

        let mlp = network(opts, batch, act, Init::KaimingNormal)?;
        for layer in mlp.layers.iter().take(opts.depth) {
            layer
                .bias
                .set(&(layer.bias.as_tensor() + opts.bias_shift)?)?;
        }
        out.push(units(Start::BiasShift(opts.bias_shift), &mlp, batch)?);

        for lr in [SANE_LR, opts.lr] {
            let mlp = network(opts, batch, act, Init::KaimingNormal)?;
            let mse = |pred: &Tensor| F::mse_loss(pred, &batch.y, Reduction::Mean);
            train(&mlp, &batch.x, lr, opts.steps, mse)?;
            let start = Start::Adam {
                steps: opts.steps,
                lr,
            };
            out.push(units(start, &mlp, batch)?);
        }
    }
    Ok(out)
}
// ANCHOR_END: dying

impl Start {
    /// The row label in the table and the plot's legend.
    pub fn label(&self) -> String {
        match self {
            Start::Kaiming => "Kaiming init".to_string(),
            Start::BiasShift(shift) => format!("biases {shift:+} at init"),
            Start::Adam { steps, lr } => format!("{steps} Adam steps, lr {lr}"),
        }
    }
}
