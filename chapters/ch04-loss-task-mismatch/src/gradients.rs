//! What each loss's gradient does to one positive example, and what that
//! means in training from a confidently wrong start.

use book_kit::plot::linspace;
use candle_core::{DType, Device, Result, Tensor};
use shared::activations::to_f64;
use shared::candle_nn::{Optimizer, SGD};
use shared::losses::loss_and_grad;
use shared::nn::{Mlp, adam};

use crate::Options;
use crate::binary::Loss;
use crate::setup::{Task, accuracy_at_half, linear_model, outputs};

// ANCHOR: gradient_at
/// `∂loss/∂z` of each loss for one example with label 1, at each output `z`.
pub fn gradient_at(loss: Loss, z: &[f64]) -> Result<Vec<f64>> {
    let n = z.len();
    let zt = Tensor::from_vec(z.to_vec(), (n, 1), &Device::Cpu)?;
    let ones = Tensor::ones((n, 1), DType::F64, &Device::Cpu)?;
    // The losses are means over rows: times n, each row's own derivative.
    Ok(loss_and_grad(&zt, |p| loss.loss(p, &ones)? * n as f64)?.grad)
}
// ANCHOR_END: gradient_at

/// One loss's gradient at each output of a [`Gradients`] table.
#[derive(Clone, Debug, PartialEq)]
pub struct LossGradient {
    pub loss: Loss,
    pub grad: Vec<f64>,
}

/// Each loss's gradient on one positive example, at a few outputs and on a
/// fine grid.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients {
    /// The outputs of the table.
    pub z: Vec<f64>,
    /// sigmoid(z) at each of them.
    pub sigmoid: Vec<f64>,
    /// Each loss's gradient there, in the order of [`Loss::ALL`].
    pub table: Vec<LossGradient>,
    /// What raw MSE charges for output 2 and for output 0 on label 1.
    pub mse_raw_cost_at_2: f64,
    pub mse_raw_cost_at_0: f64,
    /// The grid of the plot, [-8, 8] in steps of 0.05.
    pub grid: Vec<f64>,
    /// Each loss's gradient on the grid.
    pub curves: Vec<LossGradient>,
}

pub fn gradients() -> Result<Gradients> {
    let at = |z: &[f64]| -> Result<Vec<LossGradient>> {
        Loss::ALL
            .iter()
            .map(|&loss| {
                Ok(LossGradient {
                    loss,
                    grad: gradient_at(loss, z)?,
                })
            })
            .collect()
    };
    let z = vec![-8.0, -4.0, -2.0, 0.0, 2.0, 4.0, 8.0];
    let grid = linspace(-8.0, 8.0, 321);
    // The raw-MSE loss itself, on one output against label 1.
    let cost = |o: f64| -> Result<f64> {
        let (out, one) = (
            Tensor::new(&[[o]], &Device::Cpu)?,
            Tensor::new(&[[1.0]], &Device::Cpu)?,
        );
        to_f64(&Loss::MseRaw.loss(&out, &one)?)
    };
    Ok(Gradients {
        sigmoid: z.iter().map(|&zi| Loss::Bce.probability(zi)).collect(),
        table: at(&z)?,
        mse_raw_cost_at_2: cost(2.0)?,
        mse_raw_cost_at_0: cost(0.0)?,
        curves: at(&grid)?,
        z,
        grid,
    })
}

/// The optimiser of a wrong-start run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Optimiser {
    /// Plain gradient descent, at [`GD_LR`].
    GradientDescent,
    /// Adam at `--lr`.
    Adam,
}

impl Optimiser {
    pub fn name(self) -> &'static str {
        match self {
            Optimiser::GradientDescent => "gradient descent",
            Optimiser::Adam => "Adam",
        }
    }
}

/// Test accuracy at one point of training.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Checkpoint {
    /// Steps taken so far.
    pub step: usize,
    pub accuracy: f64,
}

/// Test accuracy during training from a start that is confidently wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct StartRun {
    pub loss: Loss,
    pub optimiser: Optimiser,
    /// Before steps 0, 10, 25, 50 and 100, and after the last step.
    pub accuracy: Vec<Checkpoint>,
}

/// Plain gradient descent's learning rate in the wrong-start experiment.
pub const GD_LR: f64 = 1.0;

// ANCHOR: wrong_start
/// Trains from weights that point the wrong way, recording test accuracy.
fn run_from_wrong_start(
    loss: Loss,
    optimiser: Optimiser,
    task: &Task,
    opts: &Options,
) -> Result<StartRun> {
    let model = linear_model(task.train.d, 1, opts.seed)?;
    let w = opts.start_weight as f32;
    let layer = model
        .layers
        .first()
        .ok_or_else(|| candle_core::Error::Msg("no layer".into()))?;
    // Positives lie at +separation on features 0 and 1: a negative weight there
    // gives them confidently negative logits.
    layer
        .weight
        .set(&Tensor::new(&[[w, w, 0.0, 0.0]], &Device::Cpu)?)?;
    layer
        .bias
        .set(&Tensor::zeros(1, DType::F32, &Device::Cpu)?)?;
    let accuracy = match optimiser {
        Optimiser::GradientDescent => {
            let sgd = SGD::new(model.vars(), GD_LR)?;
            accuracy_during(sgd, &model, loss, task, opts.steps as usize)?
        }
        Optimiser::Adam => {
            let adam = adam(model.vars(), opts.lr)?;
            accuracy_during(adam, &model, loss, task, opts.steps as usize)?
        }
    };
    Ok(StartRun {
        loss,
        optimiser,
        accuracy,
    })
}

/// Takes `steps` steps of `opt` on `loss`, scoring the model on the test set as it goes.
fn accuracy_during(
    mut opt: impl Optimizer,
    model: &Mlp,
    loss: Loss,
    task: &Task,
    steps: usize,
) -> Result<Vec<Checkpoint>> {
    let (x, y) = (
        task.train.x(&Device::Cpu)?,
        task.train.binary_targets(&Device::Cpu)?,
    );
    let score = |step: usize| -> Result<Checkpoint> {
        let p: Vec<f64> = outputs(model, &task.test)?
            .into_iter()
            .map(|o| loss.probability(o))
            .collect();
        Ok(Checkpoint {
            step,
            accuracy: accuracy_at_half(&p, &task.test.labels),
        })
    };
    let mut accuracy = Vec::new();
    for step in 0..steps {
        if [0, 10, 25, 50, 100].contains(&step) {
            accuracy.push(score(step)?);
        }
        opt.backward_step(&loss.loss(&model.forward(&x)?, &y)?)?;
    }
    accuracy.push(score(steps)?);
    Ok(accuracy)
}

pub fn wrong_start_runs(task: &Task, opts: &Options) -> Result<Vec<StartRun>> {
    let mut runs = Vec::new();
    for loss in [Loss::MseSigmoid, Loss::Bce] {
        for optimiser in [Optimiser::GradientDescent, Optimiser::Adam] {
            runs.push(run_from_wrong_start(loss, optimiser, task, opts)?);
        }
    }
    Ok(runs)
}
// ANCHOR_END: wrong_start
