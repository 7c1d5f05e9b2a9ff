//! An activation before a loss that expects logits: sigmoid, then
//! BCE-with-logits (which applies a second sigmoid), and softmax, then
//! cross-entropy (a second softmax). Both train, worse.

use candle_core::{D, Device, Result, Tensor};
use nn_functional as F;
use shared::activations::{Activation, to_f64, to_f64_vec};
use shared::losses::loss_and_grad;
use shared::metrics::{accuracy, argmax_rows};
use shared::nn::{Init, Mlp};

use crate::Options;
use crate::train::{Opt, Run, fit};

/// One run: the network's raw outputs `z`, fed to the loss as they are or
/// through an activation first.
#[derive(Clone, Debug)]
pub struct SquashRun {
    pub squashed: bool,
    pub run: Run,
    /// The mean |dLoss/dz| per example at initialisation.
    pub grad_at_init: f64,
    pub accuracy: f64,
    /// The cross-entropy of the probabilities the reader takes from the model:
    /// σ(z) or softmax(z), the same for both runs.
    pub true_loss: f64,
}

/// The binary or the four-class task, each trained both ways.
#[derive(Clone, Debug)]
pub struct SquashTask {
    pub task: &'static str,
    /// The loss that expects logits.
    pub loss: &'static str,
    /// The activation added by mistake, as applied to the logits.
    pub activation: &'static str,
    /// The lowest value the squashed loss can reach, even with perfect outputs.
    pub floor: f64,
    pub plain: SquashRun,
    pub squashed: SquashRun,
}

/// Mean over examples of `−log p[label]` for row-major probabilities.
fn cross_entropy_of(p: &[f64], labels: &[u32], classes: usize) -> f64 {
    let n = labels.len();
    let total: f64 = (0..n)
        .map(|i| -p[i * classes + labels[i] as usize].max(1e-12).ln())
        .sum();
    total / n as f64
}

// ANCHOR: squash
pub fn squash_study(opts: &Options) -> Result<Vec<SquashTask>> {
    let binary = shared::data::binary_threshold(opts.samples, opts.seed);
    let four = shared::data::four_classes(opts.samples, opts.seed);
    let mut tasks = Vec::new();
    for (task, data, classes) in [("binary", &binary, 1), ("four classes", &four, 4)] {
        let x = data.x(&Device::Cpu)?;
        let (y_bin, labels) = (
            data.binary_targets(&Device::Cpu)?,
            data.labels(&Device::Cpu)?,
        );
        // The activation the reader added by mistake, and the loss (which has its own).
        let activation = |z: &Tensor| match classes {
            1 => F::sigmoid(z),
            _ => F::softmax(z, D::Minus1),
        };
        let loss = |z: &Tensor| match classes {
            1 => F::binary_cross_entropy_with_logits(z, &y_bin, Default::default()),
            _ => F::cross_entropy(z, &labels, Default::default()),
        };
        let mut runs = Vec::new();
        for squashed in [false, true] {
            let sizes = [data.d, 16, classes];
            let mlp = Mlp::new(&sizes, Activation::Relu, Init::PytorchDefault, opts.seed)?;
            let full = |z: &Tensor| {
                if squashed {
                    loss(&activation(z)?)
                } else {
                    loss(z)
                }
            };
            let g = loss_and_grad(&mlp.forward(&x)?, full)?.grad;
            let grad_at_init =
                g.iter().map(|v| v.abs()).sum::<f64>() * data.len() as f64 / g.len() as f64;
            let run = fit(&mlp, &x, Opt::adam(opts.lr), opts.steps, None, full)?;
            let z = mlp.forward(&x)?;
            let p = to_f64_vec(&activation(&z)?)?;
            let (pred, true_loss) = if classes == 1 {
                let pred: Vec<u32> = p.iter().map(|&p| u32::from(p > 0.5)).collect();
                let two: Vec<f64> = p.iter().flat_map(|&p| [1.0 - p, p]).collect();
                (pred, cross_entropy_of(&two, &data.labels, 2))
            } else {
                (
                    argmax_rows(&p, classes),
                    cross_entropy_of(&p, &data.labels, classes),
                )
            };
            runs.push(SquashRun {
                squashed,
                run,
                grad_at_init,
                accuracy: accuracy(&pred, &data.labels),
                true_loss,
            });
        }
        let squashed = runs.pop().expect("two runs");
        let plain = runs.pop().expect("two runs");
        tasks.push(SquashTask {
            task,
            loss: if classes == 1 {
                "F::binary_cross_entropy_with_logits"
            } else {
                "F::cross_entropy"
            },
            activation: if classes == 1 {
                "sigmoid(logits)"
            } else {
                "softmax(logits)"
            },
            floor: floor(data, classes)?,
            plain,
            squashed,
        });
    }
    Ok(tasks)
}
// ANCHOR_END: squash

/// The squashed loss at perfect outputs: probabilities exactly 0 and 1, fed to
/// the loss as if they were logits.
fn floor(data: &shared::data::Classification, classes: usize) -> Result<f64> {
    let dev = &Device::Cpu;
    let n = data.len();
    if classes == 1 {
        let y = data.binary_targets(dev)?;
        return to_f64(&F::binary_cross_entropy_with_logits(
            &y,
            &y,
            Default::default(),
        )?);
    }
    let one_hot: Vec<f32> = data
        .labels
        .iter()
        .flat_map(|&l| (0..classes).map(move |c| f32::from(u8::from(c == l as usize))))
        .collect();
    let p = Tensor::from_vec(one_hot, (n, classes), dev)?;
    to_f64(&F::cross_entropy(
        &p,
        &data.labels(dev)?,
        Default::default(),
    )?)
}
