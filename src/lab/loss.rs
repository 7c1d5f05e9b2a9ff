//! `lab loss NAME --pred=… --target=…`: one subcommand per loss of
//! `nn_functional`, named as in PyTorch, each with only its own options
//! (PyTorch's keyword arguments, in kebab case) and their defaults, so that
//! clap itself refuses an option given to the wrong loss and `--help` shows
//! every default.

use std::fmt::Write as _;

use book_kit::cli::{above, range};
use book_kit::table::g6;
use clap::{Args, Subcommand, ValueEnum};
use nn_functional::{self as F, Reduction};

use super::compute::{Computed, pair_table, value_and_grad};
use super::json::{self, Number};
use super::{LabError, LabResult, Named, NumberList, Output, Precision, check_range, input_err};

#[derive(Args, Debug)]
pub struct LossArgs {
    #[command(subcommand)]
    pub loss: Named<Loss>,
}

/// What every loss takes.
#[derive(Args, Debug)]
pub struct Numbers {
    /// Predictions, comma-separated: logits for bce-logits, ce and focal, probabilities for bce,
    /// log-probabilities for nll and kl-div; with --classes C, N×C values row by row
    #[arg(long, allow_hyphen_values = true)]
    pub pred: NumberList,
    /// Targets, comma-separated: for ce and nll N class indices (ce --target-probs: N×C
    /// probabilities); for the others one per prediction
    #[arg(long, allow_hyphen_values = true)]
    pub target: NumberList,
    #[command(flatten)]
    pub output: Output,
}

/// PyTorch's `reduction=`, as `--reduction` takes it.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reduce {
    None,
    Mean,
    Sum,
}

/// kl-div's `reduction=`, which also has `batchmean`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum KlReduce {
    None,
    Mean,
    Sum,
    Batchmean,
}

impl From<Reduce> for Reduction {
    fn from(r: Reduce) -> Self {
        match r {
            Reduce::None => Reduction::None,
            Reduce::Mean => Reduction::Mean,
            Reduce::Sum => Reduction::Sum,
        }
    }
}

impl From<KlReduce> for Reduction {
    fn from(r: KlReduce) -> Self {
        match r {
            KlReduce::None => Reduction::None,
            KlReduce::Mean => Reduction::Mean,
            KlReduce::Sum => Reduction::Sum,
            KlReduce::Batchmean => Reduction::BatchMean,
        }
    }
}

/// A loss with no option but the reduction.
#[derive(Args, Debug)]
pub struct Plain {
    #[command(flatten)]
    pub numbers: Numbers,
    /// PyTorch's reduction=: none prints each element's loss and the gradient of their sum
    #[arg(long, value_enum, default_value_t = Reduce::Mean)]
    pub reduction: Reduce,
}

#[derive(Subcommand, Debug)]
pub enum Loss {
    /// Mean squared error (PyTorch's mse_loss)
    Mse(Plain),
    /// Mean absolute error (PyTorch's l1_loss)
    #[command(visible_alias = "l1")]
    Mae(Plain),
    /// Huber loss: squared within δ of the target, linear beyond (huber_loss)
    Huber(Huber),
    /// Smooth L1: Huber's loss divided by β (smooth_l1_loss)
    SmoothL1(SmoothL1),
    /// Binary cross-entropy on logits, computed stably (binary_cross_entropy_with_logits)
    #[command(visible_alias = "bce-with-logits")]
    BceLogits(super::classes::BceLogits),
    /// Binary cross-entropy on probabilities, logs clamped at -100 (binary_cross_entropy)
    Bce(Bce),
    /// Binary cross-entropy as sigmoid, then log: NaN once σ(z) rounds to 1 (the book's naive form)
    BceNaive(Plain),
    /// Cross-entropy over C classes, on class indices or probabilities (cross_entropy)
    Ce(super::classes::Ce),
    /// Negative log-likelihood of log-probabilities over C classes (nll_loss)
    Nll(super::classes::Nll),
    /// Kullback–Leibler divergence of the target from exp(pred) (kl_div)
    KlDiv(super::classes::KlDiv),
    /// Focal loss on logits (torchvision's sigmoid_focal_loss; here mean-reduced by default)
    #[command(visible_alias = "sigmoid-focal")]
    Focal(Focal),
}

#[derive(Args, Debug)]
pub struct Huber {
    #[command(flatten)]
    pub plain: Plain,
    /// The threshold δ between the squared and the linear part
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true,
        value_parser = range(above(0.0)))]
    pub delta: f64,
}

#[derive(Args, Debug)]
pub struct SmoothL1 {
    #[command(flatten)]
    pub plain: Plain,
    /// The threshold β between the squared and the linear part; 0 gives l1
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true,
        value_parser = range(0.0..))]
    pub beta: f64,
}

#[derive(Args, Debug)]
pub struct Bce {
    #[command(flatten)]
    pub plain: Plain,
    /// A weight per prediction (one number, or one per prediction), finite and ≥ 0
    #[arg(long, allow_hyphen_values = true)]
    pub weight: Option<NumberList>,
}

#[derive(Args, Debug)]
pub struct Focal {
    #[command(flatten)]
    pub plain: Plain,
    /// Weight α of the positive class, at most 1; negative turns α off (torchvision's alpha=-1)
    #[arg(long, default_value_t = 0.25, allow_negative_numbers = true,
        value_parser = range(..=1.0))]
    pub alpha: f64,
    /// The focusing exponent γ; 0 leaves (α-weighted) BCE
    #[arg(long, default_value_t = 2.0, allow_negative_numbers = true,
        value_parser = range(0.0..))]
    pub gamma: f64,
}

impl Loss {
    fn numbers(&self) -> &Numbers {
        match self {
            Loss::Mse(a) | Loss::Mae(a) | Loss::BceNaive(a) => &a.numbers,
            Loss::Huber(a) => &a.plain.numbers,
            Loss::SmoothL1(a) => &a.plain.numbers,
            Loss::Bce(a) => &a.plain.numbers,
            Loss::Focal(a) => &a.plain.numbers,
            Loss::BceLogits(a) => &a.plain.numbers,
            Loss::Ce(a) => &a.numbers,
            Loss::Nll(a) => &a.numbers,
            Loss::KlDiv(a) => &a.numbers,
        }
    }
}

/// What a loss computed and how to show its rows.
pub(super) struct Shown {
    pub computed: Computed,
    /// Lines between the headline and the table (options in effect).
    pub detail: String,
    pub table: book_kit::table::Table,
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
    let shown = match loss {
        Loss::Mse(a) => elementwise(a, "", F::mse_loss)?,
        Loss::Mae(a) => elementwise(a, "", F::l1_loss)?,
        Loss::Huber(h) => {
            check_range(p, "--delta", &[h.delta])?;
            let detail = format!("delta = {}\n", g6(h.delta));
            elementwise(&h.plain, &detail, |x, y, reduction| {
                let opts = F::HuberLossOptions {
                    delta: h.delta,
                    reduction,
                };
                F::huber_loss(x, y, opts)
            })?
        }
        Loss::SmoothL1(s) => {
            check_range(p, "--beta", &[s.beta])?;
            let detail = format!("beta = {}\n", g6(s.beta));
            elementwise(&s.plain, &detail, |x, y, reduction| {
                let opts = F::SmoothL1LossOptions {
                    beta: s.beta,
                    reduction,
                };
                F::smooth_l1_loss(x, y, opts)
            })?
        }
        Loss::Bce(b) => {
            let weight = optional(p, "--weight", b.weight.as_ref())?;
            let weight = weight.map(|w| p.tensor(&w)).transpose()?;
            elementwise(&b.plain, "", |x, y, reduction| {
                F::binary_cross_entropy(x, y, F::BinaryCrossEntropyOptions { weight, reduction })
            })?
        }
        Loss::BceNaive(a) => {
            check_probabilities(name, n)?;
            elementwise(a, "", naive_bce)?
        }
        Loss::Focal(f) => {
            check_probabilities(name, n)?;
            check_range(p, "--gamma", &[f.gamma])?;
            let alpha = (f.alpha >= 0.0).then_some(f.alpha);
            let shown = alpha.map_or_else(|| "off".to_string(), g6);
            let detail = format!("alpha = {shown}, gamma = {}\n", g6(f.gamma));
            elementwise(&f.plain, &detail, |x, y, reduction| {
                let opts = F::SigmoidFocalLossOptions {
                    alpha,
                    gamma: f.gamma,
                    reduction,
                };
                F::sigmoid_focal_loss(x, y, opts)
            })?
        }
        Loss::BceLogits(b) => {
            check_probabilities(name, n)?;
            super::classes::bce_logits(b)?
        }
        Loss::Ce(ce) => super::classes::cross_entropy(ce)?,
        Loss::Nll(nll) => super::classes::nll(nll)?,
        Loss::KlDiv(kl) => super::classes::kl_div(kl)?,
    };
    let c = &shown.computed;
    if n.output.json {
        let value = if c.scalar {
            json::Value::One(Number::new(c.value[0], p))
        } else {
            json::Value::Each(Number::all(&c.value, p))
        };
        return json::line(&json::Loss {
            name: name.clone(),
            dtype: p.name(),
            value,
            grad: Number::all(&c.grad, p),
        });
    }
    let mut out = String::new();
    if c.scalar {
        writeln!(out, "{name} in {}: loss = {}", p.name(), g6(c.value[0])).ok();
    } else {
        let each: Vec<String> = c.value.iter().map(|&v| g6(v)).collect();
        let total = g6(c.value.iter().sum());
        writeln!(out, "{name} in {}, reduction none: sum {total}", p.name()).ok();
        writeln!(out, "losses: {}", each.join(", ")).ok();
    }
    out.push_str(&shown.detail);
    out.push_str(&shown.table.to_string());
    Ok(out)
}

/// A loss of predictions against as many targets, element by element.
fn elementwise(
    a: &Plain,
    detail: &str,
    loss: impl FnOnce(
        &candle_core::Tensor,
        &candle_core::Tensor,
        Reduction,
    ) -> candle_core::Result<candle_core::Tensor>,
) -> Result<Shown, LabError> {
    let n = &a.numbers;
    let (pred, target) = (&n.pred.0, &n.target.0);
    same_length(pred, target)?;
    let p = n.output.dtype;
    let y = p.tensor(target)?;
    let computed = value_and_grad(&p.tensor(pred)?, |x| loss(x, &y, a.reduction.into()))?;
    let table = pair_table(pred, target, &computed);
    Ok(Shown {
        computed,
        detail: detail.to_string(),
        table,
    })
}

/// `--pred` and `--target` must be as long as each other.
pub(super) fn same_length(pred: &[f64], target: &[f64]) -> Result<(), LabError> {
    if pred.len() != target.len() {
        return input_err(format!(
            "--pred has {} numbers but --target has {}",
            pred.len(),
            target.len()
        ));
    }
    Ok(())
}

/// A list option's numbers, checked against the precision's range.
pub(super) fn optional(
    p: Precision,
    flag: &str,
    list: Option<&NumberList>,
) -> Result<Option<Vec<f64>>, LabError> {
    match list {
        Some(l) => {
            check_range(p, flag, &l.0)?;
            Ok(Some(l.0.clone()))
        }
        None => Ok(None),
    }
}

/// The book's naive binary cross-entropy, sigmoid then log, kept to show its
/// NaN (chapter 5): `nn_functional` has only the stable forms.
fn naive_bce(
    z: &candle_core::Tensor,
    y: &candle_core::Tensor,
    reduction: Reduction,
) -> candle_core::Result<candle_core::Tensor> {
    let s = F::sigmoid(z)?;
    let pos = (y * s.log()?)?;
    let neg = ((1.0 - y)? * (1.0 - &s)?.log()?)?;
    let each = (pos + neg)?.neg()?;
    match reduction {
        Reduction::Sum => each.sum_all(),
        Reduction::None => Ok(each),
        _ => each.mean_all(),
    }
}

/// The binary losses on logits take targets between 0 and 1.
fn check_probabilities(name: &str, n: &Numbers) -> Result<(), LabError> {
    match n.target.0.iter().find(|t| !(0.0..=1.0).contains(*t)) {
        Some(t) => input_err(format!(
            "--target for {name} must lie between 0 and 1, got {t}"
        )),
        None => Ok(()),
    }
}
