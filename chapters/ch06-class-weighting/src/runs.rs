//! The experiment behind the chapter: data, one training run per loss, and
//! the scores computed from held-out probabilities. The sections and plots in
//! `lib.rs` only print and draw what this returns.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use candle_core::{D, Device, Result, Tensor, bail};
use rand::Rng;
use shared::activations::{Activation, sigmoid, softmax, to_f64_vec};
use shared::data::{Classification, imbalanced_binary, normals, rng};
use shared::losses::{bce_with_logits, cross_entropy, focal_loss};
use shared::metrics::{BinaryScores, binary_scores};
pub use shared::metrics::{average_precision, best_f1_threshold, pr_curve};
use shared::nn::{Init, Mlp, train};

/// What one experiment depends on: every knob except plots and timing.
#[derive(Clone, Debug)]
pub struct Setup {
    pub rates: Vec<f64>,
    pub separation: f32,
    pub alpha: f64,
    pub gamma: f64,
    pub gammas: Vec<f64>,
    pub shares: Vec<f64>,
    pub train: usize,
    pub held_out: usize,
    pub hidden: usize,
    pub steps: usize,
    pub lr: f64,
    pub seed: u64,
}

// ANCHOR: method
/// A binary loss to train with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Method {
    /// Plain `BCEWithLogitsLoss`.
    Bce,
    /// `BCEWithLogitsLoss(pos_weight = w)`, with `w = n_neg / n_pos` from the training set.
    PosWeight(f64),
    /// torchvision's `sigmoid_focal_loss(alpha, gamma)`; a negative `alpha` turns α off.
    Focal { alpha: f64, gamma: f64 },
}

impl Method {
    pub fn name(&self) -> String {
        match *self {
            Method::Bce => "BCE".to_string(),
            Method::PosWeight(w) => format!("BCE, pos_weight {w:.1}"),
            Method::Focal { alpha, gamma } if alpha < 0.0 => format!("focal, γ {gamma}"),
            Method::Focal { alpha, gamma } => format!("focal, γ {gamma}, α {alpha}"),
        }
    }

    /// The mean loss over a batch of `(n, 1)` logits and 0/1 targets.
    pub fn loss(&self, logits: &Tensor, target: &Tensor) -> Result<Tensor> {
        match *self {
            Method::Bce => bce_with_logits(logits, target, None),
            Method::PosWeight(w) => bce_with_logits(logits, target, Some(w)),
            Method::Focal { alpha, gamma } => focal_loss(logits, target, alpha, gamma),
        }
    }
}
// ANCHOR_END: method

/// One trained binary model's predictions on the two held-out sets.
#[derive(Clone, Debug)]
pub struct BinaryRun {
    pub method: Method,
    /// Probabilities on the validation set (used only to tune a threshold).
    pub val_prob: Vec<f64>,
    /// Probabilities on the test set (every reported score).
    pub test_prob: Vec<f64>,
    /// The training loss after the last step.
    pub final_loss: f64,
    /// The fitted weights and bias, when the model is linear (`--hidden 0`).
    pub linear: Option<(Vec<f64>, f64)>,
}

/// Everything trained at one positive rate.
#[derive(Clone, Debug)]
pub struct RateResult {
    pub rate: f64,
    pub train_positives: usize,
    pub train_rows: usize,
    /// `n_neg / n_pos` in the training set.
    pub pos_weight: f64,
    pub val_labels: Vec<u32>,
    pub test_labels: Vec<u32>,
    /// Plain BCE, BCE with `pos_weight`, focal loss with the chosen α and γ.
    pub methods: Vec<BinaryRun>,
    /// Focal loss without α at each γ of the sweep (only at the first rate).
    pub sweep: Vec<BinaryRun>,
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

#[derive(Clone, Debug)]
pub struct Experiment {
    pub rates: Vec<RateResult>,
    pub multi: MultiResult,
}

impl BinaryRun {
    pub fn scores_at(&self, labels: &[u32], threshold: f64) -> BinaryScores {
        binary_scores(&self.test_prob, labels, threshold)
    }
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

impl RateResult {
    /// The threshold with the best F1 on the validation set, and the test scores there.
    pub fn tuned(&self, run: &BinaryRun) -> (f64, BinaryScores) {
        let t = best_f1_threshold(&run.val_prob, &self.val_labels);
        (t, run.scores_at(&self.test_labels, t))
    }
}

// ANCHOR: multi_data
/// Imbalanced multi-class data: class `c` with probability `shares[c]`, four
/// standard-normal features, and `separation` added to feature `c − 1` for
/// every class but the majority class 0, which sits at the origin.
pub fn imbalanced_classes(n: usize, shares: &[f64], separation: f32, seed: u64) -> Classification {
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
            row[c - 1] += separation;
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

// ANCHOR: train_binary
/// Trains one model with `method` on the training rows and returns its
/// probabilities on the validation and test rows. Every method starts from
/// the same seeded weights.
fn train_binary(setup: &Setup, method: Method, sets: &[Classification; 3]) -> Result<BinaryRun> {
    let dev = Device::Cpu;
    let [tr, val, test] = sets;
    let (x, y) = (tr.x(&dev)?, tr.binary_targets(&dev)?);
    let model = model(setup, 1)?;
    start_at_base_rate(&model, &tr.class_rates())?;
    let history = train(&model, &x, setup.lr, setup.steps, |logits| {
        method.loss(logits, &y)
    })?;
    let prob = |set: &Classification| to_f64_vec(&sigmoid(&model.forward(&set.x(&dev)?)?)?);
    let linear = match model.layers.as_slice() {
        [only] => Some((
            to_f64_vec(only.weight.as_tensor())?,
            to_f64_vec(only.bias.as_tensor())?[0],
        )),
        _ => None,
    };
    Ok(BinaryRun {
        method,
        val_prob: prob(val)?,
        test_prob: prob(test)?,
        final_loss: history.last().copied().unwrap_or(f64::NAN),
        linear,
    })
}
// ANCHOR_END: train_binary

// ANCHOR: base_rate
/// Sets the output bias so that the untrained model predicts the training
/// set's class shares: log-odds `ln(π / (1 − π))` for one output, `ln π_c` for
/// several (softmax ignores a common shift). The focal-loss paper starts its
/// classifier this way; without it, most of a short run goes into learning how
/// rare the positives are.
fn start_at_base_rate(model: &Mlp, shares: &[f64]) -> Result<()> {
    let Some(last) = model.layers.last() else {
        return Ok(());
    };
    let bias: Vec<f32> = match shares {
        [neg, pos] if last.bias.dims() == [1] => vec![(pos / neg).ln() as f32],
        _ => shares.iter().map(|&s| s.ln() as f32).collect(),
    };
    last.bias.set(&Tensor::new(bias.as_slice(), &Device::Cpu)?)
}
// ANCHOR_END: base_rate

/// Logistic (or softmax) regression when `hidden` is 0, else one hidden ReLU layer.
fn model(setup: &Setup, outputs: usize) -> Result<Mlp> {
    let d = 4.max(setup.shares.len() - 1);
    let inputs = if outputs == 1 { 4 } else { d };
    let sizes: Vec<usize> = if setup.hidden == 0 {
        vec![inputs, outputs]
    } else {
        vec![inputs, setup.hidden, outputs]
    };
    Mlp::new(&sizes, Activation::Relu, Init::PytorchDefault, setup.seed)
}

/// Softmax probabilities on the test rows after training with class weights
/// `weights` (`None`: plain cross-entropy).
fn train_multi(
    setup: &Setup,
    weights: Option<&[f64]>,
    tr: &Classification,
    test: &Classification,
) -> Result<Vec<f64>> {
    let dev = Device::Cpu;
    let (x, y) = (tr.x(&dev)?, tr.labels(&dev)?);
    let model = model(setup, tr.classes)?;
    start_at_base_rate(&model, &tr.class_rates())?;
    train(&model, &x, setup.lr, setup.steps, |logits| {
        cross_entropy(logits, &y, weights)
    })?;
    to_f64_vec(&softmax(&model.forward(&test.x(&dev)?)?, D::Minus1)?)
}

type Job<'a, T> = Box<dyn FnOnce() -> Result<T> + Send + 'a>;

/// Runs independent jobs on their own threads: each is deterministic on its
/// own, so the results do not depend on scheduling, and two cores halve the wait.
fn in_parallel<T: Send>(jobs: Vec<Job<'_, T>>) -> Result<Vec<T>> {
    std::thread::scope(|s| {
        let handles: Vec<_> = jobs.into_iter().map(|job| s.spawn(job)).collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| bail!("a training thread panicked"))
            })
            .collect()
    })
}

fn count(labels: &[u32], class: u32) -> usize {
    labels.iter().filter(|&&l| l == class).count()
}

/// Trains everything the chapter reports.
pub fn run(setup: &Setup) -> Result<Experiment> {
    let n = setup.train + 2 * setup.held_out;
    let split = |data: Classification| {
        let (tr, rest) = data.split(setup.train);
        let (val, test) = rest.split(setup.held_out);
        [tr, val, test]
    };
    let binary_sets: Vec<[Classification; 3]> = setup
        .rates
        .iter()
        .enumerate()
        .map(|(i, &rate)| {
            split(imbalanced_binary(
                n,
                rate,
                setup.separation,
                setup.seed.wrapping_add(i as u64),
            ))
        })
        .collect();
    let mut plans = Vec::new();
    for (i, sets) in binary_sets.iter().enumerate() {
        let pos = count(&sets[0].labels, 1);
        if pos == 0 {
            bail!(
                "the training set at rate {} has no positives: raise --rate or --train",
                setup.rates[i]
            )
        }
        let w = (sets[0].len() - pos) as f64 / pos as f64;
        let mut methods = vec![
            Method::Bce,
            Method::PosWeight(w),
            Method::Focal {
                alpha: setup.alpha,
                gamma: setup.gamma,
            },
        ];
        if i == 0 {
            methods.extend(
                setup
                    .gammas
                    .iter()
                    .map(|&gamma| Method::Focal { alpha: -1.0, gamma }),
            );
        }
        plans.push((pos, w, methods));
    }

    let multi_sets = split(imbalanced_classes(
        n,
        &setup.shares,
        setup.separation,
        setup.seed.wrapping_add(1000),
    ));
    let train_counts: Vec<usize> = (0..setup.shares.len() as u32)
        .map(|c| count(&multi_sets[0].labels, c))
        .collect();
    let largest = train_counts.iter().copied().max().unwrap_or(0);
    if train_counts.contains(&0) {
        bail!("a class has no training rows: raise --train or the smallest of --shares")
    }
    let weights: Vec<f64> = train_counts
        .iter()
        .map(|&c| largest as f64 / c as f64)
        .collect();

    // Every training run is independent: binary runs first, then the two multi-class ones.
    let mut binary_jobs: Vec<Job<'_, BinaryRun>> = Vec::new();
    for (sets, (_, _, methods)) in binary_sets.iter().zip(&plans) {
        for &m in methods {
            binary_jobs.push(Box::new(move || train_binary(setup, m, sets)));
        }
    }
    let mut binary = in_parallel(binary_jobs)?.into_iter();
    let (tr, test, w) = (&multi_sets[0], &multi_sets[2], &weights);
    let multi_jobs: Vec<Job<'_, Vec<f64>>> = vec![
        Box::new(move || train_multi(setup, None, tr, test)),
        Box::new(move || train_multi(setup, Some(w), tr, test)),
    ];
    let mut multi = in_parallel(multi_jobs)?.into_iter();

    let mut rates = Vec::new();
    for (i, (sets, (pos, w, methods))) in binary_sets.iter().zip(plans).enumerate() {
        let mut runs: Vec<BinaryRun> = binary.by_ref().take(methods.len()).collect();
        let sweep = runs.split_off(3);
        rates.push(RateResult {
            rate: setup.rates[i],
            train_positives: pos,
            train_rows: sets[0].len(),
            pos_weight: w,
            val_labels: sets[1].labels.clone(),
            test_labels: sets[2].labels.clone(),
            methods: runs,
            sweep,
        });
    }
    let (Some(plain_prob), Some(weighted_prob)) = (multi.next(), multi.next()) else {
        bail!("the multi-class runs did not finish")
    };
    Ok(Experiment {
        rates,
        multi: MultiResult {
            shares: setup.shares.clone(),
            train_counts,
            weights,
            test_labels: multi_sets[2].labels.clone(),
            plain_prob,
            weighted_prob,
        },
    })
}

/// The experiment for `setup`, trained once per process: the sections and the
/// plots all read the same results.
pub fn cached(setup: &Setup) -> Result<Arc<Experiment>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Experiment>>>> = OnceLock::new();
    let key = format!("{setup:?}");
    // Held while training, so concurrent callers wait for one run instead of repeating it.
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(e) = cache.get(&key) {
        return Ok(e.clone());
    }
    let e = Arc::new(run(setup)?);
    cache.insert(key, e.clone());
    Ok(e)
}
