//! Chapter 9: choosing an output layer and a loss.
//!
//! The decision guide is one definition, `shared::guide::GUIDE`; this chapter
//! prints it, runs every row's example through the row's own functions, and
//! shows what the inference transforms do to a logit.
//!
//! `examples.rs` and `transforms.rs` compute, this file prints, `plots.rs`
//! draws.

use std::io::Write;
use std::ops::Bound;

use book_kit::chapter::{Chapter, Section};
use book_kit::cli::{above, range};
use book_kit::table::{Table, f4, fixed, sci};
use candle_core::Result;
use shared::guide::{Decision, GUIDE, Settings};

pub mod examples;
pub mod plots;
pub mod transforms;

use examples::{RowRun, run_guide};
use transforms::{Transforms, transforms};

/// The chapter's flags.
#[derive(clap::Args, Debug, Clone)]
pub struct Options {
    /// The probability from which a binary or multi-label output says yes
    #[arg(long, default_value_t = 0.5,
          value_parser = range((Bound::Excluded(0.0), Bound::Excluded(1.0))))]
    pub threshold: f64,
    /// Huber's delta in the outlier example, in the target's units
    #[arg(long, default_value_t = 1.0, value_parser = range(above(0.0)))]
    pub delta: f64,
}

pub static CHAPTER: Chapter<Options, Report> = Chapter {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    validate: None,
    run,
    sections: SECTIONS,
    plots: plots::plots,
    exercises: &[],
};

/// Everything the chapter computes, once.
pub struct Report {
    pub opts: Options,
    /// Every row of the guide with its example, in the guide's order.
    pub rows: Vec<RowRun>,
    pub transforms: Transforms,
}

impl Report {
    /// The row called `key`.
    pub fn row(&self, key: &str) -> Result<&RowRun> {
        self.rows
            .iter()
            .find(|r| r.row.key == key)
            .ok_or_else(|| candle_core::Error::Msg(format!("the guide has no row {key}")))
    }
}

pub fn run(opts: &Options) -> Result<Report> {
    let settings = Settings {
        threshold: opts.threshold,
        delta: opts.delta,
    };
    Ok(Report {
        rows: run_guide(&settings)?,
        transforms: transforms(opts.threshold)?,
        opts: opts.clone(),
    })
}

/// The chapter's output, section by section; one section per row of the guide.
pub const SECTIONS: &[Section<Report>] = &[
    Section {
        name: "guide",
        title: "The decision guide",
        body: print_guide,
    },
    Section {
        name: "functions",
        title: "The functions behind each row, and the chapter that shows it",
        body: print_functions,
    },
    Section {
        name: "regression",
        title: "Regression: MSE",
        body: |r, out| print_example(r, "regression", out),
    },
    Section {
        name: "outliers",
        title: "Regression with outliers: Huber and MAE",
        body: |r, out| print_example(r, "outliers", out),
    },
    Section {
        name: "binary",
        title: "Binary: BCE on the logit, sigmoid at inference",
        body: |r, out| print_example(r, "binary", out),
    },
    Section {
        name: "imbalanced",
        title: "Imbalanced binary: pos_weight or focal, a tuned threshold",
        body: |r, out| print_example(r, "imbalanced", out),
    },
    Section {
        name: "multi-class",
        title: "Multi-class: cross-entropy, softmax and argmax",
        body: |r, out| print_example(r, "multi-class", out),
    },
    Section {
        name: "multi-label",
        title: "Multi-label: BCE on every logit, a sigmoid per label",
        body: |r, out| print_example(r, "multi-label", out),
    },
    Section {
        name: "sequence",
        title: "Sequence: cross-entropy at every step",
        body: |r, out| print_example(r, "sequence", out),
    },
    Section {
        name: "probabilistic",
        title: "Probabilistic output: softmax, then check calibration",
        body: |r, out| print_example(r, "probabilistic", out),
    },
    Section {
        name: "transforms",
        title: "From a logit to a probability",
        body: print_transforms,
    },
];

/// A table whose columns are all text, left-aligned: every cell (header
/// included) is padded to its column's width, so the table's right-alignment
/// changes nothing.
fn text_table(header: &[&str], rows: &[Vec<&str>]) -> Table {
    let width = |c: usize| {
        rows.iter()
            .map(|r| r[c])
            .chain([header[c]])
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
    };
    let pad = |cells: Vec<&str>| -> Vec<String> {
        cells
            .iter()
            .enumerate()
            .map(|(c, s)| format!("{s:<w$}", w = width(c)))
            .collect()
    };
    let mut table = Table::new(&pad(header.to_vec()));
    for r in rows {
        table.row(&pad(r.clone()));
    }
    table
}

fn print_guide(r: &Report, out: &mut dyn Write) -> Result<()> {
    let rows: Vec<Vec<&str>> = GUIDE
        .iter()
        .map(|row| vec![row.task, row.output_layer, row.loss, row.inference])
        .collect();
    let table = text_table(&["task", "output layer", "loss", "at inference"], &rows);
    write!(out, "{table}")?;
    writeln!(
        out,
        "C: classes; L: labels; p: a probability; t: the threshold, here {}",
        f4(r.opts.threshold)
    )?;
    Ok(())
}

fn print_functions(r: &Report, out: &mut dyn Write) -> Result<()> {
    let mut rows = Vec::new();
    for run in &r.rows {
        for (i, f) in run.row.functions.iter().enumerate() {
            let (task, chapter) = match i {
                0 => (run.row.task, run.row.chapter),
                _ => ("", ""),
            };
            rows.push(vec![task, *f, chapter]);
        }
    }
    let table = text_table(&["task", "loss function", "shown in"], &rows);
    write!(out, "{table}")?;
    let matching = r.rows.iter().filter(|run| run.names_match).count();
    writeln!(
        out,
        "rows whose printed paths are the functions their example called: {matching} of {}",
        r.rows.len()
    )?;
    Ok(())
}

/// Numbers side by side, each right-aligned to `width`.
fn joined(xs: &[f64], decimals: usize, width: usize) -> String {
    xs.iter()
        .map(|&x| format!("{:>width$}", fixed(x, decimals)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn decision(d: &Decision) -> String {
    match d {
        Decision::Value(v) => fixed(*v, 2),
        Decision::Class(c) => c.to_string(),
        Decision::Labels(ls) => ls.iter().map(u32::to_string).collect::<Vec<_>>().join(" "),
    }
}

/// A function's name without its module path.
fn short(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

fn print_example(r: &Report, key: &str, out: &mut dyn Write) -> Result<()> {
    let run = r.row(key)?;
    let ex = &run.example;
    for l in &ex.losses {
        let value = format!(
            "{} = {} (formula: {})",
            l.function,
            f4(l.value),
            f4(l.by_hand)
        );
        writeln!(out, "loss       {value}")?;
    }
    for (i, f) in ex.inference_called.iter().enumerate() {
        writeln!(out, "{:<11}{f}", if i == 0 { "inference" } else { "" })?;
    }
    let rule = match (ex.threshold, ex.probabilities.first().map(Vec::len)) {
        (Some(t), _) => format!("yes where p >= {}", f4(t)),
        (None, Some(_)) => "the class with the largest probability".to_string(),
        (None, None) => "the output is the prediction".to_string(),
    };
    writeln!(out, "decision   {rule}\n")?;
    let regression = ex.probabilities.is_empty();
    let show_residual = run.residual_gap.iter().flatten().any(|&g| g > 1e-9);
    let grad_header = |f: &str| match ex.losses.len() {
        1 => "grad of sum".to_string(),
        _ => format!("grad {}", short(f)),
    };
    let mut header: Vec<String> = if regression {
        vec![
            ex.unit.into(),
            "prediction".into(),
            "target".into(),
            "error".into(),
        ]
    } else {
        let out = if ex.outputs[0].len() == 1 {
            "logit"
        } else {
            "logits"
        };
        vec![
            ex.unit.into(),
            out.into(),
            "target".into(),
            "p".into(),
            "decision".into(),
        ]
    };
    if show_residual {
        header.push("p - y".into());
    }
    header.extend(ex.losses.iter().map(|l| grad_header(l.function)));
    let mut table = Table::new(&header);
    for i in 0..ex.outputs.len() {
        let mut row = vec![(i + 1).to_string()];
        if regression {
            let (p, y) = (ex.outputs[i][0], ex.targets[i][0]);
            row.extend([fixed(p, 2), fixed(y, 2), fixed(p - y, 2)]);
        } else {
            row.push(joined(&ex.outputs[i], 1, 4));
            row.push(joined(&ex.targets[i], 0, 1));
            row.push(joined(&ex.probabilities[i], 4, 6));
            row.push(decision(&ex.decisions[i]));
        }
        if show_residual {
            row.push(joined(&run.residual[i], 4, 7));
        }
        for l in &ex.losses {
            let width = if regression { 5 } else { 7 };
            let decimals = if regression { 2 } else { 4 };
            row.push(joined(&l.grad_of_sum[i], decimals, width));
        }
        table.row(&row);
    }
    write!(out, "{table}")?;
    for (l, gap) in ex.losses.iter().zip(&run.residual_gap) {
        if let Some(gap) = gap {
            writeln!(
                out,
                "{}: largest |grad of sum - (p - y)| = {}",
                short(l.function),
                sci(*gap)
            )?;
        }
    }
    if let Some(c) = &ex.calibration {
        writeln!(
            out,
            "mean top-class probability {}, accuracy {}, ECE over {} bins {}",
            f4(c.mean_confidence),
            f4(c.accuracy),
            c.bins,
            f4(c.ece)
        )?;
    }
    Ok(())
}

fn print_transforms(r: &Report, out: &mut dyn Write) -> Result<()> {
    let t = &r.transforms;
    let mut table = Table::new(&[
        "z",
        "sigmoid(z)",
        "softmax([z, 0])",
        "softmax([z, 0, 0])",
        "sigmoid(z - ln 2)",
    ]);
    for i in 0..t.z.len() {
        table.row(&[
            f4(t.z[i]),
            f4(t.sigmoid[i]),
            f4(t.softmax2[i]),
            f4(t.softmax3[i]),
            f4(t.shifted[i]),
        ]);
    }
    write!(out, "{table}")?;
    writeln!(out, "(each softmax column: the first probability)")?;
    writeln!(
        out,
        "largest |sigmoid(z) - softmax([z, 0])| on [-8, 8]:             {}",
        sci(t.gap2)
    )?;
    writeln!(
        out,
        "largest |softmax([z, 0, 0]) - sigmoid(z - ln 2)| on [-8, 8]:   {}",
        sci(t.gap3)
    )?;
    writeln!(
        out,
        "p >= {} decides exactly as z >= {}, the logit of the threshold",
        f4(t.threshold),
        f4(t.logit_threshold)
    )?;
    Ok(())
}
