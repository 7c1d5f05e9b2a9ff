//! The checks behind `cargo exercise` for this chapter: each runs a function
//! of `exercises.rs` (or, with the `solutions` feature, of `solutions.rs`)
//! and compares it with Candle's autograd on `nn_functional`'s losses.

use book_kit::exercise::{Exercise, compare, returned as err};
use book_kit::table::{f4, fixed};
use candle_core::{DType, Device, Result, Tensor};
use nn_functional::{self as F, HuberLossOptions};
use shared::activations::to_f64_vec;
use shared::losses::loss_and_grad;

use crate::deliveries::{OUTLIER_TARGETS, PREDICTIONS};
#[cfg(not(feature = "solutions"))]
use crate::exercises as answers;
#[cfg(feature = "solutions")]
use crate::solutions as answers;

/// This chapter's exercises, in the order of its page.
pub static EXERCISES: &[Exercise] = &[Exercise {
    id: "huber-grad",
    title: "Huber's gradient, by hand",
    function: "huber_grad",
    hint: "Inside δ, d(½e²)/de = e; outside, d(δ(|e| - ½δ))/de = δ · sign(e). So the\n\
           gradient is the error, clipped to [-δ, δ] (`clamp`), and at |e| = δ both\n\
           branches give ±δ. And de/d pred = 1, so the sign is the error's.\n\
           The mean is over all N elements, whatever the shape: each gets 1/N.",
    tried: "the chapter's four deliveries with the lost parcel, shape (4), δ = 5, f32\n\
            errors on both sides of ±δ and exactly at it, shape (2, 5), δ = 5 and δ = 1\n\
            the same idea with δ = 0.5, shape (6, 1), in f64\n\
            each against Candle's autograd of nn_functional::huber_loss (the mean over every element)",
    check: || huber_grad(answers::huber_grad),
    check_exercise: || huber_grad(crate::exercises::huber_grad),
}];

pub type Gradient = fn(&Tensor, &Tensor, f64) -> Result<Tensor>;

/// One case: errors `pred − target` of a given shape, a δ and a dtype.
struct Case {
    shape: Vec<usize>,
    pred: Vec<f64>,
    target: Vec<f64>,
    delta: f64,
    dtype: DType,
}

/// The chapter's four deliveries with the lost parcel; then errors on both
/// sides of ±δ and exactly at it, in a (2, 5) batch, with δ = 5 and with
/// PyTorch's default δ = 1; then δ = 0.5 in f64.
fn cases() -> Vec<Case> {
    let errors = [-55.0, -7.0, -5.0, -2.0, -1.0, 0.0, 1.0, 2.0, 5.0, 6.0];
    let batch = |delta: f64, dtype: DType| Case {
        shape: vec![2, 5],
        pred: errors.iter().map(|e| 40.0 + e).collect(),
        target: vec![40.0; errors.len()],
        delta,
        dtype,
    };
    let halves = [-1.0, -0.5, -0.25, 0.0, 0.5, 0.75];
    vec![
        Case {
            shape: vec![4],
            pred: PREDICTIONS.iter().map(|&p| f64::from(p)).collect(),
            target: OUTLIER_TARGETS.iter().map(|&t| f64::from(t)).collect(),
            delta: 5.0,
            dtype: DType::F32,
        },
        batch(5.0, DType::F32),
        batch(1.0, DType::F32),
        Case {
            shape: vec![6, 1],
            pred: halves.to_vec(),
            target: vec![0.0; halves.len()],
            delta: 0.5,
            dtype: DType::F64,
        },
    ]
}

/// The usual slips, computed from the errors `e`, δ and the shape: the one a
/// wrong answer matches, if any.
fn diagnose(got: &[f64], e: &[f64], delta: f64, shape: &[usize]) -> String {
    let n = e.len() as f64;
    let clip = |e: f64| e.clamp(-delta, delta);
    let right: Vec<f64> = e.iter().map(|&e| clip(e) / n).collect();
    let scaled = |k: f64| right.iter().map(|r| r * k).collect::<Vec<f64>>();
    let mut slips: Vec<(Vec<f64>, String)> = vec![
        (
            scaled(n),
            "it is N times too large: a sum, where HuberLoss takes the mean".into(),
        ),
        (
            scaled(-1.0),
            "it has the wrong sign: e = pred - target, so de/d pred = +1".into(),
        ),
        (
            e.iter().map(|&e| e / n).collect(),
            "it is not clipped: beyond δ the loss is linear, with slope ±δ".into(),
        ),
        (
            e.iter()
                .map(|&e| if e.abs() < delta { 2.0 * e } else { clip(e) } / n)
                .collect(),
            "inside δ it is 2e: PyTorch's quadratic branch is ½e², whose slope is e".into(),
        ),
        (
            e.iter()
                .map(|&e| if e.abs() == delta { 0.0 } else { clip(e) / n })
                .collect(),
            "at |e| = δ exactly it is 0: both branches give ±δ there, so one of the\n\
             two comparisons must include the equality"
                .into(),
        ),
        (
            e.iter().map(|&e| delta * e.signum() / n).collect(),
            "inside δ it is ±δ: there the gradient is the error itself".into(),
        ),
    ];
    if shape.len() > 1 {
        slips.push((
            scaled(n / shape[0] as f64),
            format!(
                "it is divided by {}, the first dimension: the mean is over all {n} elements",
                shape[0]
            ),
        ));
    }
    let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(a, b)| (a - b).abs() < 1e-6);
    slips
        .into_iter()
        .find(|(v, _)| close(got, v))
        .map_or(String::new(), |(_, why)| format!("\n{why}"))
}

/// Each case against Candle's autograd of `nn_functional::huber_loss`.
pub fn huber_grad(f: Gradient) -> std::result::Result<String, String> {
    let dev = Device::Cpu;
    let mut shown = Vec::new();
    for case in cases() {
        let t = |v: &[f64]| {
            Tensor::from_vec(v.to_vec(), case.shape.as_slice(), &dev)?.to_dtype(case.dtype)
        };
        let (pred, target) = (t(&case.pred).map_err(err)?, t(&case.target).map_err(err)?);
        let what = format!("δ = {}, shape {:?}", case.delta, case.shape);
        let got = f(&pred, &target, case.delta).map_err(|e| format!("on {what}: {}", err(e)))?;
        if got.dims() != pred.dims() {
            return Err(format!(
                "on {what}: the gradient has shape {:?}; pred's, {:?}, is expected",
                got.dims(),
                pred.dims()
            ));
        }
        let got = to_f64_vec(&got).map_err(err)?;
        let want = loss_and_grad(&pred, |p| {
            let opts = HuberLossOptions {
                delta: case.delta,
                ..Default::default()
            };
            F::huber_loss(p, &target, opts)
        })
        .map_err(err)?
        .grad;
        let e: Vec<f64> = case
            .pred
            .iter()
            .zip(&case.target)
            .map(|(p, t)| p - t)
            .collect();
        let labels: Vec<String> = e.iter().map(|e| format!("error {e}, {what}")).collect();
        compare("the gradient", &labels, &got, &want, 1e-6)
            .map_err(|m| format!("{m}{}", diagnose(&got, &e, case.delta, &case.shape)))?;
        shown.push((e, got));
    }
    let list = |v: &[f64], show: fn(f64) -> String| {
        let v: Vec<String> = v.iter().map(|&x| show(x)).collect();
        format!("[{}]", v.join(", "))
    };
    let (e, got) = &shown[0];
    // The (2, 5) batch with δ = 5: the errors either side of ±δ and at it.
    let (e2, got2) = &shown[1];
    let pick = [1, 2, 3, 8, 9];
    let pick = |v: &[f64]| pick.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    Ok(format!(
        "four deliveries with the lost parcel, δ = 5: errors {}\n\
         gradient {}\n\
         N = {}, δ = 5: errors {}\n\
         gradient {}",
        list(e, |x| fixed(x, 0)),
        list(got, f4),
        e2.len(),
        list(&pick(e2), |x| fixed(x, 0)),
        list(&pick(got2), f4)
    ))
}
