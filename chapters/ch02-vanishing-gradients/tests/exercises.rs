//! One test per workshop exercise. Without the `solutions` feature they are
//! ignored, and a participant checks their own work with `cargo exercise ID`
//! (or `cargo test -p ch02-vanishing-gradients -- --ignored exercise_`); with it,
//! as the README's test command runs them, they check the reference solutions.
//!
//! The other tests hold each check to what its messages say (a known slip
//! gets its cause line, and the line's advice passes); they run with or
//! without the feature.

use book_kit::chapter::assert_solved;
use candle_core::backprop::GradStore;
use candle_core::{Result, Tensor, Var};
use ch02_vanishing_gradients::{CHAPTER, checks};
use shared::activations::to_f64;
use shared::nn::Mlp;

#[test]
#[cfg_attr(
    not(feature = "solutions"),
    ignore = "exercise: cargo exercise layer-grad-norms"
)]
fn exercise_layer_grad_norms() {
    assert_solved(&CHAPTER, "layer-grad-norms");
}

// Each cause line the check adds for a known slip: the slip, written as a
// participant would, gets that line, and the function with the line's
// advice applied passes (issue 23: checks for what hints claim).

/// The check's verdict on `f` is an error that names `cause`.
fn rejected(f: checks::Norms, cause: &str) {
    match checks::layer_grad_norms(f) {
        Ok(shown) => panic!("the slip passed:\n{shown}"),
        Err(why) => assert!(why.contains(cause), "{cause:?} missing from:\n{why}"),
    }
}

/// The check passes `f`.
fn passed(f: checks::Norms) {
    if let Err(why) = checks::layer_grad_norms(f) {
        panic!("the fixed function is still rejected:\n{why}");
    }
}

/// Each layer's `reduce` of the gradient of the Var `pick` chooses, 0
/// where the store has none.
fn per_layer(
    mlp: &Mlp,
    grads: &GradStore,
    pick: fn(&shared::nn::Linear) -> &Var,
    reduce: fn(&Tensor) -> Result<f64>,
) -> Result<Vec<f64>> {
    mlp.layers
        .iter()
        .map(|layer| grads.get(pick(layer)).map_or(Ok(0.0), reduce))
        .collect()
}

fn weight(layer: &shared::nn::Linear) -> &Var {
    &layer.weight
}

/// `√Σ g²`, every entry.
fn l2(g: &Tensor) -> Result<f64> {
    to_f64(&g.sqr()?.sum_all()?.sqrt()?)
}

/// Every line's advice applied.
fn weight_norms(mlp: &Mlp, grads: &GradStore) -> Result<Vec<f64>> {
    per_layer(mlp, grads, weight, l2)
}

#[test]
fn a_skipped_layer_is_named_and_a_0_for_it_fixes_it() {
    fn skipping(mlp: &Mlp, grads: &GradStore) -> Result<Vec<f64>> {
        let with_grad = mlp.layers.iter().filter_map(|l| grads.get(&l.weight));
        with_grad.map(l2).collect()
    }
    rejected(
        skipping,
        "a layer with no gradient in the store still gets its number: 0",
    );
    passed(weight_norms);
}

#[test]
fn one_norm_for_all_is_named_and_one_per_layer_fixes_it() {
    fn all_together(mlp: &Mlp, grads: &GradStore) -> Result<Vec<f64>> {
        let mut sum = 0.0;
        for layer in &mlp.layers {
            if let Some(g) = grads.get(&layer.weight) {
                sum += to_f64(&g.sqr()?.sum_all()?)?;
            }
        }
        Ok(vec![sum.sqrt()])
    }
    rejected(
        all_together,
        "one number: the norm of all layers together; one per layer is asked for",
    );
    passed(weight_norms);
}

#[test]
fn a_missing_output_layer_is_named_and_counting_it_fixes_it() {
    fn hidden_only(mlp: &Mlp, grads: &GradStore) -> Result<Vec<f64>> {
        let hidden = &mlp.layers[..mlp.layers.len() - 1];
        let of = |l: &shared::nn::Linear| grads.get(&l.weight).map_or(Ok(0.0), l2);
        hidden.iter().map(of).collect()
    }
    rejected(
        hidden_only,
        "the output layer counts too: one number per layer",
    );
    passed(weight_norms);
}

#[test]
fn the_norm_squared_is_named_and_the_square_root_fixes_it() {
    fn squared(mlp: &Mlp, grads: &GradStore) -> Result<Vec<f64>> {
        per_layer(mlp, grads, weight, |g| to_f64(&g.sqr()?.sum_all()?))
    }
    rejected(
        squared,
        "it is the norm squared: take the square root of the sum",
    );
    passed(weight_norms);
}

#[test]
fn a_root_mean_square_is_named_and_sum_all_fixes_it() {
    fn rms(mlp: &Mlp, grads: &GradStore) -> Result<Vec<f64>> {
        per_layer(mlp, grads, weight, |g| {
            to_f64(&g.sqr()?.mean_all()?.sqrt()?)
        })
    }
    rejected(
        rms,
        "it is the root of the mean of the squares: the norm sums them (`sum_all`)",
    );
    passed(weight_norms);
}

#[test]
fn a_mean_of_squares_is_named_and_the_root_of_the_sum_fixes_it() {
    fn mean_square(mlp: &Mlp, grads: &GradStore) -> Result<Vec<f64>> {
        per_layer(mlp, grads, weight, |g| to_f64(&g.sqr()?.mean_all()?))
    }
    rejected(
        mean_square,
        "it is the mean of the squares: the norm is the root of their sum",
    );
    passed(weight_norms);
}

#[test]
fn the_bias_is_named_and_the_weight_fixes_it() {
    fn biases(mlp: &Mlp, grads: &GradStore) -> Result<Vec<f64>> {
        per_layer(mlp, grads, |l| &l.bias, l2)
    }
    rejected(
        biases,
        "it is the bias's gradient: the weight's is asked for (`layer.weight`)",
    );
    passed(weight_norms);
}
