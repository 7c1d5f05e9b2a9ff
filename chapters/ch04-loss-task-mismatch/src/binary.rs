//! The three ways to train a one-output linear classifier, and how each does
//! on the easy task and on the two tasks where regression on labels breaks.

use book_kit::table::pct;
use candle_core::{Device, Result, Tensor};
use nn_functional::{self as F, Reduction};
use shared::data::imbalanced_binary;
use shared::nn::train;

use crate::Options;
use crate::setup::{N, ProbabilityScores, Task, far_positives, linear_model, outputs};

/// How a one-output linear model is trained on 0/1 labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    MseRaw,
    MseSigmoid,
    Bce,
}

impl Loss {
    pub const ALL: [Loss; 3] = [Loss::MseRaw, Loss::MseSigmoid, Loss::Bce];

    pub fn name(self) -> &'static str {
        match self {
            Loss::MseRaw => "MSE on raw output",
            Loss::MseSigmoid => "MSE on sigmoid",
            Loss::Bce => "BCE with logits",
        }
    }
}

// ANCHOR: losses
impl Loss {
    /// The training loss of outputs `out` against 0/1 targets `y`, both `(n, 1)`.
    pub fn loss(self, out: &Tensor, y: &Tensor) -> Result<Tensor> {
        match self {
            // Regression on the labels: the output itself should be 0 or 1.
            Loss::MseRaw => F::mse_loss(out, y, Reduction::Mean),
            // The output is a logit; squared error on the probability σ(out).
            Loss::MseSigmoid => F::mse_loss(&F::sigmoid(out)?, y, Reduction::Mean),
            // The output is a logit; the negative log-likelihood of a Bernoulli.
            Loss::Bce => F::binary_cross_entropy_with_logits(out, y, Default::default()),
        }
    }

    /// The output read as the probability of class 1. The raw-MSE model's
    /// output is taken as it is: it may fall outside [0, 1].
    pub fn probability(self, out: f64) -> f64 {
        match self {
            Loss::MseRaw => out,
            Loss::MseSigmoid | Loss::Bce => 1.0 / (1.0 + (-out).exp()),
        }
    }
}
// ANCHOR_END: losses

// ANCHOR: fit
/// Trains a linear model with `loss` and scores it on the test set.
pub fn fit(loss: Loss, task: &Task, opts: &Options) -> Result<ProbabilityScores> {
    let model = linear_model(task.train.d, 1, opts.seed)?;
    let (x, y) = (
        task.train.x(&Device::Cpu)?,
        task.train.binary_targets(&Device::Cpu)?,
    );
    train(&model, &x, opts.lr, opts.steps as usize, |out| {
        loss.loss(out, &y)
    })?;
    let prob = outputs(&model, &task.test)?
        .into_iter()
        .map(|o| loss.probability(o))
        .collect();
    Ok(ProbabilityScores::new(
        prob,
        &task.test.labels,
        opts.bins as usize,
    ))
}
// ANCHOR_END: fit

/// One loss's model, scored on the test set.
#[derive(Clone, Debug, PartialEq)]
pub struct Trained {
    pub loss: Loss,
    pub scores: ProbabilityScores,
}

/// The three losses on one task.
pub fn compare(task: &Task, opts: &Options) -> Result<Vec<Trained>> {
    Loss::ALL
        .iter()
        .map(|&loss| {
            Ok(Trained {
                loss,
                scores: fit(loss, task, opts)?,
            })
        })
        .collect()
}

/// The easy task: `--positive-rate` positives, `--separation` apart; training and test halves.
pub fn easy_task(opts: &Options) -> Task {
    Task::split(&imbalanced_binary(
        2 * N,
        opts.positive_rate,
        opts.separation as f32,
        opts.seed,
    ))
}

/// The easy task with each loss.
#[derive(Clone, Debug, PartialEq)]
pub struct Easy {
    pub test_rows: usize,
    /// The test set's share of positives.
    pub test_positive_rate: f64,
    pub results: Vec<Trained>,
}

impl Easy {
    /// The scores of the model trained with `loss`.
    pub fn scores(&self, loss: Loss) -> Result<&ProbabilityScores> {
        self.results
            .iter()
            .find(|t| t.loss == loss)
            .map(|t| &t.scores)
            .ok_or_else(|| candle_core::Error::Msg(format!("{} was not trained", loss.name())))
    }
}

pub fn easy(task: &Task, opts: &Options) -> Result<Easy> {
    Ok(Easy {
        test_rows: task.test.len(),
        test_positive_rate: task.test.class_rates().get(1).copied().unwrap_or(0.0),
        results: compare(task, opts)?,
    })
}

/// One task and how each loss did on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    pub name: String,
    /// Accuracy of always predicting the majority class on the test set.
    pub majority_accuracy: f64,
    pub results: Vec<Trained>,
}

// ANCHOR: hard_data
pub fn hard_settings(opts: &Options) -> Result<Vec<Setting>> {
    let sep = opts.separation as f32;
    let rare = imbalanced_binary(2 * N, opts.rare_rate, sep, opts.seed);
    let far = far_positives(
        imbalanced_binary(2 * N, opts.positive_rate, sep, opts.seed),
        opts.far_share,
        opts.far_offset as f32,
        opts.seed,
    );
    let tasks = [
        (format!("rare: {} positives", pct(opts.rare_rate)), rare),
        (
            format!(
                "far: {} of positives {:+}",
                pct(opts.far_share),
                opts.far_offset
            ),
            far,
        ),
    ];
    // ANCHOR_END: hard_data
    tasks
        .into_iter()
        .map(|(name, data)| {
            let task = Task::split(&data);
            let rates = task.test.class_rates();
            Ok(Setting {
                name,
                majority_accuracy: rates.iter().copied().fold(0.0, f64::max),
                results: compare(&task, opts)?,
            })
        })
        .collect()
}
