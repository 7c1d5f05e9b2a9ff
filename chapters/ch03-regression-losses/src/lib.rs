//! Chapter 3: regression losses.
//!
//! MSE, MAE and Huber on four delivery times, then on the same four with one
//! lost parcel; each sample's share of the loss and of the gradient; where
//! Huber's two branches meet; and the same small network trained under each
//! loss on data with gross outliers, scored on clean held-out data.

use std::io::Write;

pub mod experiment;
pub mod plots;

pub use experiment::{Fit, Robustness, fit, robustness, sweep, sweep_deltas};
pub use plots::plots;

use candle_core::{DType, Device, Result, Tensor};
use clap::Parser;
use shared::activations::{to_f64_vec, value_and_grad};
use shared::chapter::Section;
use shared::cli::CommonArgs;
use shared::cli::{finite, positive};
use shared::data;
use shared::losses::{self, loss_and_grad};
use shared::table::{Table, f4, fixed, pct};

/// Chapter 3: MSE, MAE and Huber — what an outlier does to each.
#[derive(Parser, Debug, Clone)]
#[command(name = "ch03-regression-losses", version)]
pub struct Options {
    /// Huber's threshold δ, in minutes: errors below it are squared, above it linear
    #[arg(long, default_value_t = 5.0, allow_negative_numbers = true, value_parser = positive)]
    pub delta: f64,
    /// Share of training targets that get the outlier offset added (0 to 0.5)
    #[arg(long, default_value_t = 0.05, allow_negative_numbers = true, value_parser = rate)]
    pub outlier_rate: f64,
    /// Minutes added to an outlier's target, a lost parcel (-1000 to 1000)
    #[arg(long, default_value_t = 60.0, allow_negative_numbers = true, value_parser = minutes)]
    pub outlier_size: f64,
    /// Number of training examples (20 to 20000)
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(20..=20_000))]
    pub train_size: u64,
    /// Full-batch Adam steps per training run (1 to 5000)
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=5000))]
    pub steps: u64,
    /// Adam's learning rate
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true, value_parser = positive)]
    pub lr: f64,
    /// Seed for the data and the network's initial weights
    #[arg(long, default_value_t = data::DEFAULT_SEED)]
    pub seed: u64,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl Default for Options {
    fn default() -> Self {
        Self::parse_from(["ch03-regression-losses"])
    }
}

fn minutes(s: &str) -> std::result::Result<f64, String> {
    match finite(s)? {
        x if (-1000.0..=1000.0).contains(&x) => Ok(x),
        _ => Err(format!("'{s}' must be between -1000 and 1000")),
    }
}

fn rate(s: &str) -> std::result::Result<f64, String> {
    match finite(s)? {
        x if (0.0..=0.5).contains(&x) => Ok(x),
        _ => Err(format!("'{s}' must be between 0 and 0.5")),
    }
}

/// The chapter's output, section by section.
pub const SECTIONS: &[Section<Options>] = &[
    Section {
        name: "four-deliveries",
        title: "Four deliveries, then one lost parcel",
        body: four_deliveries,
    },
    Section {
        name: "shares",
        title: "Each sample's share of the loss and of the gradient (target 97)",
        body: shares,
    },
    Section {
        name: "huber-join",
        title: "Where Huber's branches meet: ½e² (PyTorch) vs plain e² inside δ",
        body: huber_join,
    },
    Section {
        name: "training",
        title: "One network, three losses, outliers in the training targets",
        body: training,
    },
    Section {
        name: "delta-sweep",
        title: "Huber's δ: from MAE-like to MSE-like",
        body: delta_sweep,
    },
];

pub struct Chapter;
shared::impl_chapter!(Chapter, "ch03-regression-losses", Options, SECTIONS, plots);

// ANCHOR: loss
/// The three regression losses, each with PyTorch's semantics (from `shared::losses`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Loss {
    Mse,
    Mae,
    Huber { delta: f64 },
}

impl Loss {
    pub fn name(&self) -> String {
        match self {
            Loss::Mse => "MSE".to_string(),
            Loss::Mae => "MAE".to_string(),
            Loss::Huber { delta } => format!("Huber δ={delta}"),
        }
    }
    /// One loss per sample (PyTorch's `reduction="none"`).
    pub fn elementwise(&self, pred: &Tensor, target: &Tensor) -> Result<Tensor> {
        match *self {
            Loss::Mse => losses::mse_elementwise(pred, target),
            Loss::Mae => losses::mae_elementwise(pred, target),
            Loss::Huber { delta } => losses::huber_elementwise(pred, target, delta),
        }
    }
    /// The mean over the samples: `MSELoss`, `L1Loss`, `HuberLoss(delta)`.
    pub fn mean(&self, pred: &Tensor, target: &Tensor) -> Result<Tensor> {
        match *self {
            Loss::Mse => losses::mse(pred, target),
            Loss::Mae => losses::mae(pred, target),
            Loss::Huber { delta } => losses::huber(pred, target, delta),
        }
    }
}
// ANCHOR_END: loss

fn three_losses(opts: &Options) -> [Loss; 3] {
    [Loss::Mse, Loss::Mae, Loss::Huber { delta: opts.delta }]
}

/// The source's example: four predicted delivery times (minutes) and what happened.
pub const PREDICTIONS: [f32; 4] = [35.0, 31.0, 48.0, 42.0];
pub const TARGETS: [f32; 4] = [41.0, 29.0, 55.0, 38.0];
/// The same, with the last parcel lost for an hour: 97 instead of 38.
pub const OUTLIER_TARGETS: [f32; 4] = [41.0, 29.0, 55.0, 97.0];

/// One loss on a batch, taken apart sample by sample.
#[derive(Clone, Debug, PartialEq)]
pub struct Breakdown {
    pub loss: Loss,
    /// The mean loss, as PyTorch prints it.
    pub value: f64,
    /// Prediction minus target, per sample.
    pub errors: Vec<f64>,
    /// Each sample's loss divided by N: these add up to `value`.
    pub contributions: Vec<f64>,
    /// `∂ value / ∂ prediction`, per sample, from Candle's autograd.
    pub grad: Vec<f64>,
}

impl Breakdown {
    /// Sample `i`'s share of the loss.
    pub fn loss_share(&self, i: usize) -> f64 {
        self.contributions[i] / self.contributions.iter().sum::<f64>()
    }
    /// Sample `i`'s share of the gradient's total magnitude.
    pub fn grad_share(&self, i: usize) -> f64 {
        self.grad[i].abs() / self.grad.iter().map(|g| g.abs()).sum::<f64>()
    }
}

// ANCHOR: breakdown
pub fn breakdown(loss: Loss, pred: &[f32], target: &[f32]) -> Result<Breakdown> {
    let (p, t) = (
        Tensor::new(pred, &Device::Cpu)?,
        Tensor::new(target, &Device::Cpu)?,
    );
    let n = pred.len() as f64;
    let per_sample = to_f64_vec(&loss.elementwise(&p, &t)?)?;
    let lg = loss_and_grad(&p, |p| loss.mean(p, &t))?;
    Ok(Breakdown {
        loss,
        value: lg.value,
        errors: to_f64_vec(&(&p - &t)?)?,
        contributions: per_sample.iter().map(|l| l / n).collect(),
        grad: lg.grad,
    })
}
// ANCHOR_END: breakdown

// ANCHOR: four_deliveries
fn four_deliveries(opts: &Options, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "predictions  {PREDICTIONS:?}")?;
    writeln!(out, "targets      {TARGETS:?}")?;
    writeln!(out, "with outlier {OUTLIER_TARGETS:?}")?;
    let mut table = Table::new(&["loss", "targets", "with outlier", "growth"]);
    for loss in three_losses(opts) {
        let clean = breakdown(loss, &PREDICTIONS, &TARGETS)?.value;
        let dirty = breakdown(loss, &PREDICTIONS, &OUTLIER_TARGETS)?.value;
        table.row(&[
            loss.name(),
            f4(clean),
            f4(dirty),
            format!("×{:.1}", dirty / clean),
        ]);
    }
    write!(out, "{table}")?;
    Ok(())
}
// ANCHOR_END: four_deliveries

// ANCHOR: shares
fn shares(opts: &Options, out: &mut dyn Write) -> Result<()> {
    for (k, loss) in three_losses(opts).into_iter().enumerate() {
        let b = breakdown(loss, &PREDICTIONS, &OUTLIER_TARGETS)?;
        if k > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}: loss {}", loss.name(), f4(b.value))?;
        let mut table = Table::new(&[
            "pred",
            "target",
            "error",
            "loss/N",
            "% of loss",
            "d loss/d pred",
            "% of |grad|",
        ]);
        for i in 0..b.errors.len() {
            table.row(&[
                fixed(PREDICTIONS[i] as f64, 0),
                fixed(OUTLIER_TARGETS[i] as f64, 0),
                f4(b.errors[i]),
                f4(b.contributions[i]),
                pct(b.loss_share(i)),
                f4(b.grad[i]),
                pct(b.grad_share(i)),
            ]);
        }
        write!(out, "{table}")?;
    }
    Ok(())
}
// ANCHOR_END: shares

// ANCHOR: as_written
/// Huber with `e²` (plain MSE) below δ, as some tutorials write it. Not PyTorch's.
pub fn huber_as_written(e: &Tensor, delta: f64) -> Result<Tensor> {
    let abs_e = e.abs()?;
    let inside = abs_e.lt(delta)?.to_dtype(e.dtype())?;
    let linear = ((abs_e - 0.5 * delta)? * delta)?;
    (&inside * e.sqr()?)? + ((1.0 - inside)? * linear)?
}
// ANCHOR_END: as_written

/// A loss's value and slope just below and just above `|e| = δ`, in f64.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Join {
    pub value_below: f64,
    pub value_above: f64,
    pub slope_below: f64,
    pub slope_above: f64,
}

pub fn join(f: impl Fn(&Tensor) -> Result<Tensor>, delta: f64) -> Result<Join> {
    let at = [delta * (1.0 - 1e-9), delta * (1.0 + 1e-9)];
    let d = value_and_grad(f, &at, DType::F64)?;
    Ok(Join {
        value_below: d.value[0],
        value_above: d.value[1],
        slope_below: d.grad[0],
        slope_above: d.grad[1],
    })
}

/// The mean of `huber_as_written` over the four deliveries.
fn as_written_mean(target: &[f32], delta: f64) -> Result<f64> {
    let (p, t) = (
        Tensor::new(&PREDICTIONS, &Device::Cpu)?,
        Tensor::new(target, &Device::Cpu)?,
    );
    let l = huber_as_written(&(p - t)?, delta)?.mean_all()?;
    Ok(l.to_scalar::<f32>()? as f64)
}

// ANCHOR: huber_join
fn huber_join(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let d = opts.delta;
    let pytorch = join(|e| losses::huber_elementwise(e, &e.zeros_like()?, d), d)?;
    let written = join(|e| huber_as_written(e, d), d)?;
    let huber = Loss::Huber { delta: d };
    let mut table = Table::new(&[
        "small-error branch".to_string(),
        format!("value at δ⁻={d}"),
        format!("value at δ⁺={d}"),
        "slope at δ⁻".to_string(),
        "slope at δ⁺".to_string(),
        "four deliveries".to_string(),
        "with 97".to_string(),
    ]);
    table.row(&[
        "½e² (PyTorch, shared)".to_string(),
        f4(pytorch.value_below),
        f4(pytorch.value_above),
        f4(pytorch.slope_below),
        f4(pytorch.slope_above),
        f4(breakdown(huber, &PREDICTIONS, &TARGETS)?.value),
        f4(breakdown(huber, &PREDICTIONS, &OUTLIER_TARGETS)?.value),
    ]);
    table.row(&[
        "e² (\"MSE\" inside δ)".to_string(),
        f4(written.value_below),
        f4(written.value_above),
        f4(written.slope_below),
        f4(written.slope_above),
        f4(as_written_mean(&TARGETS, d)?),
        f4(as_written_mean(&OUTLIER_TARGETS, d)?),
    ]);
    write!(out, "{table}")?;
    Ok(())
}
// ANCHOR_END: huber_join

/// A number at 4 decimals with its sign, `+` included (and no `-0.0000`).
fn signed(x: f64) -> String {
    let s = f4(x);
    if x > 0.0 && s != "0.0000" && x.is_finite() {
        format!("+{s}")
    } else {
        s
    }
}

fn training(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let r = robustness(opts)?;
    writeln!(
        out,
        "{} training samples, {} of them outliers ({:+} min); {} Adam steps, lr {}, seed {}\n\
         every score below is on a clean test set of 2000",
        opts.train_size, r.outliers, opts.outlier_size, opts.steps, opts.lr, opts.seed
    )?;
    let mut table = Table::new(&[
        "loss",
        "trained clean: MAE",
        "RMSE",
        "with outliers: MAE",
        "RMSE",
        "bias",
        "MAE cost",
    ]);
    for (c, d) in r.clean.iter().zip(&r.dirty) {
        table.row(&[
            c.loss.name(),
            f4(c.test_mae),
            f4(c.test_rmse),
            f4(d.test_mae),
            f4(d.test_rmse),
            signed(d.test_bias),
            signed(d.test_mae - c.test_mae),
        ]);
    }
    write!(out, "{table}")?;
    writeln!(
        out,
        "noise floor (the generating formula itself): MAE {}, RMSE {}",
        f4(r.floor_mae),
        f4(r.floor_rmse)
    )?;
    writeln!(
        out,
        "the outliers shift the mean training target by {} min",
        signed(r.target_shift)
    )?;
    Ok(())
}

fn delta_sweep(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let mut table = Table::new(&[
        "loss",
        "test MAE",
        "test RMSE",
        "bias",
        "train residuals ≥ δ",
    ]);
    for f in sweep(opts)? {
        table.row(&[
            f.loss.name(),
            f4(f.test_mae),
            f4(f.test_rmse),
            signed(f.test_bias),
            f.linear_share.map(pct).unwrap_or_default(),
        ]);
    }
    write!(out, "{table}")?;
    Ok(())
}
