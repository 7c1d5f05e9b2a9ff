//! What the stable forms promise, and where the naive forms break.

use candle_core::{D, DType, Device, Tensor};

use super::{scalar, t};
use crate::activations::to_f64_vec;
use crate::losses::{self, bce_with_logits, focal_loss, naive_bce};

#[test]
fn bce_with_logits_is_finite_with_finite_gradient_at_ten_thousand() {
    for &z in &[-1e4, 1e4] {
        for &y in &[0.0, 1.0] {
            let g = losses::loss_and_grad(&t(&[z], DType::F32), |p| {
                bce_with_logits(p, &t(&[y], DType::F32), None)
            })
            .unwrap();
            assert!(
                g.value.is_finite() && g.grad[0].is_finite(),
                "z={z} y={y}: {g:?}"
            );
            // the wrong side costs |z|, the right side nothing
            let want = if (z > 0.0) == (y == 1.0) { 0.0 } else { 1e4 };
            assert_eq!(g.value, want, "z={z} y={y}");
        }
    }
}

#[test]
fn bce_with_logits_keeps_tiny_losses_like_pytorchs_log1p() {
    // PyTorch 2.15, float32: BCEWithLogitsLoss()(17, 1) = 4.1399e-08
    let z = t(&[17.0], DType::F32);
    let loss = scalar(&bce_with_logits(&z, &t(&[1.0], DType::F32), None).unwrap());
    assert!((loss - 4.1399e-8).abs() < 1e-11, "{loss}");
    // the gradient sigma(z) - y keeps its tiny values too: sigma(-17) = 4.1399e-8
    let g = losses::loss_and_grad(&t(&[-17.0], DType::F32), |p| {
        bce_with_logits(p, &t(&[0.0], DType::F32), None)
    })
    .unwrap();
    assert!((g.grad[0] - 4.1399e-8).abs() < 1e-11, "{:?}", g.grad);
    // and the derivative at the kink of |z| is the true one, sigma(0) - y
    for (y, want) in [(1.0, -0.5), (0.0, 0.5)] {
        let g = losses::loss_and_grad(&t(&[0.0], DType::F32), |p| {
            bce_with_logits(p, &t(&[y], DType::F32), None)
        })
        .unwrap();
        assert_eq!(g.grad[0], want, "y = {y}");
    }
}

#[test]
fn bce_with_logits_matches_naive_form_where_naive_is_finite() {
    for dtype in [DType::F32, DType::F64] {
        for i in -40..=40 {
            let z = i as f64 / 4.0; // −10 … 10
            for &y in &[0.0, 0.3, 1.0] {
                let (zt, yt) = (t(&[z], dtype), t(&[y], dtype));
                let naive = scalar(&naive_bce(&zt, &yt).unwrap());
                if !naive.is_finite() {
                    continue;
                }
                let stable = scalar(&bce_with_logits(&zt, &yt, None).unwrap());
                // In f32, σ(z) near 1 loses digits, so the naive form is only close.
                let tol = if dtype == DType::F32 { 1e-3 } else { 1e-9 };
                assert!(
                    (stable - naive).abs() <= tol * (1.0 + stable.abs()),
                    "{dtype:?} z={z} y={y}: {stable} vs {naive}"
                );
            }
        }
    }
}

#[test]
fn naive_bce_is_not_finite_at_logit_17_target_1_in_f32() {
    let loss = naive_bce(&t(&[17.0], DType::F32), &t(&[1.0], DType::F32)).unwrap();
    assert!(scalar(&loss).is_nan());
    // and it is exactly what candle-nn 0.11 computes
    let candle = candle_nn::loss::binary_cross_entropy_with_logit(
        &t(&[17.0], DType::F32),
        &t(&[1.0], DType::F32),
    )
    .unwrap();
    assert!(scalar(&candle).is_nan());
    let z = t(&[-3.0, -0.5, 0.0, 2.0, 9.0], DType::F32);
    let y = t(&[0.0, 1.0, 1.0, 0.0, 1.0], DType::F32);
    assert_eq!(
        scalar(&naive_bce(&z, &y).unwrap()),
        scalar(&candle_nn::loss::binary_cross_entropy_with_logit(&z, &y).unwrap())
    );
}

#[test]
fn cross_entropy_ignores_a_constant_added_to_a_row() {
    let logits = Tensor::new(&[[2.1f64, 0.3, -0.5], [0.1, 1.9, 0.2]], &Device::Cpu).unwrap();
    let targets = Tensor::new(&[0u32, 2], &Device::Cpu).unwrap();
    let shift = Tensor::new(&[[1000.0f64], [-750.0]], &Device::Cpu).unwrap();
    let shifted = logits.broadcast_add(&shift).unwrap();
    let a = scalar(&losses::cross_entropy(&logits, &targets, None).unwrap());
    let b = scalar(&losses::cross_entropy(&shifted, &targets, None).unwrap());
    assert!((a - b).abs() < 1e-9, "{a} vs {b}");
}

#[test]
fn focal_with_gamma_zero_and_no_alpha_is_bce() {
    let z = t(&[2.1, -0.5, 1.8, -1.2, 30.0, -30.0], DType::F32);
    let y = t(&[1.0, 0.0, 0.0, 1.0, 1.0, 1.0], DType::F32);
    let focal = scalar(&focal_loss(&z, &y, None, 0.0).unwrap());
    let bce = scalar(&bce_with_logits(&z, &y, None).unwrap());
    assert_eq!(focal, bce);
}

#[test]
fn softmax_sums_to_one_and_naive_softmax_overflows() {
    let z = t(&[100.0, 0.0, 0.0], DType::F32).unsqueeze(0).unwrap();
    let p = to_f64_vec(&crate::activations::softmax(&z, D::Minus1).unwrap()).unwrap();
    assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-6);
    let big = t(&[100.0, 0.0], DType::F32);
    let naive = to_f64_vec(&crate::activations::naive_softmax(&big, D::Minus1).unwrap()).unwrap();
    assert!(
        naive[0].is_nan(),
        "exp(100) overflows f32: inf/inf = NaN, got {naive:?}"
    );
}

#[test]
fn losses_reject_bad_shapes_and_parameters() {
    let a = t(&[1.0, 2.0], DType::F32);
    let b = t(&[1.0, 2.0, 3.0], DType::F32);
    assert!(losses::mse(&a, &b).is_err());
    assert!(losses::huber(&a, &a, -1.0).is_err());
    assert!(losses::focal_loss(&a, &a, Some(0.25), -2.0).is_err());
    let logits = Tensor::zeros((2, 3), DType::F32, &Device::Cpu).unwrap();
    let bad = Tensor::new(&[0u32, 3], &Device::Cpu).unwrap();
    assert!(losses::cross_entropy(&logits, &bad, None).is_err());
    let ok = Tensor::new(&[0u32, 2], &Device::Cpu).unwrap();
    assert!(losses::cross_entropy(&logits, &ok, Some(&[1.0, 2.0])).is_err());
}

/// The error of a loss that must refuse its input, as text.
fn refusal(r: candle_core::Result<Tensor>) -> String {
    match r {
        Ok(v) => panic!("accepted, gave {v}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn losses_refuse_negative_weights_and_empty_batches() {
    // Negative but finite: each weight check needs both of its conditions.
    let (z, y) = (t(&[0.5, -1.0], DType::F32), t(&[1.0, 0.0], DType::F32));
    for w in [-1.0, -1e-3, f64::INFINITY] {
        let e = refusal(losses::bce_with_logits_elementwise(&z, &y, Some(w)));
        assert!(
            e.contains("pos_weight must be a non-negative number"),
            "{w}: {e}"
        );
        assert!(bce_with_logits(&z, &y, Some(w)).is_err(), "{w}");
    }
    let logits = Tensor::zeros((2, 3), DType::F32, &Device::Cpu).unwrap();
    let targets = Tensor::new(&[0u32, 2], &Device::Cpu).unwrap();
    for w in [[1.0, 19.0, -1.0], [1.0, f64::INFINITY, 1.0]] {
        let e = refusal(losses::cross_entropy(&logits, &targets, Some(&w)));
        assert!(
            e.contains("class weights must be non-negative"),
            "{w:?}: {e}"
        );
    }
    // No samples, or no classes: refused before any index is looked at.
    let none = Tensor::zeros(0, DType::U32, &Device::Cpu).unwrap();
    let zeros = Tensor::zeros(2, DType::U32, &Device::Cpu).unwrap();
    for (shape, targets) in [((0, 3), &none), ((0, 0), &none), ((2, 0), &zeros)] {
        let logits = Tensor::zeros(shape, DType::F32, &Device::Cpu).unwrap();
        for e in [
            refusal(losses::cross_entropy(&logits, targets, None)),
            refusal(losses::cross_entropy_elementwise(&logits, targets)),
        ] {
            assert!(e.contains("no samples or no classes"), "{shape:?}: {e}");
        }
    }
}
