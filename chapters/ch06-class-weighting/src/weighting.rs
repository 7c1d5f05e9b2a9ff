//! PyTorch's two ways of weighting a loss, on two small examples:
//! class weights in cross-entropy, and `pos_weight` in BCE.

use candle_core::{Device, Result, Tensor};
use nn_functional::{
    self as F, BinaryCrossEntropyWithLogitsOptions as BceOptions, CrossEntropyOptions, Reduction,
};
use shared::activations::{to_f64, to_f64_vec};

// ANCHOR: weighted_mean
/// Three samples, one per class, with class weights [1, 19, 1].
pub struct WeightedMean {
    /// `−log softmax(z)[target]` for each sample.
    pub per_sample: Vec<f64>,
    /// The weight of each sample's target class.
    pub sample_weights: Vec<f64>,
    /// `F::cross_entropy` with no weights: the plain mean.
    pub unweighted: f64,
    /// `F::cross_entropy` with `weight` [1, 19, 1]: PyTorch's weighted mean.
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
    let class_weights = [1.0f32, 19.0, 1.0];
    let t = Tensor::new(&targets, &dev)?;
    let each = CrossEntropyOptions {
        reduction: Reduction::None,
        ..Default::default()
    };
    let weighted = CrossEntropyOptions {
        weight: Some(Tensor::new(&class_weights, &dev)?),
        ..Default::default()
    };
    Ok(WeightedMean {
        per_sample: to_f64_vec(&F::cross_entropy(&logits, &t, each)?)?,
        sample_weights: targets
            .iter()
            .map(|&c| f64::from(class_weights[c as usize]))
            .collect(),
        unweighted: to_f64(&F::cross_entropy(&logits, &t, Default::default())?)?,
        weighted: to_f64(&F::cross_entropy(&logits, &t, weighted)?)?,
    })
}

/// `BCEWithLogitsLoss(pos_weight = 19)` on four binary logits,
/// and the same task as a two-class cross-entropy (logits `[0, z]`, class
/// weights `[1, 19]`).
pub struct PosWeightExample {
    /// Each sample's loss, its positive's multiplied by 19.
    pub per_sample: Vec<f64>,
    /// The weight of each sample: 19 for a positive, 1 for a negative.
    pub sample_weights: Vec<f64>,
    /// `F::binary_cross_entropy_with_logits` with `pos_weight` 19: the library's mean.
    pub mean: f64,
    /// The two-class cross-entropy with class weights `[1, 19]`.
    pub two_class: f64,
}

impl PosWeightExample {
    pub fn sum(&self) -> f64 {
        self.per_sample.iter().sum()
    }
    pub fn sum_of_weights(&self) -> f64 {
        self.sample_weights.iter().sum()
    }
}

pub fn pos_weight_example() -> Result<PosWeightExample> {
    let dev = Device::Cpu;
    let pos_weight = 19.0f32;
    let z = Tensor::new(&[2.1f32, -0.5, 1.8, -1.2], &dev)?;
    let targets = [1u32, 0, 1, 0];
    let y = Tensor::new(&[1.0f32, 0.0, 1.0, 0.0], &dev)?;
    // softmax([0, z])[1] = σ(z), so each sample's two-class loss is its BCE.
    let two_class = Tensor::stack(&[&z.zeros_like()?, &z], 1)?;
    let classes = Tensor::new(&targets, &dev)?;
    let pw = Tensor::new(&[pos_weight], &dev)?;
    let bce = |reduction| BceOptions {
        pos_weight: Some(pw.clone()),
        reduction,
        ..Default::default()
    };
    let class_weights = CrossEntropyOptions {
        weight: Some(Tensor::new(&[1.0, pos_weight], &dev)?),
        ..Default::default()
    };
    Ok(PosWeightExample {
        per_sample: to_f64_vec(&F::binary_cross_entropy_with_logits(
            &z,
            &y,
            bce(Reduction::None),
        )?)?,
        sample_weights: targets
            .iter()
            .map(|&c| if c == 1 { f64::from(pos_weight) } else { 1.0 })
            .collect(),
        mean: to_f64(&F::binary_cross_entropy_with_logits(
            &z,
            &y,
            bce(Reduction::Mean),
        )?)?,
        two_class: to_f64(&F::cross_entropy(&two_class, &classes, class_weights)?)?,
    })
}
// ANCHOR_END: weighted_mean
