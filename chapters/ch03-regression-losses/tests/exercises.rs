//! One test per workshop exercise. Without the `solutions` feature they are
//! ignored, and a participant checks their own work with `cargo exercise ID`
//! (or `cargo test -p ch03-regression-losses -- --ignored exercise_`); with it,
//! as the README's test command runs them, they check the reference solutions.

use ch03_regression_losses::CHAPTER;
use shared::chapter::assert_solved;

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise huber-grad"
)]
fn exercise_huber_grad() {
    assert_solved(&CHAPTER, "huber-grad");
}
