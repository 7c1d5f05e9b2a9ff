//! Property tests: random shapes, values and options never make the library
//! panic. Where the inputs are valid and finite, the value and the gradient
//! are finite too, except where PyTorch's own answer is NaN (a mean over
//! targets whose weights sum to 0, e.g. every target ignored).
//!
//! proptest runs without its `std` feature here, so its generator has a
//! fixed seed: every run tries the same cases, and a failure reproduces.

use candle_core::{DType, Device, Tensor, Var};
use nn_functional::{self as F, Reduction};
use proptest::prelude::*;

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => -50.0..50.0f64,
        1 => Just(0.0),
        1 => prop::sample::select(vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 100.0, -100.0, 1.0]),
    ]
}

fn shape() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0usize..4, 0..4)
}

fn tensor(vals: &[f64], shape: &[usize], dtype: DType) -> Tensor {
    Tensor::from_vec(vals.to_vec(), shape, &Device::Cpu)
        .unwrap()
        .to_dtype(dtype)
        .unwrap()
}

fn reduction(i: usize) -> Reduction {
    [
        Reduction::None,
        Reduction::Mean,
        Reduction::Sum,
        Reduction::BatchMean,
    ][i % 4]
}

fn all_finite(t: &Tensor) -> bool {
    t.flatten_all()
        .unwrap()
        .to_dtype(DType::F64)
        .unwrap()
        .to_vec1::<f64>()
        .unwrap()
        .iter()
        .all(|x| x.is_finite())
}

/// The elementwise functions, by number.
const ELEMENTWISE: usize = 20;

/// What their error messages start with.
const NAMES: [&str; ELEMENTWISE] = [
    "mse_loss:",
    "l1_loss:",
    "huber_loss:",
    "smooth_l1_loss:",
    "binary_cross_entropy_with_logits:",
    "relu",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "gelu",
    "silu",
    "mish",
    "softplus",
    "sigmoid",
    "tanh",
    "softmax:",
    "log_softmax:",
    "kl_div:",
    "sigmoid_focal_loss:",
];

fn elementwise(
    which: usize,
    x: &Tensor,
    y: &Tensor,
    r: Reduction,
    p: f64,
) -> candle_core::Result<Tensor> {
    match which {
        0 => F::mse_loss(x, y, r),
        1 => F::l1_loss(x, y, r),
        2 => F::huber_loss(
            x,
            y,
            F::HuberLossOptions {
                delta: p,
                reduction: r,
            },
        ),
        3 => F::smooth_l1_loss(
            x,
            y,
            F::SmoothL1LossOptions {
                beta: p,
                reduction: r,
            },
        ),
        4 => F::binary_cross_entropy_with_logits(
            x,
            y,
            F::BinaryCrossEntropyWithLogitsOptions {
                reduction: r,
                ..Default::default()
            },
        ),
        5 => F::relu(x),
        6 => F::leaky_relu(x, p),
        7 => F::elu(x, p.abs()),
        8 => F::selu(x),
        9 => F::gelu(x, F::GeluApproximate::None),
        10 => F::gelu(x, F::GeluApproximate::Tanh),
        11 => F::silu(x),
        12 => F::mish(x),
        13 => F::softplus(x, p.abs() + 0.5, 20.0),
        14 => F::sigmoid(x),
        15 => F::tanh(x),
        16 => F::softmax(x, (p.abs() as usize) % 3),
        17 => F::log_softmax(x, (p.abs() as usize) % 3),
        // no finiteness claim for these: their domains are narrower
        18 => F::kl_div(
            x,
            y,
            F::KlDivOptions {
                reduction: r,
                log_target: p > 0.0,
            },
        ),
        _ => F::sigmoid_focal_loss(
            x,
            y,
            F::SigmoidFocalLossOptions {
                alpha: Some(p),
                gamma: p,
                reduction: r,
            },
        ),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn elementwise_functions_never_panic(
        (xs, sx) in shape().prop_flat_map(|s| (prop::collection::vec(value(), s.iter().product::<usize>()), Just(s))),
        (ys, sy) in shape().prop_flat_map(|s| (prop::collection::vec(value(), s.iter().product::<usize>()), Just(s))),
        same_shape in any::<bool>(),
        which in 0..ELEMENTWISE,
        red in 0usize..4,
        p in -1.0..3.0f64,
        f64_dtype in any::<bool>(),
    ) {
        let dtype = if f64_dtype { DType::F64 } else { DType::F32 };
        let x = Var::from_tensor(&tensor(&xs, &sx, dtype)).unwrap();
        let (yv, ys_shape) = if same_shape {
            (xs.iter().map(|v| v.sin()).collect::<Vec<_>>(), &sx)
        } else {
            (ys.clone(), &sy)
        };
        let y = tensor(&yv, ys_shape, dtype);
        let r = reduction(red);
        let out = elementwise(which, x.as_tensor(), &y, r, p);
        let out = match out {
            Ok(out) => out,
            Err(e) => {
                // refused by the function's own checks, which name it
                let msg = e.to_string();
                prop_assert!(msg.starts_with(NAMES[which]), "{which}: {msg}");
                return Ok(());
            }
        };
        let valid = xs.iter().chain(&yv).all(|v| v.is_finite() && v.abs() <= 50.0) && which < 18;
        if valid {
            prop_assert!(all_finite(&out), "{which}: non-finite value for finite input");
            let objective = out.sum_all().unwrap();
            let grads = objective.backward().unwrap();
            if let Some(g) = grads.get(&x) {
                prop_assert!(all_finite(g), "{which}: non-finite gradient for finite input");
            }
        }
    }

    #[test]
    fn classification_losses_never_panic(
        n in prop_oneof![9 => 1usize..4, 1 => Just(0usize)],
        c in prop_oneof![9 => 1usize..5, 1 => Just(0usize)],
        extra in prop::collection::vec(1usize..3, 0..2),
        logits in prop::collection::vec(value(), 64),
        classes in prop::collection::vec(prop_oneof![40 => 1000i64..2000, 5 => Just(-100i64), 1 => -101i64..7], 16),
        weights in prop::option::of(prop::collection::vec(prop_oneof![50 => 0.0..2.0f64, 1 => -1.0..0.0f64], 5)),
        weight_len in prop_oneof![9 => Just(None), 1 => (0usize..6).prop_map(Some)],
        smoothing in prop_oneof![8 => 0.0..=1.0f64, 1 => -0.5..1.5f64],
        ignore_index in prop::sample::select(vec![-100i64, 0, 2]),
        target_kind in prop_oneof![4 => Just(0usize), 2 => Just(1usize), 1 => Just(2usize), 3 => Just(3usize)],
        red in 0usize..4,
        nll in any::<bool>(),
    ) {
        let mut shape = vec![n, c];
        shape.extend(&extra);
        let count: usize = shape.iter().product();
        let x = Var::from_tensor(&tensor(&logits.iter().cycle().take(count).copied().collect::<Vec<_>>(), &shape, DType::F64)).unwrap();
        let mut tshape = shape.clone();
        tshape.remove(1);
        let tcount: usize = tshape.iter().product();
        // 1000.. stands for a valid class; the rest are taken as they are
        let idx: Vec<i64> = classes
            .iter()
            .cycle()
            .take(tcount)
            .map(|&i| if i >= 1000 { i % c.max(1) as i64 } else { i })
            .collect();
        let target_kind = if nll && target_kind == 3 { 0 } else { target_kind };
        let dev = &Device::Cpu;
        let target = match target_kind {
            0 => Tensor::from_vec(idx.clone(), tshape.as_slice(), dev).unwrap(),
            1 => Tensor::from_vec(idx.iter().map(|&i| i.max(0) as u32).collect::<Vec<_>>(), tshape.as_slice(), dev).unwrap(),
            2 => Tensor::from_vec(idx.iter().map(|&i| i.max(0) as f32).collect::<Vec<_>>(), tshape.as_slice(), dev).unwrap(),
            _ => F::softmax(&tensor(&logits.iter().cycle().take(count).map(|v| v.sin()).collect::<Vec<_>>(), &shape, DType::F64), 1.min(shape.len() - 1)).unwrap(),
        };
        let weight = weights.as_ref().map(|w| {
            let len = weight_len.unwrap_or(c);
            let w: Vec<f64> = w.iter().cycle().take(len).copied().collect();
            Tensor::from_vec(w, len, dev).unwrap()
        });
        let r = reduction(red);
        let out = if nll {
            F::nll_loss(x.as_tensor(), &target, F::NllLossOptions { weight: weight.clone(), ignore_index, reduction: r })
        } else {
            F::cross_entropy(x.as_tensor(), &target, F::CrossEntropyOptions { weight: weight.clone(), ignore_index, reduction: r, label_smoothing: smoothing })
        };
        let out = match out {
            Ok(out) => out,
            Err(e) => {
                let msg = e.to_string();
                let name = if nll { "nll_loss:" } else { "cross_entropy:" };
                prop_assert!(msg.starts_with(name), "{msg}");
                return Ok(());
            }
        };
        // accepted: then the input was valid; with finite logits the value
        // is finite unless a mean divides by a zero sum of weights
        let finite_logits = logits.iter().take(count).all(|v| v.is_finite());
        if finite_logits && !nll {
            let grads = out.sum_all().unwrap().backward().unwrap();
            if let Some(g) = grads.get(&x) {
                prop_assert!(all_finite(g), "non-finite gradient");
            }
            if r != Reduction::Mean {
                prop_assert!(all_finite(&out), "non-finite value without a mean");
            }
        }
    }
}
