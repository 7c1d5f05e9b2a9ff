//! Shape mistakes: what `nn_functional`'s losses, candle-nn's losses and Candle's
//! own operations say when the prediction and the target disagree, and the
//! one mistake nobody reports, a broadcast that turns N errors into N × N.

use candle_core::{DType, Device, Result, Tensor};
use nn_functional::{self as F, Reduction};
use shared::activations::{to_f64, to_f64_vec};
use shared::candle_nn::loss as nn_loss;

use crate::Options;
use crate::lr::{linear, regression};
use crate::train::{Opt, Run, fit};

/// One call and what came back: a loss, or the library's error message.
#[derive(Clone, Debug)]
pub struct Attempt {
    pub call: &'static str,
    /// `Ok(loss)` or `Err(first line of the error)`.
    pub outcome: std::result::Result<f64, String>,
}

/// One mistake, tried through several functions.
#[derive(Clone, Debug)]
pub struct Mistake {
    pub what: &'static str,
    pub attempts: Vec<Attempt>,
}

/// The silent one: `broadcast_sub` of `(N, 1)` and `(N)`.
#[derive(Clone, Debug)]
pub struct Broadcast {
    pub n: usize,
    pub shape: Vec<usize>,
    pub broken_loss: f64,
    pub right_loss: f64,
    /// The same model trained on each loss.
    pub broken_run: Run,
    pub right_run: Run,
    /// Standard deviation of the trained model's predictions, and the targets'.
    pub broken_pred_std: f64,
    pub right_pred_std: f64,
    pub target_std: f64,
    pub target_mean: f64,
    pub broken_pred_mean: f64,
    /// The real MSE of each trained model's predictions.
    pub broken_true_mse: f64,
}

fn attempt(call: &'static str, f: impl FnOnce() -> Result<Tensor>) -> Attempt {
    let outcome = f().and_then(|t| to_f64(&t)).map_err(|e| {
        e.to_string()
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_string()
    });
    Attempt { call, outcome }
}

// ANCHOR: mistakes
pub fn mistakes() -> Result<Vec<Mistake>> {
    let dev = &Device::Cpu;
    let logits_n1 = Tensor::new(&[[2.0f32], [-1.0], [0.5], [-3.0]], dev)?; // (4, 1)
    let targets_f32 = Tensor::new(&[1.0f32, 0.0, 1.0, 0.0], dev)?; // (4)
    let targets_u32 = Tensor::new(&[1u32, 0, 1, 0], dev)?; // (4)
    let logits_n2 = Tensor::new(&[[0.0f32, 2.0], [1.0, 0.0], [0.0, 0.5], [3.0, 0.0]], dev)?;
    let bce =
        |x: &Tensor, y: &Tensor| F::binary_cross_entropy_with_logits(x, y, Default::default());
    let ce = |x: &Tensor, y: &Tensor| F::cross_entropy(x, y, Default::default());
    Ok(vec![
        Mistake {
            what: "BCE: logits (4, 1), targets (4)",
            attempts: vec![
                attempt("F::binary_cross_entropy_with_logits", || {
                    bce(&logits_n1, &targets_f32)
                }),
                attempt("candle_nn::loss::binary_cross_entropy_with_logit", || {
                    nn_loss::binary_cross_entropy_with_logit(&logits_n1, &targets_f32)
                }),
                attempt("fixed: logits.squeeze(1)", || {
                    bce(&logits_n1.squeeze(1)?, &targets_f32)
                }),
            ],
        },
        Mistake {
            what: "cross-entropy: logits (4, 1), class indices (4)",
            attempts: vec![
                attempt("F::cross_entropy", || ce(&logits_n1, &targets_u32)),
                attempt("candle_nn::loss::cross_entropy", || {
                    nn_loss::cross_entropy(&logits_n1, &targets_u32)
                }),
                attempt("fixed: logits (4, 2)", || ce(&logits_n2, &targets_u32)),
            ],
        },
        Mistake {
            what: "cross-entropy: logits (4, 2), f32 targets (4)",
            attempts: vec![
                attempt("F::cross_entropy", || ce(&logits_n2, &targets_f32)),
                attempt("candle_nn::loss::cross_entropy", || {
                    nn_loss::cross_entropy(&logits_n2, &targets_f32)
                }),
                attempt("fixed: targets.to_dtype(DType::U32)", || {
                    ce(&logits_n2, &targets_f32.to_dtype(DType::U32)?)
                }),
                attempt("or: one-hot class probabilities (4, 2)", || {
                    let one_hot = Tensor::stack(&[(1.0 - &targets_f32)?, targets_f32.clone()], 1)?;
                    ce(&logits_n2, &one_hot)
                }),
            ],
        },
        Mistake {
            what: "MSE: predictions (4, 1), targets (4)",
            attempts: vec![
                attempt("F::mse_loss", || {
                    F::mse_loss(&logits_n1, &targets_f32, Reduction::Mean)
                }),
                attempt("candle_nn::loss::mse", || {
                    nn_loss::mse(&logits_n1, &targets_f32)
                }),
                attempt("(pred - target)?.sqr()?.mean_all()", || {
                    (&logits_n1 - &targets_f32)?.sqr()?.mean_all()
                }),
                attempt("pred.broadcast_sub(&target)?.sqr()?.mean_all()", || {
                    logits_n1.broadcast_sub(&targets_f32)?.sqr()?.mean_all()
                }),
                attempt("fixed: target.unsqueeze(1)", || {
                    F::mse_loss(&logits_n1, &targets_f32.unsqueeze(1)?, Reduction::Mean)
                }),
            ],
        },
    ])
}
// ANCHOR_END: mistakes

fn mean_std(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

// ANCHOR: broadcast
pub fn broadcast(opts: &Options) -> Result<Broadcast> {
    let data = regression(opts);
    let x = data.x(&Device::Cpu)?;
    let y_n1 = data.y(&Device::Cpu)?; // (N, 1), like the model's output
    let y_n = y_n1.squeeze(1)?; // (N): what a data loader often gives
    let broken = |p: &Tensor| p.broadcast_sub(&y_n)?.sqr()?.mean_all();
    let right = |p: &Tensor| F::mse_loss(p, &y_n1, Reduction::Mean);
    let model = linear(opts.seed)?;
    let p0 = model.forward(&x)?;
    let shape = p0.broadcast_sub(&y_n)?.dims().to_vec();
    let (broken_loss, right_loss) = (to_f64(&broken(&p0)?)?, to_f64(&right(&p0)?)?);
    let sgd = Opt::Sgd { lr: 0.1 };
    let broken_run = fit(&model, &x, sgd, opts.steps, None, broken)?;
    let broken_pred = model.forward(&x)?;
    let broken_true_mse = to_f64(&right(&broken_pred)?)?;
    let (broken_pred_mean, broken_pred_std) = mean_std(&to_f64_vec(&broken_pred)?);
    let model = linear(opts.seed)?;
    let right_run = fit(&model, &x, sgd, opts.steps, None, right)?;
    let (_, right_pred_std) = mean_std(&to_f64_vec(&model.forward(&x)?)?);
    let (target_mean, target_std) = mean_std(&to_f64_vec(&y_n)?);
    Ok(Broadcast {
        n: data.len(),
        shape,
        broken_loss,
        right_loss,
        broken_run,
        right_run,
        broken_pred_std,
        right_pred_std,
        target_std,
        target_mean,
        broken_pred_mean,
        broken_true_mse,
    })
}
// ANCHOR_END: broadcast
