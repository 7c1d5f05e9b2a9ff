//! Chapter 4: the loss must match the task.
//!
//! A binary classifier trained with MSE on its 0/1 labels against one trained
//! with binary cross-entropy: what each loss optimises, where they agree, and
//! the settings where regression on labels breaks (rare positives, points far
//! on the correct side, three classes in a row).

use candle_core::{D, DType, Device, Result, Tensor};
use clap::Parser;
use shared::activations::{sigmoid, softmax, to_f64_vec};
use shared::candle_nn::{Optimizer, SGD};
use shared::chapter::Section;
use shared::cli::CommonArgs;
use shared::data::{Classification, DEFAULT_SEED, four_classes, imbalanced_binary};
use shared::losses::{self, loss_and_grad};
use shared::metrics;
use shared::nn::{Mlp, adam, train};
use shared::table::pct;

mod plots;
mod report;
pub mod setup;

pub use plots::plots;
use report::{constant, easy, gradients, hard, multiclass, reliability, wrong_start};
use setup::{
    BinaryScores, N, collinear_classes, far_positives, finite, linear_model, one_hot, open_unit,
    outputs, positive, unit,
};

/// Chapter 4: MSE on class labels against cross-entropy.
#[derive(Parser, Debug, Clone)]
#[command(name = "ch04-loss-task-mismatch", version)]
pub struct Options {
    /// Share of positives in the easy task, strictly between 0 and 1
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.3, value_parser = open_unit)]
    pub positive_rate: f64,
    /// How far positives sit from negatives on features 0 and 1
    #[arg(long, default_value_t = 2.0, allow_negative_numbers = true, value_parser = finite)]
    pub separation: f64,
    /// Share of positives in the rare-positive task, strictly between 0 and 1
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.05, value_parser = open_unit)]
    pub rare_rate: f64,
    /// Share of positives moved far out on the correct side, in [0, 1]
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.1, value_parser = unit)]
    pub far_share: f64,
    /// How far those positives are moved (added to features 0 and 1)
    #[arg(long, default_value_t = 6.0, allow_negative_numbers = true, value_parser = finite)]
    pub far_offset: f64,
    /// Full-batch training steps per model (1 to 5000)
    #[arg(long, allow_negative_numbers = true, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=5000))]
    pub steps: u32,
    /// Adam's learning rate
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.1, value_parser = positive)]
    pub lr: f64,
    /// Weight on features 0 and 1 for the confidently wrong start (negative: wrong way round)
    #[arg(long, default_value_t = -4.0, allow_negative_numbers = true, value_parser = finite)]
    pub start_weight: f64,
    /// Probability bins in the reliability table (1 to 50)
    #[arg(long, allow_negative_numbers = true, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=50))]
    pub bins: u32,
    /// Seed for the data and the initial weights
    #[arg(long, allow_negative_numbers = true, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl Default for Options {
    fn default() -> Self {
        Self::parse_from(["ch04-loss-task-mismatch"])
    }
}

/// The chapter's output, section by section.
pub const SECTIONS: &[Section<Options>] = &[
    Section {
        name: "constant",
        title: "The best constant prediction",
        body: constant,
    },
    Section {
        name: "easy",
        title: "Easy data: three ways to train a linear classifier",
        body: easy,
    },
    Section {
        name: "reliability",
        title: "Reliability on the easy data",
        body: reliability,
    },
    Section {
        name: "gradients",
        title: "What each loss does to one positive example",
        body: gradients,
    },
    Section {
        name: "wrong-start",
        title: "Starting confidently wrong",
        body: wrong_start,
    },
    Section {
        name: "hard",
        title: "Where MSE on labels hurts",
        body: hard,
    },
    Section {
        name: "multiclass",
        title: "Multi-class: MSE on one-hot targets vs cross-entropy",
        body: multiclass,
    },
];

pub struct Chapter;
shared::impl_chapter!(Chapter, "ch04-loss-task-mismatch", Options, SECTIONS, plots);

/// How a one-output linear model is trained on 0/1 labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    MseRaw,
    MseSigmoid,
    Bce,
}

impl Loss {
    pub const ALL: [Loss; 3] = [Loss::MseRaw, Loss::MseSigmoid, Loss::Bce];

    pub fn name(self) -> &'static str {
        match self {
            Loss::MseRaw => "MSE on raw output",
            Loss::MseSigmoid => "MSE on sigmoid",
            Loss::Bce => "BCE with logits",
        }
    }
}

// ANCHOR: losses
impl Loss {
    /// The training loss of outputs `out` against 0/1 targets `y`, both `(n, 1)`.
    pub fn loss(self, out: &Tensor, y: &Tensor) -> Result<Tensor> {
        match self {
            // Regression on the labels: the output itself should be 0 or 1.
            Loss::MseRaw => losses::mse(out, y),
            // The output is a logit; squared error on the probability σ(out).
            Loss::MseSigmoid => losses::mse(&sigmoid(out)?, y),
            // The output is a logit; the negative log-likelihood of a Bernoulli.
            Loss::Bce => losses::bce_with_logits(out, y, None),
        }
    }

    /// The output read as the probability of class 1. The raw-MSE model's
    /// output is taken as it is: it may fall outside [0, 1].
    pub fn probability(self, out: f64) -> f64 {
        match self {
            Loss::MseRaw => out,
            Loss::MseSigmoid | Loss::Bce => 1.0 / (1.0 + (-out).exp()),
        }
    }
}
// ANCHOR_END: losses

// ANCHOR: fit
/// Trains a linear model with `loss` and scores it on the test set.
pub fn fit(
    loss: Loss,
    train_set: &Classification,
    test: &Classification,
    opts: &Options,
) -> Result<BinaryScores> {
    let model = linear_model(train_set.d, 1, opts.seed)?;
    let (x, y) = (
        train_set.x(&Device::Cpu)?,
        train_set.binary_targets(&Device::Cpu)?,
    );
    train(&model, &x, opts.lr, opts.steps as usize, |out| {
        loss.loss(out, &y)
    })?;
    let prob = outputs(&model, test)?
        .into_iter()
        .map(|o| loss.probability(o))
        .collect();
    Ok(BinaryScores::new(prob, &test.labels, opts.bins as usize))
}
// ANCHOR_END: fit

/// The three losses on one task.
pub fn compare(
    train_set: &Classification,
    test: &Classification,
    opts: &Options,
) -> Result<Vec<(Loss, BinaryScores)>> {
    Loss::ALL
        .iter()
        .map(|&l| Ok((l, fit(l, train_set, test, opts)?)))
        .collect()
}

/// The easy task: `--positive-rate` positives, `--separation` apart; training and test halves.
pub fn easy_data(opts: &Options) -> (Classification, Classification) {
    imbalanced_binary(2 * N, opts.positive_rate, opts.separation as f32, opts.seed).split(N)
}

/// MSE and log-loss of every constant prediction `c`, and where training lands.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstantScan {
    /// The training set's share of positives.
    pub rate: f64,
    /// `(c, MSE(c), log-loss(c))` for `c` = 0.001, 0.002, …, 0.999.
    pub grid: Vec<(f64, f64, f64)>,
    pub mse_best: f64,
    pub log_loss_best: f64,
    /// The probability an intercept-only model predicts after training, per loss.
    pub intercept_only: Vec<(Loss, f64)>,
}

pub(crate) fn intercept_steps(opts: &Options) -> usize {
    3 * opts.steps as usize
}

// ANCHOR: constant_scan
pub fn constant_scan(opts: &Options) -> Result<ConstantScan> {
    let (train_set, _) = easy_data(opts);
    let dev = Device::Cpu;
    let y = train_set.binary_targets(&dev)?.to_dtype(DType::F64)?;
    let mut grid = Vec::new();
    for k in 1..1000 {
        let c = k as f64 / 1000.0;
        let pred = Tensor::full(c, (train_set.len(), 1), &dev)?;
        let mse = losses::mse(&pred, &y)?.to_scalar::<f64>()?;
        let log_loss = metrics::log_loss(&vec![c; train_set.len()], &train_set.labels);
        grid.push((c, mse, log_loss));
    }
    let argmin = |key: fn(&(f64, f64, f64)) -> f64| {
        grid.iter()
            .fold((0.0, f64::INFINITY), |b, g| {
                if key(g) < b.1 { (g.0, key(g)) } else { b }
            })
            .0
    };
    // An intercept-only model: its input is a column of zeros, so its output is
    // its bias. Three times the steps, so that Adam's wobble around the optimum dies out.
    let zeros = Tensor::zeros((train_set.len(), 1), DType::F32, &dev)?;
    let y32 = train_set.binary_targets(&dev)?;
    let mut intercept_only = Vec::new();
    for loss in [Loss::MseRaw, Loss::Bce] {
        let model = linear_model(1, 1, opts.seed)?;
        train(&model, &zeros, opts.lr, intercept_steps(opts), |out| {
            loss.loss(out, &y32)
        })?;
        let bias = model
            .forward(&zeros.narrow(0, 0, 1)?)?
            .flatten_all()?
            .to_vec1::<f32>()?;
        intercept_only.push((
            loss,
            loss.probability(bias.first().copied().unwrap_or(f32::NAN) as f64),
        ));
    }
    Ok(ConstantScan {
        rate: train_set.class_rates().get(1).copied().unwrap_or(0.0),
        mse_best: argmin(|g| g.1),
        log_loss_best: argmin(|g| g.2),
        grid,
        intercept_only,
    })
}
// ANCHOR_END: constant_scan

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

/// Test accuracy during training from a start that is confidently wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct StartRun {
    pub loss: Loss,
    pub optimiser: &'static str,
    /// `(step, test accuracy before that step)`, the last after all steps.
    pub accuracy: Vec<(usize, f64)>,
}

/// Plain gradient descent's learning rate in the wrong-start experiment.
pub const GD_LR: f64 = 1.0;

// ANCHOR: wrong_start
/// Trains from weights that point the wrong way, recording test accuracy.
fn run_from_wrong_start<O: Optimizer>(
    loss: Loss,
    opt_name: &'static str,
    make: impl Fn(Vec<candle_core::Var>) -> Result<O>,
    opts: &Options,
) -> Result<StartRun> {
    let (train_set, test) = easy_data(opts);
    let model = linear_model(train_set.d, 1, opts.seed)?;
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
    let mut opt = make(model.vars())?;
    let (x, y) = (
        train_set.x(&Device::Cpu)?,
        train_set.binary_targets(&Device::Cpu)?,
    );
    let steps = opts.steps as usize;
    let score = |m: &Mlp| -> Result<f64> {
        let p: Vec<f64> = outputs(m, &test)?
            .into_iter()
            .map(|o| loss.probability(o))
            .collect();
        Ok(BinaryScores::new(p, &test.labels, 1).accuracy)
    };
    let mut accuracy = Vec::new();
    for step in 0..steps {
        if [0, 10, 25, 50, 100].contains(&step) {
            accuracy.push((step, score(&model)?));
        }
        opt.backward_step(&loss.loss(&model.forward(&x)?, &y)?)?;
    }
    accuracy.push((steps, score(&model)?));
    Ok(StartRun {
        loss,
        optimiser: opt_name,
        accuracy,
    })
}

pub fn wrong_start_runs(opts: &Options) -> Result<Vec<StartRun>> {
    let mut runs = Vec::new();
    for loss in [Loss::MseSigmoid, Loss::Bce] {
        runs.push(run_from_wrong_start(
            loss,
            "gradient descent",
            |v| SGD::new(v, GD_LR),
            opts,
        )?);
        runs.push(run_from_wrong_start(
            loss,
            "Adam",
            |v| adam(v, opts.lr),
            opts,
        )?);
    }
    Ok(runs)
}
// ANCHOR_END: wrong_start

/// One task and how each loss did on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    pub name: String,
    /// Accuracy of always predicting the majority class on the test set.
    pub majority_accuracy: f64,
    pub results: Vec<(Loss, BinaryScores)>,
}

// ANCHOR: hard_data
pub fn hard_settings(opts: &Options) -> Result<Vec<Setting>> {
    let sep = opts.separation as f32;
    let rare = imbalanced_binary(2 * N, opts.rare_rate, sep, opts.seed);
    let far = far_positives(
        imbalanced_binary(2 * N, opts.positive_rate, sep, opts.seed),
        opts.far_share,
        opts.far_offset as f32,
        opts.seed,
    );
    let tasks = [
        (format!("rare: {} positives", pct(opts.rare_rate)), rare),
        (
            format!(
                "far: {} of positives {:+}",
                pct(opts.far_share),
                opts.far_offset
            ),
            far,
        ),
    ];
    // ANCHOR_END: hard_data
    tasks
        .into_iter()
        .map(|(name, data)| {
            let (train_set, test) = data.split(N);
            let rates = test.class_rates();
            Ok(Setting {
                name,
                majority_accuracy: rates.iter().copied().fold(0.0, f64::max),
                results: compare(&train_set, &test, opts)?,
            })
        })
        .collect()
}

/// How a multi-class linear model is trained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MultiLoss {
    MseOneHot,
    CrossEntropy,
}

impl MultiLoss {
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

// ANCHOR: fit_multi
/// Trains a linear model with `C` outputs; predicts the class with the largest output.
pub fn fit_multi(
    loss: MultiLoss,
    train_set: &Classification,
    test: &Classification,
    opts: &Options,
) -> Result<(Mlp, MultiScores)> {
    let c = train_set.classes;
    let model = linear_model(train_set.d, c, opts.seed)?;
    let (x, targets, labels) = (
        train_set.x(&Device::Cpu)?,
        one_hot(train_set)?,
        train_set.labels(&Device::Cpu)?,
    );
    train(&model, &x, opts.lr, opts.steps as usize, |out| match loss {
        MultiLoss::MseOneHot => losses::mse(out, &targets),
        MultiLoss::CrossEntropy => losses::cross_entropy(out, &labels, None),
    })?;
    let logits = model.forward(&test.x(&Device::Cpu)?)?;
    let pred = metrics::argmax_rows(&to_f64_vec(&logits)?, c);
    let prob = match loss {
        MultiLoss::MseOneHot => to_f64_vec(&logits)?,
        MultiLoss::CrossEntropy => to_f64_vec(&softmax(&logits, D::Minus1)?)?,
    };
    let outside =
        prob.iter().filter(|p| !(0.0..=1.0).contains(*p)).count() as f64 / prob.len().max(1) as f64;
    let recall = (0..c as u32)
        .map(|k| metrics::class_scores(&pred, &test.labels, k).recall)
        .collect();
    Ok((
        model,
        MultiScores {
            accuracy: metrics::accuracy(&pred, &test.labels),
            recall,
            outside,
        },
    ))
}
// ANCHOR_END: fit_multi

/// The spacing between the centres of the three classes in a row.
pub const SPACING: f32 = 3.0;

/// Two multi-class tasks: the book's four classes, and three classes in a row.
pub fn multiclass_tasks(opts: &Options) -> Vec<(&'static str, Classification)> {
    vec![
        ("four classes", four_classes(2 * N, opts.seed)),
        (
            "three in a row",
            collinear_classes(2 * N, 3, SPACING, opts.seed),
        ),
    ]
}

/// Each multi-class task with each loss: `(task, loss, model, scores)`.
pub fn multiclass_results(
    opts: &Options,
) -> Result<Vec<(&'static str, MultiLoss, Mlp, MultiScores)>> {
    let mut rows = Vec::new();
    for (name, data) in multiclass_tasks(opts) {
        let (train_set, test) = data.split(N);
        for loss in [MultiLoss::MseOneHot, MultiLoss::CrossEntropy] {
            let (model, scores) = fit_multi(loss, &train_set, &test, opts)?;
            rows.push((name, loss, model, scores));
        }
    }
    Ok(rows)
}
