//! candle-nn 0.11's losses against PyTorch's: its binary cross-entropy on
//! logits, and the options it does not have, with what `nn_functional`
//! offers instead.

use std::any::type_name_of_val;

use candle_core::{Device, Result, Tensor, Var};
use nn_functional::{
    self as F, BinaryCrossEntropyWithLogitsOptions, CrossEntropyOptions, Reduction,
    SigmoidFocalLossOptions,
};
use shared::activations::{to_f64, to_f64_vec};
use shared::candle_nn;

// ANCHOR: bce
/// One logit and label through candle-nn's BCE, `nn_functional`'s, and PyTorch's.
pub struct BceRow {
    pub logit: f64,
    pub target: f64,
    pub candle_nn: f64,
    pub library: f64,
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
                library: to_f64(&F::binary_cross_entropy_with_logits(
                    &z,
                    &y,
                    Default::default(),
                )?)?,
                pytorch,
            })
        })
        .collect()
}
// ANCHOR_END: bce

// ANCHOR: builtins
/// Something PyTorch has built in: candle-nn's nearest function (if any) and
/// `nn_functional`'s. Names come from the functions themselves, so they are real paths.
pub struct Builtin {
    pub need: &'static str,
    pub candle_nn: Option<String>,
    pub library: Option<String>,
}

/// A function's path, e.g. `candle_nn::loss::cross_entropy`.
pub fn path_of<T>(f: &T) -> String {
    type_name_of_val(f).to_string()
}

/// The path a reader writes for one of `nn_functional`'s functions, e.g.
/// `nn_functional::sigmoid_focal_loss`: the crate exports each at its root,
/// while `type_name_of_val` names the private module that defines it.
pub fn root_path_of<T>(f: &T) -> String {
    let path = type_name_of_val(f);
    let krate = path.split("::").next().unwrap_or(path);
    let name = path.rsplit("::").next().unwrap_or(path);
    format!("{krate}::{name}")
}

pub fn builtins() -> Vec<Builtin> {
    let row = |need, candle_nn: Option<String>, library: Option<String>| Builtin {
        need,
        candle_nn,
        library,
    };
    vec![
        row(
            "focal loss",
            None,
            Some(root_path_of(&F::sigmoid_focal_loss)),
        ),
        row(
            "class weights in CE",
            Some(path_of(&candle_nn::loss::cross_entropy)),
            Some(root_path_of(&F::cross_entropy)),
        ),
        row(
            "pos_weight in BCE",
            Some(path_of(&candle_nn::loss::binary_cross_entropy_with_logit)),
            Some(root_path_of(&F::binary_cross_entropy_with_logits)),
        ),
        row(
            "label smoothing",
            Some(path_of(&candle_nn::loss::cross_entropy)),
            Some(root_path_of(&F::cross_entropy)),
        ),
        row(
            "gradient clipping",
            Some(std::any::type_name::<candle_nn::AdamW>().to_string()),
            Some(root_path_of(&F::clip_grad_norm)),
        ),
    ]
}
// ANCHOR_END: builtins

/// Each of `nn_functional`'s replacements on one small batch, with PyTorch's value.
pub struct Replacement {
    pub call: &'static str,
    pub library: f64,
    pub pytorch: f64,
}

/// The gradient (10, 10) of `Σ 10·w`, clipped to norm 1: its first entry.
fn clipped_first() -> Result<f64> {
    let w = Var::new(&[3.0f32, 4.0], &Device::Cpu)?;
    let mut g = (w.as_tensor() * 10.0)?.sum_all()?.backward()?;
    F::clip_grad_norm(&mut g, std::slice::from_ref(&w), 1.0, Default::default())?;
    match g.get(&w) {
        Some(t) => Ok(to_f64_vec(t)?[0]),
        None => candle_core::bail!("no gradient for w"),
    }
}

/// Logits `[2, -1, 0.5, -3]` with labels `[1, 0, 0, 1]`; for cross-entropy,
/// the same logits as two rows of two classes, with targets `[0, 1]`.
pub fn replacements() -> Result<Vec<Replacement>> {
    let dev = Device::Cpu;
    let z = Tensor::new(&[2.0f32, -1.0, 0.5, -3.0], &dev)?;
    let y = Tensor::new(&[1.0f32, 0.0, 0.0, 1.0], &dev)?;
    let z2 = z.reshape((2, 2))?;
    let t = Tensor::new(&[0u32, 1], &dev)?;
    let focal = SigmoidFocalLossOptions {
        alpha: Some(0.25),
        gamma: 2.0,
        reduction: Reduction::Mean, // torchvision's default is "none"
    };
    let weighted = CrossEntropyOptions {
        weight: Some(Tensor::new(&[1.0f32, 3.0], &dev)?),
        ..Default::default()
    };
    let smoothed = CrossEntropyOptions {
        label_smoothing: 0.1,
        ..Default::default()
    };
    let pos_weighted = BinaryCrossEntropyWithLogitsOptions {
        pos_weight: Some(Tensor::new(&[3.0f32], &dev)?),
        ..Default::default()
    };
    Ok(vec![
        Replacement {
            call: "F::sigmoid_focal_loss(z, y, {alpha: Some(0.25), gamma: 2.0, reduction: Mean})",
            library: to_f64(&F::sigmoid_focal_loss(&z, &y, focal)?)?,
            // torchvision.ops.sigmoid_focal_loss(z, y, 0.25, 2.0, reduction="mean")
            pytorch: 0.2480183243751526,
        },
        Replacement {
            call: "F::cross_entropy(z2, t, {weight: Some([1, 3])})",
            library: to_f64(&F::cross_entropy(&z2, &t, weighted)?)?,
            // nn.CrossEntropyLoss(weight=torch.tensor([1.0, 3.0]))(z.view(2, 2), t)
            pytorch: 2.6594595909118652,
        },
        Replacement {
            call: "F::cross_entropy(z2, t, {label_smoothing: 0.1})",
            library: to_f64(&F::cross_entropy(&z2, &t, smoothed)?)?,
            // nn.CrossEntropyLoss(label_smoothing=0.1)(z.view(2, 2), t)
            pytorch: 1.7766687870025635,
        },
        Replacement {
            call: "F::binary_cross_entropy_with_logits(z, y, {pos_weight: Some([3])})",
            library: to_f64(&F::binary_cross_entropy_with_logits(&z, &y, pos_weighted)?)?,
            // nn.BCEWithLogitsLoss(pos_weight=torch.tensor(3.0))(z, y)
            pytorch: 2.7034711837768555,
        },
        Replacement {
            call: "F::clip_grad_norm(g, &[w], 1.0, {}), then g[w][0]",
            library: clipped_first()?,
            // w = torch.tensor([3.0, 4.0]); (10 * w).sum().backward();
            // clip_grad_norm_([w], 1.0); w.grad[0]
            pytorch: 0.7071067094802856,
        },
    ])
}
