//! The chapter's claims, checked on the data it prints.

use candle_core::{DType, Device};
use ch00_candle_basics::tensors::{Op, Value, broadcasting, dims, results, tensors};
use ch00_candle_basics::{CHAPTER, autograd, training};

fn find<'a>(ops: &'a [Op], call: &str) -> &'a Op {
    ops.iter()
        .find(|o| o.call == call)
        .unwrap_or_else(|| panic!("no call {call}"))
}

fn ok<'a>(ops: &'a [Op], call: &str) -> &'a Value {
    match &find(ops, call).outcome {
        Ok(v) => v,
        Err(e) => panic!("{call} failed: {e}"),
    }
}

fn err<'a>(ops: &'a [Op], call: &str) -> &'a str {
    match &find(ops, call).outcome {
        Ok(v) => panic!("{call} succeeded: {v:?}"),
        Err(e) => e,
    }
}

#[test]
fn f32_data_u32_indices_and_rusts_f64_literals() {
    let t = tensors(&Device::Cpu).unwrap();
    assert_eq!(t[0].outcome.as_ref().unwrap().dtype, DType::F32);
    assert_eq!(ok(&t, "Tensor::new(&[2u32, 0, 1], dev)").dtype, DType::U32);
    // an unsuffixed float literal is f64, not PyTorch's default f32
    assert_eq!(ok(&t, "Tensor::new(&[1.0, 2.0], dev)").dtype, DType::F64);
}

#[test]
fn adding_2x3_and_3_fails_unless_broadcast() {
    let r = results(&Device::Cpu).unwrap();
    let msg = "shape mismatch in add, lhs: [2, 3], rhs: [3]";
    assert_eq!(err(&r, "x.add(&b)"), msg);
    assert_eq!(err(&r, "&x + &b"), msg);
    let sum = ok(&r, "x.broadcast_add(&b)");
    assert_eq!(sum.dims, [2, 3]);
    assert_eq!(sum.values, [11.0, 22.0, 33.0, 14.0, 25.0, 36.0]);
    assert!(err(&r, "x.add(&x.to_dtype(DType::F64)?)").contains("dtype mismatch"));
    let b = broadcasting(&Device::Cpu).unwrap();
    assert_eq!(ok(&b, "x.broadcast_add(&b)"), sum);
}

#[test]
fn minus1_is_the_last_dimension_and_indices_are_u32() {
    let d = dims(&Device::Cpu).unwrap();
    assert_eq!(ok(&d, "x.sum(D::Minus1)").values, [6.0, 15.0]);
    assert_eq!(ok(&d, "x.sum_keepdim(D::Minus1)").dims, [2, 1]);
    let arg = ok(&d, "x.argmax(D::Minus1)");
    assert_eq!(
        (arg.dtype, arg.values.as_slice()),
        (DType::U32, &[2.0, 2.0][..])
    );
    assert_eq!(ok(&d, "x.gather(&picks, D::Minus1)").values, [3.0, 4.0]);
    assert!(err(&d, "x.gather(&picks.to_dtype(DType::F32)?, D::Minus1)").contains("F32"));
    let p = ok(&d, "F::softmax(&x, D::Minus1)");
    for row in p.values.chunks(3) {
        assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-6);
    }
}

#[test]
fn only_what_a_var_feeds_has_a_gradient_and_nothing_accumulates() {
    let a = autograd::autograd(&Device::Cpu, 0.01).unwrap();
    assert_eq!(a.loss, 20.25);
    assert_eq!(a.grad_w.as_deref(), Some(&[9.0, 18.0, 27.0][..]));
    // the operand x gets one as a by-product; raw, behind it, none
    assert_eq!(a.grad_x.as_deref(), Some(&[4.5, -9.0, 18.0][..]));
    assert_eq!(a.grad_raw, None);
    assert_eq!(a.grad_w_again, a.grad_w);
    assert_eq!(a.grad_w_detached, None);
    assert!(a.loss_after < a.loss / 1.5);
}

#[test]
fn the_training_loop_beats_predicting_the_mean_and_is_seeded() {
    let t = training::fit(&CHAPTER.defaults()).unwrap();
    assert_eq!((t.samples, t.params, t.history.len()), (200, 97, 60));
    assert!(t.history[0] > 1000.0, "{}", t.history[0]);
    assert!(t.final_loss < t.mean_baseline / 4.0, "{t:?}");
    // every printed checkpoint is lower, though Adam overshoots in between
    let printed: Vec<f64> = t.history.iter().copied().step_by(10).collect();
    assert!(printed.windows(2).all(|w| w[1] < w[0]), "{printed:?}");
    assert!(t.rises > 0 && t.rises < t.history.len() / 2, "{}", t.rises);
    assert_eq!(training::fit(&CHAPTER.defaults()).unwrap(), t);
    let other = training::fit(&CHAPTER.options(&["--seed", "7"]).unwrap()).unwrap();
    assert_ne!(other.history, t.history);
}

#[test]
fn bad_flags_are_refused() {
    for bad in [
        &["--lr", "0"][..],
        &["--lr", "nan"],
        &["--steps", "0"],
        &["--samples", "1"],
        &["--hidden", "0"],
        &["--step-lr", "-0.1"],
        &["--every", "x"],
    ] {
        assert!(CHAPTER.options(bad).is_err(), "{bad:?} was accepted");
    }
    let o = CHAPTER
        .options(&["--lr", "0.01", "--steps", "200"])
        .unwrap();
    assert_eq!((o.lr, o.steps), (0.01, 200));
}
