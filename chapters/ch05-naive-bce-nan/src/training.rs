//! The same model trained with the naive and the stable loss.

use std::io::Write;

use candle_core::{Device, Result, Tensor};
use shared::activations::{self, Activation};
use shared::candle_nn::Optimizer;
use shared::losses;
use shared::metrics::accuracy;
use shared::nn::{Init, Mlp};
use shared::table::{Table, f4, pct};

use crate::Options;

/// The same seeded model and data, trained with one loss.
pub struct Run {
    /// The loss before each step; ends at the first non-finite value.
    pub history: Vec<f64>,
    /// The model's logits on the training set as the run ended.
    pub logits: Vec<f64>,
    /// Training accuracy as the run ended.
    pub accuracy: f64,
}

/// After the naive run: one more Adam step on its NaN loss.
pub struct Poisoned {
    pub nan_params: usize,
    pub params: usize,
    /// Logits that are NaN after the step, of how many.
    pub nan_logits: usize,
    pub logits: usize,
    pub accuracy: f64,
}

pub struct Training {
    pub naive: Run,
    pub stable: Run,
    pub poisoned: Poisoned,
    pub labels: Vec<u32>,
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

fn predict(mlp: &Mlp, x: &Tensor, labels: &[u32]) -> Result<(Vec<f64>, f64)> {
    let z = activations::to_f64_vec(&mlp.forward(x)?)?;
    let pred: Vec<u32> = z.iter().map(|&z| u32::from(z > 0.0)).collect();
    let acc = accuracy(&pred, labels);
    Ok((z, acc))
}

// ANCHOR: training
/// Trains the same seeded MLP on the same data twice, once with each loss; then
/// takes one more Adam step with the naive loss, past its first NaN.
pub fn train_both(opts: &Options) -> Result<Training> {
    let data = shared::data::binary_threshold(opts.samples as usize, opts.seed);
    let (x, y) = (data.x(&Device::Cpu)?, data.binary_targets(&Device::Cpu)?);
    let naive_loss = |z: &Tensor| losses::naive_bce(z, &y);
    let stable_loss = |z: &Tensor| losses::bce_with_logits(z, &y, None);
    let run = |loss: &dyn Fn(&Tensor) -> Result<Tensor>| -> Result<(Run, Mlp)> {
        let mlp = model(opts)?;
        // shared::nn::train stops at the first non-finite loss, keeping it.
        let history = shared::nn::train(&mlp, &x, opts.lr, opts.steps as usize, loss)?;
        let (logits, accuracy) = predict(&mlp, &x, &data.labels)?;
        let run = Run {
            history,
            logits,
            accuracy,
        };
        Ok((run, mlp))
    };
    let (naive, mlp) = run(&naive_loss)?;
    let (stable, _) = run(&stable_loss)?;

    // A loop without a check would take one more step on the NaN loss. (A fresh
    // Adam: its state does not matter, a NaN gradient makes every update NaN.)
    let mut opt = shared::nn::adam(mlp.vars(), opts.lr)?;
    opt.backward_step(&naive_loss(&mlp.forward(&x)?)?)?;
    let mut params = Vec::new();
    for v in mlp.vars() {
        params.extend(activations::to_f64_vec(v.as_tensor())?);
    }
    let (logits, accuracy) = predict(&mlp, &x, &data.labels)?;
    let poisoned = Poisoned {
        nan_params: params.iter().filter(|p| p.is_nan()).count(),
        params: params.len(),
        nan_logits: logits.iter().filter(|z| z.is_nan()).count(),
        logits: logits.len(),
        accuracy,
    };
    Ok(Training {
        naive,
        stable,
        poisoned,
        labels: data.labels,
    })
}
// ANCHOR_END: training

/// Where σ(z) of a logit rounds to exactly 1 or 0 in f32, split by whether that
/// agrees with the label: (correct, so the naive loss is NaN; wrong, so it is inf).
pub fn saturated(logits: &[f64], labels: &[u32]) -> Result<(usize, usize)> {
    let z: Vec<f32> = logits.iter().map(|&z| z as f32).collect();
    let p = activations::to_f64_vec(&activations::sigmoid(&Tensor::new(
        z.as_slice(),
        &Device::Cpu,
    )?)?)?;
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
    Ok((correct, wrong))
}

/// The step at which the naive run's loss stopped being finite.
pub fn nan_step(run: &Run) -> Option<usize> {
    run.history.iter().position(|l| !l.is_finite())
}

/// The training section's body.
pub fn print(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let t = train_both(opts)?;
    writeln!(
        out,
        "binary_threshold, {} samples, MLP 4-16-1 (ReLU), init x{}, Adam lr {}, {} steps, seed {}",
        opts.samples, opts.init_scale, opts.lr, opts.steps, opts.seed
    )?;
    let nan_at = nan_step(&t.naive);
    // Every 50th step, the last one, and the steps around the NaN.
    let mut steps: Vec<usize> = (0..opts.steps as usize).step_by(50).collect();
    steps.push(opts.steps as usize - 1);
    if let Some(s) = nan_at {
        steps.extend([s.saturating_sub(1), s]);
    }
    steps.sort_unstable();
    steps.dedup();
    let at = |r: &Run, s: usize| r.history.get(s).map_or("-".to_string(), |&l| f4(l));
    let mut table = Table::new(&["step", "naive_bce", "bce_with_logits"]);
    for s in steps {
        table.row(&[s.to_string(), at(&t.naive, s), at(&t.stable, s)]);
    }
    write!(out, "{table}")?;

    let mut table = Table::new(&[
        "when the run ended",
        "steps run",
        "accuracy",
        "max |logit|",
        "sigma(z) = label exactly",
        "sigma(z) = other label exactly",
    ]);
    for (name, r) in [("naive_bce", &t.naive), ("bce_with_logits", &t.stable)] {
        let (correct, wrong) = saturated(&r.logits, &t.labels)?;
        table.row(&[
            name.to_string(),
            r.history.len().to_string(),
            pct(r.accuracy),
            f4(r.logits.iter().fold(0.0, |m: f64, z| m.max(z.abs()))),
            correct.to_string(),
            wrong.to_string(),
        ]);
    }
    write!(out, "{table}")?;
    match nan_at {
        Some(step) => {
            writeln!(
                out,
                "naive loss first non-finite at step {step}: {}",
                f4(t.naive.history[step])
            )?;
            writeln!(
                out,
                "one more Adam step on it: {} of {} weights and biases are NaN, {} of {} logits are NaN",
                t.poisoned.nan_params, t.poisoned.params, t.poisoned.nan_logits, t.poisoned.logits
            )?;
            writeln!(
                out,
                "accuracy then: {} (NaN > 0 is false, so every prediction is class 0; {} of the labels are 0)",
                pct(t.poisoned.accuracy),
                pct(t.labels.iter().filter(|&&l| l == 0).count() as f64 / t.labels.len() as f64)
            )?;
        }
        None => writeln!(
            out,
            "naive loss stayed finite for all {} steps",
            t.naive.history.len()
        )?,
    }
    Ok(())
}
