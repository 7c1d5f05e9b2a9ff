//! One test per workshop exercise. Without the `solutions` feature they are
//! ignored, and a participant checks their own work with `cargo exercise ID`
//! (or `cargo test -p ch05-naive-bce-nan -- --ignored exercise_`); with it,
//! as the README's test command runs them, they check the reference solutions.

use ch05_naive_bce_nan::CHAPTER;
use shared::exercise::assert_solved;

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise stable-bce"
)]
fn exercise_stable_bce() {
    assert_solved(&CHAPTER, "stable-bce");
}

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise log-softmax"
)]
fn exercise_log_softmax() {
    assert_solved(&CHAPTER, "log-softmax");
}
