//! The training experiment: one small network, trained under each loss on
//! delivery times with and without gross outliers, scored on clean data.
//! Computes; never prints.

use candle_core::{Device, Result};
use shared::activations::{Activation, to_f64_vec};
use shared::data::{self, Regression};
use shared::metrics::{RegressionErrors, regression_errors};
use shared::nn::{Init, Mlp, train};

use crate::Options;
use crate::loss::{Loss, three_losses};

/// One training run, scored on clean held-out data.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    pub loss: Loss,
    /// MAE, RMSE and bias (mean of prediction − target: how far the model is
    /// shifted) on the clean test set.
    pub test: RegressionErrors,
    /// Share of training samples whose final residual is at least δ (Huber only).
    pub linear_share: Option<f64>,
}

/// Targets as `f64`, for scoring.
fn wide(y: &[f32]) -> Vec<f64> {
    y.iter().map(|&v| v as f64).collect()
}

// ANCHOR: fit
/// Trains a fresh 4→32→1 ReLU network (same seed, so the same initial weights
/// for every loss) on `rows` with full-batch Adam, then scores it on `test`.
pub fn fit(loss: Loss, rows: &Regression, test: &Regression, opts: &Options) -> Result<Fit> {
    let dev = Device::Cpu;
    let (x, y) = (rows.x(&dev)?, rows.y(&dev)?);
    let model = Mlp::new(
        &[4, 32, 1],
        Activation::Relu,
        Init::PytorchDefault,
        opts.seed,
    )?;
    train(&model, &x, opts.lr, opts.steps as usize, |pred| {
        loss.mean(pred, &y)
    })?;
    let pred = to_f64_vec(&model.forward(&test.x(&dev)?)?)?;
    let linear_share = match loss {
        Loss::Huber { delta } => {
            let r = to_f64_vec(&(model.forward(&x)? - &y)?.abs()?)?;
            Some(r.iter().filter(|&&r| r >= delta).count() as f64 / r.len() as f64)
        }
        _ => None,
    };
    Ok(Fit {
        loss,
        test: regression_errors(&pred, &wide(&test.y)),
        linear_share,
    })
}
// ANCHOR_END: fit

/// The data sets of the experiment: the same features and clean targets, with
/// and without outliers, and a clean test set from another seed.
pub struct Sets {
    pub clean: Regression,
    pub dirty: Regression,
    pub test: Regression,
}

pub fn sets(opts: &Options) -> Sets {
    let n = opts.train_size as usize;
    let size = opts.outlier_size as f32;
    Sets {
        clean: data::delivery_times(n, opts.seed),
        dirty: data::delivery_times_with_outliers(n, opts.outlier_rate, size, opts.seed),
        test: data::delivery_times(2000, opts.seed.wrapping_add(1)),
    }
}

/// Clean-test scores of each loss trained on clean and on outlier-laden targets.
pub struct Robustness {
    pub clean: Vec<Fit>,
    pub dirty: Vec<Fit>,
    /// How many training targets got the offset.
    pub outliers: usize,
    /// How far the outliers move the mean training target.
    pub target_shift: f64,
    /// The scores of the formula that generated the data: the best any model can do.
    pub floor: RegressionErrors,
}

// ANCHOR: robustness
pub fn robustness(s: &Sets, opts: &Options) -> Result<Robustness> {
    let mut clean = Vec::new();
    let mut dirty = Vec::new();
    for loss in three_losses(opts.delta) {
        clean.push(fit(loss, &s.clean, &s.test, opts)?);
        dirty.push(fit(loss, &s.dirty, &s.test, opts)?);
    }
    let outliers = s
        .clean
        .y
        .iter()
        .zip(&s.dirty.y)
        .filter(|(a, b)| a != b)
        .count();
    let mean = |y: &[f32]| y.iter().map(|&v| v as f64).sum::<f64>() / y.len() as f64;
    // y = 7·x₀ + 3·x₂ + 35 + noise: the noise is all that is left to miss.
    let truth: Vec<f64> = s
        .test
        .x
        .chunks(4)
        .map(|r| (7.0 * r[0] + 3.0 * r[2] + 35.0) as f64)
        .collect();
    Ok(Robustness {
        clean,
        dirty,
        outliers,
        target_shift: mean(&s.dirty.y) - mean(&s.clean.y),
        floor: regression_errors(&truth, &wide(&s.test.y)),
    })
}
// ANCHOR_END: robustness

/// The δ values the sweep tries, with the reader's δ among them.
pub fn sweep_deltas(opts: &Options) -> Vec<f64> {
    let mut d = vec![1.0, 20.0, 100.0, opts.delta];
    d.sort_by(f64::total_cmp);
    d.dedup();
    d
}

// ANCHOR: sweep
/// Huber at each δ of the sweep on the outlier-ridden data. `done` holds fits
/// already trained (the reader's δ, from `robustness`): those are reused, not
/// trained again.
pub fn sweep(s: &Sets, opts: &Options, done: &[Fit]) -> Result<Vec<Fit>> {
    sweep_deltas(opts)
        .into_iter()
        .map(|delta| {
            let loss = Loss::Huber { delta };
            match done.iter().find(|f| f.loss == loss) {
                Some(f) => Ok(f.clone()),
                None => fit(loss, &s.dirty, &s.test, opts),
            }
        })
        .collect()
}
// ANCHOR_END: sweep
