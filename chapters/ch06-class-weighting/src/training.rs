//! The losses the chapter compares, the model, and one binary training run.

use candle_core::{Device, Result, Tensor};
use nn_functional::{
    self as F, BinaryCrossEntropyWithLogitsOptions, Reduction, SigmoidFocalLossOptions,
};
use shared::activations::{Activation, to_f64_vec};
use shared::data::Classification;
use shared::nn::{Init, Mlp, train};

use crate::Options;

// ANCHOR: method
/// A binary loss to train with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Method {
    /// Plain `BCEWithLogitsLoss`.
    Bce,
    /// `BCEWithLogitsLoss(pos_weight = w)`, with `w = n_neg / n_pos` from the training set.
    PosWeight(f64),
    /// torchvision's `sigmoid_focal_loss(alpha, gamma)`; `alpha: None` turns α off.
    Focal { alpha: Option<f64>, gamma: f64 },
}

impl Method {
    pub fn name(&self) -> String {
        match *self {
            Method::Bce => "BCE".to_string(),
            Method::PosWeight(w) => format!("BCE, pos_weight {w:.1}"),
            Method::Focal { alpha: None, gamma } => format!("focal, γ {gamma}"),
            Method::Focal {
                alpha: Some(alpha),
                gamma,
            } => format!("focal, γ {gamma}, α {alpha}"),
        }
    }

    /// The mean loss over a batch of `(n, 1)` logits and 0/1 targets.
    pub fn loss(&self, logits: &Tensor, target: &Tensor) -> Result<Tensor> {
        match *self {
            Method::Bce => F::binary_cross_entropy_with_logits(logits, target, Default::default()),
            Method::PosWeight(w) => {
                let w = Tensor::new(&[w], logits.device())?.to_dtype(logits.dtype())?;
                let opts = BinaryCrossEntropyWithLogitsOptions {
                    pos_weight: Some(w),
                    ..Default::default()
                };
                F::binary_cross_entropy_with_logits(logits, target, opts)
            }
            Method::Focal { alpha, gamma } => {
                let opts = SigmoidFocalLossOptions {
                    alpha,
                    gamma,
                    reduction: Reduction::Mean,
                };
                F::sigmoid_focal_loss(logits, target, opts)
            }
        }
    }
}
// ANCHOR_END: method

/// A task's rows: training, validation (only to tune a threshold) and test
/// (every reported score).
pub struct Split {
    pub train: Classification,
    pub validation: Classification,
    pub test: Classification,
}

/// One trained binary model's predictions on the two held-out sets.
#[derive(Clone, Debug)]
pub struct BinaryRun {
    pub method: Method,
    /// Probabilities on the validation set (used only to tune a threshold).
    pub val_prob: Vec<f64>,
    /// Probabilities on the test set (every reported score).
    pub test_prob: Vec<f64>,
    /// The training loss after the last step.
    pub final_loss: f64,
    /// The fitted weights and bias, when the model is linear (`--hidden 0`).
    pub linear: Option<Linear>,
}

/// A linear model's fitted parameters.
#[derive(Clone, Debug)]
pub struct Linear {
    pub weights: Vec<f64>,
    pub bias: f64,
}

// ANCHOR: train_binary
/// Trains one model with `method` on the training rows and returns its
/// probabilities on the validation and test rows. Every method starts from
/// the same seeded weights.
pub fn train_binary(opts: &Options, method: Method, sets: &Split) -> Result<BinaryRun> {
    let dev = Device::Cpu;
    let tr = &sets.train;
    let (x, y) = (tr.x(&dev)?, tr.binary_targets(&dev)?);
    let model = model(opts, tr.d, 1)?;
    start_at_base_rate(&model, &tr.class_rates())?;
    let history = train(&model, &x, opts.lr, opts.steps as usize, |logits| {
        method.loss(logits, &y)
    })?;
    let prob = |set: &Classification| to_f64_vec(&F::sigmoid(&model.forward(&set.x(&dev)?)?)?);
    let linear = match model.layers.as_slice() {
        [only] => Some(Linear {
            weights: to_f64_vec(only.weight.as_tensor())?,
            bias: to_f64_vec(only.bias.as_tensor())?[0],
        }),
        _ => None,
    };
    Ok(BinaryRun {
        method,
        val_prob: prob(&sets.validation)?,
        test_prob: prob(&sets.test)?,
        final_loss: history.last().copied().unwrap_or(f64::NAN),
        linear,
    })
}
// ANCHOR_END: train_binary

// ANCHOR: base_rate
/// Sets the output bias so that the untrained model predicts the training
/// set's class shares: log-odds `ln(π / (1 − π))` for one output, `ln π_c` for
/// several (softmax ignores a common shift). The focal-loss paper starts its
/// classifier this way; without it, most of a short run goes into learning how
/// rare the positives are.
pub fn start_at_base_rate(model: &Mlp, shares: &[f64]) -> Result<()> {
    let Some(last) = model.layers.last() else {
        return Ok(());
    };
    let bias: Vec<f32> = match shares {
        [neg, pos] if last.bias.dims() == [1] => vec![(pos / neg).ln() as f32],
        _ => shares.iter().map(|&s| s.ln() as f32).collect(),
    };
    last.bias.set(&Tensor::new(bias.as_slice(), &Device::Cpu)?)
}
// ANCHOR_END: base_rate

/// Logistic (or softmax) regression when `--hidden` is 0, else one hidden ReLU layer.
pub fn model(opts: &Options, inputs: usize, outputs: usize) -> Result<Mlp> {
    let sizes: Vec<usize> = match opts.hidden as usize {
        0 => vec![inputs, outputs],
        hidden => vec![inputs, hidden, outputs],
    };
    Mlp::new(&sizes, Activation::Relu, Init::PytorchDefault, opts.seed)
}

/// How many labels equal `class`.
pub fn count(labels: &[u32], class: u32) -> usize {
    labels.iter().filter(|&&l| l == class).count()
}
