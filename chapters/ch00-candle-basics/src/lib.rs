//! Before chapter 1: Candle for PyTorch users.
//!
//! What the later chapters take for granted, side by side with PyTorch:
//! tensors, dtypes and devices, `Result` and `?`, same-shape operators
//! against `broadcast_*`, `D::Minus1`, u32 indices, `Var` against `Tensor`,
//! the `GradStore` that `backward()` returns, and the book's own training
//! loop, `shared::nn::train`, run on a tiny seeded task.
//!
//! `tensors.rs`, `autograd.rs` and `training.rs` compute, `rosetta.rs` holds
//! the PyTorch ↔ Candle ↔ shared table, this file prints, `plots.rs` draws;
//! `exercises.rs` is the workshop's, with `checks.rs` and (feature
//! `solutions`) `solutions.rs`.

use std::io::Write;

use book_kit::chapter::{Chapter, Section};
use book_kit::cli::{above_to, range};
use book_kit::table::{Table, f4, g};
use candle_core::{Device, Result};
use clap::builder::RangedU64ValueParser;

pub mod autograd;
pub mod checks;
#[allow(unused_imports)] // an answer need not use every import the file has
pub mod exercises;
pub mod plots;
pub mod rosetta;
#[cfg(feature = "solutions")]
pub mod solutions;
pub mod tensors;
pub mod training;

use autograd::Autograd;
use rosetta::Row;
use tensors::{Op, Value};
use training::Training;

/// The chapter's flags.
#[derive(clap::Args, Debug, Clone)]
pub struct Options {
    /// Adam's learning rate in the training run
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true,
          value_parser = range(above_to(0.0, 10.0)))]
    pub lr: f64,
    /// Training steps (full batch)
    #[arg(long, default_value_t = 60,
          value_parser = RangedU64ValueParser::<usize>::new().range(1..=2000))]
    pub steps: usize,
    /// Print the loss every this many steps
    #[arg(long, default_value_t = 10,
          value_parser = RangedU64ValueParser::<usize>::new().range(1..=2000))]
    pub every: usize,
    /// Delivery-time samples to train on
    #[arg(long, default_value_t = 200,
          value_parser = RangedU64ValueParser::<usize>::new().range(2..=5000))]
    pub samples: usize,
    /// Hidden units in the model
    #[arg(long, default_value_t = 16,
          value_parser = RangedU64ValueParser::<usize>::new().range(1..=256))]
    pub hidden: usize,
    /// The learning rate of the one gradient step taken by hand
    #[arg(long, default_value_t = 0.01, allow_negative_numbers = true,
          value_parser = range(above_to(0.0, 1.0)))]
    pub step_lr: f64,
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

/// Everything the chapter computes, once; the sections print it and the
/// plot draws it.
pub struct Report {
    pub opts: Options,
    /// The device every tensor here lives on.
    pub device: String,
    pub tensors: Vec<Op>,
    pub results: Vec<Op>,
    pub broadcast: Vec<Op>,
    pub dims: Vec<Op>,
    pub autograd: Autograd,
    pub training: Training,
}

pub fn run(opts: &Options) -> Result<Report> {
    let dev = Device::Cpu;
    Ok(Report {
        device: format!("{dev:?}"),
        tensors: tensors::tensors(&dev)?,
        results: tensors::results(&dev)?,
        broadcast: tensors::broadcasting(&dev)?,
        dims: tensors::dims(&dev)?,
        autograd: autograd::autograd(&dev, opts.step_lr)?,
        training: training::fit(opts)?,
        opts: opts.clone(),
    })
}

/// The chapter's output, section by section.
pub const SECTIONS: &[Section<Report>] = &[
    Section {
        name: "tensors",
        title: "Tensors: shape, dtype, device",
        body: print_tensors,
    },
    Section {
        name: "results",
        title: "Every call returns a Result",
        body: |r, out| print_ops(&r.results, out),
    },
    Section {
        name: "broadcast",
        title: "Same shape, a scalar, or broadcast_*",
        body: |r, out| print_ops(&r.broadcast, out),
    },
    Section {
        name: "dims",
        title: "D::Minus1, reductions and u32 indices",
        body: |r, out| print_ops(&r.dims, out),
    },
    Section {
        name: "autograd",
        title: "Var, backward() and the GradStore",
        body: print_autograd,
    },
    Section {
        name: "training",
        title: "shared::nn::train on delivery times",
        body: print_training,
    },
    Section {
        name: "rosetta-tensors",
        title: "PyTorch and Candle: tensors",
        body: |_, out| print_rosetta(rosetta::TENSORS, out),
    },
    Section {
        name: "rosetta-training",
        title: "PyTorch, Candle and shared: gradients and training",
        body: |_, out| print_rosetta(rosetta::TRAINING, out),
    },
];

/// Numbers at four significant digits, trailing zeros dropped: `1`, `0.2447`.
fn num(x: f64) -> String {
    g(x, 4)
}

fn list(v: &[f64]) -> String {
    let items: Vec<String> = v.iter().map(|&x| num(x)).collect();
    format!("[{}]", items.join(", "))
}

/// Values nested by shape, as PyTorch prints them: `[[1, 2], [3, 4]]`.
fn nested(v: &Value) -> String {
    match v.dims.as_slice() {
        [] => num(v.values[0]),
        [_, cols] if *cols > 0 => {
            let rows: Vec<String> = v.values.chunks(*cols).map(list).collect();
            format!("[{}]", rows.join(", "))
        }
        _ => list(&v.values),
    }
}

fn print_ops(ops: &[Op], out: &mut dyn Write) -> Result<()> {
    for op in ops {
        writeln!(out, "{}", op.call)?;
        match &op.outcome {
            Ok(v) => writeln!(
                out,
                "  Ok   {:?} {}  {}",
                v.dims,
                v.dtype.as_str(),
                nested(v)
            )?,
            Err(e) => writeln!(out, "  Err  {e}")?,
        }
    }
    Ok(())
}

fn print_tensors(r: &Report, out: &mut dyn Write) -> Result<()> {
    print_ops(&r.tensors, out)?;
    writeln!(out, "every tensor above is on Device::{}", r.device)?;
    Ok(())
}

fn print_autograd(r: &Report, out: &mut dyn Write) -> Result<()> {
    let a = &r.autograd;
    writeln!(
        out,
        "w = {} (a Var), x = {} (a Tensor), loss = (w·x)² = {}",
        list(&a.w),
        list(&a.x),
        f4(a.loss)
    )?;
    let show = |g: &Option<Vec<f64>>| g.as_deref().map_or("none".to_string(), list);
    let mut t = Table::new(&["gradient of the loss", "in the GradStore"]);
    t.row(&["w (a Var)".to_string(), show(&a.grad_w)]);
    t.row(&["x (a plain Tensor, in w * x)".to_string(), show(&a.grad_x)]);
    t.row(&["raw (plain, x = raw * 0.5)".to_string(), show(&a.grad_raw)]);
    t.row(&[
        "w, from a second backward()".to_string(),
        show(&a.grad_w_again),
    ]);
    t.row(&[
        "w, loss through w.detach()".to_string(),
        show(&a.grad_w_detached),
    ]);
    write!(out, "{t}")?;
    writeln!(
        out,
        "one step by hand, w.set(w - {}·grad): w = {}, loss {} -> {}",
        a.lr,
        list(&a.w_after),
        f4(a.loss),
        f4(a.loss_after)
    )?;
    Ok(())
}

fn print_training(r: &Report, out: &mut dyn Write) -> Result<()> {
    let t = &r.training;
    let sizes: Vec<String> = t.sizes.iter().map(ToString::to_string).collect();
    writeln!(
        out,
        "{} samples; model {} (ReLU), {} parameters; Adam, lr {}; MSE",
        t.samples,
        sizes.join(" → "),
        t.params,
        r.opts.lr
    )?;
    let mut table = Table::new(&["before step", "loss"]);
    for (step, loss) in t.history.iter().enumerate().step_by(r.opts.every) {
        table.row(&[step.to_string(), f4(*loss)]);
    }
    table.row(&[format!("{} (the end)", t.history.len()), f4(t.final_loss)]);
    write!(out, "{table}")?;
    writeln!(
        out,
        "the loss rose on {} of the {} steps; always predicting the mean scores {}",
        t.rises,
        t.history.len(),
        f4(t.mean_baseline)
    )?;
    Ok(())
}

fn print_rosetta(rows: &[Row], out: &mut dyn Write) -> Result<()> {
    let header = "Candle 0.11, or nn_functional (as F) or shared";
    // Cells padded to one width, so the right-aligned column reads left-aligned.
    let width = rows
        .iter()
        .flat_map(|r| [r.candle, r.shared].into_iter().flatten())
        .chain([header])
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0);
    let pad = |s: &str| format!("{s:<width$}");
    let mut t = Table::new(&["PyTorch".to_string(), pad(header)]);
    for row in rows {
        let mut left = row.pytorch;
        for right in [row.candle, row.shared].into_iter().flatten() {
            t.row(&[left.to_string(), pad(right)]);
            left = "";
        }
    }
    write!(out, "{t}")?;
    Ok(())
}
