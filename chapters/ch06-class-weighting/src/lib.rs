//! Chapter 6: class weighting, `pos_weight` and focal loss on imbalanced data.
//!
//! How PyTorch averages a weighted cross-entropy, and what `pos_weight`,
//! class weights and focal loss really change when positives are rare:
//! precision, recall and F1 of the minority class on held-out data, at the
//! default threshold 0.5 and at a threshold tuned on a validation set.

use std::io::Write;

use candle_core::{DType, Device, Result, Tensor};
use shared::chapter::Section;
use shared::losses::{
    bce_with_logits, bce_with_logits_elementwise, cross_entropy, cross_entropy_elementwise,
};
use shared::metrics::{accuracy, argmax_rows, class_scores};
use shared::table::{Table, f4, fixed, pct, sci};

mod options;
mod plots;
pub mod runs;

pub use options::{HELD_OUT, Options};
pub use plots::{focal_at, plots};
use runs::MultiResult;

/// The chapter's output, section by section.
pub const SECTIONS: &[Section<Options>] = &[
    Section {
        name: "weighted-mean",
        title: "PyTorch's weighted mean: divide by the sum of the weights",
        body: weighted_mean,
    },
    Section {
        name: "data",
        title: "The data: imbalanced binary and multi-class tasks",
        body: data,
    },
    Section {
        name: "at-half",
        title: "Held-out scores of the minority class at threshold 0.5",
        body: at_half,
    },
    Section {
        name: "tuned",
        title: "Held-out scores at a threshold tuned on validation data",
        body: tuned,
    },
    Section {
        name: "fitted",
        title: "What the weighting changed in the linear model",
        body: fitted,
    },
    Section {
        name: "thresholds",
        title: "How the threshold trades precision for recall",
        body: thresholds,
    },
    Section {
        name: "focal-shape",
        title: "Focal loss: the factor (1 - p_t)^γ",
        body: focal_shape,
    },
    Section {
        name: "gamma-sweep",
        title: "Focal loss γ sweep (no α)",
        body: gamma_sweep,
    },
    Section {
        name: "multiclass",
        title: "Weighted cross-entropy on an imbalanced multi-class task",
        body: multiclass,
    },
];

pub struct Chapter;
shared::impl_chapter!(Chapter, "ch06-class-weighting", Options, SECTIONS, plots);

// ANCHOR: weighted_mean
/// The source's example: three samples, one per class, class weights [1, 19, 1].
pub struct WeightedMean {
    /// `−log softmax(z)[target]` for each sample.
    pub per_sample: Vec<f64>,
    /// The weight of each sample's target class.
    pub sample_weights: Vec<f64>,
    /// `cross_entropy(.., None)`: the plain mean.
    pub unweighted: f64,
    /// `cross_entropy(.., Some(&[1, 19, 1]))`: PyTorch's weighted mean.
    pub weighted: f64,
}

impl WeightedMean {
    pub fn weighted_sum(&self) -> f64 {
        self.per_sample
            .iter()
            .zip(&self.sample_weights)
            .map(|(l, w)| l * w)
            .sum()
    }
    pub fn sum_of_weights(&self) -> f64 {
        self.sample_weights.iter().sum()
    }
}

pub fn weighted_mean_example() -> Result<WeightedMean> {
    let dev = Device::Cpu;
    let logits = Tensor::new(
        &[[2.1f32, 0.3, -0.5], [0.1, 1.9, 0.2], [-0.3, 0.4, 2.2]],
        &dev,
    )?;
    let targets = [0u32, 1, 2];
    let class_weights = [1.0, 19.0, 1.0];
    let t = Tensor::new(&targets, &dev)?;
    let scalar = |x: Tensor| -> Result<f64> { x.to_dtype(DType::F64)?.to_scalar::<f64>() };
    Ok(WeightedMean {
        per_sample: to_vec(&cross_entropy_elementwise(&logits, &t)?)?,
        sample_weights: targets.iter().map(|&c| class_weights[c as usize]).collect(),
        unweighted: scalar(cross_entropy(&logits, &t, None)?)?,
        weighted: scalar(cross_entropy(&logits, &t, Some(&class_weights))?)?,
    })
}

/// `BCEWithLogitsLoss(pos_weight = 19)` on the source's four binary logits `z`:
/// per-sample losses, the library's mean, and the same task as a two-class
/// cross-entropy (logits `[0, z]`, class weights `[1, 19]`).
pub fn pos_weight_example() -> Result<(Vec<f64>, f64, f64)> {
    let dev = Device::Cpu;
    let z = Tensor::new(&[2.1f32, -0.5, 1.8, -1.2], &dev)?;
    let y = Tensor::new(&[1.0f32, 0.0, 1.0, 0.0], &dev)?;
    let scalar = |x: Tensor| -> Result<f64> { x.to_dtype(DType::F64)?.to_scalar::<f64>() };
    let per = to_vec(&bce_with_logits_elementwise(&z, &y, Some(19.0))?)?;
    let mean = scalar(bce_with_logits(&z, &y, Some(19.0))?)?;
    // softmax([0, z])[1] = σ(z), so each sample's two-class loss is its BCE.
    let two_class = Tensor::stack(&[&z.zeros_like()?, &z], 1)?;
    let classes = Tensor::new(&[1u32, 0, 1, 0], &dev)?;
    let ce = scalar(cross_entropy(&two_class, &classes, Some(&[1.0, 19.0]))?)?;
    Ok((per, mean, ce))
}

fn weighted_mean(_opts: &Options, out: &mut dyn Write) -> Result<()> {
    let e = weighted_mean_example()?;
    let mut table = Table::new(&["sample", "target", "loss", "weight", "weight × loss"]);
    for (i, (&l, &w)) in e.per_sample.iter().zip(&e.sample_weights).enumerate() {
        table.row(&[i.to_string(), i.to_string(), f4(l), fixed(w, 0), f4(w * l)]);
    }
    write!(out, "{table}")?;
    let (sum, sum_w, n) = (e.weighted_sum(), e.sum_of_weights(), e.per_sample.len());
    let mut line = |label: String, value: f64| writeln!(out, "{label:<38} = {}", f4(value));
    line("unweighted: cross_entropy(.., None)".into(), e.unweighted)?;
    line("weighted sum".into(), sum)?;
    line(
        format!("weighted sum / sum of weights ({sum_w})"),
        sum / sum_w,
    )?;
    line(format!("weighted sum / N ({n})"), sum / n as f64)?;
    line("cross_entropy(.., Some(&[1, 19, 1]))".into(), e.weighted)?;

    // BCEWithLogitsLoss(pos_weight) is a plain mean over N: no Σw denominator.
    let (per, mean, two_class) = pos_weight_example()?;
    let (sum, n) = (per.iter().sum::<f64>(), per.len());
    let sum_w = 19.0 + 1.0 + 19.0 + 1.0; // targets [1, 0, 1, 0]
    writeln!(
        out,
        "\npos_weight 19, logits [2.1, -0.5, 1.8, -1.2], targets [1, 0, 1, 0]"
    )?;
    writeln!(out, "{:<38} = [{}]", "per-sample losses", join(&per))?;
    let mut line = |label: String, value: f64| writeln!(out, "{label:<38} = {}", f4(value));
    line("bce_with_logits(.., Some(19.0))".into(), mean)?;
    line(format!("sum / N ({n})"), sum / n as f64)?;
    line(format!("sum / sum of weights ({sum_w})"), sum / sum_w)?;
    line("2-class cross_entropy, weights [1, 19]".into(), two_class)?;
    Ok(())
}
// ANCHOR_END: weighted_mean

fn to_vec(t: &Tensor) -> Result<Vec<f64>> {
    shared::activations::to_f64_vec(t)
}

fn join(v: &[f64]) -> String {
    v.iter().map(|&x| f4(x)).collect::<Vec<_>>().join(", ")
}

fn positives(labels: &[u32]) -> usize {
    labels.iter().filter(|&&l| l == 1).count()
}

fn data(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let e = opts.experiment()?;
    let mut table = Table::new(&[
        "positive rate",
        "train rows",
        "train positives",
        "pos_weight = n_neg/n_pos",
        "validation positives",
        "test positives",
    ]);
    for r in &e.rates {
        table.row(&[
            pct(r.rate),
            r.train_rows.to_string(),
            r.train_positives.to_string(),
            fixed(r.pos_weight, 2),
            positives(&r.val_labels).to_string(),
            positives(&r.test_labels).to_string(),
        ]);
    }
    write!(out, "{table}")?;
    writeln!(
        out,
        "features: 4 standard normals, positives shifted by {} on x0 and x1; validation and test: {HELD_OUT} rows each",
        opts.separation
    )?;
    writeln!(
        out,
        "model: {}, {} full-batch Adam steps at lr {}",
        model_name(opts),
        opts.steps,
        opts.lr
    )?;
    let m = &e.multi;
    let mut table = Table::new(&["class", "share", "train rows", "weight = n_0 / n_c"]);
    for (c, (&n, &w)) in m.train_counts.iter().zip(&m.weights).enumerate() {
        table.row(&[c.to_string(), pct(m.shares[c]), n.to_string(), fixed(w, 2)]);
    }
    writeln!(out)?;
    write!(out, "{table}")?;
    writeln!(
        out,
        "class 0 at the origin; class c > 0 shifted by {} on feature c - 1",
        opts.separation
    )?;
    Ok(())
}

fn model_name(opts: &Options) -> String {
    match opts.hidden {
        0 => "linear (logistic regression)".to_string(),
        h => format!("MLP with {h} hidden ReLU units"),
    }
}

// ANCHOR: at_half
fn at_half(opts: &Options, out: &mut dyn Write) -> Result<()> {
    for r in &opts.experiment()?.rates {
        let mut table = Table::new(&[
            format!("{} positives", pct(r.rate)),
            "precision".into(),
            "recall".into(),
            "F1".into(),
            "flagged".into(),
            "mean p".into(),
            "avg precision".into(),
        ]);
        for run in &r.methods {
            let s = run.scores_at(&r.test_labels, 0.5);
            table.row(&[
                run.method.name(),
                f4(s.precision),
                f4(s.recall),
                f4(s.f1),
                s.predicted_positive.to_string(),
                f4(run.mean_prob()),
                f4(runs::average_precision(&run.test_prob, &r.test_labels)),
            ]);
        }
        // pos_weight w multiplies the odds by w, so its 0.5 is plain BCE's 1 / (1 + w).
        let t = 1.0 / (1.0 + r.pos_weight);
        let s = r.methods[0].scores_at(&r.test_labels, t);
        table.row(&[
            format!("BCE at {} = 1/(1 + pos_weight)", f4(t)),
            f4(s.precision),
            f4(s.recall),
            f4(s.f1),
            s.predicted_positive.to_string(),
        ]);
        write!(out, "{table}")?;
        let base = positives(&r.test_labels) as f64 / r.test_labels.len() as f64;
        writeln!(
            out,
            "test rows: {}, of which positive: {}\n",
            r.test_labels.len(),
            pct(base)
        )?;
    }
    Ok(())
}
// ANCHOR_END: at_half

// ANCHOR: tuned
fn tuned(opts: &Options, out: &mut dyn Write) -> Result<()> {
    for r in &opts.experiment()?.rates {
        let mut table = Table::new(&[
            format!("{} positives", pct(r.rate)),
            "threshold".into(),
            "precision".into(),
            "recall".into(),
            "F1".into(),
        ]);
        for run in &r.methods {
            let (t, s) = r.tuned(run);
            table.row(&[
                run.method.name(),
                f4(t),
                f4(s.precision),
                f4(s.recall),
                f4(s.f1),
            ]);
        }
        write!(out, "{table}")?;
        writeln!(out)?;
    }
    writeln!(
        out,
        "thresholds maximise F1 on the validation rows; scores are on the test rows"
    )?;
    Ok(())
}
// ANCHOR_END: tuned

// ANCHOR: fitted
fn fitted(opts: &Options, out: &mut dyn Write) -> Result<()> {
    for r in &opts.experiment()?.rates {
        let Some((w_bce, b_bce)) = r.methods[0].linear.clone() else {
            writeln!(out, "(shown for the linear model only, --hidden 0)")?;
            return Ok(());
        };
        let mut table = Table::new(&[
            format!("{} positives", pct(r.rate)),
            "w0".into(),
            "w1".into(),
            "w2".into(),
            "w3".into(),
            "bias".into(),
            "bias - BCE's".into(),
            "cos(w, BCE's w)".into(),
        ]);
        for run in &r.methods {
            let Some((w, b)) = &run.linear else { continue };
            let mut row = vec![run.method.name()];
            row.extend(w.iter().map(|&x| f4(x)));
            row.extend([f4(*b), f4(b - b_bce), f4(cosine(w, &w_bce))]);
            table.row(&row);
        }
        write!(out, "{table}")?;
        writeln!(out, "ln(pos_weight) = {}\n", f4(r.pos_weight.ln()))?;
    }
    Ok(())
}
// ANCHOR_END: fitted

fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(p, q)| p * q).sum::<f64>();
    dot(a, b) / (dot(a, a) * dot(b, b)).sqrt()
}

/// The thresholds of the trade-off table.
fn grid() -> Vec<f64> {
    (1..=9).map(|i| i as f64 / 10.0).collect()
}

fn thresholds(opts: &Options, out: &mut dyn Write) -> Result<()> {
    for r in &opts.experiment()?.rates {
        writeln!(
            out,
            "{} positives: precision / recall / F1 on the test rows",
            pct(r.rate)
        )?;
        let mut header = vec!["threshold".to_string()];
        header.extend(r.methods.iter().map(|m| m.method.name()));
        let mut table = Table::new(&header);
        for t in grid() {
            let mut row = vec![fixed(t, 1)];
            for run in &r.methods {
                let s = run.scores_at(&r.test_labels, t);
                row.push(format!(
                    "{} / {} / {}",
                    fixed(s.precision, 2),
                    fixed(s.recall, 2),
                    fixed(s.f1, 2)
                ));
            }
            table.row(&row);
        }
        write!(out, "{table}")?;
        writeln!(out)?;
    }
    Ok(())
}

// ANCHOR: focal_shape
fn focal_shape(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let small = |x: f64| if x == 0.0 || x >= 1e-3 { f4(x) } else { sci(x) };
    let p_t = [0.1, 0.5, 0.9, 0.99];
    let ce = focal_at(&p_t, 0.0)?;
    let mut header = vec!["γ".to_string()];
    header.extend(p_t.iter().map(|p| format!("loss at p_t={p}")));
    header.push("FL / BCE at 0.9".into());
    header.push("easy/hard (0.9 vs 0.1)".into());
    let mut table = Table::new(&header);
    for &g in &opts.gammas {
        let l = focal_at(&p_t, g)?;
        let mut row = vec![format!("{g}")];
        row.extend(l.iter().map(|&x| small(x)));
        row.push(small(l[2] / ce[2]));
        row.push(small(l[2] / l[0]));
        table.row(&row);
    }
    write!(out, "{table}")?;
    writeln!(out, "α off; γ = 0 is plain BCE, and FL / BCE = (1 - p_t)^γ")?;
    Ok(())
}
// ANCHOR_END: focal_shape

fn gamma_sweep(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let e = opts.experiment()?;
    let Some(r) = e.rates.first() else {
        return Ok(());
    };
    let mut table = Table::new(&[
        format!("{} positives", pct(r.rate)),
        "P @0.5".into(),
        "R @0.5".into(),
        "F1 @0.5".into(),
        "mean p (pos)".into(),
        "mean p (neg)".into(),
        "tuned t".into(),
        "F1 @tuned".into(),
        "avg precision".into(),
    ]);
    for run in &r.sweep {
        let s = run.scores_at(&r.test_labels, 0.5);
        let (t, tuned) = r.tuned(run);
        table.row(&[
            run.method.name(),
            f4(s.precision),
            f4(s.recall),
            f4(s.f1),
            f4(run.mean_prob_of(&r.test_labels, 1)),
            f4(run.mean_prob_of(&r.test_labels, 0)),
            f4(t),
            f4(tuned.f1),
            f4(runs::average_precision(&run.test_prob, &r.test_labels)),
        ]);
    }
    write!(out, "{table}")?;
    Ok(())
}

// ANCHOR: multiclass
/// Test predictions of the multi-class models: plain cross-entropy, weighted
/// cross-entropy, and plain cross-entropy with `ln w_c` added to each class's
/// log-probability after training (the shift the weights would have made).
pub fn multi_predictions(m: &MultiResult) -> Vec<(&'static str, Vec<u32>)> {
    let c = m.shares.len();
    let adjusted: Vec<f64> = m
        .plain_prob
        .chunks(c)
        .flat_map(|row| row.iter().zip(&m.weights).map(|(p, w)| p.ln() + w.ln()))
        .collect();
    vec![
        ("plain CE", argmax_rows(&m.plain_prob, c)),
        ("weighted CE", argmax_rows(&m.weighted_prob, c)),
        ("plain CE + ln w", argmax_rows(&adjusted, c)),
    ]
}

fn multiclass(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let e = opts.experiment()?;
    let (m, c) = (&e.multi, e.multi.shares.len());
    let models = multi_predictions(m);
    let mut table = Table::new(&["model", "class", "precision", "recall", "F1"]);
    for (name, pred) in &models {
        for class in 0..c as u32 {
            let s = class_scores(pred, &m.test_labels, class);
            table.row(&[
                name.to_string(),
                class.to_string(),
                f4(s.precision),
                f4(s.recall),
                f4(s.f1),
            ]);
        }
    }
    write!(out, "{table}")?;
    let mut table = Table::new(&["model", "accuracy", "mean recall", "macro F1"]);
    for (name, pred) in &models {
        table.row(&[
            name.to_string(),
            f4(accuracy(pred, &m.test_labels)),
            f4(mean_recall(pred, &m.test_labels, c)),
            f4(macro_f1(pred, &m.test_labels, c)),
        ]);
    }
    writeln!(out)?;
    write!(out, "{table}")?;
    let same = models[1]
        .1
        .iter()
        .zip(&models[2].1)
        .filter(|(a, b)| a == b)
        .count();
    writeln!(
        out,
        "weighted CE and plain CE + ln w predict the same class for {} of the test rows",
        pct(same as f64 / m.test_labels.len() as f64)
    )?;
    Ok(())
}
// ANCHOR_END: multiclass

/// The unweighted mean of the per-class recalls (balanced accuracy).
pub fn mean_recall(pred: &[u32], labels: &[u32], classes: usize) -> f64 {
    (0..classes as u32)
        .map(|c| class_scores(pred, labels, c).recall)
        .sum::<f64>()
        / classes as f64
}

/// The unweighted mean of the per-class F1 scores.
pub fn macro_f1(pred: &[u32], labels: &[u32], classes: usize) -> f64 {
    (0..classes as u32)
        .map(|c| class_scores(pred, labels, c).f1)
        .sum::<f64>()
        / classes as f64
}
