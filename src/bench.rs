//! `lab bench`: three training loops
//! (regression with MSE, binary classification with BCE-with-logits, 4-class
//! with cross-entropy; a 32-unit ReLU MLP, full-batch Adam at lr 0.01), timed.
//! `tools/bench-pytorch.py` runs the same loops in PyTorch for comparison.

use std::fmt::Write as _;
use std::time::Instant;

use candle_core::{DType, Device, Result};
use clap::Args;
use shared::activations::{Activation, to_f64_vec};
use shared::data;
use shared::losses;
use shared::metrics;
use shared::nn::{Init, Mlp, train};
use shared::table::{Table, f4, fixed};

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
