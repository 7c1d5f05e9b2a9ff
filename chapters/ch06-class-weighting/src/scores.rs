//! Scores of the binary models on the held-out rows: at threshold 0.5, at a
//! threshold tuned on validation data, threshold by threshold, and what the
//! weighting did to a linear model's parameters.

use book_kit::parallel::{Job, run_all};
use book_kit::plot::linspace;
use book_kit::table::{Table, f4, pct};
use shared::metrics::{
    BinaryScores, average_precision, best_f1_threshold, binary_scores, pr_curve,
};

use crate::experiment::RateResult;
use crate::training::{BinaryRun, Method};

impl BinaryRun {
    /// Precision, recall and F1 on the test rows at `threshold`.
    pub fn scores_at(&self, labels: &[u32], threshold: f64) -> BinaryScores {
        binary_scores(&self.test_prob, labels, threshold)
    }
    /// The mean test probability.
    pub fn mean_prob(&self) -> f64 {
        self.test_prob.iter().sum::<f64>() / self.test_prob.len().max(1) as f64
    }
    /// The mean test probability over the rows of one class.
    pub fn mean_prob_of(&self, labels: &[u32], class: u32) -> f64 {
        let p: Vec<f64> = self
            .test_prob
            .iter()
            .zip(labels)
            .filter(|(_, l)| **l == class)
            .map(|(p, _)| *p)
            .collect();
        p.iter().sum::<f64>() / p.len().max(1) as f64
    }
}

/// Everything the sections print and the plots draw about one positive rate.
pub struct RateScores {
    pub rate: f64,
    pub pos_weight: f64,
    pub at_half: AtHalf,
    /// Each method at the threshold with the best F1 on the validation rows.
    pub tuned: Vec<Tuned>,
    /// The fitted parameters, when the model is linear (`--hidden 0`).
    pub fitted: Option<Vec<Fitted>>,
    /// Test scores of each method at thresholds 0.1, 0.2, …, 0.9.
    pub trade_off: Vec<TradeOff>,
    /// The γ sweep (only at the first rate).
    pub sweep: Vec<SweepRow>,
    /// Each method's precision–recall curve and F1 against the threshold.
    pub curves: Vec<Curves>,
}

/// Scores every rate, each on its own thread where there are threads: the
/// F1 curves take a few hundred passes over the test rows.
pub fn score_rates(rates: &[RateResult]) -> Vec<RateScores> {
    run_all(
        rates
            .iter()
            .map(|r| Box::new(move || score_rate(r)) as Job<'_, RateScores>)
            .collect(),
    )
}

pub fn score_rate(r: &RateResult) -> RateScores {
    RateScores {
        rate: r.rate,
        pos_weight: r.pos_weight,
        at_half: at_half(r),
        tuned: r.methods.iter().map(|run| r.tuned(run)).collect(),
        fitted: fitted(r),
        trade_off: trade_off(r),
        sweep: r.sweep.iter().map(|run| sweep_row(r, run)).collect(),
        curves: r.methods.iter().map(|run| curves(r, run)).collect(),
    }
}

// ANCHOR: at_half
/// One model's test scores at the default threshold, 0.5.
pub struct HalfScores {
    pub method: Method,
    pub scores: BinaryScores,
    /// The mean predicted probability: the share of positives, if calibrated.
    pub mean_prob: f64,
    /// Depends only on how the model ranks the rows.
    pub average_precision: f64,
}

/// Every method at 0.5, and plain BCE at the threshold that `pos_weight`'s
/// 0.5 corresponds to.
pub struct AtHalf {
    pub methods: Vec<HalfScores>,
    /// `1 / (1 + pos_weight)`, the training set's share of positives.
    pub base_rate_threshold: f64,
    /// Plain BCE's test scores at that threshold.
    pub bce_at_base_rate: BinaryScores,
    pub test_rows: usize,
    /// The share of positives among the test rows.
    pub test_positive_share: f64,
}

pub fn at_half(r: &RateResult) -> AtHalf {
    let labels = &r.test_labels;
    // pos_weight w multiplies the odds by w, so its 0.5 is plain BCE's 1 / (1 + w).
    let t = 1.0 / (1.0 + r.pos_weight);
    AtHalf {
        methods: r
            .methods
            .iter()
            .map(|run| HalfScores {
                method: run.method,
                scores: run.scores_at(labels, 0.5),
                mean_prob: run.mean_prob(),
                average_precision: average_precision(&run.test_prob, labels),
            })
            .collect(),
        base_rate_threshold: t,
        bce_at_base_rate: r.methods[0].scores_at(labels, t),
        test_rows: labels.len(),
        test_positive_share: r.test_positives as f64 / labels.len() as f64,
    }
}
// ANCHOR_END: at_half

// ANCHOR: tuned
/// A model's threshold with the best F1 on the validation rows, and its test
/// scores there.
pub struct Tuned {
    pub method: Method,
    pub threshold: f64,
    pub scores: BinaryScores,
}

impl RateResult {
    pub fn tuned(&self, run: &BinaryRun) -> Tuned {
        let threshold = best_f1_threshold(&run.val_prob, &self.val_labels);
        Tuned {
            method: run.method,
            threshold,
            scores: run.scores_at(&self.test_labels, threshold),
        }
    }
}
// ANCHOR_END: tuned

// ANCHOR: fitted
/// A linear model's fitted parameters, compared with plain BCE's.
pub struct Fitted {
    pub method: Method,
    pub weights: Vec<f64>,
    pub bias: f64,
    /// This bias minus plain BCE's.
    pub bias_shift: f64,
    /// The cosine between these weights and plain BCE's: 1 is the same direction.
    pub cosine: f64,
}

/// `None` unless the model is linear.
pub fn fitted(r: &RateResult) -> Option<Vec<Fitted>> {
    let bce = r.methods[0].linear.as_ref()?;
    let fits = r.methods.iter().filter_map(|run| {
        let fit = run.linear.as_ref()?;
        Some(Fitted {
            method: run.method,
            weights: fit.weights.clone(),
            bias: fit.bias,
            bias_shift: fit.bias - bce.bias,
            cosine: cosine(&fit.weights, &bce.weights),
        })
    });
    Some(fits.collect())
}

fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(p, q)| p * q).sum::<f64>();
    dot(a, b) / (dot(a, a) * dot(b, b)).sqrt()
}
// ANCHOR_END: fitted

/// Each method's test scores at one threshold.
pub struct TradeOff {
    pub threshold: f64,
    pub scores: Vec<BinaryScores>,
}

pub fn trade_off(r: &RateResult) -> Vec<TradeOff> {
    (1..=9)
        .map(|i| {
            let threshold = i as f64 / 10.0;
            TradeOff {
                threshold,
                scores: r
                    .methods
                    .iter()
                    .map(|run| run.scores_at(&r.test_labels, threshold))
                    .collect(),
            }
        })
        .collect()
}

/// One focal-loss model of the γ sweep.
pub struct SweepRow {
    pub method: Method,
    pub at_half: BinaryScores,
    /// Mean test probability of the positive rows and of the negative rows.
    pub mean_prob_pos: f64,
    pub mean_prob_neg: f64,
    pub tuned: Tuned,
    pub average_precision: f64,
}

pub fn sweep_row(r: &RateResult, run: &BinaryRun) -> SweepRow {
    SweepRow {
        method: run.method,
        at_half: run.scores_at(&r.test_labels, 0.5),
        mean_prob_pos: run.mean_prob_of(&r.test_labels, 1),
        mean_prob_neg: run.mean_prob_of(&r.test_labels, 0),
        tuned: r.tuned(run),
        average_precision: average_precision(&run.test_prob, &r.test_labels),
    }
}

/// A model's precision–recall curve, and its F1 against the threshold.
pub struct Curves {
    pub method: Method,
    /// `(recall, precision)`, at most 300 points.
    pub precision_recall: Vec<(f64, f64)>,
    /// `(threshold, F1)` at 199 thresholds from 0.005 to 0.995.
    pub f1: Vec<(f64, f64)>,
    /// Where threshold 0.5 lands.
    pub at_half: BinaryScores,
}

pub fn curves(r: &RateResult, run: &BinaryRun) -> Curves {
    let labels = &r.test_labels;
    Curves {
        method: run.method,
        precision_recall: pr_curve(&run.test_prob, labels, 300),
        f1: linspace(0.005, 0.995, 199)
            .into_iter()
            .map(|t| (t, run.scores_at(labels, t).f1))
            .collect(),
        at_half: run.scores_at(labels, 0.5),
    }
}

/// A row of the printed tables: `first`, then precision, recall and F1 to
/// four decimals.
pub fn scores_row(first: Vec<String>, s: &BinaryScores) -> Vec<String> {
    let mut row = first;
    row.extend([s.precision, s.recall, s.f1].map(f4));
    row
}

/// A printed table for one positive rate: its column, then `columns` (split
/// at `|`).
pub fn rate_table(rate: f64, columns: &str) -> Table {
    let mut header = vec![format!("{} positives", pct(rate))];
    header.extend(columns.split('|').map(str::to_string));
    Table::new(&header)
}
