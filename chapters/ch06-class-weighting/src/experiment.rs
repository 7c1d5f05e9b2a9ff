//! The experiment behind the chapter: the data, and one training run per
//! loss, all independent, run side by side. `scores.rs` and `multiclass.rs`
//! score what this returns.

use book_kit::parallel::{Job, run_all};
use candle_core::{Result, bail};
use shared::data::{Classification, imbalanced_binary};

use crate::Options;
use crate::multiclass::{MultiResult, MultiTask, imbalanced_classes, train_multi};
use crate::training::{BinaryRun, Method, Split, count, train_binary};

/// Rows in the validation set and in the test set. Scoring is cheap, and with
/// 1% positives 20 000 rows hold about 200 of them.
pub const HELD_OUT: usize = 20_000;

/// Everything trained at one positive rate.
#[derive(Clone, Debug)]
pub struct RateResult {
    pub rate: f64,
    pub train_positives: usize,
    pub train_rows: usize,
    /// `n_neg / n_pos` in the training set.
    pub pos_weight: f64,
    pub val_positives: usize,
    pub test_positives: usize,
    pub val_labels: Vec<u32>,
    pub test_labels: Vec<u32>,
    /// Plain BCE, BCE with `pos_weight`, focal loss with the chosen α and γ.
    pub methods: Vec<BinaryRun>,
    /// Focal loss without α at each γ of the sweep (only at the first rate).
    pub sweep: Vec<BinaryRun>,
}

/// Every model the chapter trains, with its held-out predictions.
#[derive(Clone, Debug)]
pub struct Experiment {
    pub rates: Vec<RateResult>,
    pub multi: MultiResult,
}

/// The binary task at one rate, and the losses to train on it.
struct Plan {
    sets: Split,
    positives: usize,
    pos_weight: f64,
    methods: Vec<Method>,
}

/// Trains everything the chapter reports.
pub fn train_all(opts: &Options) -> Result<Experiment> {
    let (train_rows, separation) = (opts.train as usize, opts.separation as f32);
    let n = train_rows + 2 * HELD_OUT;
    let split = |data: Classification| {
        let (train, rest) = data.split(train_rows);
        let (validation, test) = rest.split(HELD_OUT);
        Split {
            train,
            validation,
            test,
        }
    };
    let mut plans = Vec::new();
    for (i, &rate) in opts.rate.iter().enumerate() {
        let seed = opts.seed.wrapping_add(i as u64);
        let sets = split(imbalanced_binary(n, rate, separation, seed));
        let pos = count(&sets.train.labels, 1);
        if pos == 0 {
            bail!("the training set at rate {rate} has no positives: raise --rate or --train")
        }
        let w = (sets.train.len() - pos) as f64 / pos as f64;
        let mut methods = vec![
            Method::Bce,
            Method::PosWeight(w),
            Method::Focal {
                alpha: opts.alpha,
                gamma: opts.gamma,
            },
        ];
        if i == 0 {
            methods.extend(
                opts.gammas
                    .iter()
                    .map(|&gamma| Method::Focal { alpha: None, gamma }),
            );
        }
        plans.push(Plan {
            sets,
            positives: pos,
            pos_weight: w,
            methods,
        });
    }
    let multi_seed = opts.seed.wrapping_add(1000);
    let multi = MultiTask::new(split(imbalanced_classes(
        n,
        &opts.shares,
        separation,
        multi_seed,
    )))?;

    // Every training run is independent: binary runs first, then the two multi-class ones.
    let mut binary_jobs: Vec<Job<'_, Result<BinaryRun>>> = Vec::new();
    for plan in &plans {
        for &m in &plan.methods {
            binary_jobs.push(Box::new(move || train_binary(opts, m, &plan.sets)));
        }
    }
    let mut binary = run_all(binary_jobs)
        .into_iter()
        .collect::<Result<Vec<_>>>()?
        .into_iter();
    let (sets, w) = (&multi.sets, multi.weights.as_slice());
    let multi_jobs: Vec<Job<'_, Result<Vec<f64>>>> = vec![
        Box::new(move || train_multi(opts, None, sets)),
        Box::new(move || train_multi(opts, Some(w), sets)),
    ];
    let mut multi_prob = run_all(multi_jobs)
        .into_iter()
        .collect::<Result<Vec<_>>>()?
        .into_iter();

    let mut rates = Vec::new();
    for (&rate, plan) in opts.rate.iter().zip(plans) {
        let mut runs: Vec<BinaryRun> = binary.by_ref().take(plan.methods.len()).collect();
        let sweep = runs.split_off(3);
        let (val, test) = (plan.sets.validation, plan.sets.test);
        rates.push(RateResult {
            rate,
            train_positives: plan.positives,
            train_rows: plan.sets.train.len(),
            pos_weight: plan.pos_weight,
            val_positives: count(&val.labels, 1),
            test_positives: count(&test.labels, 1),
            val_labels: val.labels,
            test_labels: test.labels,
            methods: runs,
            sweep,
        });
    }
    let (Some(plain_prob), Some(weighted_prob)) = (multi_prob.next(), multi_prob.next()) else {
        bail!("the multi-class runs did not finish")
    };
    Ok(Experiment {
        rates,
        multi: MultiResult {
            shares: opts.shares.clone(),
            train_counts: multi.train_counts,
            weights: multi.weights,
            test_labels: multi.sets.test.labels,
            plain_prob,
            weighted_prob,
        },
    })
}
