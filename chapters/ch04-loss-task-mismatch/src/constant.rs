//! The best constant prediction under MSE and under log-loss, by scanning
//! and by training an intercept-only model.

use candle_core::{DType, Device, Result, Tensor};
use nn_functional::{self as F, Reduction};
use shared::activations::{to_f64, to_f64_vec};
use shared::data::Classification;
use shared::metrics;
use shared::nn::train;

use crate::Options;
use crate::binary::Loss;
use crate::setup::linear_model;

/// Both losses of one constant prediction `c` on the training labels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ConstantLoss {
    pub c: f64,
    pub mse: f64,
    pub log_loss: f64,
}

/// What an intercept-only model predicts after training with one loss.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InterceptOnly {
    pub loss: Loss,
    /// Its probability of class 1, the same for every row.
    pub prob: f64,
}

/// MSE and log-loss of every constant prediction `c`, and where training lands.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstantScan {
    /// The training set's share of positives.
    pub rate: f64,
    /// `c` = 0.001, 0.002, …, 0.999.
    pub grid: Vec<ConstantLoss>,
    /// Where each loss is smallest on the grid.
    pub mse_best: f64,
    pub log_loss_best: f64,
    /// The smallest MSE on the grid.
    pub mse_min: f64,
    /// How many steps the intercept-only models train for.
    pub intercept_steps: usize,
    /// The probability an intercept-only model predicts after training, per loss.
    pub intercept_only: Vec<InterceptOnly>,
}

/// The intercept-only models' training steps: three times `--steps`.
pub fn intercept_steps(opts: &Options) -> usize {
    3 * opts.steps as usize
}

// ANCHOR: constant_scan
pub fn constant_scan(train_set: &Classification, opts: &Options) -> Result<ConstantScan> {
    let dev = Device::Cpu;
    let y = train_set.binary_targets(&dev)?.to_dtype(DType::F64)?;
    let mut grid = Vec::new();
    for k in 1..1000 {
        let c = k as f64 / 1000.0;
        let pred = Tensor::full(c, (train_set.len(), 1), &dev)?;
        grid.push(ConstantLoss {
            c,
            mse: to_f64(&F::mse_loss(&pred, &y, Reduction::Mean)?)?,
            log_loss: metrics::log_loss(&vec![c; train_set.len()], &train_set.labels),
        });
    }
    let argmin = |key: fn(&ConstantLoss) -> f64| {
        grid.iter()
            .fold((0.0, f64::INFINITY), |b, g| {
                if key(g) < b.1 { (g.c, key(g)) } else { b }
            })
            .0
    };
    // An intercept-only model: its input is a column of zeros, so its output is
    // its bias. Three times the steps, so that Adam's wobble around the optimum dies out.
    let zeros = Tensor::zeros((train_set.len(), 1), DType::F32, &dev)?;
    let y32 = train_set.binary_targets(&dev)?;
    let mut intercept_only = Vec::new();
    for loss in [Loss::MseRaw, Loss::Bce] {
        let model = linear_model(1, 1, opts.seed)?;
        train(&model, &zeros, opts.lr, intercept_steps(opts), |out| {
            loss.loss(out, &y32)
        })?;
        let bias = to_f64_vec(&model.forward(&zeros.narrow(0, 0, 1)?)?)?;
        intercept_only.push(InterceptOnly {
            loss,
            prob: loss.probability(bias.first().copied().unwrap_or(f64::NAN)),
        });
    }
    Ok(ConstantScan {
        rate: train_set.class_rates().get(1).copied().unwrap_or(0.0),
        mse_best: argmin(|g| g.mse),
        log_loss_best: argmin(|g| g.log_loss),
        mse_min: grid.iter().map(|g| g.mse).fold(f64::INFINITY, f64::min),
        intercept_steps: intercept_steps(opts),
        grid,
        intercept_only,
    })
}
// ANCHOR_END: constant_scan
