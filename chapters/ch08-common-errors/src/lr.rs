//! A learning rate that is too high: plain gradient descent on the MSE of a
//! linear model diverges once the rate passes 2 / λ_max, where λ_max is the
//! largest curvature of the loss. The same data and model serve the shape
//! section's silent broadcast.

use candle_core::{Device, Result, Tensor};
use nn_functional::{self as F, Reduction};
use shared::activations::Activation;
use shared::data::Regression;
use shared::nn::{Init, Mlp};

use crate::Options;
use crate::train::{Opt, Run, fit};

/// One learning rate's run.
#[derive(Clone, Debug)]
pub struct LrRun {
    pub lr: f64,
    pub clip: Option<f64>,
    pub run: Run,
}

#[derive(Clone, Debug)]
pub struct LrStudy {
    /// The largest eigenvalue of the loss's Hessian, `2 · E[x̃ x̃ᵀ]`, x̃ = (x, 1).
    pub lambda_max: f64,
    /// `2 / λ_max`: above this rate gradient descent on this loss diverges.
    pub critical_lr: f64,
    pub runs: Vec<LrRun>,
}

/// The delivery-time regression (4 features, targets around 35).
pub fn regression(opts: &Options) -> Regression {
    shared::data::delivery_times(opts.samples, opts.seed)
}

/// A linear model, `y = x·wᵀ + b`, PyTorch's default initialisation.
pub fn linear(seed: u64) -> Result<Mlp> {
    Mlp::new(&[4, 1], Activation::Relu, Init::PytorchDefault, seed)
}

// ANCHOR: curvature
/// The largest eigenvalue of `H = (2/N) Σ x̃ x̃ᵀ`, by power iteration (H is
/// symmetric and positive semi-definite, 5 × 5 here).
pub fn lambda_max(data: &Regression) -> f64 {
    let d = data.d + 1;
    let mut h = vec![0.0f64; d * d];
    for row in data.x.chunks(data.d) {
        let xt: Vec<f64> = row.iter().map(|&v| v as f64).chain([1.0]).collect();
        for i in 0..d {
            for j in 0..d {
                h[i * d + j] += 2.0 * xt[i] * xt[j] / data.len() as f64;
            }
        }
    }
    let mut v = vec![1.0f64; d];
    let mut lambda = 0.0;
    for _ in 0..500 {
        let hv: Vec<f64> = (0..d)
            .map(|i| (0..d).map(|j| h[i * d + j] * v[j]).sum())
            .collect();
        lambda = hv.iter().map(|x| x * x).sum::<f64>().sqrt();
        v = hv.iter().map(|x| x / lambda).collect();
    }
    lambda
}
// ANCHOR_END: curvature

// ANCHOR: lr
pub fn lr_study(opts: &Options) -> Result<LrStudy> {
    let data = regression(opts);
    let (x, y) = (data.x(&Device::Cpu)?, data.y(&Device::Cpu)?);
    let lambda = lambda_max(&data);
    let setups = [
        (0.01, None),
        (0.1, None),
        (0.5, None),
        (opts.high_lr, None),
        (opts.high_lr, Some(opts.clip)),
    ];
    let mut runs = Vec::new();
    for (lr, clip) in setups {
        let model = linear(opts.seed)?;
        let run = fit(
            &model,
            &x,
            Opt::Sgd { lr },
            opts.steps,
            clip,
            |p: &Tensor| F::mse_loss(p, &y, Reduction::Mean),
        )?;
        runs.push(LrRun { lr, clip, run });
    }
    Ok(LrStudy {
        lambda_max: lambda,
        critical_lr: 2.0 / lambda,
        runs,
    })
}
// ANCHOR_END: lr
