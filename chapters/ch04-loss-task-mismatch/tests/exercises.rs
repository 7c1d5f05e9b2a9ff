//! One test per workshop exercise. Without the `solutions` feature they are
//! ignored, and a participant checks their own work with `cargo exercise ID`
//! (or `cargo test -p ch04-loss-task-mismatch -- --ignored exercise_`); with
//! it, as the README's test command runs them, they check the reference
//! solutions.

use ch04_loss_task_mismatch::CHAPTER;
use shared::exercise::assert_solved;

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise sigmoid-mse-grad"
)]
fn exercise_sigmoid_mse_grad() {
    assert_solved(&CHAPTER, "sigmoid-mse-grad");
}
