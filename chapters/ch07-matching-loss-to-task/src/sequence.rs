//! A class at every step of a sequence: one cross-entropy per timestep,
//! averaged over all of them. The task: read a sequence of digits 0–3 and,
//! at each position, name the largest digit seen so far.

use candle_core::{Device, Result, Tensor};
use nn_functional as F;
use rand::Rng;
use shared::activations::to_f64_vec;
use shared::data::rng;
use shared::metrics::{accuracy, argmax_rows};

use crate::tasks::{Fit, Setup, fit};

/// Positions per sequence.
pub const STEPS: usize = 6;
/// Digits, which are also the classes.
pub const DIGITS: usize = 4;

/// Sequences of digits and, at each position, the running maximum.
pub struct Sequences {
    /// Row-major `n × STEPS`.
    pub digits: Vec<u32>,
    pub running_max: Vec<u32>,
}

pub fn sequences(n: usize, seed: u64) -> Sequences {
    let mut r = rng(seed);
    let digits: Vec<u32> = (0..n * STEPS)
        .map(|_| r.random_range(0..DIGITS as u32))
        .collect();
    let running_max = digits
        .chunks(STEPS)
        .flat_map(|seq| {
            seq.iter().scan(0, |m, &d| {
                *m = d.max(*m);
                Some(*m)
            })
        })
        .collect();
    Sequences {
        digits,
        running_max,
    }
}

pub struct SequenceRun {
    pub fit: Fit,
    /// Accuracy at each position, over all sequences.
    pub step_accuracy: Vec<f64>,
    /// At each position, the share of the most common answer: what a model
    /// that ignored its input could reach.
    pub step_majority: Vec<f64>,
    /// Accuracy over every position of every sequence.
    pub accuracy: f64,
}

// ANCHOR: train
pub fn sequence(s: &Setup) -> Result<SequenceRun> {
    let set = sequences(s.samples, s.seed);
    let n = set.digits.len() / STEPS;
    // Each digit one-hot, the whole sequence side by side: n × (6 · 4).
    let mut onehot = vec![0f32; n * STEPS * DIGITS];
    for (i, &d) in set.digits.iter().enumerate() {
        onehot[i * DIGITS + d as usize] = 1.0;
    }
    let x = Tensor::from_vec(onehot, (n, STEPS * DIGITS), &Device::Cpu)?;
    let y = Tensor::new(set.running_max.as_slice(), &Device::Cpu)?; // n · 6 classes
    let model = s.model(STEPS * DIGITS, STEPS * DIGITS)?; // 4 logits per position
    // (n, 6 · 4) → (n · 6, 4): one row of logits per position, one
    // cross-entropy per row, the mean over all of them.
    let per_step = |z: &Tensor| z.reshape((n * STEPS, DIGITS));
    let fit = fit(&model, &x, s, "sequence", |z| {
        F::cross_entropy(&per_step(z)?, &y, Default::default())
    })?;
    let z = to_f64_vec(&per_step(&model.forward(&x)?)?)?;
    let pred = argmax_rows(&z, DIGITS);
    // ANCHOR_END: train
    let at = |v: &[u32], t: usize| v.iter().skip(t).step_by(STEPS).copied().collect::<Vec<_>>();
    let majority = |v: &[u32]| {
        let mut counts = [0usize; DIGITS];
        v.iter().for_each(|&c| counts[c as usize] += 1);
        *counts.iter().max().unwrap_or(&0) as f64 / v.len().max(1) as f64
    };
    Ok(SequenceRun {
        fit,
        step_accuracy: (0..STEPS)
            .map(|t| accuracy(&at(&pred, t), &at(&set.running_max, t)))
            .collect(),
        step_majority: (0..STEPS)
            .map(|t| majority(&at(&set.running_max, t)))
            .collect(),
        accuracy: accuracy(&pred, &set.running_max),
    })
}
