//! The multi-class task: imbalanced classes, softmax regression with and
//! without class weights, and the scores of each class.

use candle_core::{D, Device, Result, Tensor, bail};
use nn_functional::{self as F, CrossEntropyOptions};
use rand::Rng;
use shared::activations::to_f64_vec;
use shared::data::{Classification, normals, rng};
use shared::metrics::{BinaryScores, accuracy, argmax_rows, class_scores, macro_f1, mean_recall};
use shared::nn::train;

use crate::Options;
use crate::training::{Split, count, model, start_at_base_rate};

// ANCHOR: multi_data
/// Imbalanced multi-class data: class `c` with probability `shares[c]`, four
/// standard-normal features, and `shift` added to feature `c − 1` for every
/// class but the majority class 0, which sits at the origin.
pub fn imbalanced_classes(n: usize, shares: &[f64], shift: f32, seed: u64) -> Classification {
    let mut r = rng(seed);
    let d = 4.max(shares.len() - 1);
    let total: f64 = shares.iter().sum();
    let (mut x, mut labels) = (Vec::with_capacity(n * d), Vec::with_capacity(n));
    for _ in 0..n {
        let mut u = r.random_range(0.0..total);
        let c = shares
            .iter()
            .position(|&s| {
                u -= s;
                u < 0.0
            })
            .unwrap_or(shares.len() - 1);
        let mut row = normals(&mut r, d);
        if c > 0 {
            row[c - 1] += shift;
        }
        labels.push(c as u32);
        x.extend(row);
    }
    Classification {
        x,
        labels,
        d,
        classes: shares.len(),
    }
}
// ANCHOR_END: multi_data

/// The multi-class rows, and the class weights their training rows give.
pub struct MultiTask {
    pub sets: Split,
    pub train_counts: Vec<usize>,
    /// `n_majority / n_class`, from the training counts.
    pub weights: Vec<f64>,
}

impl MultiTask {
    pub fn new(sets: Split) -> Result<Self> {
        let train_counts: Vec<usize> = (0..sets.train.classes as u32)
            .map(|c| count(&sets.train.labels, c))
            .collect();
        let largest = train_counts.iter().copied().max().unwrap_or(0);
        if train_counts.contains(&0) {
            bail!("a class has no training rows: raise --train or the smallest of --shares")
        }
        let weights = train_counts
            .iter()
            .map(|&c| largest as f64 / c as f64)
            .collect();
        Ok(MultiTask {
            sets,
            train_counts,
            weights,
        })
    }
}

/// Softmax probabilities on the test rows after training with class weights
/// `weights` (`None`: plain cross-entropy).
pub fn train_multi(opts: &Options, weights: Option<&[f64]>, sets: &Split) -> Result<Vec<f64>> {
    let dev = Device::Cpu;
    let tr = &sets.train;
    let (x, y) = (tr.x(&dev)?, tr.labels(&dev)?);
    let model = model(opts, tr.d, tr.classes)?;
    start_at_base_rate(&model, &tr.class_rates())?;
    let weight = match weights {
        Some(w) => Some(Tensor::new(w, &dev)?.to_dtype(x.dtype())?),
        None => None,
    };
    train(&model, &x, opts.lr, opts.steps as usize, |logits| {
        let opts = CrossEntropyOptions {
            weight: weight.clone(),
            ..Default::default()
        };
        F::cross_entropy(logits, &y, opts)
    })?;
    to_f64_vec(&F::softmax(
        &model.forward(&sets.test.x(&dev)?)?,
        D::Minus1,
    )?)
}

/// The multi-class task: one model per loss, argmax predictions on the test set.
#[derive(Clone, Debug)]
pub struct MultiResult {
    pub shares: Vec<f64>,
    pub train_counts: Vec<usize>,
    /// `n_majority / n_class`, from the training counts.
    pub weights: Vec<f64>,
    pub test_labels: Vec<u32>,
    /// Test probabilities, row-major `n × classes`, for plain and weighted cross-entropy.
    pub plain_prob: Vec<f64>,
    pub weighted_prob: Vec<f64>,
}

/// One model's predicted class for each test row.
pub struct MultiPrediction {
    pub model: &'static str,
    pub pred: Vec<u32>,
}

/// One model's scores on the test rows.
pub struct ModelScores {
    pub model: &'static str,
    /// Precision, recall and F1 of each class, in class order.
    pub classes: Vec<BinaryScores>,
    pub accuracy: f64,
    pub mean_recall: f64,
    pub macro_f1: f64,
}

/// What the multi-class section prints.
pub struct MultiScores {
    pub models: Vec<ModelScores>,
    /// The share of test rows where weighted CE and plain CE + ln w predict the same class.
    pub agreement: f64,
}

// ANCHOR: multiclass
/// Test predictions of the multi-class models: plain cross-entropy, weighted
/// cross-entropy, and plain cross-entropy with `ln w_c` added to each class's
/// log-probability after training (the shift the weights would have made).
pub fn multi_predictions(m: &MultiResult) -> Vec<MultiPrediction> {
    let c = m.shares.len();
    let adjusted: Vec<f64> = m
        .plain_prob
        .chunks(c)
        .flat_map(|row| row.iter().zip(&m.weights).map(|(p, w)| p.ln() + w.ln()))
        .collect();
    let prediction = |model: &'static str, pred: Vec<u32>| MultiPrediction { model, pred };
    vec![
        prediction("plain CE", argmax_rows(&m.plain_prob, c)),
        prediction("weighted CE", argmax_rows(&m.weighted_prob, c)),
        prediction("plain CE + ln w", argmax_rows(&adjusted, c)),
    ]
}

/// Each model's per-class and averaged scores on the test rows.
pub fn score_multi(m: &MultiResult) -> MultiScores {
    let (c, labels) = (m.shares.len(), &m.test_labels);
    let predictions = multi_predictions(m);
    let same = predictions[1]
        .pred
        .iter()
        .zip(&predictions[2].pred)
        .filter(|(a, b)| a == b)
        .count();
    MultiScores {
        models: predictions
            .iter()
            .map(|p| ModelScores {
                model: p.model,
                classes: (0..c as u32)
                    .map(|class| class_scores(&p.pred, labels, class))
                    .collect(),
                accuracy: accuracy(&p.pred, labels),
                mean_recall: mean_recall(&p.pred, labels, c),
                macro_f1: macro_f1(&p.pred, labels, c),
            })
            .collect(),
        agreement: same as f64 / labels.len() as f64,
    }
}
// ANCHOR_END: multiclass
