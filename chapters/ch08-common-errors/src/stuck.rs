//! Stuck at the majority class: MSE on the softmax of an imbalanced
//! two-class task, then cross-entropy, then cross-entropy with class weights.

use candle_core::{D, Device, Result, Tensor};
use nn_functional::{self as F, CrossEntropyOptions, Reduction};
use shared::activations::{Activation, to_f64_vec};
use shared::metrics::{accuracy, argmax_rows, average_precision, class_scores};
use shared::nn::{Init, Mlp};

use crate::Options;
use crate::train::{Opt, Run, fit};

/// How a run treats the two classes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StuckLoss {
    /// MSE between softmax probabilities and one-hot labels.
    Mse,
    CrossEntropy,
    /// Cross-entropy with weights `[1, w]`, `w` = negatives per positive.
    WeightedCrossEntropy,
}

impl StuckLoss {
    pub fn name(&self) -> &'static str {
        match self {
            StuckLoss::Mse => "MSE on softmax",
            StuckLoss::CrossEntropy => "cross-entropy",
            StuckLoss::WeightedCrossEntropy => "weighted CE",
        }
    }
}

/// One run and what its predictions (argmax) look like.
#[derive(Clone, Debug)]
pub struct StuckRun {
    pub loss: StuckLoss,
    pub run: Run,
    pub accuracy: f64,
    pub predicted_positive: usize,
    /// Recall on the rare class.
    pub recall: f64,
    pub precision: f64,
    /// The average of the two classes' recalls.
    pub balanced_accuracy: f64,
    /// The rare class's probability, averaged over the rare examples.
    pub mean_p_positive: f64,
    /// The rare class's probability, averaged over the common examples.
    pub mean_p_negative: f64,
    /// Average precision of the rare class's probability: how well it ranks
    /// the rare examples first, whatever the threshold (a random ranking
    /// scores `shared::metrics::random_ranking_average_precision` on average).
    pub average_precision: f64,
}

#[derive(Clone, Debug)]
pub struct StuckStudy {
    pub positives: usize,
    pub samples: usize,
    /// The accuracy of always answering "negative".
    pub majority_rate: f64,
    pub positive_weight: f64,
    pub runs: Vec<StuckRun>,
}

// ANCHOR: stuck
pub fn stuck_study(opts: &Options) -> Result<StuckStudy> {
    let data = shared::data::imbalanced_binary(
        opts.samples,
        opts.positive_rate,
        opts.separation as f32,
        opts.seed,
    );
    let x = data.x(&Device::Cpu)?;
    let labels = data.labels(&Device::Cpu)?;
    let one_hot = Tensor::stack(&[labels.eq(0u32)?, labels.eq(1u32)?], 1)?.to_dtype(x.dtype())?;
    let positives = data.labels.iter().filter(|&&l| l == 1).count();
    let n = data.len();
    // Negatives per positive: the weight that makes both classes count alike.
    let positive_weight = (n - positives) as f64 / positives.max(1) as f64;
    let class_weights = Tensor::new(&[1.0, positive_weight], &Device::Cpu)?.to_dtype(x.dtype())?;
    let mut runs = Vec::new();
    for loss in [
        StuckLoss::Mse,
        StuckLoss::CrossEntropy,
        StuckLoss::WeightedCrossEntropy,
    ] {
        let mlp = Mlp::new(
            &[4, 16, 2],
            Activation::Relu,
            Init::PytorchDefault,
            opts.seed,
        )?;
        let run = fit(
            &mlp,
            &x,
            Opt::adam(opts.lr),
            opts.steps,
            None,
            |z| match loss {
                StuckLoss::Mse => {
                    F::mse_loss(&F::softmax(z, D::Minus1)?, &one_hot, Reduction::Mean)
                }
                StuckLoss::CrossEntropy => F::cross_entropy(z, &labels, Default::default()),
                StuckLoss::WeightedCrossEntropy => {
                    let weighted = CrossEntropyOptions {
                        weight: Some(class_weights.clone()),
                        ..Default::default()
                    };
                    F::cross_entropy(z, &labels, weighted)
                }
            },
        )?;
        let z = to_f64_vec(&mlp.forward(&x)?)?;
        let pred = argmax_rows(&z, 2);
        let p = to_f64_vec(&F::softmax(&mlp.forward(&x)?, D::Minus1)?)?;
        let scores = class_scores(&pred, &data.labels, 1);
        let negatives_recall = class_scores(&pred, &data.labels, 0).recall;
        let p_pos: Vec<f64> = (0..n).map(|i| p[2 * i + 1]).collect();
        let mean_over = |class: u32| {
            let picked: Vec<f64> = (0..n)
                .filter(|&i| data.labels[i] == class)
                .map(|i| p_pos[i])
                .collect();
            picked.iter().sum::<f64>() / picked.len().max(1) as f64
        };
        runs.push(StuckRun {
            loss,
            run,
            accuracy: accuracy(&pred, &data.labels),
            predicted_positive: scores.predicted_positive,
            recall: scores.recall,
            precision: scores.precision,
            balanced_accuracy: (scores.recall + negatives_recall) / 2.0,
            mean_p_positive: mean_over(1),
            mean_p_negative: mean_over(0),
            average_precision: average_precision(&p_pos, &data.labels),
        });
    }
    Ok(StuckStudy {
        positives,
        samples: n,
        majority_rate: (n - positives) as f64 / n as f64,
        positive_weight,
        runs,
    })
}
// ANCHOR_END: stuck
