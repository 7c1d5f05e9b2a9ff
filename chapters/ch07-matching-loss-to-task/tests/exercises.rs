//! One test per workshop exercise. Without the `solutions` feature they are
//! ignored, and a participant checks their own work with `cargo exercise ID`
//! (or `cargo test -p ch07-matching-loss-to-task -- --ignored exercise_`);
//! with it, as the README's test command runs them, they check the reference
//! solutions.

use ch07_matching_loss_to_task::CHAPTER;
use shared::chapter::assert_solved;

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise train-step"
)]
fn exercise_train_step() {
    assert_solved(&CHAPTER, "train-step");
}
