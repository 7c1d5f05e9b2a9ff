//! The same model trained with the naive and the stable loss.

use candle_core::{Device, Result, Tensor};
use nn_functional as F;
use shared::activations::{self, Activation};
use shared::candle_nn::Optimizer;
use shared::losses;
use shared::metrics::accuracy;
use shared::nn::{Init, Mlp};

use crate::Options;

/// The same seeded model and data, trained with one loss.
pub struct Run {
    /// The loss before each step; ends at the first non-finite value.
    pub history: Vec<f64>,
    /// The model's logits on the training set as the run ended.
    pub logits: Vec<f64>,
    /// Training accuracy as the run ended.
    pub accuracy: f64,
    /// The largest |logit| as the run ended.
    pub max_abs_logit: f64,
    /// The logits whose σ(z) rounds to exactly 0 or 1 in f32.
    pub saturated: Saturated,
}

impl Run {
    /// The step at which the loss stopped being finite.
    pub fn nan_step(&self) -> Option<usize> {
        self.history.iter().position(|l| !l.is_finite())
    }
}

/// Logits whose σ(z) rounds to exactly 1 or 0 in f32, split by whether that
/// agrees with the label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Saturated {
    /// σ(z) is exactly the label: the naive loss is NaN there.
    pub correct: usize,
    /// σ(z) is exactly the other label: the naive loss is inf there.
    pub wrong: usize,
}

/// After the naive run: one more Adam step on its NaN loss.
pub struct Poisoned {
    pub nan_params: usize,
    /// NaN values in each weight and bias, in `Mlp::vars` order.
    pub nan_per_var: Vec<usize>,
    pub params: usize,
    /// Logits that are NaN after the step, of how many.
    pub nan_logits: usize,
    pub logits: usize,
    pub accuracy: f64,
}

pub struct Training {
    pub naive: Run,
    pub stable: Run,
    /// The extra step through the book's ReLU, which multiplies by a 0/1 mask.
    pub poisoned: Poisoned,
    /// The same step through a ReLU whose backward pass selects, as PyTorch's does.
    pub poisoned_masked: Poisoned,
    pub labels: Vec<u32>,
    /// The share of the labels that are 0.
    pub class_0_share: f64,
}

/// PyTorch's default initialisation, every weight and bias times `init_scale`.
fn model(opts: &Options) -> Result<Mlp> {
    let mlp = Mlp::new(
        &[4, 16, 1],
        Activation::Relu,
        Init::PytorchDefault,
        opts.seed,
    )?;
    for v in mlp.vars() {
        v.set(&(v.as_tensor() * opts.init_scale)?)?;
    }
    Ok(mlp)
}

/// A model's logits on `x`, and its accuracy at threshold 0.
struct Predictions {
    logits: Vec<f64>,
    accuracy: f64,
}

fn predict(mlp: &Mlp, x: &Tensor, labels: &[u32]) -> Result<Predictions> {
    let logits = activations::to_f64_vec(&mlp.forward(x)?)?;
    let pred: Vec<u32> = logits.iter().map(|&z| u32::from(z > 0.0)).collect();
    Ok(Predictions {
        accuracy: accuracy(&pred, labels),
        logits,
    })
}

// ANCHOR: training
/// Trains the same seeded MLP on the same data twice, once with each loss; then
/// takes one more Adam step with the naive loss, past its first NaN.
pub fn train_both(opts: &Options) -> Result<Training> {
    let data = shared::data::binary_threshold(opts.samples as usize, opts.seed);
    let (x, y) = (data.x(&Device::Cpu)?, data.binary_targets(&Device::Cpu)?);
    let naive_loss = |z: &Tensor| losses::naive_bce(z, &y);
    let stable_loss = |z: &Tensor| F::binary_cross_entropy_with_logits(z, &y, Default::default());
    let run = |loss: &dyn Fn(&Tensor) -> Result<Tensor>| -> Result<(Run, Mlp)> {
        let mlp = model(opts)?;
        // shared::nn::train stops at the first non-finite loss, keeping it.
        let history = shared::nn::train(&mlp, &x, opts.lr, opts.steps as usize, loss)?;
        let p = predict(&mlp, &x, &data.labels)?;
        let run = Run {
            history,
            max_abs_logit: p.logits.iter().fold(0.0, |m: f64, z| m.max(z.abs())),
            saturated: saturated(&p.logits, &data.labels)?,
            logits: p.logits,
            accuracy: p.accuracy,
        };
        Ok((run, mlp))
    };
    let (naive, mlp) = run(&naive_loss)?;
    let (stable, _) = run(&stable_loss)?;

    // A loop without a check would take one more step on the NaN loss. Through
    // shared's ReLU, `z · [z > 0]`, the backward pass multiplies by the mask,
    // and 0 · NaN is NaN. PyTorch's ReLU backward selects instead: the gradient
    // is 0 wherever z <= 0, NaN or not. Both steps start from the same weights.
    let masked_relu = |z: &Tensor| z.gt(0.0)?.where_cond(z, &z.zeros_like()?);
    let copy = model(opts)?;
    for (c, v) in copy.vars().iter().zip(mlp.vars()) {
        c.set(v.as_tensor())?;
    }
    let step = |mlp: &Mlp, relu: &dyn Fn(&Tensor) -> Result<Tensor>| {
        one_more_step(mlp, relu, &x, &data.labels, &naive_loss, opts.lr)
    };
    let poisoned = step(&mlp, &F::relu)?;
    let poisoned_masked = step(&copy, &masked_relu)?;
    let zeros = data.labels.iter().filter(|&&l| l == 0).count();
    Ok(Training {
        naive,
        stable,
        poisoned,
        poisoned_masked,
        class_0_share: zeros as f64 / data.labels.len() as f64,
        labels: data.labels,
    })
}

/// One Adam step on `loss`, with `relu` between the layers, then the NaN count.
/// (A fresh Adam will do: whatever its state, a NaN gradient gives a NaN update
/// and a finite one a finite update.)
fn one_more_step(
    mlp: &Mlp,
    relu: &dyn Fn(&Tensor) -> Result<Tensor>,
    x: &Tensor,
    labels: &[u32],
    loss: &dyn Fn(&Tensor) -> Result<Tensor>,
    lr: f64,
) -> Result<Poisoned> {
    let mut h = x.clone();
    for (i, layer) in mlp.layers.iter().enumerate() {
        h = layer.forward(&h)?;
        if i + 1 < mlp.layers.len() {
            h = relu(&h)?;
        }
    }
    shared::nn::adam(mlp.vars(), lr)?.backward_step(&loss(&h)?)?;
    let (mut nan_per_var, mut params) = (Vec::new(), 0);
    for v in mlp.vars() {
        let values = activations::to_f64_vec(v.as_tensor())?;
        nan_per_var.push(values.iter().filter(|p| p.is_nan()).count());
        params += values.len();
    }
    let p = predict(mlp, x, labels)?;
    Ok(Poisoned {
        nan_params: nan_per_var.iter().sum(),
        nan_per_var,
        params,
        nan_logits: p.logits.iter().filter(|z| z.is_nan()).count(),
        logits: p.logits.len(),
        accuracy: p.accuracy,
    })
}
// ANCHOR_END: training

/// Where σ(z) of a logit rounds to exactly 1 or 0 in f32, split by whether that
/// agrees with the label.
pub fn saturated(logits: &[f64], labels: &[u32]) -> Result<Saturated> {
    let z: Vec<f32> = logits.iter().map(|&z| z as f32).collect();
    let p = activations::to_f64_vec(&F::sigmoid(&Tensor::new(z.as_slice(), &Device::Cpu)?)?)?;
    let (mut correct, mut wrong) = (0, 0);
    for (p, &l) in p.iter().zip(labels) {
        if *p == 1.0 || *p == 0.0 {
            if (*p == 1.0) == (l == 1) {
                correct += 1;
            } else {
                wrong += 1;
            }
        }
    }
    Ok(Saturated { correct, wrong })
}
