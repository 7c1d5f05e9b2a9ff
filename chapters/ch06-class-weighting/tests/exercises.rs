//! One test per workshop exercise. Without the `solutions` feature they are
//! ignored, and a participant checks their own work with `cargo exercise ID`
//! (or `cargo test -p ch06-class-weighting -- --ignored exercise_`); with it,
//! as the README's test command runs them, they check the reference solutions.

use candle_core::{D, DType, Result, Tensor};
use ch06_class_weighting::{CHAPTER, checks};
use shared::chapter::assert_solved;

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
}
