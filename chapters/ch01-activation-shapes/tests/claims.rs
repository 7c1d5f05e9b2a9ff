//! The chapter's claims, checked on the data it prints.

use ch01_activation_shapes::shapes::{derivatives_at, kinks_at_zero, max_slopes};
use ch01_activation_shapes::{CHAPTER, Options, activations};
use shared::activations::Activation;

fn opts() -> Options {
    CHAPTER.defaults()
}

#[test]
fn sigmoids_largest_derivative_is_a_quarter_at_zero() {
    let sigmoid = max_slopes(&activations(&opts()))
        .unwrap()
        .into_iter()
        .find(|m| m.activation == Activation::Sigmoid)
        .unwrap();
    assert!((sigmoid.max - 0.25).abs() < 1e-12);
    assert_eq!(sigmoid.at, vec![0.0]);
    // ten layers at best: below 1e-6
    assert!(sigmoid.max.powi(10) < 1e-6);
}

#[test]
fn gelu_and_tanh_are_both_small_at_minus_three_and_only_sigmoid_tanh_saturate_at_plus_three() {
    let o = opts();
    for d in derivatives_at(&activations(&o), o.at).unwrap() {
        let (act, left, right) = (d.activation, d.left, d.right);
        match act {
            Activation::Gelu
            | Activation::Tanh
            | Activation::Sigmoid
            | Activation::LeakyRelu { .. } => {
                assert!(left.abs() < o.threshold, "{}: {left}", act.name())
            }
            Activation::Relu => assert_eq!(left, 0.0),
            _ => assert!(left.abs() >= o.threshold, "{}: {left}", act.name()),
        }
        let saturates = matches!(act, Activation::Sigmoid | Activation::Tanh);
        assert_eq!(
            right.abs() < o.threshold,
            saturates,
            "{} at +3: {right}",
            act.name()
        );
    }
}

#[test]
fn candle_builtins_disagree_with_pytorch_at_the_kink() {
    let k = kinks_at_zero(0.01).unwrap();
    assert_eq!((k[0].library, k[0].candle), (0.0, 1.0)); // ReLU
    assert!((k[1].library - 0.01).abs() < 1e-7); // LeakyReLU, PyTorch: the slope
    assert!((k[1].candle - 0.505).abs() < 1e-7); // candle-nn: the tie split in half
    assert_eq!((k[2].library, k[2].candle), (0.0, 1.0)); // |z|
}

#[test]
fn a_slope_that_is_not_a_finite_number_is_refused() {
    for bad in ["nan", "inf", "-inf", "x"] {
        let e = CHAPTER
            .options(&[&format!("--slope={bad}")])
            .err()
            .unwrap_or_else(|| panic!("--slope {bad} was accepted"));
        assert!(e.to_string().contains(bad), "{e}");
    }
    assert_eq!(CHAPTER.options(&["--slope", "0.2"]).unwrap().slope, 0.2);
}
