//! One test per workshop exercise. Without the `solutions` feature they are
//! ignored, and a participant checks their own work with `cargo exercise ID`
//! (or `cargo test -p ch00-candle-basics -- --ignored exercise_`); with it,
//! as the README's test command runs them, they check the reference solutions.

use ch00_candle_basics::CHAPTER;
use shared::chapter::assert_solved;

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise accuracy"
)]
fn exercise_accuracy() {
    assert_solved(&CHAPTER, "accuracy");
}

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise var-gradient"
)]
fn exercise_var_gradient() {
    assert_solved(&CHAPTER, "var-gradient");
}
