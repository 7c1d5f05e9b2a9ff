//! The figures of `seed-pytorch-output.txt` (PyTorch 2.15, float32) that are the
//! same computation, reproduced to the printed precision.

use candle_core::{DType, Device, Tensor};

use super::{rounded, scalar, t};
use crate::activations::{Activation, value_and_grad};
use crate::losses::{bce_with_logits, cross_entropy, huber, mae, mse};

#[test]
fn activation_table_at_minus_two_to_two() {
    let expected: [(Activation, [&str; 5]); 5] = [
        (
            Activation::Relu,
            ["0.0000", "0.0000", "0.0000", "1.0000", "2.0000"],
        ),
        (
            Activation::LeakyRelu { slope: 0.01 },
            ["-0.0200", "-0.0100", "0.0000", "1.0000", "2.0000"],
        ),
        (
            Activation::Gelu,
            ["-0.0455", "-0.1587", "0.0000", "0.8413", "1.9545"],
        ),
        (
            Activation::Sigmoid,
            ["0.1192", "0.2689", "0.5000", "0.7311", "0.8808"],
        ),
        (
            Activation::Tanh,
            ["-0.9640", "-0.7616", "0.0000", "0.7616", "0.9640"],
        ),
    ];
    for (act, want) in expected {
        let got =
            value_and_grad(|z| act.apply(z), &[-2.0, -1.0, 0.0, 1.0, 2.0], DType::F32).unwrap();
        let got: Vec<String> = got.value.iter().map(|&v| rounded(v, 4)).collect();
        assert_eq!(got, want, "{}", act.name());
    }
}

#[test]
fn derivatives_at_minus_three() {
    let expected = [
        (Activation::Relu, "0.000000"),
        (Activation::LeakyRelu { slope: 0.01 }, "0.010000"),
        (Activation::Gelu, "-0.011946"),
        (Activation::Sigmoid, "0.045177"),
        (Activation::Tanh, "0.009866"),
    ];
    for (act, want) in expected {
        let got = value_and_grad(|z| act.apply(z), &[-3.0], DType::F32).unwrap();
        assert_eq!(rounded(got.grad[0], 6), want, "{}", act.name());
    }
}

#[test]
fn gelu_against_relu_on_seven_points() {
    // torch.linspace(-2, 2, 7) and nn.GELU()(z)
    let z: Vec<f64> = (0..7).map(|i| -2.0 + 4.0 * i as f64 / 6.0).collect();
    let got = value_and_grad(crate::activations::gelu, &z, DType::F32).unwrap();
    let got: Vec<String> = got.value.iter().map(|&v| rounded(v, 4)).collect();
    assert_eq!(
        got,
        [
            "-0.0455", "-0.1216", "-0.1683", "0.0000", "0.4983", "1.2117", "1.9545"
        ]
    );
}

#[test]
fn regression_losses_with_and_without_the_outlier() {
    let pred = t(&[35.0, 31.0, 48.0, 42.0], DType::F32);
    let y = t(&[41.0, 29.0, 55.0, 38.0], DType::F32);
    assert_eq!(rounded(scalar(&mse(&pred, &y).unwrap()), 4), "26.2500");
    assert_eq!(rounded(scalar(&mae(&pred, &y).unwrap()), 4), "4.7500");
    assert_eq!(
        rounded(scalar(&huber(&pred, &y, 5.0).unwrap()), 4),
        "12.5000"
    );

    let y_out = t(&[41.0, 29.0, 55.0, 97.0], DType::F32);
    assert_eq!(rounded(scalar(&mse(&pred, &y_out).unwrap()), 1), "778.5");
    assert_eq!(rounded(scalar(&mae(&pred, &y_out).unwrap()), 1), "17.5");
    // The seed prints 76.1; the exact value is 76.125.
    assert_eq!(scalar(&huber(&pred, &y_out, 5.0).unwrap()), 76.125);
}

fn seed_logits() -> (Tensor, Tensor) {
    let logits = Tensor::new(
        &[[2.1f32, 0.3, -0.5], [0.1, 1.9, 0.2], [-0.3, 0.4, 2.2]],
        &Device::Cpu,
    )
    .unwrap();
    let targets = Tensor::new(&[0u32, 1, 2], &Device::Cpu).unwrap();
    (logits, targets)
}

#[test]
fn classification_losses() {
    let logits = t(&[2.1, -0.5, 1.8, -1.2], DType::F32);
    let y = t(&[1.0, 0.0, 1.0, 0.0], DType::F32);
    assert_eq!(
        rounded(scalar(&bce_with_logits(&logits, &y, None).unwrap()), 4),
        "0.2515"
    );

    let (logits, targets) = seed_logits();
    assert_eq!(
        rounded(scalar(&cross_entropy(&logits, &targets, None).unwrap()), 4),
        "0.2448"
    );
    let weighted = cross_entropy(&logits, &targets, Some(&[1.0, 19.0, 1.0])).unwrap();
    assert_eq!(rounded(scalar(&weighted), 4), "0.2909");
}

#[test]
fn weighted_cross_entropy_divides_by_the_sum_of_weights() {
    let (logits, targets) = seed_logits();
    let per = crate::losses::cross_entropy_elementwise(&logits, &targets).unwrap();
    let per: Vec<f64> = crate::activations::to_f64_vec(&per).unwrap();
    let by_weights = (per[0] + 19.0 * per[1] + per[2]) / 21.0;
    let by_n = (per[0] + 19.0 * per[1] + per[2]) / 3.0;
    let got = scalar(&cross_entropy(&logits, &targets, Some(&[1.0, 19.0, 1.0])).unwrap());
    assert!((got - by_weights).abs() < 1e-6, "{got} vs {by_weights}");
    assert!((got - by_n).abs() > 1.0, "must not divide by N");
}
