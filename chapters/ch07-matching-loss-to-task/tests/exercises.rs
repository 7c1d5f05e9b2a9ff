//! One test per workshop exercise. Without the `solutions` feature they are
//! ignored, and a participant checks their own work with `cargo exercise ID`
//! (or `cargo test -p ch07-matching-loss-to-task -- --ignored exercise_`);
//! with it, as the README's test command runs them, they check the reference
//! solutions.
//!
//! The other tests hold each check to what its messages say (a known slip
//! gets its cause line, and the line's advice passes); they run with or
//! without the feature.

use book_kit::chapter::assert_solved;
use candle_core::{Result, Tensor};
use ch07_matching_loss_to_task::CHAPTER;
use ch07_matching_loss_to_task::checks::{self, Step};
use shared::activations::to_f64;
use shared::candle_nn::{AdamW, Optimizer};
use shared::nn::Mlp;

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise train-step"
)]
fn exercise_train_step() {
    assert_solved(&CHAPTER, "train-step");
}

// Each cause line the check adds for a known slip: the slip, written as a
// participant would, gets that line, and the function with the line's
// advice applied passes (issue 23: checks for what hints claim).

/// The check's verdict on `f` is an error that names `cause`.
fn step_rejected(f: Step, cause: &str) {
    match checks::train_step_check(f) {
        Ok(shown) => panic!("the slip passed:\n{shown}"),
        Err(why) => assert!(why.contains(cause), "{cause:?} missing from:\n{why}"),
    }
}

/// The check passes `f`.
fn step_passed(f: Step) {
    if let Err(why) = checks::train_step_check(f) {
        panic!("the fixed function is still rejected:\n{why}");
    }
}

/// The loss on the raw outputs, one update, the loss from before it: every
/// line's advice applied.
fn one_step(
    model: &Mlp,
    opt: &mut AdamW,
    x: &Tensor,
    loss: &dyn Fn(&Tensor) -> Result<Tensor>,
) -> Result<f64> {
    let l = loss(&model.forward(x)?)?;
    opt.backward_step(&l)?;
    to_f64(&l)
}

#[test]
fn the_loss_after_the_update_is_named_and_the_one_stepped_on_fixes_it() {
    fn after(
        model: &Mlp,
        opt: &mut AdamW,
        x: &Tensor,
        loss: &dyn Fn(&Tensor) -> Result<Tensor>,
    ) -> Result<f64> {
        let l = loss(&model.forward(x)?)?;
        opt.backward_step(&l)?;
        to_f64(&loss(&model.forward(x)?)?)
    }
    step_rejected(
        after,
        "that is the loss after the update: return the one the step was taken on",
    );
    step_passed(one_step);
}

#[test]
fn a_sigmoid_before_the_loss_is_named_and_the_raw_outputs_fix_it() {
    // Squashed "to be safe": on the regression task, the first the check
    // runs, the predictions are stuck in (0, 1).
    fn squashed(
        model: &Mlp,
        opt: &mut AdamW,
        x: &Tensor,
        loss: &dyn Fn(&Tensor) -> Result<Tensor>,
    ) -> Result<f64> {
        let p = shared::candle_nn::ops::sigmoid(&model.forward(x)?)?;
        let l = loss(&p)?;
        opt.backward_step(&l)?;
        to_f64(&l)
    }
    step_rejected(
        squashed,
        "the first loss is not the untrained model's: give `loss` the raw \
         outputs of `model.forward(x)`, with no sigmoid or softmax",
    );
    step_passed(one_step);
}

#[test]
fn a_step_without_an_update_is_named_and_backward_step_fixes_it() {
    fn no_update(
        model: &Mlp,
        _opt: &mut AdamW,
        x: &Tensor,
        loss: &dyn Fn(&Tensor) -> Result<Tensor>,
    ) -> Result<f64> {
        let l = loss(&model.forward(x)?)?;
        let _grads = l.backward()?; // the gradients, never applied
        to_f64(&l)
    }
    step_rejected(
        no_update,
        "the loss never changes: the weights were not updated",
    );
    step_passed(one_step);
}

#[test]
fn two_updates_per_call_are_named_and_one_backward_step_fixes_it() {
    fn twice(
        model: &Mlp,
        opt: &mut AdamW,
        x: &Tensor,
        loss: &dyn Fn(&Tensor) -> Result<Tensor>,
    ) -> Result<f64> {
        let l = loss(&model.forward(x)?)?;
        opt.backward_step(&l)?; // the gradients and the update...
        opt.backward_step(&l)?; // ...and again, "to be sure"
        to_f64(&l)
    }
    step_rejected(
        twice,
        "the loss moves faster than the library's: one call updates twice",
    );
    step_passed(one_step);
}
