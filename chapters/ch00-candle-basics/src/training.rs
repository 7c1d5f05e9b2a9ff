//! The book's training loop on a tiny seeded task: a small MLP fitted to
//! delivery times with full-batch Adam and MSE (`nn_functional::mse_loss`). Computes; never prints.

use candle_core::{Device, Result};
use nn_functional::{self as F, Reduction};
use shared::activations::{Activation, to_f64};
use shared::data;
use shared::nn::{Init, Mlp, train};

use crate::Options;

/// One training run.
#[derive(Clone, Debug, PartialEq)]
pub struct Training {
    pub samples: usize,
    /// Layer widths, input first.
    pub sizes: Vec<usize>,
    /// Weights and biases in the model.
    pub params: usize,
    /// The loss before each step, as `train` returns it.
    pub history: Vec<f64>,
    /// Steps after which the loss was higher than before them.
    pub rises: usize,
    /// The loss after the last step.
    pub final_loss: f64,
    /// The MSE of always predicting the mean target: what a model that
    /// learned nothing from the features would score.
    pub mean_baseline: f64,
}

/// The MSE of always predicting the mean of `y`: its variance.
fn variance(y: &[f32]) -> f64 {
    let n = y.len().max(1) as f64;
    let mean = y.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    y.iter()
        .map(|&v| (f64::from(v) - mean).powi(2))
        .sum::<f64>()
        / n
}

// ANCHOR: fit
/// Fits a seeded 4 → hidden → 1 ReLU network to `samples` delivery times.
pub fn fit(opts: &Options) -> Result<Training> {
    let dev = Device::Cpu;
    let data = data::delivery_times(opts.samples, opts.seed);
    let (x, y) = (data.x(&dev)?, data.y(&dev)?); // (n, 4) and (n, 1), f32
    let sizes = [4, opts.hidden, 1];
    let model = Mlp::new(&sizes, Activation::Relu, Init::PytorchDefault, opts.seed)?;
    let history = train(&model, &x, opts.lr, opts.steps, |pred| {
        F::mse_loss(pred, &y, Reduction::Mean)
    })?;
    let final_loss = to_f64(&F::mse_loss(&model.forward(&x)?, &y, Reduction::Mean)?)?;
    let losses: Vec<f64> = history.iter().copied().chain([final_loss]).collect();
    Ok(Training {
        rises: losses.windows(2).filter(|w| w[1] > w[0]).count(),
        final_loss,
        params: model.vars().iter().map(|v| v.elem_count()).sum(),
        mean_baseline: variance(&data.y),
        samples: data.len(),
        sizes: sizes.to_vec(),
        history,
    })
}
// ANCHOR_END: fit
