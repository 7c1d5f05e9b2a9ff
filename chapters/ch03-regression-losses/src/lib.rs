//! Chapter 3: regression losses.
//!
//! MSE, MAE and Huber on four delivery times, then on the same four with one
//! lost parcel; each sample's share of the loss and of the gradient; where
//! Huber's two branches meet; and the same small network trained under each
//! loss on data with gross outliers, scored on clean held-out data.
//!
//! `loss.rs` defines the losses, `deliveries.rs` takes them apart on four
//! deliveries, `training.rs` trains with them; this file prints, `plots.rs`
//! draws; `exercises.rs` is the workshop's, with `checks.rs` and (feature
//! `solutions`) `solutions.rs`.

use std::io::Write;

use book_kit::chapter::{Chapter, Section};
use book_kit::cli::{above, range};
use book_kit::plot::linspace;
use book_kit::table::{Table, f4, fixed, pct};
use candle_core::Result;
use shared::activations::Pointwise;
use shared::data;

pub mod checks;
pub mod deliveries;
#[allow(unused_imports)] // an answer need not use every import the file has
pub mod exercises;
pub mod loss;
pub mod plots;
#[cfg(feature = "solutions")]
pub mod solutions;
pub mod training;

use deliveries::{
    Breakdown, Growth, HuberJoin, OUTLIER_TARGETS, PREDICTIONS, TARGETS, four_deliveries,
    huber_join, shares,
};
use loss::{LossCurve, half_square, loss_curve, three_losses};
use training::{Fit, Robustness, robustness, sets, sweep};

/// The chapter's flags.
#[derive(clap::Args, Debug, Clone)]
pub struct Options {
    /// Huber's threshold δ, in minutes: errors below it are squared, above it linear
    #[arg(long, default_value_t = 5.0, allow_negative_numbers = true, value_parser = range(above(0.0)))]
    pub delta: f64,
    /// Share of training targets that get the outlier offset added (0 to 0.5)
    #[arg(long, default_value_t = 0.05, allow_negative_numbers = true, value_parser = range(0.0..=0.5))]
    pub outlier_rate: f64,
    /// Minutes added to an outlier's target, a lost parcel (-1000 to 1000)
    #[arg(long, default_value_t = 60.0, allow_negative_numbers = true, value_parser = range(-1000.0..=1000.0))]
    pub outlier_size: f64,
    /// Number of training examples (20 to 20000)
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(20..=20_000))]
    pub train_size: u64,
    /// Full-batch Adam steps per training run (1 to 5000)
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=5000))]
    pub steps: u64,
    /// Adam's learning rate
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true, value_parser = range(above(0.0)))]
    pub lr: f64,
    /// Seed for the data and the network's initial weights
    #[arg(long, default_value_t = data::DEFAULT_SEED)]
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
/// plots draw it.
pub struct Report {
    pub opts: Options,
    /// MSE, MAE and Huber on the four deliveries, with and without the lost parcel.
    pub four_deliveries: Vec<Growth>,
    /// The same three losses taken apart on the deliveries with the lost parcel.
    pub shares: Vec<Breakdown>,
    pub huber_join: HuberJoin,
    pub training: Robustness,
    /// Huber at several δ, trained on the outlier-laden data.
    pub sweep: Vec<Fit>,
    /// Each of the three losses of one sample for errors from −3δ to 3δ.
    pub loss_curves: Vec<LossCurve>,
    /// Huber for δ = 5, 2, 1 and 0.5, and ½e², for errors from −8 to 8.
    pub huber_curves: Vec<LossCurve>,
    pub half_square: Pointwise,
}

pub fn run(opts: &Options) -> Result<Report> {
    let losses = three_losses(opts.delta);
    let data = sets(opts);
    let d = opts.delta;
    let errors = linspace(-3.0 * d, 3.0 * d, 601);
    let small_errors = linspace(-8.0, 8.0, 321);
    let training = robustness(&data, opts)?;
    Ok(Report {
        four_deliveries: four_deliveries(&losses)?,
        shares: shares(&losses)?,
        huber_join: huber_join(d)?,
        sweep: sweep(&data, opts, &training.dirty)?,
        training,
        loss_curves: losses
            .iter()
            .map(|&loss| loss_curve(loss, &errors))
            .collect::<Result<_>>()?,
        huber_curves: [5.0, 2.0, 1.0, 0.5]
            .into_iter()
            .map(|delta| loss_curve(loss::Loss::Huber { delta }, &small_errors))
            .collect::<Result<_>>()?,
        half_square: half_square(&small_errors),
        opts: opts.clone(),
    })
}

/// The chapter's output, section by section.
pub const SECTIONS: &[Section<Report>] = &[
    Section {
        name: "four-deliveries",
        title: "Four deliveries, then one lost parcel",
        body: print_four_deliveries,
    },
    Section {
        name: "shares",
        title: "Each sample's share of the loss and of the gradient (target 97)",
        body: print_shares,
    },
    Section {
        name: "huber-join",
        title: "Where Huber's branches meet: ½e² (PyTorch) vs plain e² inside δ",
        body: print_huber_join,
    },
    Section {
        name: "training",
        title: "One network, three losses, outliers in the training targets",
        body: print_training,
    },
    Section {
        name: "delta-sweep",
        title: "Huber's δ: from MAE-like to MSE-like",
        body: print_delta_sweep,
    },
];

fn print_four_deliveries(r: &Report, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "predictions  {PREDICTIONS:?}")?;
    writeln!(out, "targets      {TARGETS:?}")?;
    writeln!(out, "with outlier {OUTLIER_TARGETS:?}")?;
    let mut table = Table::new(&["loss", "targets", "with outlier", "growth"]);
    for g in &r.four_deliveries {
        table.row(&[
            g.loss.name(),
            f4(g.clean),
            f4(g.with_outlier),
            format!("×{:.1}", g.with_outlier / g.clean),
        ]);
    }
    write!(out, "{table}")?;
    Ok(())
}

fn print_shares(r: &Report, out: &mut dyn Write) -> Result<()> {
    for (k, b) in r.shares.iter().enumerate() {
        if k > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}: loss {}", b.loss.name(), f4(b.value))?;
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

fn print_huber_join(r: &Report, out: &mut dyn Write) -> Result<()> {
    let mut table = Table::new(&[
        "small-error branch",
        "value at δ⁻",
        "value at δ⁺",
        "slope at δ⁻",
        "slope at δ⁺",
        "deliveries",
        "with 97",
    ]);
    let rows = [
        ("½e² (PyTorch, shared)", &r.huber_join.pytorch),
        ("e² (\"MSE\" inside δ)", &r.huber_join.as_written),
    ];
    for (branch, b) in rows {
        table.row(&[
            branch.to_string(),
            f4(b.join.value_below),
            f4(b.join.value_above),
            f4(b.join.slope_below),
            f4(b.join.slope_above),
            f4(b.four_deliveries),
            f4(b.with_outlier),
        ]);
    }
    write!(out, "{table}")?;
    let d = r.opts.delta;
    writeln!(out, "δ⁻, δ⁺: just below and just above δ = {d}")?;
    writeln!(
        out,
        "deliveries, with 97: Huber's mean loss on the four deliveries, then with the lost parcel"
    )?;
    Ok(())
}

/// A number at 4 decimals with its sign, `+` included (and no `-0.0000`).
fn signed(x: f64) -> String {
    let s = f4(x);
    if x > 0.0 && s != "0.0000" && x.is_finite() {
        format!("+{s}")
    } else {
        s
    }
}

fn print_training(r: &Report, out: &mut dyn Write) -> Result<()> {
    let (o, t) = (&r.opts, &r.training);
    writeln!(
        out,
        "{} training samples, {} of them outliers ({:+} min); {} Adam steps, lr {}, seed {}\n\
         every score below is on a clean test set of 2000",
        o.train_size, t.outliers, o.outlier_size, o.steps, o.lr, o.seed
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
    for (c, d) in t.clean.iter().zip(&t.dirty) {
        table.row(&[
            c.loss.name(),
            f4(c.test.mae),
            f4(c.test.rmse),
            f4(d.test.mae),
            f4(d.test.rmse),
            signed(d.test.bias),
            signed(d.test.mae - c.test.mae),
        ]);
    }
    write!(out, "{table}")?;
    writeln!(
        out,
        "noise floor (the generating formula itself): MAE {}, RMSE {}",
        f4(t.floor.mae),
        f4(t.floor.rmse)
    )?;
    writeln!(
        out,
        "the outliers shift the mean training target by {} min",
        signed(t.target_shift)
    )?;
    Ok(())
}

fn print_delta_sweep(r: &Report, out: &mut dyn Write) -> Result<()> {
    let mut table = Table::new(&[
        "loss",
        "test MAE",
        "test RMSE",
        "bias",
        "train residuals ≥ δ",
    ]);
    for f in &r.sweep {
        table.row(&[
            f.loss.name(),
            f4(f.test.mae),
            f4(f.test.rmse),
            signed(f.test.bias),
            f.linear_share.map(pct).unwrap_or_default(),
        ]);
    }
    write!(out, "{table}")?;
    Ok(())
}
