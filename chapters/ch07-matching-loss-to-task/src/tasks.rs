//! The three tasks, each trained end to end with the output layer and loss it
//! calls for: regression (a raw value, MSE), binary classification (one raw
//! logit, BCE with logits) and 4-class classification (four raw logits,
//! cross-entropy). The model is the same 32-unit ReLU MLP every time; only
//! the width of its last layer and the loss change.

use std::time::{Duration, Instant};

use book_kit::progress;
use candle_core::{D, Device, Result, Tensor};
use nn_functional::{self as F, Reduction};
use shared::activations::{Activation, softmax, to_f64, to_f64_vec};
use shared::candle_nn::Optimizer;
use shared::data;
use shared::metrics::{accuracy, argmax_rows, regression_errors};
use shared::nn::{Forward, Init, Mlp, adam};

/// What every run shares: the data size, the network and the optimiser.
#[derive(Clone, Copy, Debug)]
pub struct Setup {
    pub samples: usize,
    pub steps: usize,
    pub lr: f64,
    pub hidden: usize,
    pub seed: u64,
    /// How the training loops run the forward pass (see the section on speed).
    pub forward: Forward,
}

impl Setup {
    /// `inputs → hidden → outputs`, ReLU between, PyTorch's default init.
    pub fn model(&self, inputs: usize, outputs: usize) -> Result<Mlp> {
        let sizes = [inputs, self.hidden, outputs];
        Mlp::new(&sizes, Activation::Relu, Init::PytorchDefault, self.seed)
    }

    /// The model's raw outputs for the batch `x`, in the way `forward` says.
    pub fn forward(&self, model: &Mlp, x: &Tensor) -> Result<Tensor> {
        model.forward_as(x, self.forward)
    }
}

/// One training run: the loss before each step, and how long the loop took.
#[derive(Clone, Debug)]
pub struct Fit {
    pub history: Vec<f64>,
    /// Wall time of the loop alone (no data generation, no evaluation).
    pub elapsed: Duration,
}

impl Fit {
    /// The loss before the first step (NaN without steps).
    pub fn first(&self) -> f64 {
        self.history.first().copied().unwrap_or(f64::NAN)
    }
    /// The loss before the last step (NaN without steps).
    pub fn last(&self) -> f64 {
        self.history.last().copied().unwrap_or(f64::NAN)
    }
}

/// PyTorch's own figures for the three tasks, written by
/// `tools/pytorch-figures.py` (run by hand: PyTorch is never a dependency of
/// the book) and read when the chapter compiles.
pub const PYTORCH_FILE: &str = include_str!("../pytorch-figures.toml");

/// PyTorch's figures for the three tasks, from its own random data and
/// weights: the size to expect, not the digits.
#[derive(Clone, Debug, PartialEq)]
pub struct Pytorch {
    /// The version that computed them.
    pub version: String,
    /// Regression MAE, binary accuracy and 4-class accuracy, on the training data.
    pub metrics: [f64; 3],
}

impl Pytorch {
    /// The figures in [`PYTORCH_FILE`].
    pub fn figures() -> Self {
        Self::parse(PYTORCH_FILE).expect("pytorch-figures.toml lacks a figure; rerun the script")
    }

    /// The `key = value` lines the script writes (a subset of TOML); `None`
    /// if a key is missing or its value does not parse.
    pub fn parse(toml: &str) -> Option<Self> {
        let value = |key: &str| {
            toml.lines()
                .filter(|line| !line.trim_start().starts_with('#'))
                .find_map(|line| {
                    let (k, v) = line.split_once('=')?;
                    (k.trim() == key).then(|| v.trim().trim_matches('"'))
                })
        };
        let number = |key| value(key)?.parse().ok();
        Some(Pytorch {
            version: value("pytorch")?.to_string(),
            metrics: [
                number("regression_mae")?,
                number("binary_accuracy")?,
                number("multiclass_accuracy")?,
            ],
        })
    }
}

// ANCHOR: fit
/// Full-batch Adam on `loss(model(x))`. The model's last layer has no
/// activation: `loss` receives raw values or logits. A long run shows its
/// progress on stderr, named `task` (`book_kit::progress`).
pub fn fit(
    model: &Mlp,
    x: &Tensor,
    s: &Setup,
    task: &str,
    loss: impl Fn(&Tensor) -> Result<Tensor>,
) -> Result<Fit> {
    let mut opt = adam(model.vars(), s.lr)?;
    let mut losses = Vec::with_capacity(s.steps);
    let start = Instant::now();
    for _ in progress::steps(task, s.steps) {
        let out = s.forward(model, x)?; // raw outputs: values or logits
        let l = loss(&out)?;
        opt.backward_step(&l)?; // gradients, then one Adam update
        losses.push(l.detach()); // the value only, read after the loop
    }
    let elapsed = start.elapsed();
    let history = losses.iter().map(to_f64).collect::<Result<_>>()?;
    Ok(Fit { history, elapsed })
}
// ANCHOR_END: fit

/// Regression: the model's raw output is the prediction.
pub struct RegressionRun {
    pub fit: Fit,
    /// Mean absolute error on the training data, in minutes.
    pub mae: f64,
    /// (target, prediction) for the first few deliveries.
    pub examples: Vec<(f64, f64)>,
}

/// Binary: one logit per sample; the decision is `z > 0`, i.e. `σ(z) > 0.5`.
pub struct BinaryRun {
    pub fit: Fit,
    pub accuracy: f64,
    /// (label, logit, σ(logit)) for the first few samples.
    pub examples: Vec<(u32, f64, f64)>,
}

/// Multi-class: four logits per sample; the decision is the largest.
pub struct MultiClassRun {
    pub fit: Fit,
    /// The trained model, for the calibration check.
    pub model: Mlp,
    pub accuracy: f64,
    /// The first few samples: label, logits and their softmax.
    pub examples: Vec<ClassExample>,
}

pub struct ClassExample {
    pub label: u32,
    pub logits: Vec<f64>,
    pub probs: Vec<f64>,
}

/// How many samples each task shows.
pub const EXAMPLES: usize = 4;

// ANCHOR: regression
pub fn regression(s: &Setup) -> Result<RegressionRun> {
    let set = data::delivery_times(s.samples, s.seed);
    let (x, y) = (set.x(&Device::Cpu)?, set.y(&Device::Cpu)?);
    let model = s.model(set.d, 1)?; // one raw output: minutes
    let fit = fit(&model, &x, s, "regression", |pred| {
        F::mse_loss(pred, &y, Reduction::Mean)
    })?;
    let pred = to_f64_vec(&model.forward(&x)?)?;
    let target: Vec<f64> = set.y.iter().map(|&v| f64::from(v)).collect();
    Ok(RegressionRun {
        fit,
        mae: regression_errors(&pred, &target).mae,
        examples: target.into_iter().zip(pred).take(EXAMPLES).collect(),
    })
}
// ANCHOR_END: regression

// ANCHOR: binary
pub fn binary(s: &Setup) -> Result<BinaryRun> {
    let set = data::binary_threshold(s.samples, s.seed);
    let (x, y) = (set.x(&Device::Cpu)?, set.binary_targets(&Device::Cpu)?);
    let model = s.model(set.d, 1)?; // one raw logit, no sigmoid
    let fit = fit(&model, &x, s, "binary", |z| {
        F::binary_cross_entropy_with_logits(z, &y, Default::default())
    })?;
    let z = to_f64_vec(&model.forward(&x)?)?;
    let pred: Vec<u32> = z.iter().map(|&z| u32::from(z > 0.0)).collect();
    let sigmoid = |z: f64| 1.0 / (1.0 + (-z).exp()); // only to show a probability
    Ok(BinaryRun {
        fit,
        accuracy: accuracy(&pred, &set.labels),
        examples: (0..EXAMPLES)
            .map(|i| (set.labels[i], z[i], sigmoid(z[i])))
            .collect(),
    })
}
// ANCHOR_END: binary

// ANCHOR: multiclass
pub fn multiclass(s: &Setup) -> Result<MultiClassRun> {
    let set = data::four_classes(s.samples, s.seed);
    let (x, y) = (set.x(&Device::Cpu)?, set.labels(&Device::Cpu)?);
    let model = s.model(set.d, set.classes)?; // four raw logits, no softmax
    let fit = fit(&model, &x, s, "4 classes", |z| {
        F::cross_entropy(z, &y, Default::default()) // y: class indices
    })?;
    let logits = model.forward(&x)?;
    let pred = argmax_rows(&to_f64_vec(&logits)?, set.classes);
    // Softmax only now, at inference, to read the logits as probabilities.
    let first = logits.narrow(0, 0, EXAMPLES)?;
    let (z, p) = (
        to_f64_vec(&first)?,
        to_f64_vec(&softmax(&first, D::Minus1)?)?,
    );
    let c = set.classes;
    Ok(MultiClassRun {
        fit,
        model,
        accuracy: accuracy(&pred, &set.labels),
        examples: (0..EXAMPLES)
            .map(|i| ClassExample {
                label: set.labels[i],
                logits: z[i * c..(i + 1) * c].to_vec(),
                probs: p[i * c..(i + 1) * c].to_vec(),
            })
            .collect(),
    })
}
// ANCHOR_END: multiclass
