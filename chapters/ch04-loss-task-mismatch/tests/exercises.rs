//! One test per workshop exercise. Without the `solutions` feature they are
//! ignored, and a participant checks their own work with `cargo exercise ID`
//! (or `cargo test -p ch04-loss-task-mismatch -- --ignored exercise_`); with
//! it, as the README's test command runs them, they check the reference
//! solutions.
//!
//! The other tests hold each check to what its messages say (a known slip
//! gets its cause line, and the line's advice passes); they run with or
//! without the feature.

use book_kit::chapter::assert_solved;
use candle_core::{Result, Tensor};
use ch04_loss_task_mismatch::CHAPTER;
use ch04_loss_task_mismatch::checks;
use shared::activations::sigmoid;

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise sigmoid-mse-grad"
)]
fn exercise_sigmoid_mse_grad() {
    assert_solved(&CHAPTER, "sigmoid-mse-grad");
}

/// A plausible wrong answer, rejected whatever the features: dividing by
/// `dim(0)` instead of the element count, which a (14, 1) batch cannot tell
/// apart; the (7, 2) batch does, and the check names the slip.
#[test]
fn dividing_by_the_rows_is_rejected() {
    fn by_rows(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
        let p = sigmoid(logits)?;
        let n = logits.dim(0)? as f64;
        (((&p - targets)? * 2.0)? * (&p * (1.0 - &p)?)?)? / n
    }
    let why = checks::sigmoid_mse_grad(by_rows).expect_err("dividing by dim(0) passed");
    assert!(why.contains("shape (7, 2)"), "{why}");
    assert!(why.contains("divided by 7, the first dimension"), "{why}");
    passed(chain_rule);
}

// Each cause line the check adds for a known slip: the slip, written as a
// participant would, gets that line, and the function with the line's
// advice applied passes (issue 23: checks for what hints claim).

/// The check's verdict on `f` is an error that names `cause`; the error.
fn rejected(f: checks::Gradient, cause: &str) -> String {
    match checks::sigmoid_mse_grad(f) {
        Ok(shown) => panic!("the slip passed:\n{shown}"),
        Err(why) => {
            assert!(why.contains(cause), "{cause:?} missing from:\n{why}");
            why
        }
    }
}

/// The check passes `f`.
fn passed(f: checks::Gradient) {
    if let Err(why) = checks::sigmoid_mse_grad(f) {
        panic!("the fixed function is still rejected:\n{why}");
    }
}

/// `2(σ(z) − y)·σ(z)(1 − σ(z)) / N`: every line's advice applied.
fn chain_rule(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
    let n = logits.elem_count() as f64;
    let p = sigmoid(logits)?;
    (((&p - targets)? * 2.0)? * (&p * (1.0 - &p)?)?)? / n
}

#[test]
fn no_division_by_n_is_named_and_the_mean_fixes_it() {
    fn summed(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
        let p = sigmoid(logits)?;
        ((&p - targets)? * 2.0)? * (&p * (1.0 - &p)?)?
    }
    rejected(
        summed,
        "it is N times too large: the mean gives each element 1/N of the loss",
    );
    passed(chain_rule);
}

#[test]
fn the_wrong_sign_is_named_and_sigma_minus_y_fixes_it() {
    fn y_minus_p(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
        let n = logits.elem_count() as f64;
        let p = sigmoid(logits)?;
        (((targets - &p)? * 2.0)? * (&p * (1.0 - &p)?)?)? / n
    }
    rejected(
        y_minus_p,
        "it has the wrong sign: (y - σ(z)) where (σ(z) - y) belongs",
    );
    passed(chain_rule);
}

#[test]
fn a_missing_sigma_prime_is_named_and_the_chain_rule_fixes_it() {
    fn no_sigma_prime(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
        let n = logits.elem_count() as f64;
        ((sigmoid(logits)? - targets)? * 2.0)? / n
    }
    rejected(
        no_sigma_prime,
        "it lacks the factor σ'(z) = σ(z)(1 - σ(z)) from the chain rule",
    );
    passed(chain_rule);
}

/// BCE's gradient with the σ'(z) factor put back is still half the size:
/// that line names it, and the 2 fixes it.
#[test]
fn bces_gradient_is_named_and_its_advice_leads_to_the_factor_2() {
    fn bce_gradient(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
        let n = logits.elem_count() as f64;
        (sigmoid(logits)? - targets)? / n
    }
    rejected(
        bce_gradient,
        "that is BCE's gradient, (σ(z) - y)/N: the square keeps a σ'(z) factor",
    );
    fn with_sigma_prime(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
        let n = logits.elem_count() as f64;
        let p = sigmoid(logits)?;
        ((&p - targets)? * (&p * (1.0 - &p)?)?)? / n
    }
    let why = rejected(
        with_sigma_prime,
        "it is half the size: the derivative of u² is 2u",
    );
    assert!(!why.contains("BCE's gradient"), "{why}");
    passed(chain_rule);
}

#[test]
fn half_the_size_is_named_and_the_factor_2_fixes_it() {
    fn no_2(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
        let n = logits.elem_count() as f64;
        let p = sigmoid(logits)?;
        ((&p - targets)? * (&p * (1.0 - &p)?)?)? / n
    }
    rejected(no_2, "it is half the size: the derivative of u² is 2u");
    passed(chain_rule);
}

#[test]
fn the_loss_in_place_of_its_gradient_is_named_by_its_shape() {
    fn the_loss(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
        (sigmoid(logits)? - targets)?.sqr()?.mean_all()
    }
    rejected(
        the_loss,
        "the gradient has shape []; one per logit, shape [14, 1], is expected",
    );
    passed(chain_rule);
}
