//! Bad input is an `Err` whose message names the argument and the rule,
//! never a panic.

use candle_core::{DType, Device, Tensor, Var};
use nn_functional::{self as F, Reduction};

fn t(v: &[f32]) -> Tensor {
    Tensor::new(v, &Device::Cpu).unwrap()
}

fn m(v: &[[f32; 3]]) -> Tensor {
    let flat: Vec<f32> = v.iter().flatten().copied().collect();
    Tensor::from_vec(flat, (v.len(), 3), &Device::Cpu).unwrap()
}

fn idx(v: &[i64]) -> Tensor {
    Tensor::new(v, &Device::Cpu).unwrap()
}

/// The call fails and its message holds every one of `words`.
#[track_caller]
fn refused<T: std::fmt::Debug>(r: candle_core::Result<T>, words: &[&str]) {
    let msg = match r {
        Ok(v) => panic!("accepted: {v:?}"),
        Err(e) => e.to_string(),
    };
    for w in words {
        assert!(msg.contains(w), "{msg:?} does not mention {w:?}");
    }
}

#[test]
fn mismatched_shapes_and_dtypes() {
    let x = t(&[1.0, 2.0]);
    refused(
        F::mse_loss(&x, &t(&[1.0]), Reduction::Mean),
        &["mse_loss", "`target`", "shape"],
    );
    let y64 = Tensor::new(&[1.0f64, 2.0], &Device::Cpu).unwrap();
    refused(
        F::l1_loss(&x, &y64, Reduction::Mean),
        &["l1_loss", "`target`", "dtype"],
    );
    let ints = Tensor::new(&[1u32, 2], &Device::Cpu).unwrap();
    refused(
        F::mse_loss(&ints, &ints, Reduction::Mean),
        &["`input`", "float"],
    );
    let opts = F::BinaryCrossEntropyWithLogitsOptions {
        weight: Some(t(&[1.0, 2.0, 3.0])),
        ..Default::default()
    };
    refused(
        F::binary_cross_entropy_with_logits(&x, &x, opts),
        &["`weight`", "broadcast"],
    );
    let logits = m(&[[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]);
    refused(
        F::cross_entropy(&logits, &idx(&[0, 1, 2]), Default::default()),
        &["`target`", "shape"],
    );
    refused(
        F::cross_entropy(&logits, &y64, Default::default()),
        &["`target`", "class indices"],
    );
    let scalar = Tensor::new(1.0f32, &Device::Cpu).unwrap();
    refused(
        F::cross_entropy(&scalar, &idx(&[0]), Default::default()),
        &["class dimension"],
    );
    let probs = m(&[[1.0, 0.0, 0.0]]);
    refused(
        F::cross_entropy(&logits, &probs, Default::default()),
        &["probability `target`", "shape"],
    );
    let opts = F::CrossEntropyOptions {
        ignore_index: 1,
        ..Default::default()
    };
    refused(
        F::cross_entropy(&logits, &m(&[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), opts),
        &["`ignore_index`", "probability"],
    );
}

#[test]
fn class_indices_out_of_range() {
    let logits = m(&[[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]);
    refused(
        F::cross_entropy(&logits, &idx(&[0, 3]), Default::default()),
        &["`target`", "0..3", "-100"],
    );
    refused(
        F::cross_entropy(&logits, &idx(&[-1, 0]), Default::default()),
        &["`target`", "0..3"],
    );
    refused(
        F::nll_loss(&logits, &idx(&[0, -100 + 1]), Default::default()),
        &["nll_loss", "`target`"],
    );
    // the ignore_index itself is fine, whatever its value
    let opts = F::CrossEntropyOptions {
        ignore_index: 7,
        ..Default::default()
    };
    assert!(F::cross_entropy(&logits, &idx(&[7, 2]), opts).is_ok());
    let opts = F::CrossEntropyOptions {
        ignore_index: 7,
        ..Default::default()
    };
    refused(
        F::cross_entropy(&logits, &idx(&[-100, 2]), opts),
        &["`target`", "`ignore_index` (7)"],
    );
}

#[test]
fn weights_must_be_finite_and_non_negative() {
    let logits = m(&[[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]);
    let target = idx(&[0, 1]);
    for bad in [-1.0, f32::NAN, f32::INFINITY] {
        let opts = F::CrossEntropyOptions {
            weight: Some(t(&[1.0, bad, 1.0])),
            ..Default::default()
        };
        refused(
            F::cross_entropy(&logits, &target, opts),
            &["`weight`", "finite and ≥ 0"],
        );
        let x = t(&[0.5, 1.0]);
        let opts = F::BinaryCrossEntropyWithLogitsOptions {
            pos_weight: Some(t(&[bad])),
            ..Default::default()
        };
        refused(
            F::binary_cross_entropy_with_logits(&x, &x, opts),
            &["`pos_weight`", "finite and ≥ 0"],
        );
    }
    let opts = F::CrossEntropyOptions {
        weight: Some(t(&[1.0, 1.0])),
        ..Default::default()
    };
    refused(
        F::cross_entropy(&logits, &target, opts),
        &["`weight`", "(3,)"],
    );
}

#[test]
fn options_outside_their_range() {
    let logits = m(&[[1.0, 2.0, 3.0]]);
    let target = idx(&[0]);
    for ls in [-0.1, 1.5, f64::NAN] {
        let opts = F::CrossEntropyOptions {
            label_smoothing: ls,
            ..Default::default()
        };
        refused(
            F::cross_entropy(&logits, &target, opts),
            &["`label_smoothing`", "between 0 and 1"],
        );
    }
    let x = t(&[0.5]);
    refused(
        F::huber_loss(
            &x,
            &x,
            F::HuberLossOptions {
                delta: 0.0,
                ..Default::default()
            },
        ),
        &["`delta`", "> 0"],
    );
    refused(
        F::smooth_l1_loss(
            &x,
            &x,
            F::SmoothL1LossOptions {
                beta: -1.0,
                ..Default::default()
            },
        ),
        &["`beta`"],
    );
    let opts = F::SigmoidFocalLossOptions {
        alpha: Some(1.5),
        ..Default::default()
    };
    refused(F::sigmoid_focal_loss(&x, &x, opts), &["`alpha`"]);
    let opts = F::SigmoidFocalLossOptions {
        gamma: -2.0,
        ..Default::default()
    };
    refused(F::sigmoid_focal_loss(&x, &x, opts), &["`gamma`"]);
    refused(
        F::mse_loss(&x, &x, Reduction::BatchMean),
        &["`reduction`", "batchmean", "kl_div"],
    );
    refused(
        F::binary_cross_entropy(&t(&[1.5]), &x, Default::default()),
        &["`input`", "between 0 and 1"],
    );
    refused(
        F::binary_cross_entropy(&x, &t(&[-0.5]), Default::default()),
        &["`target`", "between 0 and 1"],
    );
    assert_eq!(
        "avg".parse::<Reduction>().unwrap_err(),
        "reduction must be none, mean, sum or batchmean, got \"avg\""
    );
}

#[test]
fn an_empty_batch_is_refused() {
    let empty = Tensor::zeros((0, 3), DType::F32, &Device::Cpu).unwrap();
    refused(
        F::mse_loss(&empty, &empty, Reduction::Mean),
        &["`input` is empty"],
    );
    let target = Tensor::zeros(0, DType::I64, &Device::Cpu).unwrap();
    refused(
        F::cross_entropy(&empty, &target, Default::default()),
        &["`input` is empty"],
    );
    refused(
        F::cross_entropy(&empty, &empty, Default::default()),
        &["`input` is empty"],
    );
    // activations map an empty tensor to an empty tensor, as PyTorch does
    assert_eq!(
        F::gelu(&empty, F::GeluApproximate::Tanh).unwrap().dims(),
        [0, 3]
    );
}

#[test]
fn clipping_arguments_and_nonfinite_norms() {
    let w = Var::new(&[1.0f32, 2.0], &Device::Cpu).unwrap();
    let loss = (w.as_tensor() * t(&[f32::NAN, 1.0]))
        .unwrap()
        .sum_all()
        .unwrap();
    let mut grads = loss.backward().unwrap();
    refused(
        F::clip_grad_norm(
            &mut grads,
            std::slice::from_ref(&w),
            -1.0,
            Default::default(),
        ),
        &["`max_norm`"],
    );
    let opts = F::ClipGradNormOptions {
        norm_type: 0.0,
        ..Default::default()
    };
    refused(
        F::clip_grad_norm(&mut grads, std::slice::from_ref(&w), 1.0, opts),
        &["`norm_type`"],
    );
    let opts = F::ClipGradNormOptions {
        error_if_nonfinite: true,
        ..Default::default()
    };
    refused(
        F::clip_grad_norm(&mut grads, std::slice::from_ref(&w), 1.0, opts),
        &["non-finite", "error_if_nonfinite"],
    );
    // refused, so left alone
    let g = grads.get(&w).unwrap().to_vec1::<f32>().unwrap();
    assert!(g[0].is_nan() && g[1] == 1.0);
    refused(
        F::clip_grad_value(&mut grads, std::slice::from_ref(&w), f64::NAN),
        &["`clip_value`"],
    );
    // no gradient at all: the norm is 0, as in PyTorch
    let v = Var::new(&[1.0f32], &Device::Cpu).unwrap();
    let norm = F::clip_grad_norm(&mut grads, &[v], 1.0, Default::default()).unwrap();
    assert_eq!(norm.to_scalar::<f32>().unwrap(), 0.0);
}
