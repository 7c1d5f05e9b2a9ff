//! One test per workshop exercise. Without the `solutions` feature they are
//! ignored, and a participant checks their own work with `cargo exercise ID`
//! (or `cargo test -p ch08-common-errors -- --ignored exercise_`); with it, as
//! the README's test command runs them, they check the reference solutions.

use candle_core::backprop::GradStore;
use candle_core::{Result, Var};
use ch08_common_errors::CHAPTER;
use ch08_common_errors::checks;
use shared::chapter::assert_solved;

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise clip-grad-norm"
)]
fn exercise_clip_grad_norm() {
    assert_solved(&CHAPTER, "clip-grad-norm");
}

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise column-mse"
)]
fn exercise_column_mse() {
    assert_solved(&CHAPTER, "column-mse");
}

/// Scales every gradient by `k` when `k < 1`.
fn scale(grads: &mut GradStore, vars: &[Var], k: f64) -> Result<()> {
    if k < 1.0 {
        for v in vars {
            if let Some(g) = grads.remove(v) {
                grads.insert(v, (g * k)?);
            }
        }
    }
    Ok(())
}

/// Two plausible wrong answers, rejected whatever the features: reading the
/// norm with `to_scalar::<f64>()` without `to_dtype`, right on f64
/// gradients and an error on every f32 model in the book; and a norm per
/// variable, summed, which gets a line that says so.
#[test]
fn an_f64_only_norm_and_a_sum_of_norms_are_rejected() {
    fn f64_only(grads: &mut GradStore, vars: &[Var], max_norm: f64) -> Result<f64> {
        let mut total = 0.0;
        for v in vars {
            if let Some(g) = grads.get(v) {
                total += g.sqr()?.sum_all()?.to_scalar::<f64>()?;
            }
        }
        let norm = total.sqrt();
        scale(grads, vars, max_norm / (norm + 1e-6))?;
        Ok(norm)
    }
    let why = checks::clip_check(f64_only).expect_err("an f64-only norm passed");
    assert!(why.contains("in f32"), "{why}");
    assert!(
        why.contains("unexpected dtype, expected: F64, got: F32"),
        "{why}"
    );
    fn per_variable(grads: &mut GradStore, vars: &[Var], max_norm: f64) -> Result<f64> {
        let mut total = 0.0;
        for v in vars {
            if let Some(g) = grads.get(v) {
                let sq = g.sqr()?.sum_all()?.to_dtype(candle_core::DType::F64)?;
                total += sq.to_scalar::<f64>()?.sqrt();
            }
        }
        scale(grads, vars, max_norm / (total + 1e-6))?;
        Ok(total)
    }
    let why = checks::clip_check(per_variable).expect_err("a sum of norms passed");
    assert!(why.contains("yours is 17, the library's is 13"), "{why}");
    assert!(
        why.contains("17 = 5 + 12: a norm per variable, summed"),
        "{why}"
    );
}
