//! One test per workshop exercise. Without the `solutions` feature they are
//! ignored, and a participant checks their own work with `cargo exercise ID`
//! (or `cargo test -p ch02-vanishing-gradients -- --ignored exercise_`); with it,
//! as the README's test command runs them, they check the reference solutions.

use ch02_vanishing_gradients::CHAPTER;
use shared::chapter::assert_solved;

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise layer-grad-norms"
)]
fn exercise_layer_grad_norms() {
    assert_solved(&CHAPTER, "layer-grad-norms");
}
