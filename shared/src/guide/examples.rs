//! The guide's examples: each calls its row's functions on a tiny fixed
//! batch, names them by their types, and computes the loss by hand.

use candle_core::{DType, Device, Result, Tensor};

use super::{Calibration, Decision, Example, LossCall, Settings, named};
use crate::activations::{sigmoid, softmax, to_f64_vec};
use crate::losses::{bce_with_logits, cross_entropy, focal_loss, huber, loss_and_grad, mae, mse};
use crate::metrics::{argmax_rows, best_f1_threshold, expected_calibration_error, reliability};

/// A row-major `(N, K)` tensor in f64.
fn matrix(rows: &[Vec<f64>]) -> Result<Tensor> {
    let k = rows.first().map_or(0, Vec::len);
    let flat: Vec<f64> = rows.concat();
    Tensor::from_vec(flat, (rows.len(), k), &Device::Cpu)
}

/// Class indices: the first entry of each target.
fn classes(targets: &[Vec<f64>]) -> Vec<u32> {
    targets.iter().map(|t| t[0] as u32).collect()
}

fn class_tensor(targets: &[Vec<f64>]) -> Result<Tensor> {
    Tensor::new(classes(targets), &Device::Cpu)?.to_dtype(DType::U32)
}

fn rows_of(flat: Vec<f64>, k: usize) -> Vec<Vec<f64>> {
    flat.chunks(k).map(<[f64]>::to_vec).collect()
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = xs.collect();
    v.iter().sum::<f64>() / v.len() as f64
}

/// `ln(1 + e^x)`, without overflow.
fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// Calls `loss` on `outputs` through autograd and records it as `function`.
fn call(
    function: &'static str,
    outputs: &[Vec<f64>],
    terms: usize,
    by_hand: f64,
    loss: impl Fn(&Tensor) -> Result<Tensor>,
) -> Result<LossCall> {
    let k = outputs[0].len();
    let lg = loss_and_grad(&matrix(outputs)?, loss)?;
    let grad = lg.grad.iter().map(|g| g * terms as f64).collect();
    Ok(LossCall {
        function,
        value: lg.value,
        by_hand,
        grad_of_sum: rows_of(grad, k),
    })
}

fn column(xs: &[f64]) -> Vec<Vec<f64>> {
    xs.iter().map(|&x| vec![x]).collect()
}

fn plain(unit: &'static str, outputs: Vec<Vec<f64>>, targets: Vec<Vec<f64>>) -> Example {
    Example {
        unit,
        decisions: outputs.iter().map(|o| Decision::Value(o[0])).collect(),
        outputs,
        targets,
        losses: Vec::new(),
        inference_called: Vec::new(),
        probabilities: Vec::new(),
        threshold: None,
        calibration: None,
    }
}

pub(super) fn regression(_: &Settings) -> Result<Example> {
    let (mse, mse_name) = named(mse);
    let mut ex = plain(
        "sample",
        column(&[2.5, 0.0, 2.0, 8.0]),
        column(&[3.0, -0.5, 2.0, 7.0]),
    );
    let y = matrix(&ex.targets)?;
    let errors: Vec<f64> = (0..4)
        .map(|i| ex.outputs[i][0] - ex.targets[i][0])
        .collect();
    let by_hand = mean(errors.iter().map(|e| e * e));
    ex.losses = vec![call(mse_name, &ex.outputs, 4, by_hand, |p| mse(p, &y))?];
    Ok(ex)
}

pub(super) fn outliers(s: &Settings) -> Result<Example> {
    let (huber, huber_name) = named(huber);
    let (mae, mae_name) = named(mae);
    let mut ex = plain(
        "sample",
        column(&[2.5, 0.0, 2.0, 8.0]),
        column(&[3.0, -0.5, 2.0, 20.0]),
    );
    let y = matrix(&ex.targets)?;
    let errors: Vec<f64> = (0..4)
        .map(|i| ex.outputs[i][0] - ex.targets[i][0])
        .collect();
    let d = s.delta;
    let huber_hand = mean(errors.iter().map(|e| {
        if e.abs() < d {
            e * e / 2.0
        } else {
            d * (e.abs() - d / 2.0)
        }
    }));
    let mae_hand = mean(errors.iter().map(|e| e.abs()));
    ex.losses = vec![
        call(huber_name, &ex.outputs, 4, huber_hand, |p| huber(p, &y, d))?,
        call(mae_name, &ex.outputs, 4, mae_hand, |p| mae(p, &y))?,
    ];
    Ok(ex)
}

// ANCHOR: binary
/// BCE of one logit, with weight `w` on the positive term.
fn bce_by_hand(z: f64, y: f64, w: f64) -> f64 {
    w * y * softplus(-z) + (1.0 - y) * softplus(z)
}

/// Sigmoid of every output, then yes where `p >= threshold`.
fn sigmoid_decisions(ex: &mut Example, threshold: f64) -> Result<()> {
    let (sigmoid, name) = named(sigmoid);
    let k = ex.outputs[0].len();
    ex.probabilities = rows_of(to_f64_vec(&sigmoid(&matrix(&ex.outputs)?)?)?, k);
    ex.inference_called.push(name);
    ex.threshold = Some(threshold);
    let yes = |p: &f64| u32::from(*p >= threshold);
    ex.decisions = ex
        .probabilities
        .iter()
        .map(|p| match p.as_slice() {
            [p] => Decision::Class(yes(p)),
            ps => Decision::Labels(ps.iter().map(yes).collect()),
        })
        .collect();
    Ok(())
}

pub(super) fn binary(s: &Settings) -> Result<Example> {
    let (bce, name) = named(bce_with_logits);
    let mut ex = plain(
        "sample",
        column(&[2.0, -1.0, 0.5, -3.0]),
        column(&[1.0, 0.0, 0.0, 0.0]),
    );
    let y = matrix(&ex.targets)?;
    let by_hand = mean((0..4).map(|i| bce_by_hand(ex.outputs[i][0], ex.targets[i][0], 1.0)));
    ex.losses = vec![call(name, &ex.outputs, 4, by_hand, |z| bce(z, &y, None))?];
    sigmoid_decisions(&mut ex, s.threshold)?;
    Ok(ex)
}
// ANCHOR_END: binary

pub(super) fn imbalanced(_: &Settings) -> Result<Example> {
    let (bce, bce_name) = named(bce_with_logits);
    let (focal, focal_name) = named(focal_loss);
    let (tune, tune_name) = named(best_f1_threshold);
    let logits = [1.5, -0.5, -1.0, -2.0, -2.5, -3.0, 0.2, -1.5];
    let labels = [1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    let mut ex = plain("sample", column(&logits), column(&labels));
    let y = matrix(&ex.targets)?;
    let positives = labels.iter().sum::<f64>();
    let pos_weight = (labels.len() as f64 - positives) / positives;
    let gamma = 2.0;
    let n = logits.len();
    let pairs = || logits.iter().zip(&labels);
    let bce_hand = mean(pairs().map(|(&z, &l)| bce_by_hand(z, l, pos_weight)));
    let focal_hand = mean(pairs().map(|(&z, &l)| {
        let p = 1.0 / (1.0 + (-z).exp());
        let p_t = if l == 1.0 { p } else { 1.0 - p };
        (1.0 - p_t).powf(gamma) * bce_by_hand(z, l, 1.0)
    }));
    ex.losses = vec![
        call(bce_name, &ex.outputs, n, bce_hand, |z| {
            bce(z, &y, Some(pos_weight))
        })?,
        call(focal_name, &ex.outputs, n, focal_hand, |z| {
            focal(z, &y, None, gamma)
        })?,
    ];
    // The threshold is tuned on held-out data; here the example stands in for it.
    let (sigmoid, sigmoid_name) = named(sigmoid);
    let p = to_f64_vec(&sigmoid(&matrix(&ex.outputs)?)?)?;
    let threshold = tune(&p, &classes(&ex.targets));
    ex.inference_called = vec![sigmoid_name, tune_name];
    ex.decisions = p
        .iter()
        .map(|&p| Decision::Class(u32::from(p >= threshold)))
        .collect();
    ex.probabilities = column(&p);
    ex.threshold = Some(threshold);
    Ok(ex)
}

/// Cross-entropy of one row of logits against class `c`: log-sum-exp minus z_c.
fn ce_by_hand(z: &[f64], c: usize) -> f64 {
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    m + z.iter().map(|v| (v - m).exp()).sum::<f64>().ln() - z[c]
}

/// Cross-entropy, then softmax and argmax: the multi-class examples.
fn classify(unit: &'static str, logits: Vec<Vec<f64>>, labels: &[f64]) -> Result<Example> {
    let (ce, ce_name) = named(cross_entropy);
    let (softmax, softmax_name) = named(softmax);
    let (argmax, argmax_name) = named(argmax_rows);
    let c = logits[0].len();
    let mut ex = plain(unit, logits, column(labels));
    let targets = class_tensor(&ex.targets)?;
    let n = labels.len();
    let by_hand = mean((0..n).map(|i| ce_by_hand(&ex.outputs[i], labels[i] as usize)));
    ex.losses = vec![call(ce_name, &ex.outputs, n, by_hand, |z| {
        ce(z, &targets, None)
    })?];
    let p = to_f64_vec(&softmax(&matrix(&ex.outputs)?, candle_core::D::Minus1)?)?;
    ex.decisions = argmax(&p, c).into_iter().map(Decision::Class).collect();
    ex.probabilities = rows_of(p, c);
    ex.inference_called = vec![softmax_name, argmax_name];
    Ok(ex)
}

pub(super) fn multi_class(_: &Settings) -> Result<Example> {
    let logits = vec![
        vec![2.0, 0.5, -1.0],
        vec![0.0, 1.5, 0.3],
        vec![1.0, 0.2, 0.8],
    ];
    classify("sample", logits, &[0.0, 1.0, 2.0])
}

pub(super) fn multi_label(s: &Settings) -> Result<Example> {
    let (bce, name) = named(bce_with_logits);
    let logits = vec![
        vec![2.0, -1.0, 0.5],
        vec![-2.0, 1.0, 3.0],
        vec![0.3, -0.4, -2.5],
    ];
    let labels = vec![
        vec![1.0, 0.0, 1.0],
        vec![0.0, 1.0, 1.0],
        vec![0.0, 0.0, 0.0],
    ];
    let mut ex = plain("sample", logits, labels);
    let y = matrix(&ex.targets)?;
    let pairs = ex.outputs.concat().into_iter().zip(ex.targets.concat());
    let by_hand = mean(pairs.map(|(z, l)| bce_by_hand(z, l, 1.0)));
    // one term per (sample, label): the mean runs over all nine
    ex.losses = vec![call(name, &ex.outputs, 9, by_hand, |z| bce(z, &y, None))?];
    sigmoid_decisions(&mut ex, s.threshold)?;
    Ok(ex)
}

// ANCHOR: sequence
pub(super) fn sequence(_: &Settings) -> Result<Example> {
    // One sequence of 4 steps over 3 classes, shaped (batch, steps, classes)
    // as a sequence model returns it, then flattened so each step is a row.
    let flat = vec![1.5, 0.2, -0.5, 0.1, 0.3, 2.0, -1.0, 1.2, 0.4, 0.5, 0.6, 0.1];
    let (b, t, c) = (1, 4, 3);
    let steps = Tensor::from_vec(flat, (b, t, c), &Device::Cpu)?.reshape((b * t, c))?;
    let logits = rows_of(to_f64_vec(&steps)?, c);
    classify("step", logits, &[0.0, 2.0, 1.0, 1.0])
}
// ANCHOR_END: sequence

pub(super) fn probabilistic(_: &Settings) -> Result<Example> {
    let (reliability, reliability_name) = named(reliability);
    let (ece, ece_name) = named(expected_calibration_error);
    let logits = vec![
        vec![2.0, 0.0, -1.0],
        vec![0.5, 0.3, 0.1],
        vec![-1.0, 3.0, 0.0],
        vec![0.0, 0.2, 1.0],
    ];
    let labels = [0.0, 2.0, 1.0, 2.0];
    let mut ex = classify("sample", logits, &labels)?;
    let confidence: Vec<f64> = ex
        .probabilities
        .iter()
        .map(|p| p.iter().copied().fold(0.0, f64::max))
        .collect();
    let correct: Vec<u32> = ex
        .decisions
        .iter()
        .zip(&labels)
        .map(|(d, &l)| u32::from(*d == Decision::Class(l as u32)))
        .collect();
    let bins = 5;
    ex.calibration = Some(Calibration {
        mean_confidence: mean(confidence.iter().copied()),
        accuracy: mean(correct.iter().map(|&c| f64::from(c))),
        bins,
        ece: ece(&reliability(&confidence, &correct, bins)),
    });
    ex.inference_called.extend([reliability_name, ece_name]);
    Ok(ex)
}
