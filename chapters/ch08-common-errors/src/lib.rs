//! Chapter 8: the errors you will hit.
//!
//! Six failures, each reproduced and then fixed from the same seed: NaN from
//! the first step, a model stuck at the majority class, shape mistakes (the
//! loud ones and the silent broadcast), an activation before a loss that
//! expects logits, outputs flat at 0.5, and a learning rate that is too high.
//!
//! `train.rs` (the loop with clipping), `nan.rs`, `stuck.rs`, `shapes.rs`, `squash.rs`, `flat.rs`,
//! `lr.rs` compute, this file prints, `plots.rs` draws; the rest is the workshop's.

use std::io::Write;

use book_kit::chapter::{Chapter, Section};
use book_kit::cli::{above, above_to, range};
use book_kit::table::{Table, f4, g4, pct, sci};
use candle_core::Result;
use clap::builder::RangedU64ValueParser;
use shared::metrics::random_ranking_average_precision;

pub mod checks;
#[allow(unused_imports)] // an answer need not use every import the file has
pub mod exercises;
pub mod flat;
pub mod lr;
pub mod nan;
pub mod plots;
pub mod shapes;
#[cfg(feature = "solutions")]
pub mod solutions;
pub mod squash;
pub mod stuck;
pub mod train;

use flat::{FlatCase, FlatRun};
use lr::LrStudy;
use nan::NanStudy;
use shapes::{Broadcast, Mistake};
use squash::SquashTask;
use stuck::StuckStudy;

/// The chapter's flags.
#[derive(clap::Args, Debug, Clone)]
pub struct Options {
    /// Seed for the data and the initial weights
    #[arg(long, default_value_t = shared::data::DEFAULT_SEED)]
    pub seed: u64,
    /// Training examples in each task
    #[arg(long, default_value_t = 256,
          value_parser = RangedU64ValueParser::<usize>::new().range(32..=2000))]
    pub samples: usize,
    /// Training steps (full batch) in every run
    #[arg(long, default_value_t = 200,
          value_parser = RangedU64ValueParser::<usize>::new().range(1..=1000))]
    pub steps: usize,
    /// NaN section: multiplies every initial weight and bias
    #[arg(long, default_value_t = 20.0, value_parser = range(above(0.0)))]
    pub init_scale: f64,
    /// NaN section: SGD's learning rate
    #[arg(long, default_value_t = 1.0, value_parser = range(above(0.0)))]
    pub sgd_lr: f64,
    /// The largest gradient norm clip_grad_norm lets through
    #[arg(long, default_value_t = 1.0, value_parser = range(above(0.0)))]
    pub clip: f64,
    /// Adam's learning rate, in the sections that train with Adam
    #[arg(long, default_value_t = 0.02, value_parser = range(above(0.0)))]
    pub lr: f64,
    /// Stuck section: the share of positives
    #[arg(long, default_value_t = 0.05, value_parser = range(above_to(0.0, 0.5)))]
    pub positive_rate: f64,
    /// Stuck section: how far the positives sit from the negatives
    #[arg(long, default_value_t = 1.5, value_parser = range(0.0..=10.0))]
    pub separation: f64,
    /// Flat section: the hidden biases start this far below PyTorch's default
    #[arg(long, default_value_t = 5.0, value_parser = range(0.0..=100.0))]
    pub dead_bias: f64,
    /// Flat section: AdamW's weight decay in the over-regularised run
    #[arg(long, default_value_t = 10.0, value_parser = range(0.0..=1000.0))]
    pub weight_decay: f64,
    /// Learning-rate section: the rate that is too high for SGD
    #[arg(long, default_value_t = 1.0, value_parser = range(above(0.0)))]
    pub high_lr: f64,
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
    pub nan: NanStudy,
    pub stuck: StuckStudy,
    pub mistakes: Vec<Mistake>,
    pub broadcast: Broadcast,
    pub squash: Vec<SquashTask>,
    pub flat: Vec<FlatRun>,
    pub lr: LrStudy,
}

pub fn run(opts: &Options) -> Result<Report> {
    Ok(Report {
        nan: nan::nan_study(opts)?,
        stuck: stuck::stuck_study(opts)?,
        mistakes: shapes::mistakes()?,
        broadcast: shapes::broadcast(opts)?,
        squash: squash::squash_study(opts)?,
        flat: flat::flat_study(opts)?,
        lr: lr::lr_study(opts)?,
        opts: opts.clone(),
    })
}

/// The chapter's output, section by section.
pub const SECTIONS: &[Section<Report>] = &[
    Section {
        name: "nan",
        title: "NaN from the first step: a big initialisation, then the fixes",
        body: print_nan,
    },
    Section {
        name: "stuck",
        title: "Stuck at the majority class: MSE, cross-entropy, class weights",
        body: print_stuck,
    },
    Section {
        name: "shape-errors",
        title: "Shape mistakes and what each library says",
        body: print_mistakes,
    },
    Section {
        name: "broadcast",
        title: "The silent one: (N, 1) predictions minus (N) targets",
        body: print_broadcast,
    },
    Section {
        name: "squash",
        title: "An activation before a loss that expects logits",
        body: print_squash,
    },
    Section {
        name: "flat",
        title: "Outputs flat near 0.5: dead ReLUs and too much weight decay",
        body: print_flat,
    },
    Section {
        name: "learning-rate",
        title: "A learning rate that is too high",
        body: print_lr,
    },
];

/// A number with four significant digits, or "-" for none.
fn g(x: Option<f64>) -> String {
    x.map_or("-".to_string(), g4)
}

/// A table's column names, from one comma-separated line.
fn header(names: &str) -> Vec<&str> {
    names.split(", ").collect()
}

/// "step N" where the loss was first NaN or infinite, or "-".
fn blew_up(run: &train::Run) -> String {
    run.blew_up_at()
        .map_or("-".to_string(), |s| format!("step {s}"))
}

fn print_nan(r: &Report, out: &mut dyn Write) -> Result<()> {
    let mut t = Table::new(&header(
        "loss, init, clip, max |z|, loss 0, |g| 0, peak loss, NaN at, final, acc, dead",
    ));
    for n in &r.nan.runs {
        let run = &n.run;
        t.row(&[
            if n.naive_loss { "naive" } else { "stable" }.to_string(),
            format!("x{}", n.init_scale),
            n.clip.map_or("-".to_string(), |c| c.to_string()),
            g4(n.max_logit_at_init),
            g4(run.loss[0]),
            g(run.first_grad_norm),
            g(run.peak()),
            blew_up(run),
            g4(run.final_loss()),
            pct(n.accuracy),
            format!("{}/{}", n.dead.0, n.dead.1),
        ]);
    }
    write!(out, "{t}")?;
    let q = r.nan.base_rate;
    let (rate, loss, acc) = (pct(q), f4(r.nan.base_rate_loss), pct(q.max(1.0 - q)));
    writeln!(
        out,
        "predicting the base rate ({rate}) for every example: loss {loss}, accuracy {acc}"
    )?;
    Ok(())
}

fn print_stuck(r: &Report, out: &mut dyn Write) -> Result<()> {
    let (s, o) = (&r.stuck, &r.opts);
    let (n, pos, rate) = (
        s.samples,
        s.positives,
        pct(s.positives as f64 / s.samples as f64),
    );
    let (sep, lr, steps) = (o.separation, o.lr, o.steps);
    writeln!(
        out,
        "imbalanced_binary: {n} examples, {pos} positive ({rate}), separation {sep}"
    )?;
    writeln!(
        out,
        "MLP 4-16-2, ReLU; Adam, lr {lr}, {steps} steps; predicted class: argmax"
    )?;
    let (majority, weight) = (pct(s.majority_rate), f4(s.positive_weight));
    writeln!(
        out,
        "always answering \"negative\": accuracy {majority}; class weights [1, {weight}]"
    )?;
    let mut t = Table::new(&header(
        "loss, final loss, accuracy, said pos., recall, precision, balanced, p(pos | pos)",
    ));
    for run in &s.runs {
        t.row(&[
            run.loss.name().to_string(),
            f4(run.run.final_loss()),
            pct(run.accuracy),
            run.predicted_positive.to_string(),
            pct(run.recall),
            pct(run.precision),
            pct(run.balanced_accuracy),
            f4(run.mean_p_positive),
        ]);
    }
    // The ranking each loss learnt, which the 0.5 of argmax can hide.
    writeln!(out, "{t}")?;
    let mut t = Table::new(&header(
        "how it ranks, p(pos | pos), p(pos | neg), average precision",
    ));
    for r in &s.runs {
        let p = [r.mean_p_positive, r.mean_p_negative, r.average_precision];
        t.row(&[vec![r.loss.name().to_string()], p.map(f4).to_vec()].concat());
    }
    write!(out, "{t}")?;
    let random = f4(random_ranking_average_precision(s.samples, s.positives));
    let rate = f4(s.positives as f64 / s.samples as f64);
    writeln!(
        out,
        "a random ranking scores {random} on average (positive rate {rate})"
    )?;
    Ok(())
}

fn print_mistakes(r: &Report, out: &mut dyn Write) -> Result<()> {
    for (i, m) in r.mistakes.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", m.what)?;
        for a in &m.attempts {
            writeln!(out, "  {}", a.call)?;
            match &a.outcome {
                Ok(loss) => writeln!(out, "    ok, loss {}", f4(*loss))?,
                Err(msg) => writeln!(out, "    error: {msg}")?,
            }
        }
    }
    Ok(())
}

fn print_broadcast(r: &Report, out: &mut dyn Write) -> Result<()> {
    let b = &r.broadcast;
    writeln!(
        out,
        "pred (N, 1) broadcast_sub target (N) has shape {:?}: {} errors instead of {}",
        b.shape,
        b.shape.iter().product::<usize>(),
        b.n
    )?;
    let mut t = Table::new(&["", "(N, N) loss", "right loss"]);
    let (broken, right) = (&b.broken_run, &b.right_run);
    for (what, wrong, good) in [
        ("at initialisation", f4(b.broken_loss), f4(b.right_loss)),
        (
            "after training, as reported",
            f4(broken.final_loss()),
            f4(right.final_loss()),
        ),
        (
            "after training, true MSE",
            f4(b.broken_true_mse),
            f4(right.final_loss()),
        ),
        (
            "std of the predictions",
            sci(b.broken_pred_std),
            f4(b.right_pred_std),
        ),
    ] {
        t.row(&[what.to_string(), wrong, good]);
    }
    write!(out, "{t}")?;
    writeln!(
        out,
        "targets: mean {}, std {}; the (N, N) model predicts {} for every example",
        f4(b.target_mean),
        f4(b.target_std),
        f4(b.broken_pred_mean)
    )?;
    Ok(())
}

fn print_squash(r: &Report, out: &mut dyn Write) -> Result<()> {
    let mut t = Table::new(&header(
        "task, loss is fed, |dL/dz| at 0, final loss, floor, accuracy, log-loss",
    ));
    for task in &r.squash {
        for run in [&task.plain, &task.squashed] {
            let fed = if run.squashed {
                task.activation
            } else {
                "logits"
            };
            t.row(&[
                task.task.to_string(),
                fed.to_string(),
                f4(run.grad_at_init),
                f4(run.run.final_loss()),
                if run.squashed {
                    f4(task.floor)
                } else {
                    "0".to_string()
                },
                pct(run.accuracy),
                f4(run.true_loss),
            ]);
        }
    }
    write!(out, "{t}")?;
    Ok(())
}

fn print_flat(r: &Report, out: &mut dyn Write) -> Result<()> {
    let mut t = Table::new(&header(
        "run, |dL/dW1|, |dL/dW2|, |dL/dW3|, |W1|, dead, p min, p max, acc",
    ));
    for f in &r.flat {
        let what = match f.case {
            FlatCase::DeadRelu => format!("biases -{}, wd {}", f.bias_shift, f.weight_decay),
            _ => format!("default, wd {}", f.weight_decay),
        };
        t.row(&[
            what,
            g4(f.layer_grads[0]),
            g4(f.layer_grads[1]),
            g4(f.layer_grads[2]),
            g4(f.layer_weights[0]),
            format!("{}/{}", f.dead, f.hidden),
            f4(f.p_min),
            f4(f.p_max),
            pct(f.accuracy),
        ]);
    }
    write!(out, "{t}")?;
    Ok(())
}

fn print_lr(r: &Report, out: &mut dyn Write) -> Result<()> {
    let l = &r.lr;
    writeln!(
        out,
        "largest curvature of the loss: lambda_max = {}\n\
         gradient descent diverges above 2 / lambda_max = {}",
        f4(l.lambda_max),
        f4(l.critical_lr)
    )?;
    let at = |run: &train::Run, s: usize| g(run.loss.get(s).copied());
    let mut t = Table::new(&header(
        "lr, clip, step 0, step 10, step 50, final, inf/NaN at",
    ));
    for run in &l.runs {
        t.row(&[
            run.lr.to_string(),
            run.clip.map_or("-".to_string(), |c| c.to_string()),
            at(&run.run, 0),
            at(&run.run, 10),
            at(&run.run, 50),
            g4(run.run.final_loss()),
            blew_up(&run.run),
        ]);
    }
    write!(out, "{t}")?;
    Ok(())
}
