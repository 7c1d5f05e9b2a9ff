//! One test per workshop exercise. Without the `solutions` feature they are
//! ignored, and a participant checks their own work with `cargo exercise ID`
//! (or `cargo test -p ch01-activation-shapes -- --ignored exercise_`); with it,
//! as the README's test command runs them, they check the reference solutions.

use ch01_activation_shapes::CHAPTER;
use shared::chapter::assert_solved;

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise leaky-relu-grad"
)]
fn exercise_leaky_relu_grad() {
    assert_solved(&CHAPTER, "leaky-relu-grad");
}
