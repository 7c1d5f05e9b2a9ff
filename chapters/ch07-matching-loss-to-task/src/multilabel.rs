//! Multi-label classification: each sample may carry any number of three
//! tags, so the model has one raw logit per tag and each logit gets its own
//! binary cross-entropy. Softmax would force the tags to compete for one
//! unit of probability; here they are independent yes/no questions.

use candle_core::{Device, Result, Tensor};
use nn_functional as F;
use shared::data::{normals, rng};
use shared::metrics::accuracy;

use crate::tasks::{Fit, Setup, fit};

/// The tags, in the order of the model's outputs.
pub const TAGS: [&str; 3] = ["late", "damaged", "refund"];

/// Samples with 6 standard-normal features and a 0/1 flag per tag.
pub struct MultiLabelData {
    pub x: Vec<f32>,
    /// Row-major `n × TAGS.len()`.
    pub tags: Vec<u32>,
    pub d: usize,
}

// ANCHOR: data
/// Three rules, one per tag; a sample may satisfy none, some or all of them.
/// "refund" depends on the other two tags' features: it is not a linear rule.
pub fn tickets(n: usize, seed: u64) -> MultiLabelData {
    let (mut r, d) = (rng(seed), 6);
    let (mut x, mut tags) = (Vec::with_capacity(n * d), Vec::with_capacity(n * 3));
    for _ in 0..n {
        let f = normals(&mut r, d);
        let late = f[0] + f[1] > 0.5;
        let damaged = f[2] > 0.3;
        let refund = (f[3] > 0.0) && (late || damaged);
        tags.extend([late, damaged, refund].map(u32::from));
        x.extend(f);
    }
    MultiLabelData { x, tags, d }
}
// ANCHOR_END: data

pub struct MultiLabelRun {
    pub fit: Fit,
    /// Per tag: the share of samples that carry it, and the accuracy of its
    /// own decision `z > 0`.
    pub tag_rate: Vec<f64>,
    pub tag_accuracy: Vec<f64>,
    /// Samples whose three decisions are all right.
    pub exact_match: f64,
    /// How many samples carry 0, 1, 2 and 3 tags.
    pub tag_counts: Vec<usize>,
}

// ANCHOR: train
pub fn multilabel(s: &Setup) -> Result<MultiLabelRun> {
    let (set, k) = (tickets(s.samples, s.seed), TAGS.len());
    let n = set.tags.len() / k;
    let x = Tensor::from_vec(set.x.clone(), (n, set.d), &Device::Cpu)?;
    let flags: Vec<f32> = set.tags.iter().map(|&t| t as f32).collect();
    let y = Tensor::from_vec(flags, (n, k), &Device::Cpu)?; // (n, 3) of 0s and 1s
    let model = s.model(set.d, k)?; // three raw logits, no sigmoid, no softmax
    // One BCE per logit, averaged over all n · 3 of them.
    let fit = fit(&model, &x, s, "multi-label", |z| {
        F::binary_cross_entropy_with_logits(z, &y, Default::default())
    })?;
    let z = shared::activations::to_f64_vec(&model.forward(&x)?)?;
    let pred: Vec<u32> = z.iter().map(|&z| u32::from(z > 0.0)).collect();
    // ANCHOR_END: train
    let column = |v: &[u32], j: usize| v.iter().skip(j).step_by(k).copied().collect::<Vec<_>>();
    let exact = (0..n)
        .filter(|&i| pred[i * k..(i + 1) * k] == set.tags[i * k..(i + 1) * k])
        .count();
    let mut tag_counts = vec![0; k + 1];
    for row in set.tags.chunks(k) {
        tag_counts[row.iter().sum::<u32>() as usize] += 1;
    }
    Ok(MultiLabelRun {
        fit,
        tag_rate: (0..k)
            .map(|j| column(&set.tags, j).iter().sum::<u32>() as f64 / n as f64)
            .collect(),
        tag_accuracy: (0..k)
            .map(|j| accuracy(&column(&pred, j), &column(&set.tags, j)))
            .collect(),
        exact_match: exact as f64 / n as f64,
        tag_counts,
    })
}
