//! The section bodies: each runs an experiment from the crate root and prints
//! what it returned.

use std::io::Write;

use candle_core::{Device, Result, Tensor};
use shared::metrics;
use shared::table::{Table, f4, fixed, pct};

use crate::setup::{BinaryScores, N};
use crate::{
    GD_LR, Loss, Options, SPACING, compare, constant_scan, easy_data, fit, gradient_at,
    hard_settings, intercept_steps, multiclass_results, wrong_start_runs,
};

pub(crate) fn constant(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let s = constant_scan(opts)?;
    let mut table = Table::new(&["constant c", "MSE(c)", "log-loss(c)", ""]);
    for &(c, mse, ll) in &s.grid {
        let at_rate = (c - s.rate).abs() < 5e-4; // the grid point nearest the rate
        let shown = [0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 0.9]
            .iter()
            .any(|v| (c - v).abs() < 5e-4);
        if at_rate || shown {
            let note = if at_rate { "<- positive rate" } else { "" };
            table.row(&[fixed(c, 3), f4(mse), f4(ll), note.to_string()]);
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
        f4(s.grid.iter().map(|g| g.1).fold(f64::INFINITY, f64::min)),
        f4(s.rate * (1.0 - s.rate))
    )?;
    for (loss, p) in &s.intercept_only {
        writeln!(
            out,
            "intercept-only model, {}, {} steps: predicts {} for every row",
            loss.name(),
            intercept_steps(opts),
            f4(*p)
        )?;
    }
    Ok(())
}

/// One comparison table: a row per loss.
fn scores_table(rows: &[(Loss, BinaryScores)], first: &str) -> Table {
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
    for (loss, s) in rows {
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

pub(crate) fn easy(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let (train_set, test) = easy_data(opts);
    let rows = compare(&train_set, &test, opts)?;
    write!(out, "{}", scores_table(&rows, "trained with"))?;
    writeln!(
        out,
        "test set: {} rows, {} positive; scores on outputs read as probabilities,",
        test.len(),
        pct(test.class_rates().get(1).copied().unwrap_or(0.0))
    )?;
    writeln!(
        out,
        "raw MSE outputs clipped into [0, 1] for log-loss and ECE"
    )?;
    Ok(())
}

pub(crate) fn reliability(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let (train_set, test) = easy_data(opts);
    let mut header = vec!["bin".to_string()];
    let mut columns = Vec::new();
    for loss in [Loss::MseRaw, Loss::Bce] {
        let s = fit(loss, &train_set, &test, opts)?;
        let clipped: Vec<f64> = s.prob.iter().map(|p| p.clamp(0.0, 1.0)).collect();
        columns.push(metrics::reliability(
            &clipped,
            &test.labels,
            opts.bins as usize,
        ));
        let short = if loss == Loss::Bce { "BCE" } else { "MSE" };
        header.extend([
            format!("{short} n"),
            format!("{short} mean p"),
            format!("{short} observed"),
        ]);
    }
    let mut table = Table::new(&header);
    for (a, b) in columns[0].iter().zip(&columns[1]) {
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
    for (name, bins) in ["MSE on raw output (clipped)", "BCE with logits"]
        .iter()
        .zip(&columns)
    {
        writeln!(
            out,
            "ECE, {name}: {}",
            f4(metrics::expected_calibration_error(bins))
        )?;
    }
    Ok(())
}

pub(crate) fn gradients(_opts: &Options, out: &mut dyn Write) -> Result<()> {
    let z = [-8.0, -4.0, -2.0, 0.0, 2.0, 4.0, 8.0];
    let g: Vec<Vec<f64>> = Loss::ALL
        .iter()
        .map(|&l| gradient_at(l, &z))
        .collect::<Result<_>>()?;
    let mut table = Table::new(&[
        "output z",
        "sigmoid(z)",
        "MSE raw dL/dz",
        "MSE on sigmoid dL/dz",
        "BCE dL/dz",
    ]);
    for (i, &zi) in z.iter().enumerate() {
        table.row(&[
            fixed(zi, 1),
            f4(Loss::Bce.probability(zi)),
            f4(g[0][i]),
            f4(g[1][i]),
            f4(g[2][i]),
        ]);
    }
    write!(out, "{table}")?;
    // The raw-MSE loss itself, on one output against label 1.
    let cost = |o: f64| -> Result<f64> {
        let (out, one) = (
            Tensor::new(&[[o]], &Device::Cpu)?,
            Tensor::new(&[[1.0]], &Device::Cpu)?,
        );
        Loss::MseRaw.loss(&out, &one)?.to_scalar::<f64>()
    };
    writeln!(out, "label 1; negative dL/dz means training pushes z up")?;
    writeln!(
        out,
        "MSE on raw output, label 1: output 2.0 costs {}, the same as output 0.0 ({})",
        f4(cost(2.0)?),
        f4(cost(0.0)?)
    )?;
    Ok(())
}

pub(crate) fn wrong_start(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let runs = wrong_start_runs(opts)?;
    let mut header = vec!["loss".to_string(), "optimiser".to_string()];
    if let Some(r) = runs.first() {
        header.extend(r.accuracy.iter().map(|(s, _)| format!("step {s}")));
    }
    let mut table = Table::new(&header);
    for r in &runs {
        let mut row = vec![r.loss.name().to_string(), r.optimiser.to_string()];
        row.extend(r.accuracy.iter().map(|(_, a)| f4(*a)));
        table.row(&row);
    }
    write!(out, "{table}")?;
    writeln!(
        out,
        "test accuracy; start: weight {} on features 0 and 1, gradient descent lr {}, Adam lr {}",
        opts.start_weight, GD_LR, opts.lr
    )?;
    Ok(())
}

pub(crate) fn hard(opts: &Options, out: &mut dyn Write) -> Result<()> {
    for (i, s) in hard_settings(opts)?.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write!(out, "{}", scores_table(&s.results, &s.name))?;
        let predicted: Vec<String> = s
            .results
            .iter()
            .map(|(l, r)| format!("{} {}", l.name(), r.predicted_positive))
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

pub(crate) fn multiclass(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let mut table = Table::new(&[
        "task",
        "trained with",
        "accuracy",
        "recall per class",
        "outside [0,1]",
    ]);
    for (name, loss, _, s) in multiclass_results(opts)? {
        let recall: Vec<String> = s.recall.iter().map(|r| f4(*r)).collect();
        table.row(&[
            name.to_string(),
            loss.name().to_string(),
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
