//! One test per workshop exercise. Without the `solutions` feature they are
//! ignored, and a participant checks their own work with `cargo exercise ID`
//! (or `cargo test -p ch06-class-weighting -- --ignored exercise_`); with it,
//! as the README's test command runs them, they check the reference solutions.
//!
//! The other tests hold each check to what its messages say (a known slip
//! gets its cause line, and the line's advice passes); they run with or
//! without the feature.

use book_kit::chapter::assert_solved;
use candle_core::{D, DType, Result, Tensor};
use ch06_class_weighting::{CHAPTER, checks};
use shared::activations::sigmoid;
use shared::losses::bce_with_logits_elementwise;

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise weighted-ce-mean"
)]
fn exercise_weighted_ce_mean() {
    assert_solved(&CHAPTER, "weighted-ce-mean");
}

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise focal-term"
)]
fn exercise_focal_term() {
    assert_solved(&CHAPTER, "focal-term");
}

/// The shape hint's trap: `broadcast_mul` of the (N, 1) column `gather`
/// gives and the (N) weights is an (N, N) table. The check names it and
/// points to `squeeze(1)?`, not only to the reduction.
#[test]
fn an_n_by_n_weighting_is_named_and_squeeze_suggested() {
    fn table(logits: &Tensor, targets: &Tensor, class_weights: &Tensor) -> Result<Tensor> {
        let idx = targets.to_dtype(DType::U32)?;
        let column = shared::activations::log_softmax(logits, D::Minus1)?
            .gather(&idx.unsqueeze(1)?, 1)?
            .neg()?;
        let w = class_weights.index_select(&idx, 0)?;
        column.broadcast_mul(&w)?.sum_all()? / w.sum_all()?
    }
    let why = checks::weighted_ce_check(table).unwrap_err();
    assert!(
        why.contains("(N, N) table") && why.contains("`squeeze(1)?`"),
        "{why}"
    );
    assert!(
        why.contains("that is the plain sum of the losses, what an (N, N) table over Σw gives"),
        "{why}"
    );
    // The advice: `squeeze(1)?` the column first.
    fn squeezed(logits: &Tensor, targets: &Tensor, class_weights: &Tensor) -> Result<Tensor> {
        let idx = targets.to_dtype(DType::U32)?;
        let column = shared::activations::log_softmax(logits, D::Minus1)?
            .gather(&idx.unsqueeze(1)?, 1)?
            .neg()?;
        let w = class_weights.index_select(&idx, 0)?;
        column.squeeze(1)?.broadcast_mul(&w)?.sum_all()? / w.sum_all()?
    }
    ce_passed(squeezed);
}

// Each cause line the checks add for a known slip: the slip, written as a
// participant would, gets that line, and the function with the line's
// advice applied passes, or, where the advice leaves another slip, that
// slip's line comes in its place (issue 23: checks for what hints claim).

/// The check's verdict on `f` is an error that names `cause`; the error.
fn ce_rejected(f: checks::WeightedCe, cause: &str) -> String {
    match checks::weighted_ce_check(f) {
        Ok(shown) => panic!("the slip passed:\n{shown}"),
        Err(why) => {
            assert!(why.contains(cause), "{cause:?} missing from:\n{why}");
            why
        }
    }
}

/// The check passes `f`.
fn ce_passed(f: checks::WeightedCe) {
    if let Err(why) = checks::weighted_ce_check(f) {
        panic!("the fixed function is still rejected:\n{why}");
    }
}

/// Each sample's loss, `−log softmax(z)[y]`, as the (N, 1) column `gather`
/// gives, and each sample's weight, (N).
fn column_and_weights(
    logits: &Tensor,
    targets: &Tensor,
    class_weights: &Tensor,
) -> Result<(Tensor, Tensor)> {
    let idx = targets.to_dtype(DType::U32)?;
    let column = shared::activations::log_softmax(logits, D::Minus1)?
        .gather(&idx.unsqueeze(1)?, 1)?
        .neg()?;
    Ok((column, class_weights.index_select(&idx, 0)?))
}

/// Each sample's loss times its weight, (N).
fn weighted(logits: &Tensor, targets: &Tensor, class_weights: &Tensor) -> Result<(Tensor, Tensor)> {
    let (column, w) = column_and_weights(logits, targets, class_weights)?;
    Ok(((column.squeeze(1)? * &w)?, w))
}

/// `Σ w[yᵢ]·lᵢ / Σ w[yᵢ]`: every line's advice applied.
fn weighted_mean(logits: &Tensor, targets: &Tensor, class_weights: &Tensor) -> Result<Tensor> {
    let (wl, w) = weighted(logits, targets, class_weights)?;
    wl.sum_all()? / w.sum_all()?
}

#[test]
fn no_reduction_is_named_by_its_shape_and_the_weighted_mean_fixes_it() {
    fn per_sample(logits: &Tensor, targets: &Tensor, class_weights: &Tensor) -> Result<Tensor> {
        Ok(weighted(logits, targets, class_weights)?.0)
    }
    ce_rejected(
        per_sample,
        "the result has shape [3]; the loss is one number (a scalar)",
    );
    ce_passed(weighted_mean);
}

/// The mean of the (N, N) table, squeezed, is the weighted sum over N:
/// that line comes next, and Σw fixes it.
#[test]
fn the_mean_of_a_table_is_named_and_squeeze_leaves_the_division_by_n() {
    fn table_mean(logits: &Tensor, targets: &Tensor, class_weights: &Tensor) -> Result<Tensor> {
        let (column, w) = column_and_weights(logits, targets, class_weights)?;
        column.broadcast_mul(&w)?.mean_all()
    }
    ce_rejected(table_mean, "that is the mean of an (N, N) table");
    fn squeezed(logits: &Tensor, targets: &Tensor, class_weights: &Tensor) -> Result<Tensor> {
        let (column, w) = column_and_weights(logits, targets, class_weights)?;
        column.squeeze(1)?.broadcast_mul(&w)?.mean_all()
    }
    let why = ce_rejected(squeezed, "that is the weighted sum divided by N");
    assert!(!why.contains("(N, N) table"), "{why}");
    ce_passed(weighted_mean);
}

/// The sum of the (N, N) table, squeezed, is the weighted sum: that line
/// comes next, and Σw fixes it.
#[test]
fn the_sum_of_a_table_is_named_and_squeeze_leaves_the_division() {
    fn table_sum(logits: &Tensor, targets: &Tensor, class_weights: &Tensor) -> Result<Tensor> {
        let (column, w) = column_and_weights(logits, targets, class_weights)?;
        column.broadcast_mul(&w)?.sum_all()
    }
    ce_rejected(table_sum, "that is the sum of an (N, N) table");
    fn squeezed(logits: &Tensor, targets: &Tensor, class_weights: &Tensor) -> Result<Tensor> {
        let (column, w) = column_and_weights(logits, targets, class_weights)?;
        column.squeeze(1)?.broadcast_mul(&w)?.sum_all()
    }
    let why = ce_rejected(
        squeezed,
        "that is the weighted sum, not divided by anything",
    );
    assert!(!why.contains("(N, N) table"), "{why}");
    ce_passed(weighted_mean);
}

#[test]
fn dividing_by_n_is_named_and_dividing_by_the_samples_weights_fixes_it() {
    fn over_n(logits: &Tensor, targets: &Tensor, class_weights: &Tensor) -> Result<Tensor> {
        weighted(logits, targets, class_weights)?.0.mean_all()
    }
    ce_rejected(over_n, "that is the weighted sum divided by N");
    ce_passed(weighted_mean);
}

#[test]
fn dividing_by_every_class_weight_is_named_and_the_samples_weights_fix_it() {
    fn over_all_classes(
        logits: &Tensor,
        targets: &Tensor,
        class_weights: &Tensor,
    ) -> Result<Tensor> {
        weighted(logits, targets, class_weights)?.0.sum_all()? / class_weights.sum_all()?
    }
    ce_rejected(
        over_all_classes,
        "that is the weighted sum divided by the sum of all C class weights",
    );
    ce_passed(weighted_mean);
}

#[test]
fn an_undivided_sum_is_named_and_dividing_by_the_weights_fixes_it() {
    fn undivided(logits: &Tensor, targets: &Tensor, class_weights: &Tensor) -> Result<Tensor> {
        weighted(logits, targets, class_weights)?.0.sum_all()
    }
    ce_rejected(
        undivided,
        "that is the weighted sum, not divided by anything",
    );
    ce_passed(weighted_mean);
}

#[test]
fn the_unweighted_mean_is_named_and_the_weights_fix_it() {
    fn unweighted(logits: &Tensor, targets: &Tensor, class_weights: &Tensor) -> Result<Tensor> {
        column_and_weights(logits, targets, class_weights)?
            .0
            .mean_all()
    }
    ce_rejected(unweighted, "that is the unweighted mean");
    ce_passed(weighted_mean);
}

#[test]
fn the_log_of_a_softmax_is_named_and_a_log_softmax_fixes_it() {
    fn log_of_softmax(logits: &Tensor, targets: &Tensor, class_weights: &Tensor) -> Result<Tensor> {
        let idx = targets.to_dtype(DType::U32)?;
        let per_sample = shared::activations::softmax(logits, D::Minus1)?
            .log()?
            .gather(&idx.unsqueeze(1)?, 1)?
            .squeeze(1)?
            .neg()?;
        let w = class_weights.index_select(&idx, 0)?;
        (per_sample * &w)?.sum_all()? / w.sum_all()?
    }
    ce_rejected(
        log_of_softmax,
        "the log of a softmax that rounded to 0: use a log-softmax",
    );
    ce_passed(weighted_mean);
}

/// The check's verdict on `f` is an error that names `cause`.
fn focal_rejected(f: checks::Focal, cause: &str) {
    match checks::focal_check(f) {
        Ok(shown) => panic!("the slip passed:\n{shown}"),
        Err(why) => assert!(why.contains(cause), "{cause:?} missing from:\n{why}"),
    }
}

/// The check passes `f`.
fn focal_passed(f: checks::Focal) {
    if let Err(why) = checks::focal_check(f) {
        panic!("the fixed function is still rejected:\n{why}");
    }
}

/// `α_t · factor · BCE`, the BCE stable, `α_t` from `alpha_t(y, α)`.
fn focal_with(
    logits: &Tensor,
    y: &Tensor,
    alpha: Option<f64>,
    factor: &Tensor,
    alpha_t: fn(&Tensor, f64) -> Result<Tensor>,
) -> Result<Tensor> {
    let bce = bce_with_logits_elementwise(logits, y, None)?;
    let loss = (factor * bce)?;
    match alpha {
        Some(a) => alpha_t(y, a)? * loss,
        None => Ok(loss),
    }
}

/// `p_t = p·y + (1 − p)(1 − y)`.
fn p_t(p: &Tensor, y: &Tensor) -> Result<Tensor> {
    (p * y)? + ((1.0 - p)? * (1.0 - y)?)?
}

/// `α` for positives, `1 − α` for negatives.
fn right_alpha(y: &Tensor, a: f64) -> Result<Tensor> {
    (y * a)? + ((1.0 - y)? * (1.0 - a))?
}

/// `α_t · (1 − p_t)^γ · BCE`: every line's advice applied.
fn focal(logits: &Tensor, y: &Tensor, alpha: Option<f64>, gamma: f64) -> Result<Tensor> {
    let p = sigmoid(logits)?;
    let factor = (1.0 - p_t(&p, y)?)?.powf(gamma)?;
    focal_with(logits, y, alpha, &factor, right_alpha)
}

#[test]
fn a_mean_is_named_by_its_shape_and_one_loss_per_element_fixes_it() {
    fn averaged(logits: &Tensor, y: &Tensor, alpha: Option<f64>, gamma: f64) -> Result<Tensor> {
        focal(logits, y, alpha, gamma)?.mean_all()
    }
    focal_rejected(
        averaged,
        "the loss has shape []; one loss per element, shape [14], is expected (reduction=\"none\")",
    );
    focal_passed(focal);
}

#[test]
fn one_minus_p_is_named_and_p_t_fixes_it() {
    fn one_minus_p(logits: &Tensor, y: &Tensor, alpha: Option<f64>, gamma: f64) -> Result<Tensor> {
        let factor = (1.0 - sigmoid(logits)?)?.powf(gamma)?;
        focal_with(logits, y, alpha, &factor, right_alpha)
    }
    focal_rejected(
        one_minus_p,
        "it matches (1 - p)^γ: p where p_t belongs, wrong for every negative",
    );
    focal_passed(focal);
}

#[test]
fn p_t_to_the_gamma_is_named_and_one_minus_p_t_fixes_it() {
    fn p_t_gamma(logits: &Tensor, y: &Tensor, alpha: Option<f64>, gamma: f64) -> Result<Tensor> {
        let factor = p_t(&sigmoid(logits)?, y)?.powf(gamma)?;
        focal_with(logits, y, alpha, &factor, right_alpha)
    }
    focal_rejected(
        p_t_gamma,
        "it matches p_t^γ: the factor must be (1 - p_t)^γ, small when p_t is near 1",
    );
    focal_passed(focal);
}

#[test]
fn one_alpha_for_all_is_named_and_alpha_t_fixes_it() {
    fn alpha_everywhere(
        logits: &Tensor,
        y: &Tensor,
        alpha: Option<f64>,
        gamma: f64,
    ) -> Result<Tensor> {
        let factor = (1.0 - p_t(&sigmoid(logits)?, y)?)?.powf(gamma)?;
        focal_with(logits, y, alpha, &factor, |y, a| y.ones_like()? * a)
    }
    focal_rejected(
        alpha_everywhere,
        "it matches α for every example: a negative's α_t is 1 - α",
    );
    focal_passed(focal);
}

#[test]
fn a_swapped_alpha_t_is_named_and_alpha_for_positives_fixes_it() {
    fn swapped(logits: &Tensor, y: &Tensor, alpha: Option<f64>, gamma: f64) -> Result<Tensor> {
        let factor = (1.0 - p_t(&sigmoid(logits)?, y)?)?.powf(gamma)?;
        focal_with(logits, y, alpha, &factor, |y, a| right_alpha(y, 1.0 - a))
    }
    focal_rejected(
        swapped,
        "it matches α_t swapped: α goes with the positives, 1 - α with the negatives",
    );
    focal_passed(focal);
}

#[test]
fn the_log_of_a_rounded_sigmoid_is_named_and_a_stable_bce_fixes_it() {
    fn log_of_sigmoid(
        logits: &Tensor,
        y: &Tensor,
        alpha: Option<f64>,
        gamma: f64,
    ) -> Result<Tensor> {
        let p = sigmoid(logits)?;
        let bce = ((y * p.log()?)? + ((1.0 - y)? * (1.0 - &p)?.log()?)?)?.neg()?;
        let loss = ((1.0 - p_t(&p, y)?)?.powf(gamma)? * bce)?;
        match alpha {
            Some(a) => right_alpha(y, a)? * loss,
            None => Ok(loss),
        }
    }
    focal_rejected(
        log_of_sigmoid,
        "the log of a σ(z) that rounded to 0 or 1: use a stable BCE",
    );
    focal_passed(focal);
}
