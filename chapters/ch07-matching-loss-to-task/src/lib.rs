//! Chapter 7: matching the loss to the task.
//!
//! Three tasks trained end to end with the output layer and loss each calls
//! for (regression, binary, 4-class), then the other rows of the table:
//! multi-label, a class per timestep, and probabilities read from a softmax
//! at inference, with label smoothing as one more option. With `--timing`,
//! the last section adds how long each of the three main loops took.
//!
//! `tasks.rs`, `multilabel.rs`, `sequence.rs`, `calibration.rs` and `speed.rs` compute, this
//! file prints, `plots.rs` draws; `exercises.rs`, `checks.rs`, `solutions.rs`: the workshop's.

use std::io::Write;

use book_kit::chapter::{Chapter, Section};
use book_kit::cli::{above, range};
use book_kit::table::{Table, f4, fixed, pct};
use candle_core::Result;

pub mod calibration;
pub mod checks;
#[allow(unused_imports)] // an answer need not use every import the file has
pub mod exercises;
pub mod multilabel;
pub mod plots;
pub mod sequence;
#[cfg(feature = "solutions")]
pub mod solutions;
pub mod speed;
pub mod tasks;

use calibration::Calibration;
use multilabel::{MultiLabelRun, TAGS};
use sequence::SequenceRun;
use shared::nn::Forward;
use speed::{Arithmetic, BiasAdd, ReluMask};
use tasks::{BinaryRun, Fit, MultiClassRun, Pytorch, RegressionRun, Setup};

/// The chapter's flags.
#[derive(clap::Args, Debug, Clone)]
pub struct Options {
    /// Training samples of each task
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(16..=100_000))]
    pub samples: u64,
    /// Full-batch Adam steps of each task
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=5000))]
    pub steps: u64,
    /// Adam's learning rate
    #[arg(long, default_value_t = 0.01, value_parser = range(above(0.0)))]
    pub lr: f64,
    /// Units in the hidden layer
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub hidden: u64,
    /// Samples (sequences) of the multi-label and sequence tasks
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(16..=100_000))]
    pub extra_samples: u64,
    /// Adam steps of the multi-label and sequence tasks
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=5000))]
    pub extra_steps: u64,
    /// Label smoothing ε of the second 4-class model (0 = plain cross-entropy)
    #[arg(long, default_value_t = 0.1, value_parser = range(0.0..=1.0))]
    pub smoothing: f64,
    /// Held-out samples for the calibration check
    #[arg(long, default_value_t = 4000, value_parser = clap::value_parser!(u64).range(100..=100_000))]
    pub held_out: u64,
    /// Confidence bins of the calibration table
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(2..=20))]
    pub bins: u64,
    /// Seed for the data and the initial weights
    #[arg(long, default_value_t = shared::data::DEFAULT_SEED)]
    pub seed: u64,
    /// How the training loops add each layer's bias (the outputs agree to rounding)
    #[arg(long, value_enum, default_value_t = BiasAdd::Column)]
    pub bias_add: BiasAdd,
    /// How the training loops compute ReLU's 0/1 mask (the outputs are identical)
    #[arg(long, value_enum, default_value_t = ReluMask::Sign)]
    pub relu_mask: ReluMask,
    /// After the output, print how long each of the three main training loops took
    #[arg(long)]
    pub timing: bool,
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
    pub regression: RegressionRun,
    pub binary: BinaryRun,
    pub multiclass: MultiClassRun,
    pub multilabel: MultiLabelRun,
    pub sequence: SequenceRun,
    /// The 4-class model trained with label smoothing.
    pub smoothed: Fit,
    /// Held-out calibration of the plain and the smoothed 4-class model.
    pub calibration: [Calibration; 2],
    pub arithmetic: Vec<Arithmetic>,
    /// PyTorch's figures for the three tasks, from `pytorch-figures.toml`.
    pub pytorch: Pytorch,
}

impl Options {
    pub fn setup(&self) -> Setup {
        Setup {
            samples: self.samples as usize,
            steps: self.steps as usize,
            lr: self.lr,
            hidden: self.hidden as usize,
            seed: self.seed,
            forward: Forward {
                bias_as_matmul: self.bias_add != BiasAdd::Broadcast,
                first_bias_as_column: self.bias_add == BiasAdd::Column,
                relu_mask_from_sign: self.relu_mask == ReluMask::Sign,
            },
        }
    }
}

pub fn run(opts: &Options) -> Result<Report> {
    let s = opts.setup();
    // The two extra rows train on fewer samples for fewer steps, so the
    // chapter still prints in under a second.
    let extra = Setup {
        samples: opts.extra_samples as usize,
        steps: opts.extra_steps as usize,
        ..s
    };
    let multiclass = tasks::multiclass(&s)?;
    let (smoothed, smoothed_model) = calibration::train_smoothed(&s, opts.smoothing)?;
    let test = calibration::held_out(opts.held_out as usize, opts.seed);
    let bins = opts.bins as usize;
    Ok(Report {
        regression: tasks::regression(&s)?,
        binary: tasks::binary(&s)?,
        calibration: [
            calibration::calibrate(&multiclass.model, &test, bins)?,
            calibration::calibrate(&smoothed_model, &test, bins)?,
        ],
        multiclass,
        multilabel: multilabel::multilabel(&extra)?,
        sequence: sequence::sequence(&extra)?,
        smoothed,
        arithmetic: speed::arithmetic(&s),
        pytorch: Pytorch::figures(),
        opts: opts.clone(),
    })
}

/// The chapter's output, section by section.
pub const SECTIONS: &[Section<Report>] = &[
    Section {
        name: "three-tasks",
        title: "Three tasks, one network, three output layers and losses",
        body: print_three,
    },
    Section {
        name: "outputs",
        title: "What the raw outputs mean",
        body: print_outputs,
    },
    Section {
        name: "multilabel",
        title: "Multi-label: one BCE-with-logits per tag",
        body: print_multilabel,
    },
    Section {
        name: "sequence",
        title: "A class per timestep: cross-entropy at every position",
        body: print_sequence,
    },
    Section {
        name: "calibration",
        title: "Probabilities: softmax at inference, on held-out samples",
        body: print_calibration,
    },
    Section {
        name: "speed",
        title: "The arithmetic in each training loop",
        body: print_speed,
    },
];

fn print_three(r: &Report, out: &mut dyn Write) -> Result<()> {
    let mut t = Table::new(&[
        "task",
        "last layer",
        "loss",
        "loss at 0",
        "final loss",
        "metric",
        "value",
        "PyTorch",
    ]);
    let rows = [
        (
            "regression",
            "1 raw value",
            "MSE",
            &r.regression.fit,
            "MAE",
            r.regression.mae,
        ),
        (
            "binary",
            "1 logit",
            "BCE with logits",
            &r.binary.fit,
            "accuracy",
            r.binary.accuracy,
        ),
        (
            "4-class",
            "4 logits",
            "cross-entropy",
            &r.multiclass.fit,
            "accuracy",
            r.multiclass.accuracy,
        ),
    ];
    let torch = r.pytorch.metrics;
    for ((task, layer, loss, fit, metric, value), torch) in rows.into_iter().zip(torch) {
        t.row(&[
            task.to_string(),
            layer.to_string(),
            loss.to_string(),
            f4(fit.first()),
            f4(fit.last()),
            metric.to_string(),
            f4(value),
            f4(torch),
        ]);
    }
    write!(out, "{t}")?;
    let o = &r.opts;
    writeln!(
        out,
        "{} samples; inputs -> {} ReLU units -> outputs; {} full-batch Adam steps at lr {}",
        o.samples, o.hidden, o.steps, o.lr
    )?;
    writeln!(
        out,
        "metrics on the training data; PyTorch {}: its own random data and weights",
        r.pytorch.version
    )?;
    Ok(())
}

fn print_outputs(r: &Report, out: &mut dyn Write) -> Result<()> {
    let mut t = Table::new(&["regression: target", "prediction"]);
    for (y, p) in &r.regression.examples {
        t.row(&[fixed(*y, 2), fixed(*p, 2)]);
    }
    write!(out, "{t}")?;
    let mut t = Table::new(&["binary: label", "logit z", "z > 0", "sigmoid(z)"]);
    for (y, z, p) in &r.binary.examples {
        t.row(&[
            y.to_string(),
            f4(*z),
            u8::from(*z > 0.0).to_string(),
            f4(*p),
        ]);
    }
    write!(out, "\n{t}")?;
    let mut t = Table::new(&[
        "4-class: label",
        "logits",
        "argmax",
        "softmax (inference only)",
    ]);
    for e in &r.multiclass.examples {
        let join = |v: &[f64], d| v.iter().map(|&x| fixed(x, d)).collect::<Vec<_>>().join(" ");
        let argmax = shared::metrics::argmax_rows(&e.logits, e.logits.len())[0];
        t.row(&[
            e.label.to_string(),
            join(&e.logits, 2),
            argmax.to_string(),
            join(&e.probs, 3),
        ]);
    }
    write!(out, "\n{t}")?;
    Ok(())
}

fn print_multilabel(r: &Report, out: &mut dyn Write) -> Result<()> {
    let m = &r.multilabel;
    let mut t = Table::new(&["tag", "samples with it", "accuracy of z > 0"]);
    for (j, tag) in TAGS.iter().enumerate() {
        t.row(&[tag.to_string(), pct(m.tag_rate[j]), f4(m.tag_accuracy[j])]);
    }
    write!(out, "{t}")?;
    let counts: Vec<String> = m
        .tag_counts
        .iter()
        .enumerate()
        .map(|(k, c)| format!("{c} with {k}"))
        .collect();
    writeln!(out, "tags per sample: {}", counts.join(", "))?;
    writeln!(out, "exact match (all three right): {}", f4(m.exact_match))?;
    writeln!(
        out,
        "final loss (mean BCE over samples and tags): {}",
        f4(m.fit.last())
    )?;
    Ok(())
}

fn print_sequence(r: &Report, out: &mut dyn Write) -> Result<()> {
    let s = &r.sequence;
    let mut t = Table::new(&["position", "accuracy", "most common answer's share"]);
    for (i, (a, m)) in s.step_accuracy.iter().zip(&s.step_majority).enumerate() {
        t.row(&[(i + 1).to_string(), f4(*a), f4(*m)]);
    }
    write!(out, "{t}")?;
    writeln!(
        out,
        "all positions: accuracy {}, final loss {}",
        f4(s.accuracy),
        f4(s.fit.last())
    )?;
    Ok(())
}

fn print_calibration(r: &Report, out: &mut dyn Write) -> Result<()> {
    let [plain, smooth] = &r.calibration;
    let eps = r.opts.smoothing;
    let mut t = Table::new(&[
        "confidence".to_string(),
        "n".to_string(),
        "mean conf".to_string(),
        "right".to_string(),
        format!("n (eps={eps})"),
        "mean conf".to_string(),
        "right".to_string(),
    ]);
    let cell = |b: &shared::metrics::CalibrationBin| {
        if b.count == 0 {
            ["0".to_string(), "-".to_string(), "-".to_string()]
        } else {
            [b.count.to_string(), f4(b.mean_prob), f4(b.positive_rate)]
        }
    };
    for (a, b) in plain.bins.iter().zip(&smooth.bins) {
        let mut row = vec![format!("{:.2}-{:.2}", a.lo, a.hi)];
        row.extend(cell(a));
        row.extend(cell(b));
        t.row(&row);
    }
    write!(out, "{t}")?;
    let mut t = Table::new(&["4-class model", "accuracy", "mean confidence", "NLL", "ECE"]);
    let label = format!("label smoothing {eps}");
    for (name, c) in [("cross-entropy", plain), (label.as_str(), smooth)] {
        t.row(&[
            name.to_string(),
            f4(c.accuracy),
            f4(c.mean_confidence),
            f4(c.nll),
            f4(c.ece),
        ]);
    }
    write!(out, "\n{t}")?;
    writeln!(out, "{} held-out samples", r.opts.held_out)?;
    Ok(())
}

fn print_speed(r: &Report, out: &mut dyn Write) -> Result<()> {
    let mut t = Table::new(&[
        "loop",
        "weights",
        "matmul GFLOP per loop",
        "elementwise values per step",
    ]);
    for a in &r.arithmetic {
        t.row(&[
            a.task.to_string(),
            a.weights.to_string(),
            fixed(a.gflop, 3),
            a.activations.to_string(),
        ]);
    }
    write!(out, "{t}")?;
    if r.opts.timing {
        let ms = |f: &Fit| fixed(f.elapsed.as_secs_f64() * 1e3, 1);
        writeln!(
            out,
            "timing: regression={} ms binary={} ms multiclass={} ms",
            ms(&r.regression.fit),
            ms(&r.binary.fit),
            ms(&r.multiclass.fit)
        )?;
    }
    Ok(())
}
