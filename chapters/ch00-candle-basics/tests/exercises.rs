//! One test per workshop exercise. Without the `solutions` feature they are
//! ignored, and a participant checks their own work with `cargo exercise ID`
//! (or `cargo test -p ch00-candle-basics -- --ignored exercise_`); with it,
//! as the README's test command runs them, they check the reference solutions.
//!
//! The other tests hold each check to what its messages say (a known slip
//! gets its cause line, and the line's advice passes); they run with or
//! without the feature.

use book_kit::chapter::assert_solved;
use candle_core::{D, DType, Result, Tensor, Var, bail};
use ch00_candle_basics::{CHAPTER, checks};
use nn_functional::{self as F, Reduction};

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

// Each cause line the checks add for a known slip: the slip, written as a
// participant would, gets that line, and the function with the line's
// advice applied passes (issue 23: checks for what hints claim).

/// A check's verdict is an error that names `cause`.
fn rejected(verdict: std::result::Result<String, String>, cause: &str) {
    match verdict {
        Ok(shown) => panic!("the slip passed:\n{shown}"),
        Err(why) => assert!(why.contains(cause), "{cause:?} missing from:\n{why}"),
    }
}

/// A check's verdict is a pass.
fn passed(verdict: std::result::Result<String, String>) {
    if let Err(why) = verdict {
        panic!("the fixed function is still rejected:\n{why}");
    }
}

/// The hits of each row, u8 as `eq` gives them.
fn hits(logits: &Tensor, labels: &Tensor) -> Result<Tensor> {
    logits.argmax(D::Minus1)?.eq(labels)
}

/// Every line's advice applied: f32 before the mean, read as f32.
fn accuracy_in_f32(logits: &Tensor, labels: &Tensor) -> Result<f64> {
    let share = hits(logits, labels)?.to_dtype(DType::F32)?.mean_all()?;
    Ok(f64::from(share.to_scalar::<f32>()?))
}

#[test]
fn to_scalar_of_another_dtype_is_named_and_naming_f32_fixes_it() {
    fn read_as_f64(logits: &Tensor, labels: &Tensor) -> Result<f64> {
        let share = hits(logits, labels)?.to_dtype(DType::F32)?.mean_all()?;
        share.to_scalar::<f64>()
    }
    rejected(
        checks::accuracy(read_as_f64),
        "`to_scalar::<T>()` must name the dtype the tensor holds",
    );
    passed(checks::accuracy(accuracy_in_f32));
}

#[test]
fn the_number_of_hits_is_named_and_the_mean_fixes_it() {
    fn summed(logits: &Tensor, labels: &Tensor) -> Result<f64> {
        let count = hits(logits, labels)?.to_dtype(DType::F32)?.sum_all()?;
        Ok(f64::from(count.to_scalar::<f32>()?))
    }
    rejected(
        checks::accuracy(summed),
        "that is the number of hits, not their share: take the mean",
    );
    passed(checks::accuracy(accuracy_in_f32));
}

#[test]
fn a_mean_in_u8_is_named_and_f32_first_fixes_it() {
    fn mean_in_u8(logits: &Tensor, labels: &Tensor) -> Result<f64> {
        let share = hits(logits, labels)?.mean_all()?;
        Ok(f64::from(share.to_scalar::<u8>()?))
    }
    rejected(
        checks::accuracy(mean_in_u8),
        "a whole number where a share is expected: a mean taken in u8",
    );
    passed(checks::accuracy(accuracy_in_f32));
}

#[test]
fn a_sum_in_u8_is_named_and_f32_before_summing_fixes_it() {
    fn sum_in_u8(logits: &Tensor, labels: &Tensor) -> Result<f64> {
        let h = hits(logits, labels)?;
        let n = h.elem_count() as f64;
        let share = (h.sum_all()?.to_dtype(DType::F32)? / n)?;
        Ok(f64::from(share.to_scalar::<f32>()?))
    }
    rejected(
        checks::accuracy(sum_in_u8),
        "with more than 255 hits: a sum in u8, the dtype `eq` returns, overflows",
    );
    fn f32_before_summing(logits: &Tensor, labels: &Tensor) -> Result<f64> {
        let h = hits(logits, labels)?.to_dtype(DType::F32)?;
        let n = h.elem_count() as f64;
        let share = (h.sum_all()? / n)?;
        Ok(f64::from(share.to_scalar::<f32>()?))
    }
    passed(checks::accuracy(f32_before_summing));
}

#[test]
fn dimension_1_is_named_and_the_last_dimension_fixes_it() {
    fn along_1(logits: &Tensor, labels: &Tensor) -> Result<f64> {
        let h = logits.argmax(1)?.eq(labels)?;
        let share = h.to_dtype(DType::F32)?.mean_all()?;
        Ok(f64::from(share.to_scalar::<f32>()?))
    }
    rejected(
        checks::accuracy(along_1),
        "only on rank 3: the classes are in the last dimension, D::Minus1",
    );
    passed(checks::accuracy(accuracy_in_f32));
}

/// The store's gradient of `w` for `mean((x·w − y)²)` computed from `w`
/// itself: every line's advice applied.
fn gradient_of_w(w: &Var, x: &Tensor, y: &Tensor) -> Result<Tensor> {
    let loss = F::mse_loss(&x.matmul(w.as_tensor())?, y, Reduction::Mean)?;
    match loss.backward()?.get(w) {
        Some(g) => Ok(g.clone()),
        None => bail!("no gradient for w"),
    }
}

#[test]
fn a_detached_w_is_named_and_w_itself_fixes_it() {
    fn detached(w: &Var, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        let copy = w.as_tensor().detach();
        let loss = F::mse_loss(&x.matmul(&copy)?, y, Reduction::Mean)?;
        match loss.backward()?.get(w) {
            Some(g) => Ok(g.clone()),
            None => bail!("no gradient for w"),
        }
    }
    rejected(
        checks::weight_gradient(detached),
        "no gradient for w? Then the loss was not computed from w itself",
    );
    passed(checks::weight_gradient(gradient_of_w));
}

#[test]
fn xs_gradient_is_named_and_ws_fixes_it() {
    fn of_x(w: &Var, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        let x = Var::from_tensor(x)?;
        let loss = F::mse_loss(&x.matmul(w.as_tensor())?, y, Reduction::Mean)?;
        match loss.backward()?.get(&x) {
            Some(g) => Ok(g.clone()),
            None => bail!("no gradient for x"),
        }
    }
    rejected(
        checks::weight_gradient(of_x),
        "the gradient has shape [4, 3];\nw's shape, [3, 1], is expected (that is x's shape:\nx's gradient?)",
    );
    passed(checks::weight_gradient(gradient_of_w));
}

#[test]
fn a_flattened_gradient_is_named_and_ws_shape_fixes_it() {
    fn flattened(w: &Var, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        gradient_of_w(w, x, y)?.flatten_all()
    }
    rejected(
        checks::weight_gradient(flattened),
        "the gradient has shape [3];\nw's shape, [3, 1], is expected",
    );
    passed(checks::weight_gradient(gradient_of_w));
}

#[test]
fn a_step_is_named_and_leaving_w_alone_fixes_it() {
    fn with_a_step(w: &Var, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        let g = gradient_of_w(w, x, y)?;
        w.set(&(w.as_tensor() - (&g * 0.1)?)?)?;
        Ok(g)
    }
    rejected(
        checks::weight_gradient(with_a_step),
        "only the gradient is asked for, no step (`w.set`)",
    );
    passed(checks::weight_gradient(gradient_of_w));
}

#[test]
fn a_sum_is_named_and_the_mean_fixes_it() {
    fn summed(w: &Var, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        let loss = F::mse_loss(&x.matmul(w.as_tensor())?, y, Reduction::Sum)?;
        match loss.backward()?.get(w) {
            Some(g) => Ok(g.clone()),
            None => bail!("no gradient for w"),
        }
    }
    rejected(
        checks::weight_gradient(summed),
        "it is 4 times too large, n = 4: a sum where MSELoss takes the mean",
    );
    passed(checks::weight_gradient(gradient_of_w));
}
