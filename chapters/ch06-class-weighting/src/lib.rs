//! Chapter 6: class weighting, `pos_weight` and focal loss on imbalanced data.
//!
//! How PyTorch averages a weighted cross-entropy, and what `pos_weight`, class weights
//! and focal loss really change when positives are rare: precision, recall and F1 of the
//! minority class on held-out data, at 0.5 and at a threshold tuned on validation data.
//!
//! `weighting.rs`, `focal.rs`, `experiment.rs` (with `training.rs` and
//! `multiclass.rs`) and `scores.rs` compute, this file prints, `plots.rs` draws;
//! `exercises.rs` is the workshop's, with `checks.rs` and (feature
//! `solutions`) `solutions.rs`.

use std::io::Write;

use book_kit::chapter::{Chapter, Section};
use book_kit::cli::range;
use book_kit::table::{Table, f4, fixed, pct, sci};
use candle_core::Result;
use clap::builder::TypedValueParser;

pub mod checks;
#[allow(unused_imports)] // an answer need not use every import the file has
pub mod exercises;
pub mod experiment;
pub mod focal;
pub mod multiclass;
pub mod plots;
pub mod scores;
#[cfg(feature = "solutions")]
pub mod solutions;
pub mod training;
pub mod weighting;

use experiment::HELD_OUT;
use scores::{rate_table, scores_row};

/// The chapter's flags.
#[derive(clap::Args, Debug, Clone)]
pub struct Options {
    /// Positive (minority) rates of the binary task, comma-separated, each from 0.001 to 0.5
    #[arg(long, value_delimiter = ',', default_values_t = [0.05, 0.01], value_parser = range(0.001..=0.5), allow_negative_numbers = true)]
    pub rate: Vec<f64>,
    /// How far each minority class sits from the majority along its features;
    /// smaller means more overlap
    #[arg(long, default_value_t = 1.5, value_parser = range(0.0..=10.0), allow_negative_numbers = true)]
    pub separation: f64,
    /// Focal loss γ in the method comparison
    #[arg(long, default_value_t = 2.0, value_parser = range(0.0..=20.0), allow_negative_numbers = true)]
    pub gamma: f64,
    /// Focal loss α, the weight of the positive class (a negative value turns α off)
    // Read once, torchvision's way: a negative number is `None`. The full
    // path keeps clap from making the flag itself optional.
    #[arg(long, default_value = "0.25", allow_negative_numbers = true, value_parser = range(..=1.0).map(|a| (a >= 0.0).then_some(a)))]
    pub alpha: ::std::option::Option<f64>,
    /// The γ values of the focal-loss sweep (run at the first rate, without α)
    #[arg(long, value_delimiter = ',', default_values_t = [0.0, 0.5, 1.0, 2.0, 5.0], value_parser = range(0.0..=20.0), allow_negative_numbers = true)]
    pub gammas: Vec<f64>,
    /// Class shares of the multi-class task, comma-separated, majority first
    #[arg(long, value_delimiter = ',', default_values_t = [0.80, 0.15, 0.05], value_parser = range(0.001..=1.0), allow_negative_numbers = true)]
    pub shares: Vec<f64>,
    /// Training rows per task
    #[arg(long, default_value_t = 4000, value_parser = clap::value_parser!(u64).range(100..=100_000))]
    pub train: u64,
    /// Hidden ReLU units (0: a linear model, i.e. logistic regression)
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=256))]
    pub hidden: u64,
    /// Full-batch Adam steps per model
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=20_000))]
    pub steps: u64,
    /// Adam's learning rate
    #[arg(long, default_value_t = 0.2, value_parser = range(1e-6..=10.0))]
    pub lr: f64,
    /// Seed for the data and the initial weights
    #[arg(long, default_value_t = shared::data::DEFAULT_SEED)]
    pub seed: u64,
}

pub static CHAPTER: Chapter<Options, Report> = Chapter {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    validate: Some(validate),
    run,
    sections: SECTIONS,
    plots: plots::plots,
    exercises: checks::EXERCISES,
};

/// The checks that need several flags at once.
pub fn validate(o: &Options) -> std::result::Result<(), String> {
    if !(2..=8).contains(&o.shares.len()) {
        return Err("--shares needs between 2 and 8 classes".into());
    }
    let total: f64 = o.shares.iter().sum();
    if (total - 1.0).abs() > 1e-6 {
        return Err(format!("--shares must add up to 1, not {total:.4}"));
    }
    let every_share = o.rate.iter().chain(&o.shares);
    let smallest = every_share.fold(1.0, |a: f64, &b| a.min(b));
    if smallest * (o.train as f64) < 10.0 {
        return Err(format!(
            "--train {} expects fewer than 10 training rows of a class with rate {smallest}: raise --train",
            o.train
        ));
    }
    Ok(())
}

/// Everything the chapter computes, once; the sections print it and the
/// plots draw it.
pub struct Report {
    pub opts: Options,
    pub weighted_mean: weighting::WeightedMean,
    pub pos_weight: weighting::PosWeightExample,
    /// Every trained model and its held-out predictions.
    pub trained: experiment::Experiment,
    /// The binary models' scores, one entry per positive rate.
    pub rates: Vec<scores::RateScores>,
    pub multi: multiclass::MultiScores,
    pub focal_shape: Vec<focal::FocalRow>,
    pub focal_curves: Vec<focal::FocalCurve>,
}

pub fn run(opts: &Options) -> Result<Report> {
    let trained = experiment::train_all(opts)?;
    Ok(Report {
        weighted_mean: weighting::weighted_mean_example()?,
        pos_weight: weighting::pos_weight_example()?,
        rates: scores::score_rates(&trained.rates),
        multi: multiclass::score_multi(&trained.multi),
        focal_shape: focal::focal_shape(&opts.gammas)?,
        focal_curves: focal::focal_curves(&opts.gammas)?,
        trained,
        opts: opts.clone(),
    })
}

/// The chapter's output, section by section.
pub const SECTIONS: &[Section<Report>] = &[
    Section {
        name: "weighted-mean",
        title: "PyTorch's weighted mean: divide by the sum of the weights",
        body: print_weighted_mean,
    },
    Section {
        name: "data",
        title: "The data: imbalanced binary and multi-class tasks",
        body: print_data,
    },
    Section {
        name: "at-half",
        title: "Held-out scores of the minority class at threshold 0.5",
        body: print_at_half,
    },
    Section {
        name: "tuned",
        title: "Held-out scores at a threshold tuned on validation data",
        body: print_tuned,
    },
    Section {
        name: "fitted",
        title: "What the weighting changed in the linear model",
        body: print_fitted,
    },
    Section {
        name: "thresholds",
        title: "How the threshold trades precision for recall",
        body: print_thresholds,
    },
    Section {
        name: "focal-shape",
        title: "Focal loss: the factor (1 - p_t)^γ",
        body: print_focal_shape,
    },
    Section {
        name: "gamma-sweep",
        title: "Focal loss γ sweep (no α)",
        body: print_gamma_sweep,
    },
    Section {
        name: "multiclass",
        title: "Weighted cross-entropy on an imbalanced multi-class task",
        body: print_multiclass,
    },
];

fn print_weighted_mean(r: &Report, out: &mut dyn Write) -> Result<()> {
    let e = &r.weighted_mean;
    let mut table = Table::new(&["sample", "target", "loss", "weight", "weight × loss"]);
    for (i, (&l, &w)) in e.per_sample.iter().zip(&e.sample_weights).enumerate() {
        table.row(&[i.to_string(), i.to_string(), f4(l), fixed(w, 0), f4(w * l)]);
    }
    write!(out, "{table}")?;
    let (sum, w, n) = (e.weighted_sum(), e.sum_of_weights(), e.per_sample.len());
    let mut line = |label: String, value: f64| writeln!(out, "{label:<38} = {}", f4(value));
    line("unweighted: cross_entropy(.., None)".into(), e.unweighted)?;
    line("weighted sum".into(), sum)?;
    line(format!("weighted sum / sum of weights ({w})"), sum / w)?;
    line(format!("weighted sum / N ({n})"), sum / n as f64)?;
    line("cross_entropy(.., Some(&[1, 19, 1]))".into(), e.weighted)?;

    // BCEWithLogitsLoss(pos_weight) is a plain mean over N: no Σw denominator.
    let p = &r.pos_weight;
    let (sum, sum_w, n) = (p.sum(), p.sum_of_weights(), p.per_sample.len());
    let per: Vec<String> = p.per_sample.iter().map(|&x| f4(x)).collect();
    writeln!(
        out,
        "\npos_weight 19, logits [2.1, -0.5, 1.8, -1.2], targets [1, 0, 1, 0]"
    )?;
    writeln!(out, "{:<38} = [{}]", "per-sample losses", per.join(", "))?;
    let mut line = |label: String, value: f64| writeln!(out, "{label:<38} = {}", f4(value));
    line("bce_with_logits(.., Some(19.0))".into(), p.mean)?;
    line(format!("sum / N ({n})"), sum / n as f64)?;
    line(format!("sum / sum of weights ({sum_w})"), sum / sum_w)?;
    line("2-class cross_entropy, weights [1, 19]".into(), p.two_class)?;
    Ok(())
}

fn print_data(r: &Report, out: &mut dyn Write) -> Result<()> {
    let columns = "positive rate|train rows|train pos.|pos_weight|val. pos.|test pos.";
    let mut table = Table::new(&columns.split('|').collect::<Vec<_>>());
    for rate in &r.trained.rates {
        table.row(&[
            pct(rate.rate),
            rate.train_rows.to_string(),
            rate.train_positives.to_string(),
            fixed(rate.pos_weight, 2),
            rate.val_positives.to_string(),
            rate.test_positives.to_string(),
        ]);
    }
    let model = match r.opts.hidden {
        0 => "linear (logistic regression)".to_string(),
        h => format!("MLP with {h} hidden ReLU units"),
    };
    let (sep, steps, lr) = (r.opts.separation, r.opts.steps, r.opts.lr);
    writeln!(
        out,
        "{table}pos. = positives; val. = validation; pos_weight = n_neg / n_pos (training rows)\n\
         features: 4 standard normals, positives shifted by {sep} on x0 and x1\n\
         validation and test: {HELD_OUT} rows each\n\
         model: {model}, {steps} full-batch Adam steps at lr {lr}"
    )?;
    let m = &r.trained.multi;
    let mut table = Table::new(&["class", "share", "train rows", "weight = n_0 / n_c"]);
    for (c, (&n, &w)) in m.train_counts.iter().zip(&m.weights).enumerate() {
        table.row(&[c.to_string(), pct(m.shares[c]), n.to_string(), fixed(w, 2)]);
    }
    write!(out, "\n{table}")?;
    writeln!(
        out,
        "class 0 at the origin; class c > 0 shifted by {sep} on feature c - 1"
    )?;
    Ok(())
}

fn print_at_half(r: &Report, out: &mut dyn Write) -> Result<()> {
    for rate in &r.rates {
        let h = &rate.at_half;
        let columns = "precision|recall|F1|flagged|mean p|avg precision";
        let mut table = rate_table(rate.rate, columns);
        for m in &h.methods {
            let mut row = scores_row(vec![m.method.name()], &m.scores);
            row.push(m.scores.predicted_positive.to_string());
            row.extend([f4(m.mean_prob), f4(m.average_precision)]);
            table.row(&row);
        }
        let at = f4(h.base_rate_threshold);
        let label = format!("BCE at {at} = 1/(1 + pos_weight)");
        let mut row = scores_row(vec![label], &h.bce_at_base_rate);
        row.push(h.bce_at_base_rate.predicted_positive.to_string());
        table.row(&row);
        write!(out, "{table}")?;
        let (rows, share) = (h.test_rows, pct(h.test_positive_share));
        writeln!(out, "test rows: {rows}, of which positive: {share}\n")?;
    }
    Ok(())
}

fn print_tuned(r: &Report, out: &mut dyn Write) -> Result<()> {
    for rate in &r.rates {
        let mut table = rate_table(rate.rate, "threshold|precision|recall|F1");
        for t in &rate.tuned {
            let first = vec![t.method.name(), f4(t.threshold)];
            table.row(&scores_row(first, &t.scores));
        }
        writeln!(out, "{table}")?;
    }
    writeln!(
        out,
        "thresholds maximise F1 on the validation rows; scores are on the test rows"
    )?;
    Ok(())
}

fn print_fitted(r: &Report, out: &mut dyn Write) -> Result<()> {
    for rate in &r.rates {
        let Some(fits) = &rate.fitted else {
            writeln!(out, "(shown for the linear model only, --hidden 0)")?;
            return Ok(());
        };
        let columns = "w0|w1|w2|w3|bias|bias - BCE's|cos(w, BCE's w)";
        let mut table = rate_table(rate.rate, columns);
        for f in fits {
            let mut row = vec![f.method.name()];
            row.extend(f.weights.iter().map(|&x| f4(x)));
            row.extend([f4(f.bias), f4(f.bias_shift), f4(f.cosine)]);
            table.row(&row);
        }
        write!(out, "{table}")?;
        writeln!(out, "ln(pos_weight) = {}\n", f4(rate.pos_weight.ln()))?;
    }
    Ok(())
}

fn print_thresholds(r: &Report, out: &mut dyn Write) -> Result<()> {
    for rate in &r.rates {
        let at = pct(rate.rate);
        let title = format!("{at} positives: precision / recall / F1 on the test rows");
        writeln!(out, "{title}")?;
        let mut header = vec!["threshold".to_string()];
        header.extend(rate.at_half.methods.iter().map(|m| m.method.name()));
        let mut table = Table::new(&header);
        for t in &rate.trade_off {
            let mut row = vec![fixed(t.threshold, 1)];
            row.extend(t.scores.iter().map(|s| {
                let [p, rc, f1] = [s.precision, s.recall, s.f1].map(|x| fixed(x, 2));
                format!("{p} / {rc} / {f1}")
            }));
            table.row(&row);
        }
        writeln!(out, "{table}")?;
    }
    Ok(())
}

fn print_focal_shape(r: &Report, out: &mut dyn Write) -> Result<()> {
    let small = |x: f64| if x == 0.0 || x >= 1e-3 { f4(x) } else { sci(x) };
    let mut header = vec!["γ".to_string()];
    header.extend(focal::P_T.iter().map(|p| format!("p_t = {p}")));
    header.extend(["FL / BCE at 0.9".into(), "easy / hard".into()]);
    let mut table = Table::new(&header);
    for f in &r.focal_shape {
        let mut row = vec![format!("{}", f.gamma)];
        row.extend(f.loss.iter().map(|&x| small(x)));
        row.extend([small(f.vs_bce), small(f.easy_over_hard)]);
        table.row(&row);
    }
    writeln!(
        out,
        "{table}p_t = …: focal loss when the true class gets probability p_t (α off)\n\
         easy / hard: loss at 0.9 over loss at 0.1; γ = 0 is BCE; FL / BCE = (1 - p_t)^γ"
    )?;
    Ok(())
}

fn print_gamma_sweep(r: &Report, out: &mut dyn Write) -> Result<()> {
    let Some(rate) = r.rates.first() else {
        return Ok(());
    };
    let columns = "P @0.5|R @0.5|F1 @0.5|mean p pos|mean p neg|tuned t|F1 @t|avg prec.";
    let mut table = rate_table(rate.rate, columns);
    for s in &rate.sweep {
        let mut row = scores_row(vec![s.method.name()], &s.at_half);
        row.extend([s.mean_prob_pos, s.mean_prob_neg, s.tuned.threshold].map(f4));
        row.extend([s.tuned.scores.f1, s.average_precision].map(f4));
        table.row(&row);
    }
    write!(out, "{table}")?;
    writeln!(out, "P, R: precision, recall; t: tuned on validation rows")?;
    Ok(())
}

fn print_multiclass(r: &Report, out: &mut dyn Write) -> Result<()> {
    let m = &r.multi;
    let mut table = Table::new(&["model", "class", "precision", "recall", "F1"]);
    for model in &m.models {
        for (class, s) in model.classes.iter().enumerate() {
            table.row(&scores_row(vec![model.model.into(), class.to_string()], s));
        }
    }
    write!(out, "{table}")?;
    let mut table = Table::new(&["model", "accuracy", "mean recall", "macro F1"]);
    for model in &m.models {
        let mut row = vec![model.model.to_string()];
        row.extend([model.accuracy, model.mean_recall, model.macro_f1].map(f4));
        table.row(&row);
    }
    write!(out, "\n{table}")?;
    writeln!(
        out,
        "weighted CE and plain CE + ln w predict the same class for {} of the test rows",
        pct(m.agreement)
    )?;
    Ok(())
}
