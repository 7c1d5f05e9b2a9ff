//! `lab loss NAME --pred=… --target=…`: one subcommand per loss, each with
//! only its own flags and their defaults, so that clap itself refuses a flag
//! given to the wrong loss and `--help` shows every default.

use std::fmt::Write as _;

use candle_core::{Device, Tensor};
use clap::{Args, Subcommand};
use shared::cli::{above, range};
use shared::losses::{self, LossAndGrad};
use shared::table::{Table, g6};

use super::json::{self, Number};
use super::{LabError, LabResult, Named, NumberList, Output, check_range, input_err};

#[derive(Args, Debug)]
pub struct LossArgs {
    #[command(subcommand)]
    pub loss: Named<Loss>,
}

/// What every loss takes.
#[derive(Args, Debug)]
pub struct Numbers {
    /// Predictions, comma-separated: logits for bce-*, ce and focal; for ce, N×C logits row by row
    #[arg(long, allow_hyphen_values = true)]
    pub pred: NumberList,
    /// Targets, comma-separated: for ce, N class indices
    #[arg(long, allow_hyphen_values = true)]
    pub target: NumberList,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Subcommand, Debug)]
pub enum Loss {
    /// Mean squared error
    Mse(Numbers),
    /// Mean absolute error
    Mae(Numbers),
    /// Huber loss: squared within δ of the target, linear beyond
    Huber(Huber),
    /// Binary cross-entropy on logits, computed stably (PyTorch's BCEWithLogitsLoss)
    BceLogits(BceLogits),
    /// Binary cross-entropy as sigmoid, then log: NaN once σ(z) rounds to 1
    BceNaive(Numbers),
    /// Cross-entropy over C classes (PyTorch's CrossEntropyLoss)
    Ce(Ce),
    /// Focal loss (torchvision's sigmoid_focal_loss, mean-reduced)
    Focal(Focal),
}

#[derive(Args, Debug)]
pub struct Huber {
    #[command(flatten)]
    pub numbers: Numbers,
    /// The threshold δ between the squared and the linear part
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true,
        value_parser = range(above(0.0)))]
    pub delta: f64,
}

#[derive(Args, Debug)]
pub struct BceLogits {
    #[command(flatten)]
    pub numbers: Numbers,
    /// Weight of the positive class (n_neg / n_pos balances the classes)
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true,
        value_parser = range(0.0..))]
    pub pos_weight: f64,
}

#[derive(Args, Debug)]
pub struct Ce {
    #[command(flatten)]
    pub numbers: Numbers,
    /// The number of classes C
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub classes: u32,
    /// One weight per class, comma-separated, none negative: a weighted mean
    #[arg(long, allow_hyphen_values = true)]
    pub weights: Option<NumberList>,
}

#[derive(Args, Debug)]
pub struct Focal {
    #[command(flatten)]
    pub numbers: Numbers,
    /// Weight α of the positive class, at most 1; negative turns α off (torchvision's alpha=-1)
    #[arg(long, default_value_t = 0.25, allow_negative_numbers = true,
        value_parser = range(..=1.0))]
    pub alpha: f64,
    /// The focusing exponent γ; 0 leaves (α-weighted) BCE
    #[arg(long, default_value_t = 2.0, allow_negative_numbers = true,
        value_parser = range(0.0..))]
    pub gamma: f64,
}

impl Focal {
    /// α, or `None` where a negative `--alpha` turned the α weighting off.
    fn alpha(&self) -> Option<f64> {
        (self.alpha >= 0.0).then_some(self.alpha)
    }
}

impl Loss {
    fn numbers(&self) -> &Numbers {
        match self {
            Loss::Mse(n) | Loss::Mae(n) | Loss::BceNaive(n) => n,
            Loss::Huber(a) => &a.numbers,
            Loss::BceLogits(a) => &a.numbers,
            Loss::Ce(a) => &a.numbers,
            Loss::Focal(a) => &a.numbers,
        }
    }
}

pub(super) fn run(args: &LossArgs) -> LabResult {
    let Named {
        name,
        command: loss,
    } = &args.loss;
    let n = loss.numbers();
    let p = n.output.dtype;
    check_range(p, "--pred", &n.pred.0)?;
    check_range(p, "--target", &n.target.0)?;
    let mut detail = String::new();
    let result = match loss {
        Loss::Mse(n) => pairwise(n, losses::mse)?,
        Loss::Mae(n) => pairwise(n, losses::mae)?,
        Loss::Huber(h) => {
            check_range(p, "--delta", &[h.delta])?;
            writeln!(detail, "delta = {}", g6(h.delta)).ok();
            pairwise(&h.numbers, |x, y| losses::huber(x, y, h.delta))?
        }
        Loss::BceLogits(b) => {
            check_probabilities(name, &b.numbers)?;
            check_range(p, "--pos-weight", &[b.pos_weight])?;
            writeln!(detail, "pos_weight = {}", g6(b.pos_weight)).ok();
            let w = Some(b.pos_weight);
            pairwise(&b.numbers, |x, y| losses::bce_with_logits(x, y, w))?
        }
        Loss::BceNaive(n) => {
            check_probabilities(name, n)?;
            pairwise(n, losses::naive_bce)?
        }
        Loss::Ce(ce) => cross_entropy(ce, &mut detail)?,
        Loss::Focal(f) => {
            check_probabilities(name, &f.numbers)?;
            check_range(p, "--gamma", &[f.gamma])?;
            let (alpha, gamma) = (f.alpha(), f.gamma);
            let shown = alpha.map_or_else(|| "off".to_string(), g6);
            writeln!(detail, "alpha = {shown}, gamma = {}", g6(gamma)).ok();
            pairwise(&f.numbers, |x, y| losses::focal_loss(x, y, alpha, gamma))?
        }
    };
    if n.output.json {
        return json::line(&json::Loss {
            name: name.clone(),
            dtype: p.name(),
            value: Number::new(result.value, p),
            grad: Number::all(&result.grad, p),
        });
    }
    let mut out = String::new();
    writeln!(out, "{name} in {}: loss = {}", p.name(), g6(result.value)).ok();
    out.push_str(&detail);
    let table = match loss {
        Loss::Ce(ce) => class_table(ce, &result.grad),
        _ => pair_table(n, &result.grad),
    };
    out.push_str(&table.to_string());
    Ok(out)
}

/// A loss of predictions against as many targets, with its gradient.
fn pairwise(
    n: &Numbers,
    loss: impl Fn(&Tensor, &Tensor) -> candle_core::Result<Tensor>,
) -> Result<LossAndGrad, LabError> {
    let (pred, target) = (&n.pred.0, &n.target.0);
    if pred.len() != target.len() {
        return input_err(format!(
            "--pred has {} numbers but --target has {}",
            pred.len(),
            target.len()
        ));
    }
    let p = n.output.dtype;
    let y = p.tensor(target)?;
    Ok(losses::loss_and_grad(&p.tensor(pred)?, |x| loss(x, &y))?)
}

/// The binary losses take targets between 0 and 1.
fn check_probabilities(name: &str, n: &Numbers) -> Result<(), LabError> {
    match n.target.0.iter().find(|t| !(0.0..=1.0).contains(*t)) {
        Some(t) => input_err(format!(
            "--target for {name} must lie between 0 and 1, got {t}"
        )),
        None => Ok(()),
    }
}

/// Cross-entropy of N×C logits against N class indices, each checked
/// against `--classes`.
fn cross_entropy(ce: &Ce, detail: &mut String) -> Result<LossAndGrad, LabError> {
    let (pred, target) = (&ce.numbers.pred.0, &ce.numbers.target.0);
    let p = ce.numbers.output.dtype;
    let c = ce.classes as usize;
    let n = target.len();
    if Some(pred.len()) != n.checked_mul(c) {
        return input_err(format!(
            "--pred has {} logits, expected N×C = {n}×{c} = {} for {n} targets and {c} classes",
            pred.len(),
            n * c
        ));
    }
    let mut idx = Vec::with_capacity(n);
    for &t in target {
        if t.fract() != 0.0 || t < 0.0 {
            return input_err(format!(
                "--target holds class indices for ce; {t} is not one"
            ));
        }
        if t >= c as f64 {
            return input_err(format!(
                "class index {} in --target is out of range for {c} classes (0 to {})",
                g6(t),
                c - 1
            ));
        }
        idx.push(t as u32);
    }
    let weights = match &ce.weights {
        None => None,
        Some(w) if w.0.len() != c => {
            return input_err(format!(
                "--weights has {} numbers for {c} classes",
                w.0.len()
            ));
        }
        Some(w) if w.0.iter().any(|&x| x < 0.0) => {
            return input_err("--weights must not be negative");
        }
        Some(w) => {
            check_range(p, "--weights", &w.0)?;
            Some(w.0.as_slice())
        }
    };
    if let Some(w) = weights {
        let total: f64 = idx.iter().map(|&i| w[i as usize]).sum();
        writeln!(
            detail,
            "weighted mean: divided by the targets' total weight {}, not by N = {n}",
            g6(total)
        )
        .ok();
    }
    let targets = Tensor::new(idx.as_slice(), &Device::Cpu)?;
    let logits = p.tensor(pred)?.reshape((n, c))?;
    Ok(losses::loss_and_grad(&logits, |z| {
        losses::cross_entropy(z, &targets, weights)
    })?)
}

/// One row per prediction: `i, pred, target, dloss/dpred`.
fn pair_table(n: &Numbers, grad: &[f64]) -> Table {
    let mut t = Table::new(&["i", "pred", "target", "dloss/dpred"]);
    let rows = n.pred.0.iter().zip(&n.target.0).zip(grad);
    for (i, ((&z, &y), &g)) in rows.enumerate() {
        t.row(&[i.to_string(), g6(z), g6(y), g6(g)]);
    }
    t
}

/// One row per logit, the target class of each sample starred.
fn class_table(ce: &Ce, grad: &[f64]) -> Table {
    let c = ce.classes as usize;
    let target = &ce.numbers.target.0;
    let mut t = Table::new(&["sample", "class", "logit", "target", "dloss/dlogit"]);
    for (k, (&z, &g)) in ce.numbers.pred.0.iter().zip(grad).enumerate() {
        let (i, j) = (k / c, k % c);
        let is_target = target[i] as usize == j;
        t.row(&[
            i.to_string(),
            j.to_string(),
            g6(z),
            if is_target { "*" } else { "" }.to_string(),
            g6(g),
        ]);
    }
    t
}
