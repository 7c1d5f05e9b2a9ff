//! NaN from the first step: the naive loss on the large logits of a badly
//! scaled initialisation, and three fixes (the stable loss, gradient
//! clipping, a sane initialisation), on the same data from the same seed.

use candle_core::{Device, Result, Tensor};
use nn_functional as F;
use shared::activations::{Activation, to_f64_vec};
use shared::losses;
use shared::metrics::accuracy;
use shared::nn::{Init, Mlp};

use crate::Options;
use crate::train::{Opt, Run, dead_units, fit};

/// One training run of the NaN section.
#[derive(Clone, Debug)]
pub struct NanRun {
    pub naive_loss: bool,
    pub init_scale: f64,
    pub clip: Option<f64>,
    pub run: Run,
    /// The largest |logit| before the first step.
    pub max_logit_at_init: f64,
    /// Training accuracy at the end (NaN logits count as wrong).
    pub accuracy: f64,
    /// Hidden units that output 0 on every example at the end, of how many.
    pub dead: (usize, usize),
}

/// The section's runs, in the order of the table.
#[derive(Clone, Debug)]
pub struct NanStudy {
    pub runs: Vec<NanRun>,
    pub lr: f64,
    pub steps: usize,
    /// The share of positives, and the loss of predicting it for every example.
    pub base_rate: f64,
    pub base_rate_loss: f64,
}

/// The network: 4 inputs, two hidden ReLU layers of 16 (32 units), 1 logit; PyTorch's
/// default initialisation with every weight and bias times `scale`.
pub fn model(scale: f64, seed: u64) -> Result<Mlp> {
    let mlp = Mlp::new(
        &[4, 16, 16, 1],
        Activation::Relu,
        Init::PytorchDefault,
        seed,
    )?;
    for v in mlp.vars() {
        v.set(&(v.as_tensor() * scale)?)?;
    }
    Ok(mlp)
}

/// Largest |value| of a tensor, and the accuracy of its signs against `labels`.
pub fn logit_summary(z: &Tensor, labels: &[u32]) -> Result<(f64, f64)> {
    let z = to_f64_vec(z)?;
    let pred: Vec<u32> = z.iter().map(|&z| u32::from(z > 0.0)).collect();
    let max = z.iter().fold(0.0f64, |m, z| m.max(z.abs()));
    Ok((max, accuracy(&pred, labels)))
}

// ANCHOR: nan
pub fn nan_study(opts: &Options) -> Result<NanStudy> {
    let data = shared::data::binary_threshold(opts.samples, opts.seed);
    let (x, y) = (data.x(&Device::Cpu)?, data.binary_targets(&Device::Cpu)?);
    let (lr, steps, big) = (opts.sgd_lr, opts.steps, opts.init_scale);
    // (naive loss?, initial scale, clipping)
    let setups = [
        (true, big, None),
        (false, big, None),
        (false, big, Some(opts.clip)),
        (false, 1.0, None),
    ];
    let mut runs = Vec::new();
    for (naive_loss, init_scale, clip) in setups {
        let mlp = model(init_scale, opts.seed)?;
        let (max_logit_at_init, _) = logit_summary(&mlp.forward(&x)?, &data.labels)?;
        let run = fit(&mlp, &x, Opt::Sgd { lr }, steps, clip, |z| {
            if naive_loss {
                losses::naive_bce(z, &y)
            } else {
                F::binary_cross_entropy_with_logits(z, &y, Default::default())
            }
        })?;
        let (_, accuracy) = logit_summary(&mlp.forward(&x)?, &data.labels)?;
        runs.push(NanRun {
            naive_loss,
            init_scale,
            clip,
            run,
            max_logit_at_init,
            accuracy,
            dead: dead_units(&mlp, &x)?,
        });
    }
    let q = data.labels.iter().filter(|&&l| l == 1).count() as f64 / data.len() as f64;
    Ok(NanStudy {
        runs,
        lr,
        steps,
        base_rate: q,
        base_rate_loss: -(q * q.ln() + (1.0 - q) * (1.0 - q).ln()),
    })
}
// ANCHOR_END: nan
