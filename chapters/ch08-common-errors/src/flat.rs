//! Outputs all near 0.5: dead ReLU units, or weight decay strong enough to
//! pull every weight to zero. Both show in the gradient each layer gets.

use candle_core::{DType, Device, Result, Tensor};
use nn_functional as F;
use shared::activations::{Activation, to_f64, to_f64_vec};
use shared::metrics::accuracy;
use shared::nn::{Init, Mlp};

use crate::Options;
use crate::train::{Opt, Run, dead_units, fit};

/// The three runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlatCase {
    /// PyTorch's default initialisation, weight decay 0.01.
    Healthy,
    /// Every hidden bias starts `--dead-bias` lower.
    DeadRelu,
    /// Weight decay `--weight-decay`.
    WeightDecay,
}

/// One run of the section, and its diagnosis after training.
#[derive(Clone, Debug)]
pub struct FlatRun {
    pub case: FlatCase,
    pub weight_decay: f64,
    /// How far below PyTorch's default the hidden biases started.
    pub bias_shift: f64,
    pub run: Run,
    /// ‖dLoss/dW‖ for each layer's weight matrix, first layer first.
    pub layer_grads: Vec<f64>,
    /// ‖W‖ for each layer.
    pub layer_weights: Vec<f64>,
    /// Hidden units that are 0 on every example, of how many.
    pub dead: usize,
    pub hidden: usize,
    /// The smallest and largest predicted probability.
    pub p_min: f64,
    pub p_max: f64,
    pub accuracy: f64,
}

fn norm(t: &Tensor) -> Result<f64> {
    to_f64(&t.to_dtype(DType::F64)?.sqr()?.sum_all()?.sqrt()?)
}

// ANCHOR: flat
pub fn flat_study(opts: &Options) -> Result<Vec<FlatRun>> {
    let data = shared::data::imbalanced_binary(opts.samples, 0.5, 1.5, opts.seed);
    let (x, y) = (data.x(&Device::Cpu)?, data.binary_targets(&Device::Cpu)?);
    let loss = |z: &Tensor| F::binary_cross_entropy_with_logits(z, &y, Default::default());
    let setups = [
        (FlatCase::Healthy, 0.0, 0.01),
        (FlatCase::DeadRelu, opts.dead_bias, 0.01),
        (FlatCase::WeightDecay, 0.0, opts.weight_decay),
    ];
    let mut runs = Vec::new();
    for (case, bias_shift, weight_decay) in setups {
        let mlp = Mlp::new(
            &[4, 16, 16, 1],
            Activation::Relu,
            Init::PytorchDefault,
            opts.seed,
        )?;
        for layer in &mlp.layers[..2] {
            layer.bias.set(&(layer.bias.as_tensor() - bias_shift)?)?;
        }
        let opt = Opt::AdamW {
            lr: opts.lr,
            weight_decay,
        };
        let run = fit(&mlp, &x, opt, opts.steps, None, loss)?;
        // The diagnosis: one more backward pass, read layer by layer.
        let z = mlp.forward(&x)?;
        let grads = loss(&z)?.backward()?;
        let mut layer_grads = Vec::new();
        let mut layer_weights = Vec::new();
        for layer in &mlp.layers {
            layer_grads.push(match grads.get(&layer.weight) {
                Some(g) => norm(g)?,
                None => 0.0,
            });
            layer_weights.push(norm(&layer.weight)?);
        }
        let (dead, hidden) = dead_units(&mlp, &x)?;
        let p = to_f64_vec(&F::sigmoid(&z)?)?;
        let pred: Vec<u32> = p.iter().map(|&p| u32::from(p > 0.5)).collect();
        runs.push(FlatRun {
            case,
            weight_decay,
            bias_shift,
            run,
            layer_grads,
            layer_weights,
            dead,
            hidden,
            p_min: p.iter().copied().fold(f64::INFINITY, f64::min),
            p_max: p.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            accuracy: accuracy(&pred, &data.labels),
        });
    }
    Ok(runs)
}
// ANCHOR_END: flat
