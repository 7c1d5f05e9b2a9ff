//! The losses whose predictions can form an N×C table: `ce` and `nll` (class
//! indices, or for `ce` class probabilities), `kl-div` and multi-label
//! `bce-logits` (`--classes`).

use std::fmt::Write as _;

use book_kit::cli::range;
use book_kit::table::g6;
use candle_core::{Device, Tensor};
use clap::Args;
use nn_functional::{self as F, DEFAULT_IGNORE_INDEX};

use super::compute::{class_table, pair_table, value_and_grad};
use super::loss::{KlReduce, Numbers, Plain, Reduce, Shown, optional, same_length};
use super::{LabError, NumberList, Precision, input_err};

/// The number of classes C.
fn classes_parser() -> impl clap::builder::TypedValueParser<Value = u32> {
    clap::value_parser!(u32).range(1..=100_000)
}

#[derive(Args, Debug)]
pub struct BceLogits {
    #[command(flatten)]
    pub plain: Plain,
    /// Multi-label: --pred holds N×C logits row by row, C labels per sample
    #[arg(long, value_parser = classes_parser())]
    pub classes: Option<u32>,
    /// A weight per element, finite and ≥ 0: one number, one per label (C) or one per prediction
    #[arg(long, allow_hyphen_values = true)]
    pub weight: Option<NumberList>,
    /// The weight of the positive term, finite and ≥ 0 (n_neg / n_pos balances the classes):
    /// one number, or one per label (C) [default: 1]
    #[arg(long, allow_hyphen_values = true)]
    pub pos_weight: Option<NumberList>,
}

#[derive(Args, Debug)]
pub struct Ce {
    #[command(flatten)]
    pub numbers: Numbers,
    /// PyTorch's reduction=: none prints each sample's loss and the gradient of their sum;
    /// mean with --weight divides by the targets' total weight
    #[arg(long, value_enum, default_value_t = Reduce::Mean)]
    pub reduction: Reduce,
    /// The number of classes C
    #[arg(long, value_parser = classes_parser())]
    pub classes: u32,
    /// One weight per class (C numbers), finite and ≥ 0: the mean is then divided by the
    /// targets' total weight
    #[arg(long, visible_alias = "weights", allow_hyphen_values = true)]
    pub weight: Option<NumberList>,
    /// A class-index target equal to this counts for nothing, in the loss or in the mean
    #[arg(long, default_value_t = DEFAULT_IGNORE_INDEX, allow_negative_numbers = true)]
    pub ignore_index: i64,
    /// Mixes each target with the uniform distribution, (1 − ε)·target + ε/C; ε in [0, 1]
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true, value_parser = range(..))]
    pub label_smoothing: f64,
    /// --target holds N×C class probabilities, row by row, instead of N class indices
    #[arg(long)]
    pub target_probs: bool,
}

#[derive(Args, Debug)]
pub struct Nll {
    #[command(flatten)]
    pub numbers: Numbers,
    /// PyTorch's reduction=: none prints each sample's loss and the gradient of their sum;
    /// mean with --weight divides by the targets' total weight
    #[arg(long, value_enum, default_value_t = Reduce::Mean)]
    pub reduction: Reduce,
    /// The number of classes C
    #[arg(long, value_parser = classes_parser())]
    pub classes: u32,
    /// One weight per class (C numbers), finite and ≥ 0
    #[arg(long, allow_hyphen_values = true)]
    pub weight: Option<NumberList>,
    /// A target equal to this counts for nothing, in the loss or in the mean
    #[arg(long, default_value_t = DEFAULT_IGNORE_INDEX, allow_negative_numbers = true)]
    pub ignore_index: i64,
}

#[derive(Args, Debug)]
pub struct KlDiv {
    #[command(flatten)]
    pub numbers: Numbers,
    /// PyTorch's reduction=: mean averages over every element, batchmean divides the sum by N
    #[arg(long, value_enum, default_value_t = KlReduce::Mean)]
    pub reduction: KlReduce,
    /// --pred and --target hold N×C values row by row (N samples for batchmean)
    #[arg(long, value_parser = classes_parser())]
    pub classes: Option<u32>,
    /// --target holds log-probabilities instead of probabilities
    #[arg(long)]
    pub log_target: bool,
}

/// `xs` as a tensor, (N, C) when `classes` is given (N×C numbers checked),
/// else 1-D.
fn table(p: Precision, flag: &str, xs: &[f64], classes: Option<usize>) -> Result<Tensor, LabError> {
    let t = p.tensor(xs)?;
    match classes {
        None => Ok(t),
        Some(c) if xs.len().is_multiple_of(c) => Ok(t.reshape((xs.len() / c, c))?),
        Some(c) => input_err(format!(
            "{flag} has {} numbers, not N×C for {c} classes",
            xs.len()
        )),
    }
}

/// A weight list as a tensor: reshaped to (N, C) when it has a number per
/// prediction, else 1-D (the library broadcasts it, or says why not).
fn weight_tensor(
    p: Precision,
    flag: &str,
    list: Option<&NumberList>,
    pred: &Tensor,
) -> Result<Option<Tensor>, LabError> {
    match optional(p, flag, list)? {
        Some(w) if w.len() == pred.elem_count() => Ok(Some(p.tensor(&w)?.reshape(pred.shape())?)),
        Some(w) => Ok(Some(p.tensor(&w)?)),
        None => Ok(None),
    }
}

pub(super) fn bce_logits(b: &BceLogits) -> Result<Shown, LabError> {
    let n = &b.plain.numbers;
    let p = n.output.dtype;
    same_length(&n.pred.0, &n.target.0)?;
    let c = b.classes.map(|c| c as usize);
    let pred = table(p, "--pred", &n.pred.0, c)?;
    let target = pred.shape().clone();
    let target = p.tensor(&n.target.0)?.reshape(target)?;
    let weight = weight_tensor(p, "--weight", b.weight.as_ref(), &pred)?;
    let pos_weight = weight_tensor(p, "--pos-weight", b.pos_weight.as_ref(), &pred)?;
    let mut detail = String::new();
    if let Some(pw) = &b.pos_weight {
        let shown: Vec<String> = pw.0.iter().map(|&x| g6(x)).collect();
        writeln!(detail, "pos_weight = {}", shown.join(", ")).ok();
    }
    let opts = F::BinaryCrossEntropyWithLogitsOptions {
        weight,
        pos_weight,
        reduction: b.plain.reduction.into(),
    };
    let computed = value_and_grad(&pred, |x| {
        F::binary_cross_entropy_with_logits(x, &target, opts)
    })?;
    let table = match c {
        Some(c) => {
            let shown: Vec<String> = n.target.0.iter().map(|&y| g6(y)).collect();
            class_table(&n.pred.0, c, &shown, &computed)
        }
        None => pair_table(&n.pred.0, &n.target.0, &computed),
    };
    Ok(Shown {
        computed,
        detail,
        table,
    })
}

/// N×C predictions for N targets of `classes` classes.
fn n_by_c(pred: &[f64], n: usize, c: usize) -> Result<(), LabError> {
    if Some(pred.len()) != n.checked_mul(c) {
        return input_err(format!(
            "--pred has {} numbers, expected N×C = {n}×{c} = {} for {n} targets and {c} classes",
            pred.len(),
            n.saturating_mul(c)
        ));
    }
    Ok(())
}

/// Class indices, each an integer in 0..C or the ignore index.
fn class_indices(target: &[f64], c: usize, ignore_index: i64) -> Result<Vec<i64>, LabError> {
    let mut idx = Vec::with_capacity(target.len());
    for &t in target {
        if t.fract() != 0.0 {
            return input_err(format!(
                "--target holds class indices; {t} is not one (ce --target-probs takes probabilities)"
            ));
        }
        let ok = (0.0..c as f64).contains(&t) || t == ignore_index as f64;
        if !ok {
            return input_err(format!(
                "class index {} in --target is out of range for {c} classes (0 to {}, or --ignore-index {ignore_index})",
                g6(t),
                c - 1
            ));
        }
        idx.push(t as i64);
    }
    Ok(idx)
}

/// The class weights, C of them.
fn class_weight(
    p: Precision,
    list: Option<&NumberList>,
    c: usize,
) -> Result<Option<Tensor>, LabError> {
    match optional(p, "--weight", list)? {
        Some(w) if w.len() != c => {
            input_err(format!("--weight has {} numbers for {c} classes", w.len()))
        }
        Some(w) => Ok(Some(p.tensor(&w)?)),
        None => Ok(None),
    }
}

/// What `ce` and `nll` say about their class-index targets: the samples
/// ignored, and the weighted mean's denominator.
fn index_detail(
    idx: &[i64],
    ignore_index: i64,
    weight: Option<&NumberList>,
    reduction: Reduce,
) -> String {
    let mut detail = String::new();
    let ignored: Vec<String> = (0..idx.len())
        .filter(|&i| idx[i] == ignore_index)
        .map(|i| i.to_string())
        .collect();
    if !ignored.is_empty() {
        writeln!(
            detail,
            "ignored (target {ignore_index}): sample {}",
            ignored.join(", ")
        )
        .ok();
    }
    if let (Some(w), Reduce::Mean) = (weight, reduction) {
        let total: f64 = idx
            .iter()
            .filter(|&&i| i != ignore_index)
            .map(|&i| w.0.get(i as usize).copied().unwrap_or(0.0))
            .sum();
        let kept = idx.len() - ignored.len();
        writeln!(
            detail,
            "weighted mean: divided by the kept targets' total weight {}, not by their number, {kept}",
            g6(total)
        )
        .ok();
    }
    detail
}

/// The target column of an N×C table of class-index targets: `*` on each
/// sample's class.
fn starred(idx: &[i64], c: usize) -> Vec<String> {
    (0..idx.len() * c)
        .map(|k| {
            if idx[k / c] == (k % c) as i64 {
                "*"
            } else {
                ""
            }
            .to_string()
        })
        .collect()
}

pub(super) fn cross_entropy(ce: &Ce) -> Result<Shown, LabError> {
    let (pred, target) = (&ce.numbers.pred.0, &ce.numbers.target.0);
    let p = ce.numbers.output.dtype;
    let c = ce.classes as usize;
    let weight = class_weight(p, ce.weight.as_ref(), c)?;
    let mut detail = String::new();
    if ce.label_smoothing != 0.0 {
        writeln!(detail, "label_smoothing = {}", g6(ce.label_smoothing)).ok();
    }
    let opts = F::CrossEntropyOptions {
        weight,
        ignore_index: ce.ignore_index,
        reduction: ce.reduction.into(),
        label_smoothing: ce.label_smoothing,
    };
    if ce.target_probs {
        if pred.len() != target.len() || !pred.len().is_multiple_of(c) {
            return input_err(format!(
                "with --target-probs, --pred and --target hold N×C numbers each for {c} classes; got {} and {}",
                pred.len(),
                target.len()
            ));
        }
        let logits = table(p, "--pred", pred, Some(c))?;
        let probs = table(p, "--target", target, Some(c))?;
        let computed = value_and_grad(&logits, |x| F::cross_entropy(x, &probs, opts))?;
        let shown: Vec<String> = target.iter().map(|&y| g6(y)).collect();
        let table = class_table(pred, c, &shown, &computed);
        return Ok(Shown {
            computed,
            detail,
            table,
        });
    }
    n_by_c(pred, target.len(), c)?;
    let idx = class_indices(target, c, ce.ignore_index)?;
    detail.push_str(&index_detail(
        &idx,
        ce.ignore_index,
        ce.weight.as_ref(),
        ce.reduction,
    ));
    let targets = Tensor::new(idx.as_slice(), &Device::Cpu)?;
    let logits = table(p, "--pred", pred, Some(c))?;
    let computed = value_and_grad(&logits, |x| F::cross_entropy(x, &targets, opts))?;
    let table = class_table(pred, c, &starred(&idx, c), &computed);
    Ok(Shown {
        computed,
        detail,
        table,
    })
}

pub(super) fn nll(a: &Nll) -> Result<Shown, LabError> {
    let (pred, target) = (&a.numbers.pred.0, &a.numbers.target.0);
    let p = a.numbers.output.dtype;
    let c = a.classes as usize;
    let weight = class_weight(p, a.weight.as_ref(), c)?;
    n_by_c(pred, target.len(), c)?;
    let idx = class_indices(target, c, a.ignore_index)?;
    let detail = index_detail(&idx, a.ignore_index, a.weight.as_ref(), a.reduction);
    let targets = Tensor::new(idx.as_slice(), &Device::Cpu)?;
    let log_probs = table(p, "--pred", pred, Some(c))?;
    let opts = F::NllLossOptions {
        weight,
        ignore_index: a.ignore_index,
        reduction: a.reduction.into(),
    };
    let computed = value_and_grad(&log_probs, |x| F::nll_loss(x, &targets, opts))?;
    let table = class_table(pred, c, &starred(&idx, c), &computed);
    Ok(Shown {
        computed,
        detail,
        table,
    })
}

pub(super) fn kl_div(a: &KlDiv) -> Result<Shown, LabError> {
    let (pred, target) = (&a.numbers.pred.0, &a.numbers.target.0);
    let p = a.numbers.output.dtype;
    same_length(pred, target)?;
    let c = a.classes.map(|c| c as usize);
    let input = table(p, "--pred", pred, c)?;
    let target_t = table(p, "--target", target, c)?;
    let opts = F::KlDivOptions {
        reduction: a.reduction.into(),
        log_target: a.log_target,
    };
    let detail = if a.log_target {
        "log_target: --target holds log-probabilities\n".to_string()
    } else {
        String::new()
    };
    let computed = value_and_grad(&input, |x| F::kl_div(x, &target_t, opts))?;
    let table = match c {
        Some(c) => {
            let shown: Vec<String> = target.iter().map(|&y| g6(y)).collect();
            class_table(pred, c, &shown, &computed)
        }
        None => pair_table(pred, target, &computed),
    };
    Ok(Shown {
        computed,
        detail,
        table,
    })
}
