//! Chapter 4: the loss must match the task.
//!
//! A binary classifier trained with MSE on its 0/1 labels against one trained
//! with binary cross-entropy: what each loss optimises, where they agree, and
//! the settings where regression on labels breaks (rare positives, points far
//! on the correct side, three classes in a row).
//!
//! `binary.rs`, `constant.rs`, `gradients.rs` and `multiclass.rs` compute
//! (with `setup.rs`'s data and model), this file prints, `plots.rs` draws;
//! `exercises.rs` is the workshop's, with `checks.rs` and (feature
//! `solutions`) `solutions.rs`.

use std::io::Write;
use std::ops::Bound;

use book_kit::chapter::{Chapter, Section};
use book_kit::cli::{above, range};
use book_kit::table::{Table, f4, fixed, pct};
use candle_core::Result;
use shared::data::DEFAULT_SEED;

pub mod binary;
pub mod checks;
pub mod constant;
#[allow(unused_imports)] // an answer need not use every import the file has
pub mod exercises;
pub mod gradients;
pub mod multiclass;
pub mod plots;
pub mod setup;
#[cfg(feature = "solutions")]
pub mod solutions;

use binary::{Easy, Loss, Setting, Trained};
use constant::ConstantScan;
use gradients::{GD_LR, Gradients, StartRun};
use multiclass::{Multiclass, SPACING};
use setup::N;

/// Strictly between 0 and 1.
const OPEN_UNIT: (Bound<f64>, Bound<f64>) = (Bound::Excluded(0.0), Bound::Excluded(1.0));

/// The chapter's flags.
#[derive(clap::Args, Debug, Clone)]
pub struct Options {
    /// Share of positives in the easy task, strictly between 0 and 1
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.3, value_parser = range(OPEN_UNIT))]
    pub positive_rate: f64,
    /// How far positives sit from negatives on features 0 and 1
    #[arg(long, default_value_t = 2.0, allow_negative_numbers = true, value_parser = range(..))]
    pub separation: f64,
    /// Share of positives in the rare-positive task, strictly between 0 and 1
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.05, value_parser = range(OPEN_UNIT))]
    pub rare_rate: f64,
    /// Share of positives moved far out on the correct side, in [0, 1]
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.1, value_parser = range(0.0..=1.0))]
    pub far_share: f64,
    /// How far those positives are moved (added to features 0 and 1)
    #[arg(long, default_value_t = 6.0, allow_negative_numbers = true, value_parser = range(..))]
    pub far_offset: f64,
    /// Full-batch training steps per model (1 to 5000)
    #[arg(long, allow_negative_numbers = true, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=5000))]
    pub steps: u32,
    /// Adam's learning rate
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.1, value_parser = range(above(0.0)))]
    pub lr: f64,
    /// Weight on features 0 and 1 for the confidently wrong start (negative: wrong way round)
    #[arg(long, default_value_t = -4.0, allow_negative_numbers = true, value_parser = range(..))]
    pub start_weight: f64,
    /// Probability bins in the reliability table (1 to 50)
    #[arg(long, allow_negative_numbers = true, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=50))]
    pub bins: u32,
    /// Seed for the data and the initial weights
    #[arg(long, allow_negative_numbers = true, default_value_t = DEFAULT_SEED)]
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
    pub constant: ConstantScan,
    /// The easy task with each loss; its scores hold the reliability tables.
    pub easy: Easy,
    pub gradients: Gradients,
    pub wrong_start: Vec<StartRun>,
    /// The rare-positive and the far-positive tasks.
    pub hard: Vec<Setting>,
    pub multiclass: Multiclass,
}

pub fn run(opts: &Options) -> Result<Report> {
    let easy_task = binary::easy_task(opts);
    Ok(Report {
        constant: constant::constant_scan(&easy_task.train, opts)?,
        easy: binary::easy(&easy_task, opts)?,
        gradients: gradients::gradients()?,
        wrong_start: gradients::wrong_start_runs(&easy_task, opts)?,
        hard: binary::hard_settings(opts)?,
        multiclass: multiclass::multiclass(opts)?,
        opts: opts.clone(),
    })
}

/// The chapter's output, section by section.
pub const SECTIONS: &[Section<Report>] = &[
    Section {
        name: "constant",
        title: "The best constant prediction",
        body: print_constant,
    },
    Section {
        name: "easy",
        title: "Easy data: three ways to train a linear classifier",
        body: print_easy,
    },
    Section {
        name: "reliability",
        title: "Reliability on the easy data",
        body: print_reliability,
    },
    Section {
        name: "gradients",
        title: "What each loss does to one positive example",
        body: print_gradients,
    },
    Section {
        name: "wrong-start",
        title: "Starting confidently wrong",
        body: print_wrong_start,
    },
    Section {
        name: "hard",
        title: "Where MSE on labels hurts",
        body: print_hard,
    },
    Section {
        name: "multiclass",
        title: "Multi-class: MSE on one-hot targets vs cross-entropy",
        body: print_multiclass,
    },
];

fn print_constant(r: &Report, out: &mut dyn Write) -> Result<()> {
    let s = &r.constant;
    let mut table = Table::new(&["constant c", "MSE(c)", "log-loss(c)", ""]);
    for g in &s.grid {
        let at_rate = (g.c - s.rate).abs() < 5e-4; // the grid point nearest the rate
        let shown = [0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 0.9]
            .iter()
            .any(|v| (g.c - v).abs() < 5e-4);
        if at_rate || shown {
            let note = if at_rate { "<- positive rate" } else { "" };
            table.row(&[fixed(g.c, 3), f4(g.mse), f4(g.log_loss), note.to_string()]);
        }
    }
    write!(out, "{table}")?;
    writeln!(
        out,
        "positive rate of the {} training labels: {}",
        N,
        fixed(s.rate, 3)
    )?;
    writeln!(
        out,
        "MSE(c) is smallest at c = {}, log-loss(c) at c = {} (grid step 0.001)",
        fixed(s.mse_best, 3),
        fixed(s.log_loss_best, 3)
    )?;
    writeln!(
        out,
        "smallest MSE = {} = rate · (1 - rate) = {}",
        f4(s.mse_min),
        f4(s.rate * (1.0 - s.rate))
    )?;
    for i in &s.intercept_only {
        writeln!(
            out,
            "intercept-only model, {}, {} steps: predicts {} for every row",
            i.loss.name(),
            s.intercept_steps,
            f4(i.prob)
        )?;
    }
    Ok(())
}

/// One comparison table: a row per loss.
fn scores_table(rows: &[Trained], first: &str) -> Table {
    let mut table = Table::new(&[
        first,
        "accuracy",
        "recall",
        "log-loss",
        "ECE",
        "outside [0,1]",
        "min",
        "max",
    ]);
    for Trained { loss, scores: s } in rows {
        table.row(&[
            loss.name().to_string(),
            f4(s.accuracy),
            f4(s.recall),
            f4(s.log_loss),
            f4(s.ece),
            pct(s.outside),
            f4(s.min),
            f4(s.max),
        ]);
    }
    table
}

fn print_easy(r: &Report, out: &mut dyn Write) -> Result<()> {
    let e = &r.easy;
    write!(out, "{}", scores_table(&e.results, "trained with"))?;
    writeln!(
        out,
        "test set: {} rows, {} positive; scores on outputs read as probabilities,",
        e.test_rows,
        pct(e.test_positive_rate)
    )?;
    writeln!(
        out,
        "raw MSE outputs clipped into [0, 1] for log-loss and ECE"
    )?;
    Ok(())
}

fn print_reliability(r: &Report, out: &mut dyn Write) -> Result<()> {
    let (mse, bce) = (r.easy.scores(Loss::MseRaw)?, r.easy.scores(Loss::Bce)?);
    let mut table = Table::new(&[
        "bin",
        "MSE n",
        "MSE mean p",
        "MSE observed",
        "BCE n",
        "BCE mean p",
        "BCE observed",
    ]);
    for (a, b) in mse.reliability.iter().zip(&bce.reliability) {
        let close = if a.hi >= 1.0 { "]" } else { ")" }; // the last bin holds 1.0
        let mut row = vec![format!("[{}, {}{close}", fixed(a.lo, 2), fixed(a.hi, 2))];
        for bin in [a, b] {
            let (p, o) = if bin.count == 0 {
                ("-".into(), "-".into())
            } else {
                (f4(bin.mean_prob), f4(bin.positive_rate))
            };
            row.extend([bin.count.to_string(), p, o]);
        }
        table.row(&row);
    }
    write!(out, "{table}")?;
    writeln!(out, "ECE, MSE on raw output (clipped): {}", f4(mse.ece))?;
    writeln!(out, "ECE, BCE with logits: {}", f4(bce.ece))?;
    Ok(())
}

fn print_gradients(r: &Report, out: &mut dyn Write) -> Result<()> {
    let g = &r.gradients;
    let mut table = Table::new(&[
        "output z",
        "sigmoid(z)",
        "MSE raw dL/dz",
        "MSE on sigmoid dL/dz",
        "BCE dL/dz",
    ]);
    for (i, &z) in g.z.iter().enumerate() {
        let mut row = vec![fixed(z, 1), f4(g.sigmoid[i])];
        row.extend(g.table.iter().map(|l| f4(l.grad[i])));
        table.row(&row);
    }
    write!(out, "{table}")?;
    writeln!(out, "label 1; negative dL/dz means training pushes z up")?;
    writeln!(
        out,
        "MSE on raw output, label 1: output 2.0 costs {}, the same as output 0.0 ({})",
        f4(g.mse_raw_cost_at_2),
        f4(g.mse_raw_cost_at_0)
    )?;
    Ok(())
}

fn print_wrong_start(r: &Report, out: &mut dyn Write) -> Result<()> {
    let runs = &r.wrong_start;
    let mut header = vec!["loss".to_string(), "optimiser".to_string()];
    if let Some(first) = runs.first() {
        header.extend(first.accuracy.iter().map(|c| format!("step {}", c.step)));
    }
    let mut table = Table::new(&header);
    for run in runs {
        let mut row = vec![
            run.loss.name().to_string(),
            run.optimiser.name().to_string(),
        ];
        row.extend(run.accuracy.iter().map(|c| f4(c.accuracy)));
        table.row(&row);
    }
    write!(out, "{table}")?;
    writeln!(
        out,
        "test accuracy; start: weight {} on features 0 and 1, gradient descent lr {}, Adam lr {}",
        r.opts.start_weight, GD_LR, r.opts.lr
    )?;
    Ok(())
}

fn print_hard(r: &Report, out: &mut dyn Write) -> Result<()> {
    for (i, s) in r.hard.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write!(out, "{}", scores_table(&s.results, &s.name))?;
        let predicted: Vec<String> = s
            .results
            .iter()
            .map(|t| format!("{} {}", t.loss.name(), t.scores.predicted_positive))
            .collect();
        writeln!(
            out,
            "always predicting the majority class: accuracy {}",
            f4(s.majority_accuracy)
        )?;
        writeln!(out, "rows predicted positive: {}", predicted.join(", "))?;
    }
    Ok(())
}

fn print_multiclass(r: &Report, out: &mut dyn Write) -> Result<()> {
    let mut table = Table::new(&[
        "task",
        "trained with",
        "accuracy",
        "recall per class",
        "outside [0,1]",
    ]);
    for run in &r.multiclass.runs {
        let s = &run.scores;
        let recall: Vec<String> = s.recall.iter().map(|r| f4(*r)).collect();
        table.row(&[
            run.task.name().to_string(),
            run.loss.name().to_string(),
            f4(s.accuracy),
            recall.join(" "),
            pct(s.outside),
        ]);
    }
    write!(out, "{table}")?;
    writeln!(
        out,
        "three in a row: class c centred at ({SPACING} (c - 1), {SPACING} (c - 1)); class 1 is the middle one"
    )?;
    Ok(())
}
