//! One test per workshop exercise. Without the `solutions` feature they are
//! ignored, and a participant checks their own work with `cargo exercise ID`
//! (or `cargo test -p ch04-loss-task-mismatch -- --ignored exercise_`); with
//! it, as the README's test command runs them, they check the reference
//! solutions.

use candle_core::{Result, Tensor};
use ch04_loss_task_mismatch::CHAPTER;
use ch04_loss_task_mismatch::checks;
use shared::activations::sigmoid;
use shared::chapter::assert_solved;

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise sigmoid-mse-grad"
)]
fn exercise_sigmoid_mse_grad() {
    assert_solved(&CHAPTER, "sigmoid-mse-grad");
}

/// A plausible wrong answer, rejected whatever the features: dividing by
/// `dim(0)` instead of the element count, which a (14, 1) batch cannot tell
/// apart; the (7, 2) batch does, and the check names the slip.
#[test]
fn dividing_by_the_rows_is_rejected() {
    fn by_rows(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
        let p = sigmoid(logits)?;
        let n = logits.dim(0)? as f64;
        (((&p - targets)? * 2.0)? * (&p * (1.0 - &p)?)?)? / n
    }
    let why = checks::sigmoid_mse_grad(by_rows).expect_err("dividing by dim(0) passed");
    assert!(why.contains("shape (7, 2)"), "{why}");
    assert!(why.contains("divided by 7, the first dimension"), "{why}");
}
