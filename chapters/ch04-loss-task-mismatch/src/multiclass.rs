//! More than two classes: MSE on one-hot targets against cross-entropy, and
//! the masking of a class that lies between two others.

use book_kit::plot::linspace;
use candle_core::{D, Device, Result, Tensor};
use nn_functional::{self as F, Reduction};
use shared::activations::to_f64_vec;
use shared::data::{Classification, four_classes};
use shared::metrics;
use shared::nn::{Mlp, train};

use crate::Options;
use crate::setup::{N, Task, collinear_classes, linear_model, one_hot};

/// How a multi-class linear model is trained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MultiLoss {
    MseOneHot,
    CrossEntropy,
}

impl MultiLoss {
    pub const ALL: [MultiLoss; 2] = [MultiLoss::MseOneHot, MultiLoss::CrossEntropy];

    pub fn name(self) -> &'static str {
        match self {
            MultiLoss::MseOneHot => "MSE on one-hot",
            MultiLoss::CrossEntropy => "cross-entropy",
        }
    }
}

/// How a multi-class model did on the test set.
#[derive(Clone, Debug, PartialEq)]
pub struct MultiScores {
    pub accuracy: f64,
    /// Recall of each class.
    pub recall: Vec<f64>,
    /// Share of the model's probability readings outside [0, 1].
    pub outside: f64,
}

/// A trained multi-class model and its scores.
#[derive(Clone, Debug)]
pub struct MultiFit {
    pub model: Mlp,
    pub scores: MultiScores,
}

// ANCHOR: fit_multi
/// Trains a linear model with `C` outputs; predicts the class with the largest output.
pub fn fit_multi(loss: MultiLoss, task: &Task, opts: &Options) -> Result<MultiFit> {
    let (train_set, test) = (&task.train, &task.test);
    let c = train_set.classes;
    let model = linear_model(train_set.d, c, opts.seed)?;
    let (x, targets, labels) = (
        train_set.x(&Device::Cpu)?,
        one_hot(train_set)?,
        train_set.labels(&Device::Cpu)?,
    );
    train(&model, &x, opts.lr, opts.steps as usize, |out| match loss {
        MultiLoss::MseOneHot => F::mse_loss(out, &targets, Reduction::Mean),
        MultiLoss::CrossEntropy => F::cross_entropy(out, &labels, Default::default()),
    })?;
    let logits = model.forward(&test.x(&Device::Cpu)?)?;
    let pred = metrics::argmax_rows(&to_f64_vec(&logits)?, c);
    let prob = match loss {
        MultiLoss::MseOneHot => to_f64_vec(&logits)?,
        MultiLoss::CrossEntropy => to_f64_vec(&F::softmax(&logits, D::Minus1)?)?,
    };
    let out_of_range = prob.iter().filter(|p| !(0.0..=1.0).contains(*p)).count();
    let outside = out_of_range as f64 / prob.len().max(1) as f64;
    let recall = (0..c as u32)
        .map(|k| metrics::class_scores(&pred, &test.labels, k).recall)
        .collect();
    let scores = MultiScores {
        accuracy: metrics::accuracy(&pred, &test.labels),
        recall,
        outside,
    };
    Ok(MultiFit { model, scores })
}
// ANCHOR_END: fit_multi

/// The spacing between the centres of the three classes in a row.
pub const SPACING: f32 = 3.0;

/// The two multi-class tasks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MultiTask {
    /// The book's four classes, each shifting its own feature.
    FourClasses,
    /// Three classes in a row along the diagonal of a plane, [`SPACING`] apart.
    ThreeInARow,
}

impl MultiTask {
    pub const ALL: [MultiTask; 2] = [MultiTask::FourClasses, MultiTask::ThreeInARow];

    pub fn name(self) -> &'static str {
        match self {
            MultiTask::FourClasses => "four classes",
            MultiTask::ThreeInARow => "three in a row",
        }
    }

    /// The task's data, training and test halves together.
    pub fn data(self, opts: &Options) -> Classification {
        match self {
            MultiTask::FourClasses => four_classes(2 * N, opts.seed),
            MultiTask::ThreeInARow => collinear_classes(2 * N, 3, SPACING, opts.seed),
        }
    }
}

/// One task with one loss.
#[derive(Clone, Debug, PartialEq)]
pub struct MultiRun {
    pub task: MultiTask,
    pub loss: MultiLoss,
    pub scores: MultiScores,
}

/// A three-in-a-row model's outputs along the diagonal `x0 = x1 = t`, where
/// the classes' centres lie: raw outputs for MSE, softmax probabilities for
/// cross-entropy.
#[derive(Clone, Debug, PartialEq)]
pub struct MaskingCurve {
    pub loss: MultiLoss,
    /// t = -7, -6.9, …, 7.
    pub t: Vec<f64>,
    /// One curve per class, a value at each `t`.
    pub classes: Vec<Vec<f64>>,
}

/// Every task with every loss, and the three-in-a-row models along their row.
#[derive(Clone, Debug, PartialEq)]
pub struct Multiclass {
    pub runs: Vec<MultiRun>,
    pub masking: Vec<MaskingCurve>,
}

pub fn multiclass(opts: &Options) -> Result<Multiclass> {
    let mut runs = Vec::new();
    let mut masking = Vec::new();
    for task in MultiTask::ALL {
        let split = Task::split(&task.data(opts));
        for loss in MultiLoss::ALL {
            let fit = fit_multi(loss, &split, opts)?;
            if task == MultiTask::ThreeInARow {
                masking.push(along_the_row(loss, &fit.model)?);
            }
            runs.push(MultiRun {
                task,
                loss,
                scores: fit.scores,
            });
        }
    }
    Ok(Multiclass { runs, masking })
}

/// `model`'s outputs at `x0 = x1 = t` for t in [-7, 7].
fn along_the_row(loss: MultiLoss, model: &Mlp) -> Result<MaskingCurve> {
    let t = linspace(-7.0, 7.0, 141);
    let line: Vec<f32> = t.iter().flat_map(|&v| [v as f32, v as f32]).collect();
    let line = Tensor::from_vec(line, (t.len(), 2), &Device::Cpu)?;
    let out = model.forward(&line)?;
    let values = match loss {
        MultiLoss::MseOneHot => to_f64_vec(&out)?,
        MultiLoss::CrossEntropy => to_f64_vec(&F::softmax(&out, D::Minus1)?)?,
    };
    let classes = (0..3)
        .map(|k| {
            values
                .chunks(3)
                .map(|row| row.get(k).copied().unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    Ok(MaskingCurve { loss, t, classes })
}
