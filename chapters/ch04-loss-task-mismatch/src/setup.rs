//! Plumbing for chapter 4: two data sets `shared` does not have, a linear
//! model, and the scores every binary model is judged by.

use candle_core::{Device, Result, Tensor};
use rand::Rng;
use shared::activations::Activation;
use shared::data::{Classification, normals, rng};
use shared::metrics::{self, CalibrationBin};
use shared::nn::{Init, Mlp};

/// Rows in the training set, and again in the test set.
pub const N: usize = 1000;

/// A task's training half and test half.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    pub train: Classification,
    pub test: Classification,
}

impl Task {
    /// The first [`N`] rows train, the rest test.
    pub fn split(data: &Classification) -> Self {
        let (train, test) = data.split(N);
        Self { train, test }
    }
}

/// A single linear layer `x·Wᵀ + b`, seeded (an `Mlp` with no hidden layer:
/// its activation is never applied).
pub fn linear_model(inputs: usize, outputs: usize, seed: u64) -> Result<Mlp> {
    Mlp::new(
        &[inputs, outputs],
        Activation::Relu,
        Init::PytorchDefault,
        seed,
    )
}

/// The model's outputs as one `f64` per row (or `C` per row, row-major).
pub fn outputs(model: &Mlp, data: &Classification) -> Result<Vec<f64>> {
    shared::activations::to_f64_vec(&model.forward(&data.x(&Device::Cpu)?)?)
}

/// Moves a share `share` of the positives `offset` further along the
/// direction that separates the classes (features 0 and 1): points any
/// sensible classifier gets right, far on the correct side.
pub fn far_positives(
    mut data: Classification,
    share: f64,
    offset: f32,
    seed: u64,
) -> Classification {
    let mut r = rng(!seed); // a stream of its own
    let d = data.d;
    for (row, &label) in data.x.chunks_mut(d).zip(&data.labels) {
        if label == 1 && r.random_bool(share) {
            row[0] += offset;
            row[1] += offset;
        }
    }
    data
}

/// `classes` classes in a row: 2 standard-normal features, with class `c`
/// centred at `(c − (classes − 1)/2) · spacing` on both of them, so the
/// middle class lies between its neighbours.
pub fn collinear_classes(n: usize, classes: usize, spacing: f32, seed: u64) -> Classification {
    let mut r = rng(seed);
    let d = 2;
    let mut x = Vec::with_capacity(n * d);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let c = r.random_range(0..classes as u32);
        let centre = (c as f32 - (classes as f32 - 1.0) / 2.0) * spacing;
        x.extend(normals(&mut r, d).into_iter().map(|v| v + centre));
        labels.push(c);
    }
    Classification {
        x,
        labels,
        d,
        classes,
    }
}

/// Share of rows right when predicting positive at `prob ≥ 0.5`.
pub fn accuracy_at_half(prob: &[f64], labels: &[u32]) -> f64 {
    let pred: Vec<u32> = prob.iter().map(|&p| u32::from(p >= 0.5)).collect();
    metrics::accuracy(&pred, labels)
}

/// How a binary model's outputs, read as probabilities, did on the test set:
/// as a classifier and as a probability. (`shared::metrics::BinaryScores`
/// holds the classifier half only.)
#[derive(Clone, Debug, PartialEq)]
pub struct ProbabilityScores {
    /// The model's outputs read as probabilities (raw MSE outputs as they are).
    pub prob: Vec<f64>,
    /// Share of rows right when predicting positive at `prob ≥ 0.5`.
    pub accuracy: f64,
    /// Share of the positives found.
    pub recall: f64,
    pub predicted_positive: usize,
    /// Log-loss of `prob` clipped into `[0, 1]` (then `[1e-7, 1 − 1e-7]`).
    pub log_loss: f64,
    /// The reliability table of `prob` clipped into `[0, 1]`.
    pub reliability: Vec<CalibrationBin>,
    /// Expected calibration error of that table.
    pub ece: f64,
    /// Share of outputs outside `[0, 1]`: not probabilities at all.
    pub outside: f64,
    pub min: f64,
    pub max: f64,
}

impl ProbabilityScores {
    /// Scores `prob` against `labels`, with `bins` probability bins for calibration.
    pub fn new(prob: Vec<f64>, labels: &[u32], bins: usize) -> Self {
        let clipped: Vec<f64> = prob.iter().map(|p| p.clamp(0.0, 1.0)).collect();
        let s = metrics::binary_scores(&prob, labels, 0.5);
        let outside = prob.iter().filter(|p| !(0.0..=1.0).contains(*p)).count();
        let reliability = metrics::reliability(&clipped, labels, bins);
        Self {
            accuracy: accuracy_at_half(&prob, labels),
            recall: s.recall,
            predicted_positive: s.predicted_positive,
            log_loss: metrics::log_loss(&clipped, labels),
            ece: metrics::expected_calibration_error(&reliability),
            reliability,
            outside: outside as f64 / prob.len().max(1) as f64,
            min: prob.iter().copied().fold(f64::INFINITY, f64::min),
            max: prob.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            prob,
        }
    }
}

/// The labels as an `(n, classes)` matrix of 0s and 1s.
pub fn one_hot(data: &Classification) -> Result<Tensor> {
    shared::candle_nn::encoding::one_hot(data.labels(&Device::Cpu)?, data.classes, 1f32, 0f32)
}
