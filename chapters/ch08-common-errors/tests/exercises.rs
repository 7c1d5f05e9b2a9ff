//! One test per workshop exercise. Without the `solutions` feature they are
//! ignored, and a participant checks their own work with `cargo exercise ID`
//! (or `cargo test -p ch08-common-errors -- --ignored exercise_`); with it, as
//! the README's test command runs them, they check the reference solutions.

use ch08_common_errors::CHAPTER;
use shared::exercise::assert_solved;

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
