//! candle-nn 0.11's losses against PyTorch's: its binary cross-entropy on
//! logits, and the options it does not have, with what `shared` offers instead.

use std::any::type_name_of_val;

use candle_core::{Device, Result, Tensor, Var};
use shared::activations::to_f64;
use shared::candle_nn;
use shared::{grad, losses};

// ANCHOR: bce
/// One logit and label through candle-nn's BCE, `shared`'s, and PyTorch's.
pub struct BceRow {
    pub logit: f64,
    pub target: f64,
    pub candle_nn: f64,
    pub shared: f64,
    /// `F.binary_cross_entropy_with_logits(torch.tensor([z]), torch.tensor([y]))`
    pub pytorch: f64,
}

pub fn bce_rows() -> Result<Vec<BceRow>> {
    let cases = [
        (0.0, 1.0, 0.6931471824645996),
        (17.0, 1.0, 4.139937459513021e-8),
        (100.0, 0.0, 100.0),
        (-100.0, 1.0, 100.0),
    ];
    cases
        .iter()
        .map(|&(logit, target, pytorch)| {
            let z = Tensor::new(&[logit as f32], &Device::Cpu)?;
            let y = Tensor::new(&[target as f32], &Device::Cpu)?;
            Ok(BceRow {
                logit,
                target,
                candle_nn: to_f64(&candle_nn::loss::binary_cross_entropy_with_logit(&z, &y)?)?,
                shared: to_f64(&losses::bce_with_logits(&z, &y, None)?)?,
                pytorch,
            })
        })
        .collect()
}
// ANCHOR_END: bce

// ANCHOR: builtins
/// Something PyTorch has built in: candle-nn's nearest function (if any) and
/// `shared`'s. Names come from the functions themselves, so they are real paths.
pub struct Builtin {
    pub need: &'static str,
    pub candle_nn: Option<String>,
    pub shared: Option<String>,
}

/// A function's path, e.g. `shared::losses::focal_loss`.
pub fn path_of<T>(f: &T) -> String {
    type_name_of_val(f).to_string()
}

pub fn builtins() -> Vec<Builtin> {
    let row = |need, candle_nn: Option<String>, shared: Option<String>| Builtin {
        need,
        candle_nn,
        shared,
    };
    vec![
        row("focal loss", None, Some(path_of(&losses::focal_loss))),
        row(
            "class weights in CE",
            Some(path_of(&candle_nn::loss::cross_entropy)),
            Some(path_of(&losses::cross_entropy)),
        ),
        row(
            "pos_weight in BCE",
            Some(path_of(&candle_nn::loss::binary_cross_entropy_with_logit)),
            Some(path_of(&losses::bce_with_logits)),
        ),
        row(
            "label smoothing",
            Some(path_of(&candle_nn::loss::cross_entropy)),
            None,
        ),
        row(
            "gradient clipping",
            Some(std::any::type_name::<candle_nn::AdamW>().to_string()),
            Some(path_of(&grad::clip_grad_norm)),
        ),
    ]
}
// ANCHOR_END: builtins

/// Each of `shared`'s replacements on one small batch, with PyTorch's value.
pub struct Replacement {
    pub call: &'static str,
    pub shared: f64,
    pub pytorch: f64,
}

/// The gradient (10, 10) of `Σ 10·w`, clipped to norm 1: its first entry.
fn clipped_first() -> Result<f64> {
    let w = Var::new(&[3.0f32, 4.0], &Device::Cpu)?;
    let mut g = (w.as_tensor() * 10.0)?.sum_all()?.backward()?;
    grad::clip_grad_norm(&mut g, std::slice::from_ref(&w), 1.0)?;
    match g.get(&w) {
        Some(t) => Ok(shared::activations::to_f64_vec(t)?[0]),
        None => candle_core::bail!("no gradient for w"),
    }
}

/// Logits `[2, -1, 0.5, -3]` with labels `[1, 0, 0, 1]`; for cross-entropy,
/// the same logits as two rows of two classes, with targets `[0, 1]`.
pub fn replacements() -> Result<Vec<Replacement>> {
    let dev = Device::Cpu;
    let z = Tensor::new(&[2.0f32, -1.0, 0.5, -3.0], &dev)?;
    let y = Tensor::new(&[1.0f32, 0.0, 0.0, 1.0], &dev)?;
    let classes = Tensor::new(&[0u32, 1], &dev)?;
    Ok(vec![
        Replacement {
            call: "losses::focal_loss(z, y, Some(0.25), 2.0)",
            shared: to_f64(&losses::focal_loss(&z, &y, Some(0.25), 2.0)?)?,
            // torchvision.ops.sigmoid_focal_loss(z, y, 0.25, 2.0, reduction="mean")
            pytorch: 0.2480183243751526,
        },
        Replacement {
            call: "losses::cross_entropy(z2, t, Some(&[1.0, 3.0]))",
            shared: to_f64(&losses::cross_entropy(
                &z.reshape((2, 2))?,
                &classes,
                Some(&[1.0, 3.0]),
            )?)?,
            // nn.CrossEntropyLoss(weight=torch.tensor([1.0, 3.0]))(z.view(2, 2), t)
            pytorch: 2.6594595909118652,
        },
        Replacement {
            call: "losses::bce_with_logits(z, y, Some(3.0))",
            shared: to_f64(&losses::bce_with_logits(&z, &y, Some(3.0))?)?,
            // nn.BCEWithLogitsLoss(pos_weight=torch.tensor(3.0))(z, y)
            pytorch: 2.7034711837768555,
        },
        Replacement {
            call: "grad::clip_grad_norm(g, &[w], 1.0), then g[w][0]",
            shared: clipped_first()?,
            // w = torch.tensor([3.0, 4.0]); (10 * w).sum().backward();
            // clip_grad_norm_([w], 1.0); w.grad[0]
            pytorch: 0.7071067094802856,
        },
    ])
}
