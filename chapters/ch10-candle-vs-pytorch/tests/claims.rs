//! Pins Candle's current behaviour, item by item. A failure here means Candle
//! changed: update the appendix (book/src/ch10-candle-vs-pytorch.md) and the
//! page named in the message, which relies on the old behaviour.

use std::any::type_name_of_val;

use candle_core::{Result, Tensor};
use ch10_candle_vs_pytorch::{Difference, autograd, gelu, graph, losses, rng};
use shared::candle_nn;

fn update(page: &str) -> String {
    format!(
        "Candle's behaviour changed: update book/src/ch10-candle-vs-pytorch.md \
         and book/src/{page}.md"
    )
}

fn find<'a>(rows: &'a [Difference], what: &str) -> &'a Difference {
    rows.iter()
        .find(|d| d.what.starts_with(what))
        .unwrap_or_else(|| panic!("no row {what}"))
}

#[test]
fn candle_builtins_pick_other_derivatives_at_kinks_and_multiply_a_nan_by_zero() {
    let k = autograd::kinks().unwrap();
    let msg = update("ch01-activation-shapes");
    assert_eq!(find(&k, "Tensor::relu, f'(0)").candle, 1.0, "{msg}");
    let leaky = find(&k, "candle_nn::ops::leaky_relu").candle;
    assert!((leaky - 0.505).abs() < 1e-7, "{leaky}: {msg}");
    assert_eq!(find(&k, "Tensor::abs").candle, 1.0, "{msg}");
    let nan = find(&k, "Tensor::relu at z = -1").candle;
    assert!(nan.is_nan(), "{nan}: {}", update("ch05-naive-bce-nan"));
}

#[test]
fn tensor_gelu_is_the_tanh_approximation_and_both_backward_passes_use_six_digits() {
    let g = gelu::gelus().unwrap();
    let msg = update("ch01-activation-shapes");
    for i in 0..gelu::POINTS.len() {
        // gelu_erf is PyTorch's default, to f32 precision; gelu() is not.
        assert!((g.erf[i] - g.pytorch[i]).abs() < 1e-6, "{msg}");
        assert!((g.tanh_approx[i] - g.erf[i]).abs() > 1e-5, "{msg}");
    }
    for error in [&g.erf_error, &g.tanh_error] {
        let (size, _) = gelu::largest(error);
        assert!(size > 1e-7 && size < 1e-6, "{size}: {msg}");
    }
}

#[test]
fn candle_nns_bce_with_logits_is_the_naive_form() {
    let rows = losses::bce_rows().unwrap();
    let msg = update("ch05-naive-bce-nan");
    let at = |z: f64| rows.iter().find(|r| r.logit == z).unwrap();
    assert!(at(17.0).candle_nn.is_nan(), "{msg}");
    assert_eq!(at(100.0).candle_nn, f64::INFINITY, "{msg}");
    assert_eq!(at(-100.0).candle_nn, f64::INFINITY, "{msg}");
    for r in &rows {
        let tol = 1e-6 * r.pytorch.abs();
        assert!(
            (r.library - r.pytorch).abs() <= tol,
            "nn_functional at {}",
            r.logit
        );
    }
    assert_eq!(at(100.0).library, 100.0);
}

#[test]
fn powf_at_zero_is_one_but_its_derivative_is_nan() {
    let p = autograd::powf().unwrap();
    let msg = update("ch06-class-weighting");
    assert_eq!(
        find(&p, "Tensor::powf(0.0) at x = 0, value").candle,
        1.0,
        "{msg}"
    );
    assert!(
        find(&p, "Tensor::powf(0.0) at x = 0, deriv")
            .candle
            .is_nan(),
        "{msg}"
    );
    assert!(find(&p, "(1 - p)^0").candle.is_nan(), "{msg}");
}

#[test]
fn the_division_backward_squares_the_divisor_and_loses_the_gradient() {
    let d = autograd::division().unwrap();
    let msg = update("ch05-naive-bce-nan");
    let by_b = find(&d, "d(1/b)/db").candle;
    assert_eq!(by_b, 0.0, "{msg}");
    assert_eq!(find(&d, "exp/sum then log").candle, 50.0, "{msg}");
    assert_eq!(find(&d, "the same, gradient").candle, 0.0, "{msg}");
    // The page: log-softmax, as in nn_functional::cross_entropy, gives exactly 1.
    let dev = candle_core::Device::Cpu;
    let z = candle_core::Var::new(&[[50.0f32, 0.0, 0.0]], &dev).unwrap();
    let t = Tensor::new(&[1u32], &dev).unwrap();
    let loss = nn_functional::cross_entropy(z.as_tensor(), &t, Default::default()).unwrap();
    let g = loss
        .backward()
        .unwrap()
        .get(&z)
        .unwrap()
        .to_vec2::<f32>()
        .unwrap();
    assert_eq!(g[0][0], 1.0, "{msg}");
}

#[test]
fn the_cpu_generator_cannot_be_seeded() {
    let s = rng::seeding().unwrap();
    let msg = update("ch02-vanishing-gradients");
    assert_eq!(
        s.set_seed.as_deref(),
        Some("cannot seed the CPU rng with set_seed"),
        "{msg}"
    );
    assert!(s.get_seed.is_some(), "{msg}");
    assert!(s.candle_nn_equal < s.weights, "{msg}");
    assert_eq!(s.shared_equal, s.weights);
}

#[test]
fn the_librarys_replacements_are_real_paths_with_pytorchs_values() {
    let msg = update("ch06-class-weighting");
    // candle-nn's losses still take no weights: these stop compiling if they do.
    let _: fn(&Tensor, &Tensor) -> Result<Tensor> = candle_nn::loss::cross_entropy;
    let _: fn(&Tensor, &Tensor) -> Result<Tensor> =
        candle_nn::loss::binary_cross_entropy_with_logit;
    let names: Vec<Option<String>> = losses::builtins().into_iter().map(|b| b.library).collect();
    // Each name is the library's own function, exported at its root.
    let expected = [
        Some(losses::root_path_of(&nn_functional::sigmoid_focal_loss)),
        Some(losses::root_path_of(&nn_functional::cross_entropy)),
        Some(losses::root_path_of(
            &nn_functional::binary_cross_entropy_with_logits,
        )),
        Some(losses::root_path_of(&nn_functional::cross_entropy)),
        Some(losses::root_path_of(&nn_functional::clip_grad_norm)),
    ];
    for (got, want) in names.iter().zip(expected) {
        assert_eq!(got, &want, "{msg}");
    }
    assert_eq!(
        names[0].as_deref(),
        Some("nn_functional::sigmoid_focal_loss")
    );
    assert!(type_name_of_val(&nn_functional::sigmoid_focal_loss).ends_with("::sigmoid_focal_loss"));
    for r in losses::replacements().unwrap() {
        assert!((r.library - r.pytorch).abs() < 1e-6, "{}: {msg}", r.call);
    }
}

#[test]
fn softmax_last_dim_drops_the_graph_and_operators_neither_broadcast_nor_promote() {
    let rows = graph::graph().unwrap();
    let row = |what: &str| {
        rows.iter()
            .find(|b| b.what.starts_with(what))
            .unwrap_or_else(|| panic!("no row {what}"))
    };
    let ch00 = update("ch00-candle-basics");
    assert!(
        row("candle_nn::ops::softmax_last_dim")
            .candle
            .starts_with("no gradient"),
        "{ch00}"
    );
    // p = softmax([1, 2, 3]): dp0/dx = p0 (e0 - p), with p0 = 0.0900306.
    assert_eq!(
        row("candle_nn::ops::softmax(x, D::Minus1)").candle,
        "[0.0819, -0.0220, -0.0599]",
        "{ch00}"
    );
    assert_eq!(
        row("gradient of sum(w * y)").candle,
        "stored: [0.5000, -1.0000, 2.0000]",
        "{ch00}"
    );
    assert!(
        row("sum(v^2).backward() run twice")
            .candle
            .starts_with("[2.0000, 4.0000], then [2.0000, 4.0000]"),
        "{ch00}"
    );
    assert!(
        row("(2, 3) matrix times a 1-D")
            .candle
            .starts_with("Err: shape mismatch in matmul"),
        "{ch00}"
    );
    let msg = update("ch08-common-errors");
    assert!(
        row("(3, 1) + (3,)")
            .candle
            .starts_with("Err: shape mismatch in add"),
        "{msg}"
    );
    assert!(
        row("f32 + f64")
            .candle
            .starts_with("Err: dtype mismatch in add"),
        "{ch00}"
    );
}
