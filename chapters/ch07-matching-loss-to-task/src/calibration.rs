//! Probabilistic output: the 4-class model's softmax read as probabilities
//! on samples it never saw, checked for calibration; and the same model
//! trained with label smoothing, which moves those probabilities.

use candle_core::{D, DType, Device, Result, Tensor};
use shared::activations::{log_softmax, softmax, to_f64_vec};
use shared::data::{Classification, four_classes};
use shared::metrics::{CalibrationBin, expected_calibration_error, reliability};
use shared::nn::Mlp;

use crate::tasks::{Fit, Setup, fit};

// ANCHOR: smoothed
/// Cross-entropy with label smoothing, PyTorch's
/// `CrossEntropyLoss(label_smoothing=ε)`: the target puts `1 − ε` on the
/// true class and spreads `ε` evenly over all `C` classes, so each sample
/// costs `(1 − ε)·(−log p_y) + ε·mean_c(−log p_c)`. ε = 0 is plain
/// cross-entropy.
pub fn cross_entropy_smoothed(logits: &Tensor, targets: &Tensor, eps: f64) -> Result<Tensor> {
    let log_p = log_softmax(logits, D::Minus1)?; // (N, C)
    let idx = targets.to_dtype(DType::U32)?.unsqueeze(1)?;
    let true_class = log_p.gather(&idx, 1)?.neg()?.mean_all()?; // mean of −log p_y
    let uniform = log_p.mean(D::Minus1)?.neg()?.mean_all()?; // mean of mean_c(−log p_c)
    (true_class * (1.0 - eps))? + (uniform * eps)?
}
// ANCHOR_END: smoothed

/// How well a model's top-class probability matches how often it is right.
#[derive(Clone, Debug)]
pub struct Calibration {
    pub accuracy: f64,
    /// The mean probability the model gives its own answer.
    pub mean_confidence: f64,
    /// Mean of −log p(true class): the loss the model was trained on, unsmoothed.
    pub nll: f64,
    /// Reliability table: samples binned by confidence; `positive_rate` is
    /// the share of them answered correctly.
    pub bins: Vec<CalibrationBin>,
    /// Expected calibration error over those bins.
    pub ece: f64,
}

// ANCHOR: calibrate
/// Softmax at inference, on held-out samples: the confidence is the largest
/// probability, and a bin of samples answered with confidence ≈ 0.8 should
/// be right about 80% of the time.
pub fn calibrate(model: &Mlp, test: &Classification, bins: usize) -> Result<Calibration> {
    let logits = model.forward(&test.x(&Device::Cpu)?)?;
    let p = to_f64_vec(&softmax(&logits, D::Minus1)?)?;
    let (mut confidence, mut correct, mut nll) = (vec![], vec![], 0.0);
    for (row, &label) in p.chunks(test.classes).zip(&test.labels) {
        let (best, &top) =
            row.iter().enumerate().fold(
                (0, &f64::NEG_INFINITY),
                |b, c| if c.1 > b.1 { c } else { b },
            );
        confidence.push(top);
        correct.push(u32::from(best as u32 == label));
        nll -= row[label as usize].ln();
    }
    let n = test.len() as f64;
    let bins = reliability(&confidence, &correct, bins);
    Ok(Calibration {
        accuracy: correct.iter().sum::<u32>() as f64 / n,
        mean_confidence: confidence.iter().sum::<f64>() / n,
        nll: nll / n,
        ece: expected_calibration_error(&bins),
        bins,
    })
}
// ANCHOR_END: calibrate

/// Held-out samples for calibration, drawn from their own seed.
pub fn held_out(n: usize, seed: u64) -> Classification {
    four_classes(n, !seed)
}

/// The 4-class task trained with label smoothing `eps`.
pub fn train_smoothed(s: &Setup, eps: f64) -> Result<(Fit, Mlp)> {
    let set = four_classes(s.samples, s.seed);
    let (x, y) = (set.x(&Device::Cpu)?, set.labels(&Device::Cpu)?);
    let model = s.model(set.d, set.classes)?;
    let fit = fit(&model, &x, s, "label smoothing", |z| {
        cross_entropy_smoothed(z, &y, eps)
    })?;
    Ok((fit, model))
}
