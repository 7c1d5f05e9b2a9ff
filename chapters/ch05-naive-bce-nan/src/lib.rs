//! Chapter 5: where the naive losses turn into NaN.
//!
//! Sigmoid then log, and softmax then log, break in f32 at logits a network
//! reaches easily: the probability rounds to exactly 0 or 1, a log returns
//! −∞, and `0 · (−∞)` is NaN. This chapter finds those logits by scanning,
//! shows that candle-nn's own binary cross-entropy is the naive form, derives
//! the stable form, and trains the same model with both.
//!
//! `bce.rs`, `scan.rs`, `pytorch.rs`, `multiclass.rs` and `training.rs`
//! compute, this file prints, `plots.rs` draws; `exercises.rs` is the
//! workshop's, with `checks.rs` and (feature `solutions`) `solutions.rs`.

use std::io::Write;

use book_kit::chapter::{Chapter, Section};
use book_kit::cli::{above, range};
use book_kit::plot::linspace;
use book_kit::table::{Table, f4, fixed, pct, sci};
use candle_core::{DType, Result};

pub mod bce;
pub mod checks;
#[allow(unused_imports)] // an answer need not use every import the file has
pub mod exercises;
pub mod multiclass;
pub mod plots;
pub mod pytorch;
pub mod scan;
#[cfg(feature = "solutions")]
pub mod solutions;
pub mod training;

use bce::{Agreement, LossCurve, SWEEP, SideBySide, Sweep};
use multiclass::{MultiClassRow, MultiClassThresholds};
use pytorch::PytorchRow;
use scan::{ClosedForms, StableFar, Threshold};
use training::{Run, Training};

/// The chapter's flags.
#[derive(clap::Args, Debug, Clone)]
pub struct Options {
    /// The logit of the first section's side-by-side comparison
    #[arg(long, default_value_t = 17.0, allow_negative_numbers = true, value_parser = range(..))]
    pub logit: f64,
    /// Adam's learning rate in the training run
    #[arg(long, default_value_t = 0.01, allow_negative_numbers = true, value_parser = range(above(0.0)))]
    pub lr: f64,
    /// Training steps (full batch)
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=2000))]
    pub steps: u64,
    /// Multiplies every initial weight and bias (1 = PyTorch's default init)
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true, value_parser = range(above(0.0)))]
    pub init_scale: f64,
    /// Training examples in the binary task
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u64).range(8..=5000))]
    pub samples: u64,
    /// Seed for the data and the initial weights
    #[arg(long, default_value_t = shared::data::DEFAULT_SEED)]
    pub seed: u64,
}

pub static CHAPTER: Chapter<Options, Report> = Chapter {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    validate: None,
    run,
    sections: SECTIONS,
    plots: plots::plots,
    exercises: checks::EXERCISES,
};

/// Everything the chapter computes, once: the sections print it, the plots draw it.
pub struct Report {
    pub opts: Options,
    /// `--logit` through every loss.
    pub side_by_side: SideBySide,
    pub candle_nn_vs_naive: Agreement,
    pub thresholds: Vec<Threshold>,
    pub stable_far: StableFar,
    pub closed_forms: ClosedForms,
    pub sweep_f32: Sweep,
    pub sweep_f64: Sweep,
    pub pytorch: Vec<PytorchRow>,
    pub multiclass: Vec<MultiClassRow>,
    pub multiclass_thresholds: MultiClassThresholds,
    pub training: Training,
    /// Naive and stable loss on [-120, 120], for the plots.
    pub loss_curves: Vec<LossCurve>,
}

pub fn run(opts: &Options) -> Result<Report> {
    Ok(Report {
        side_by_side: bce::side_by_side(opts.logit)?,
        candle_nn_vs_naive: bce::candle_nn_matches_naive()?,
        thresholds: scan::find_thresholds()?,
        stable_far: scan::stable_far()?,
        closed_forms: scan::closed_forms(),
        sweep_f32: bce::sweep(DType::F32)?,
        sweep_f64: bce::sweep(DType::F64)?,
        pytorch: pytorch::pytorch_rows()?,
        multiclass: multiclass::multiclass_rows()?,
        multiclass_thresholds: multiclass::multiclass_thresholds()?,
        training: training::train_both(opts)?,
        loss_curves: bce::loss_curves(&linspace(-120.0, 120.0, 2401))?,
        opts: opts.clone(),
    })
}

/// The chapter's output, section by section.
pub const SECTIONS: &[Section<Report>] = &[
    Section {
        name: "logit-17",
        title: "One confident, correct prediction: naive BCE, candle-nn, stable",
        body: print_side_by_side,
    },
    Section {
        name: "thresholds",
        title: "Where the naive loss breaks: scanning the logit",
        body: print_thresholds,
    },
    Section {
        name: "sweep-f32",
        title: "Naive vs stable from -200 to 200, f32",
        body: |r, out| print_sweep(&r.sweep_f32, out),
    },
    Section {
        name: "sweep-f64",
        title: "Naive vs stable from -200 to 200, f64",
        body: |r, out| print_sweep(&r.sweep_f64, out),
    },
    Section {
        name: "pytorch",
        title: "A common demonstration, and what PyTorch's BCELoss answers",
        body: print_pytorch,
    },
    Section {
        name: "multiclass",
        title: "Softmax then log vs log-softmax",
        body: print_multiclass,
    },
    Section {
        name: "training",
        title: "Training with the naive and the stable loss",
        body: print_training,
    },
];

fn print_side_by_side(r: &Report, out: &mut dyn Write) -> Result<()> {
    let s = &r.side_by_side;
    writeln!(out, "f32, z = {}", r.opts.logit)?;
    writeln!(
        out,
        "sigma(z) = {}   1 - sigma(z) = {}   (exactly 1.0: {})",
        fixed(s.sigmoid, 9),
        sci(1.0 - s.sigmoid),
        s.sigmoid == 1.0
    )?;
    let mut table = Table::new(&["target", "loss function", "loss", "d loss / dz"]);
    for row in &s.rows {
        table.row(&[
            format!("y = {}", row.y),
            row.bce.label().to_string(),
            f4(row.loss),
            f4(row.grad),
        ]);
    }
    write!(out, "{table}")?;
    let Agreement { same, total } = r.candle_nn_vs_naive;
    writeln!(
        out,
        "candle-nn vs naive_bce, f32, at logits -200, -199, ..., 200 and y = 0 and 1:\n\
         same loss and same gradient (NaN where NaN) at {same} of {total} points"
    )?;
    Ok(())
}

fn print_thresholds(r: &Report, out: &mut dyn Write) -> Result<()> {
    let at = |x: Option<f64>| x.map_or("never (|z| <= 1000)".to_string(), f4);
    let mut table = Table::new(&["first logit where", "f32", "f64"]);
    for t in &r.thresholds {
        table.row(&[t.what.to_string(), at(t.f32), at(t.f64)]);
    }
    write!(out, "{table}")?;
    // The stable form on the negative side as well, and far beyond.
    writeln!(
        out,
        "stable loss and gradient finite at all {} logits in [-10000, 10000], f32, y = 0 and 1: {}",
        r.stable_far.logits, r.stable_far.all_finite
    )?;
    let c = &r.closed_forms;
    writeln!(
        out,
        "1 + e^-z rounds to 1 once e^-z <= 2^-24 (f32) or 2^-53 (f64),\n\
         that is from z = 24 ln 2 = {} (f32) or 53 ln 2 = {} (f64)\n\
         e^-z overflows once -z > ln(largest float): {} (f32) or {} (f64)",
        f4(c.rounds_to_one_f32),
        f4(c.rounds_to_one_f64),
        f4(c.exp_overflow_f32),
        f4(c.exp_overflow_f64)
    )?;
    Ok(())
}

fn print_sweep(s: &Sweep, out: &mut dyn Write) -> Result<()> {
    let header = [
        "z", "naive", "stable", "naive", "stable", "naive", "stable", "naive", "stable",
    ];
    let rows: Vec<Vec<String>> = (SWEEP.iter().enumerate())
        .map(|(i, z)| {
            let mut row = vec![fixed(*z, 0)];
            for y in 0..2 {
                row.push(f4(s.naive[y].value[i]));
                row.push(f4(s.stable[y].value[i]));
                row.push(f4(s.naive[y].grad[i]));
                row.push(f4(s.stable[y].grad[i]));
            }
            row
        })
        .collect();
    // A line over the header naming each pair of columns, as wide as the pair.
    let width = |c: usize| rows.iter().fold(header[c].len(), |w, r| w.max(r[c].len()));
    let mut groups = " ".repeat(width(0));
    for (k, name) in ["y=1 loss", "y=1 grad", "y=0 loss", "y=0 grad"]
        .iter()
        .enumerate()
    {
        let w = width(2 * k + 1) + 2 + width(2 * k + 2);
        groups.push_str(&format!("  {:-^w$}", format!(" {name} ")));
    }
    writeln!(out, "{groups}")?;
    let mut table = Table::new(&header);
    for row in &rows {
        table.row(row);
    }
    write!(out, "{table}")?;
    writeln!(out, "grad: d loss / dz, through autograd")?;
    Ok(())
}

fn print_pytorch(r: &Report, out: &mut dyn Write) -> Result<()> {
    let mut table = Table::new(&[
        "z",
        "y",
        "PyTorch BCELoss(sigmoid)",
        "its gradient",
        "naive = candle-nn",
        "stable",
        "stable gradient",
    ]);
    for p in &r.pytorch {
        table.row(&[
            fixed(p.z, 0),
            fixed(p.y, 0),
            f4(p.clamped),
            f4(p.clamped_grad),
            f4(p.naive),
            f4(p.stable),
            f4(p.stable_grad),
        ]);
    }
    write!(out, "{table}")?;
    Ok(())
}

fn print_multiclass(r: &Report, out: &mut dyn Write) -> Result<()> {
    let list = |v: &[f64], fmt: fn(f64) -> String| {
        let v: Vec<String> = v.iter().map(|&x| fmt(x)).collect();
        format!("[{}]", v.join(", "))
    };
    // Two tables, the losses and then their gradients, so that each fits a page.
    let mut losses = Table::new(&[
        "logits",
        "target",
        "softmax, log",
        "exp/sum, log",
        "log_softmax",
    ]);
    let mut grads = Table::new(&[
        "logits",
        "target",
        "gradient (exp/sum, log)",
        "gradient (log_softmax)",
    ]);
    for row in &r.multiclass {
        let (m, logits) = (&row.result, list(&row.logits, |x| fixed(x, 0)));
        losses.row(&[
            logits.clone(),
            row.target.to_string(),
            f4(m.softmax_log.value),
            f4(m.naive_log.value),
            f4(m.log_softmax.value),
        ]);
        grads.row(&[
            logits,
            row.target.to_string(),
            list(&m.naive_log.grad, f4),
            list(&m.log_softmax.grad, f4),
        ]);
    }
    write!(out, "{losses}")?;
    let t = &r.multiclass_thresholds;
    let from = |x: Option<f64>| x.map_or("never".into(), f4);
    writeln!(
        out,
        "logits [t, 0, 0], f32: exp/sum then log is NaN for target 0 from t = {}\n\
         logits [t, 0, 0], f32: softmax then log is inf for target 1 from t = {}",
        from(t.naive_nan),
        from(t.softmax_inf)
    )?;
    writeln!(out)?;
    write!(out, "{grads}")?;
    Ok(())
}

fn print_training(r: &Report, out: &mut dyn Write) -> Result<()> {
    let (opts, t): (&Options, &Training) = (&r.opts, &r.training);
    writeln!(
        out,
        "binary_threshold, {} samples, MLP 4-16-1 (ReLU), init x{}, Adam lr {}, {} steps, seed {}",
        opts.samples, opts.init_scale, opts.lr, opts.steps, opts.seed
    )?;
    let nan_at = t.naive.nan_step();
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
        "sigma = label",
        "sigma = other",
    ]);
    for (name, run) in [("naive_bce", &t.naive), ("bce_with_logits", &t.stable)] {
        table.row(&[
            name.to_string(),
            run.history.len().to_string(),
            pct(run.accuracy),
            f4(run.max_abs_logit),
            run.saturated.correct.to_string(),
            run.saturated.wrong.to_string(),
        ]);
    }
    write!(out, "{table}")?;
    writeln!(
        out,
        "sigma = label / other: logits whose sigma(z) rounds to exactly their label / the other"
    )?;
    match nan_at {
        Some(step) => {
            writeln!(
                out,
                "naive loss first non-finite at step {step}: {}",
                f4(t.naive.history[step])
            )?;
            let mut table = Table::new(&[
                "one more Adam step on it, ReLU's backward",
                "NaN weights and biases",
                "NaN logits",
                "accuracy",
            ]);
            for (relu, p) in [
                ("shared's relu: grad times [z > 0]", &t.poisoned),
                ("PyTorch's relu: 0 where z <= 0", &t.poisoned_masked),
            ] {
                table.row(&[
                    relu.to_string(),
                    format!("{} of {}", p.nan_params, p.params),
                    format!("{} of {}", p.nan_logits, p.logits),
                    pct(p.accuracy),
                ]);
            }
            write!(out, "{table}")?;
            writeln!(
                out,
                "NaN > 0 is false, so every prediction is class 0; {} of the labels are 0",
                pct(t.class_0_share)
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
