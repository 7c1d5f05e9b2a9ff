//! `lab bench`: three training loops
//! (regression with MSE, binary classification with BCE-with-logits, 4-class
//! with cross-entropy; a 32-unit ReLU MLP, full-batch Adam at lr 0.01), timed.
//! `tools/bench-pytorch.py` runs the same loops in PyTorch for comparison.
//!
//! `lab bench --losses` times single losses instead, forward plus backward
//! at a size where the arithmetic counts (issue 22, "Fast"): nn_functional's
//! `cross_entropy` at (4096, 1000), `binary_cross_entropy_with_logits` and
//! `mse_loss` at 10^6 elements, each next to candle-nn's function of the same
//! name, and a floor: `x.sum_all()`, the cheapest loss Candle can
//! differentiate at that size (one pass forward; backward, the scalar's
//! gradient broadcast and added into a fresh tensor of zeros, as Candle 0.11's
//! backward does for every input, fused kernels included). No loss written for
//! Candle 0.11, fused or not, can take less. `tools/bench-nn-functional-pytorch.py`
//! times PyTorch's and prints the same table.

use std::fmt::Write as _;
use std::time::Instant;

use book_kit::table::{Table, f4, fixed};
use candle_core::{DType, Device, Result, Tensor, Var};
use clap::Args;
use nn_functional as F;
use shared::activations::{Activation, to_f64_vec};
use shared::candle_nn;
use shared::data;
use shared::losses;
use shared::metrics;
use shared::nn::{Init, Mlp, train};

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Adam steps per task
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub steps: u32,
    /// Samples per task
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub samples: u32,
    /// Runs of each task; the fastest is reported
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub repeat: u32,
    /// Seed for data and initial weights
    #[arg(long, default_value_t = data::DEFAULT_SEED)]
    pub seed: u64,
    /// Time single losses, forward plus backward, against candle-nn's
    /// (compare with tools/bench-nn-functional-pytorch.py)
    #[arg(long)]
    pub losses: bool,
}

struct Task {
    name: &'static str,
    loss: &'static str,
    metric: &'static str,
}

const TASKS: [Task; 3] = [
    Task {
        name: "regression",
        loss: "MSE",
        metric: "MAE",
    },
    Task {
        name: "binary",
        loss: "BCE with logits",
        metric: "accuracy",
    },
    Task {
        name: "4-class",
        loss: "cross-entropy",
        metric: "accuracy",
    },
];

/// Trains task `i` once; returns (seconds, final metric on the training data).
fn run_task(i: usize, a: &BenchArgs) -> Result<(f64, f64)> {
    let (n, seed, dev) = (a.samples as usize, a.seed, &Device::Cpu);
    let steps = a.steps as usize;
    let mlp = |d: usize, out: usize| {
        Mlp::new(&[d, 32, out], Activation::Relu, Init::PytorchDefault, seed)
    };
    match i {
        0 => {
            let set = data::delivery_times(n, seed);
            let (x, y) = (set.x(dev)?, set.y(dev)?);
            let model = mlp(set.d, 1)?;
            let t = Instant::now();
            train(&model, &x, 0.01, steps, |p| losses::mse(p, &y))?;
            let secs = t.elapsed().as_secs_f64();
            let pred = to_f64_vec(&model.forward(&x)?)?;
            let y: Vec<f64> = set.y.iter().map(|&v| f64::from(v)).collect();
            Ok((secs, metrics::regression_errors(&pred, &y).mae))
        }
        1 => {
            let set = data::binary_threshold(n, seed);
            let (x, y) = (set.x(dev)?, set.binary_targets(dev)?);
            let model = mlp(set.d, 1)?;
            let t = Instant::now();
            train(&model, &x, 0.01, steps, |z| {
                losses::bce_with_logits(z, &y, None)
            })?;
            let secs = t.elapsed().as_secs_f64();
            let z = to_f64_vec(&model.forward(&x)?)?;
            let pred: Vec<u32> = z.iter().map(|&z| u32::from(z > 0.0)).collect();
            Ok((secs, metrics::accuracy(&pred, &set.labels)))
        }
        _ => {
            let set = data::four_classes(n, seed);
            let (x, y) = (set.x(dev)?, set.labels(dev)?);
            let model = mlp(set.d, set.classes)?;
            let t = Instant::now();
            train(&model, &x, 0.01, steps, |z| {
                losses::cross_entropy(z, &y, None)
            })?;
            let secs = t.elapsed().as_secs_f64();
            let z = to_f64_vec(&model.forward(&x)?.to_dtype(DType::F64)?)?;
            let pred = metrics::argmax_rows(&z, set.classes);
            Ok((secs, metrics::accuracy(&pred, &set.labels)))
        }
    }
}

/// Runs every task `repeat` times and prints the fastest run of each.
pub fn run(a: &BenchArgs) -> Result<String> {
    if a.losses {
        return run_losses(a);
    }
    let mut table = Table::new(&["task", "loss", "ms total", "ms/step", "metric", "value"]);
    let mut total = 0.0;
    for (i, task) in TASKS.iter().enumerate() {
        let mut best = f64::INFINITY;
        let mut metric = f64::NAN;
        for _ in 0..a.repeat {
            let (secs, m) = run_task(i, a)?;
            best = best.min(secs);
            metric = m;
        }
        total += best;
        table.row(&[
            task.name.to_string(),
            task.loss.to_string(),
            fixed(1e3 * best, 1),
            fixed(1e3 * best / f64::from(a.steps), 3),
            task.metric.to_string(),
            f4(metric),
        ]);
    }
    let mut out = String::new();
    writeln!(
        out,
        "{} samples, 4 (or 8) -> 32 -> 1 (or 4) ReLU MLP, {} full-batch Adam steps at lr 0.01; fastest of {} runs",
        a.samples, a.steps, a.repeat
    )
    .ok();
    out.push_str(&table.to_string());
    writeln!(out, "all three tasks: {} ms", fixed(1e3 * total, 1)).ok();
    Ok(out)
}

/// A loss timed by `lab bench --losses`: input, target, the loss as a scalar.
type LossFn = fn(&Tensor, &Tensor) -> Result<Tensor>;

/// (function, shape, [(implementation, loss)]): one function of `--losses`.
type LossRow = (&'static str, &'static str, Vec<(&'static str, LossFn)>);

/// The floor of every row: one pass forward, and backward the least Candle
/// does for an input (see the module's doc).
const FLOOR: (&str, LossFn) = ("floor: x.sum_all()", |x, _| x.sum_all());

/// The rows of `--losses`; `tools/bench-nn-functional-pytorch.py` has the
/// same, in this order (without the floor).
fn loss_rows() -> [LossRow; 3] {
    [
        (
            "cross_entropy",
            "(4096, 1000)",
            vec![
                ("nn_functional", |x, y| {
                    F::cross_entropy(x, y, Default::default())
                }),
                ("candle_nn", |x, y| candle_nn::loss::cross_entropy(x, y)),
                FLOOR,
            ],
        ),
        (
            "binary_cross_entropy_with_logits",
            "(1000000,)",
            vec![
                ("nn_functional", |x, y| {
                    F::binary_cross_entropy_with_logits(x, y, Default::default())
                }),
                ("candle_nn", |x, y| {
                    candle_nn::loss::binary_cross_entropy_with_logit(x, y)
                }),
                FLOOR,
            ],
        ),
        (
            "mse_loss",
            "(1000000,)",
            vec![
                ("nn_functional", |x, y| {
                    F::mse_loss(x, y, F::Reduction::Mean)
                }),
                ("candle_nn", |x, y| candle_nn::loss::mse(x, y)),
                FLOOR,
            ],
        ),
    ]
}

/// The inputs of row `i`, f32 on the CPU, from the seeded generator:
/// standard-normal logits, and uniform class indices (u32), 0/1 targets
/// with probability ½, or standard-normal targets.
fn loss_inputs(i: usize, seed: u64) -> Result<(Tensor, Tensor)> {
    let dev = &Device::Cpu;
    match i {
        0 => {
            // a uniform class in 0..1000 and 1000 normal features, unshifted
            let set = data::shifted_classes(4096, 1000, 1000, 0.0, seed);
            Ok((set.x(dev)?, set.labels(dev)?))
        }
        _ => {
            let n = 1_000_000;
            let mut r = data::rng(seed);
            let x = data::normals(&mut r, n);
            let y = data::normals(&mut r, n);
            let y: Vec<f32> = if i == 1 {
                y.iter().map(|&v| f32::from(u8::from(v > 0.0))).collect()
            } else {
                y
            };
            Ok((Tensor::from_vec(x, n, dev)?, Tensor::from_vec(y, n, dev)?))
        }
    }
}

/// Seconds for one forward and backward pass of `loss` on a fresh `Var`.
fn time_loss(loss: LossFn, x: &Tensor, y: &Tensor) -> Result<f64> {
    let v = Var::from_tensor(x)?;
    let t = Instant::now();
    let l = loss(v.as_tensor(), y)?;
    let grads = l.backward()?;
    let secs = t.elapsed().as_secs_f64();
    if grads.get(v.as_tensor()).is_none() {
        candle_core::bail!("bench: the loss gave no gradient for its input");
    }
    Ok(secs)
}

/// `lab bench --losses`: every row's implementations, `repeat` times each
/// after one untimed warm-up, interleaved so that a slow moment of the
/// machine hits them alike; the fastest run of each is printed.
fn run_losses(a: &BenchArgs) -> Result<String> {
    let threads = candle_core::utils::get_num_threads();
    let mut table = Table::new(&[
        "function",
        "shape",
        "implementation",
        "ms fwd+bwd",
        "time / nn_functional",
    ]);
    for (i, (name, shape, impls)) in loss_rows().into_iter().enumerate() {
        let (x, y) = loss_inputs(i, a.seed)?;
        let mut best = vec![f64::INFINITY; impls.len()];
        for (_, f) in &impls {
            time_loss(*f, &x, &y)?; // warm-up
        }
        for _ in 0..a.repeat {
            for (k, (_, f)) in impls.iter().enumerate() {
                best[k] = best[k].min(time_loss(*f, &x, &y)?);
            }
        }
        for (k, (who, _)) in impls.iter().enumerate() {
            table.row(&[
                name.to_string(),
                shape.to_string(),
                who.to_string(),
                fixed(1e3 * best[k], 2),
                format!("{}x", fixed(best[k] / best[0], 2)),
            ]);
        }
    }
    let mut out = String::new();
    writeln!(
        out,
        "candle-core 0.11, f32 on the CPU, {threads} threads, seed {}; forward plus backward, fastest of {} runs",
        a.seed, a.repeat
    )
    .ok();
    out.push_str(&table.to_string());
    Ok(out)
}
