//! One test per workshop exercise. Without the `solutions` feature they are
//! ignored, and a participant checks their own work with `cargo exercise ID`
//! (or `cargo test -p ch01-activation-shapes -- --ignored exercise_`); with it,
//! as the README's test command runs them, they check the reference solutions.
//!
//! The other tests hold each check to what its messages say (a known slip
//! gets its cause line, and the line's advice passes); they run with or
//! without the feature.

use book_kit::chapter::assert_solved;
use candle_core::{DType, Result, Tensor, Var, bail};
use ch01_activation_shapes::{CHAPTER, checks};
use shared::activations::candle_leaky_relu;

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise leaky-relu-grad"
)]
fn exercise_leaky_relu_grad() {
    assert_solved(&CHAPTER, "leaky-relu-grad");
}

// Each cause line the check adds for a known slip: the slip, written as a
// participant would, gets that line, and the function with the line's
// advice applied passes (issue 23: checks for what hints claim).

/// The check's verdict on `f` is an error that names `cause`.
fn rejected(f: checks::Derivative, cause: &str) {
    match checks::leaky_relu_grad(f) {
        Ok(shown) => panic!("the slip passed:\n{shown}"),
        Err(why) => assert!(why.contains(cause), "{cause:?} missing from:\n{why}"),
    }
}

/// The check passes `f`.
fn passed(f: checks::Derivative) {
    if let Err(why) = checks::leaky_relu_grad(f) {
        panic!("the fixed function is still rejected:\n{why}");
    }
}

/// `slope + (1 − slope)·[z > 0]`: every line's advice applied.
fn slope_at_the_kink(z: &Tensor, slope: f64) -> Result<Tensor> {
    let positive = z.gt(0.0)?.to_dtype(z.dtype())?;
    (positive * (1.0 - slope))? + slope
}

#[test]
fn relus_derivative_is_named_and_keeping_the_slope_fixes_it() {
    fn relu_derivative(z: &Tensor, _slope: f64) -> Result<Tensor> {
        z.gt(0.0)?.to_dtype(z.dtype())
    }
    rejected(relu_derivative, "z < 0 gives 0: that is ReLU's derivative");
    passed(slope_at_the_kink);
}

#[test]
fn ge_is_named_and_gt_fixes_it() {
    fn with_ge(z: &Tensor, slope: f64) -> Result<Tensor> {
        let positive = z.ge(0.0)?.to_dtype(z.dtype())?;
        (positive * (1.0 - slope))? + slope
    }
    rejected(
        with_ge,
        "z = 0 gives 1: a comparison that counts 0 as positive",
    );
    passed(slope_at_the_kink);
}

#[test]
fn candle_nns_tie_is_named_and_the_mask_fixes_it() {
    fn candle_nn_autograd(z: &Tensor, slope: f64) -> Result<Tensor> {
        let v = Var::from_tensor(z)?;
        let grads = candle_leaky_relu(v.as_tensor(), slope)?
            .sum_all()?
            .backward()?;
        match grads.get(&v) {
            Some(g) => Ok(g.clone()),
            None => bail!("no gradient"),
        }
    }
    rejected(
        candle_nn_autograd,
        "(1 + slope)/2: that is candle-nn's leaky_relu",
    );
    passed(slope_at_the_kink);
}

#[test]
fn zero_at_the_kink_is_named_and_the_slope_there_fixes_it() {
    fn strict_both_sides(z: &Tensor, slope: f64) -> Result<Tensor> {
        let positive = z.gt(0.0)?.to_dtype(z.dtype())?;
        let negative = z.lt(0.0)?.to_dtype(z.dtype())?;
        positive + (negative * slope)?
    }
    rejected(
        strict_both_sides,
        "z = 0 gives 0, as ReLU's derivative would",
    );
    // The advice: the slope at z = 0, so the left side takes `le`.
    fn left_side_with_le(z: &Tensor, slope: f64) -> Result<Tensor> {
        let positive = z.gt(0.0)?.to_dtype(z.dtype())?;
        let negative = z.le(0.0)?.to_dtype(z.dtype())?;
        positive + (negative * slope)?
    }
    passed(left_side_with_le);
}

#[test]
fn a_dtype_other_than_zs_is_named_and_zs_dtype_fixes_it() {
    fn always_f32(z: &Tensor, slope: f64) -> Result<Tensor> {
        let positive = z.gt(0.0)?.to_dtype(DType::F32)?;
        (positive * (1.0 - slope))? + slope
    }
    rejected(
        always_f32,
        "the derivative is [2, 4] f32;\nz's shape and dtype, [2, 4] f64, are expected",
    );
    passed(slope_at_the_kink);
}
