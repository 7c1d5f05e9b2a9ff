//! One test per workshop exercise. Without the `solutions` feature they are
//! ignored, and a participant checks their own work with `cargo exercise ID`
//! (or `cargo test -p ch06-class-weighting -- --ignored exercise_`); with it,
//! as the README's test command runs them, they check the reference solutions.

use ch06_class_weighting::CHAPTER;
use shared::exercise::assert_solved;

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
