//! f16 and bf16 on the CPU: every f64 case of the fixture, its inputs
//! rounded to the half type, computed in that type and compared with the
//! same computation in f64 on the same rounded inputs (which agrees with
//! PyTorch's to 1e-9, `tests/fixture.rs`). Clipping is left out: it takes
//! its norm in the gradients' dtype by design.
//!
//! The measure is the error relative to the largest value of the same
//! array, `max |ours − f64| / max |f64|` (a relative error per element means
//! little where a half type has 3 significant digits). The limits are
//! stated in the README.

mod common;

use std::collections::BTreeMap;

use candle_core::{DType, Result, Tensor, Var};
use common::{Case, call, load};

fn f64s(t: &Tensor) -> Result<Vec<f64>> {
    t.flatten_all()?.to_dtype(DType::F64)?.to_vec1::<f64>()
}

/// The value and the gradients of `case` with its float arguments in `dtype`.
fn run(case: &Case, dtype: DType) -> Result<Vec<Vec<f64>>> {
    let mut vars = BTreeMap::new();
    let mut args = BTreeMap::new();
    for (name, t) in &case.args {
        // round to the half type first, so both runs see the same inputs
        let t = if t.dtype() == DType::F64 {
            t.to_dtype(dtype_or_half(case, dtype))?.to_dtype(dtype)?
        } else {
            t.clone()
        };
        if case.grads.contains_key(name) {
            let v = Var::from_tensor(&t)?;
            args.insert(name.clone(), v.as_tensor().clone());
            vars.insert(name.clone(), v);
        } else {
            args.insert(name.clone(), t);
        }
    }
    let out = call(case, &args)?;
    let objective = match &case.cotangent {
        Some(c) => (&out * c.to_dtype(dtype)?)?.sum_all()?,
        None => out.clone(),
    };
    let grads = objective.backward()?;
    let mut all = vec![f64s(&out)?];
    for name in case.grads.keys() {
        all.push(match grads.get(vars[name].as_tensor()) {
            Some(g) => f64s(g)?,
            None => vec![0.0; case.args[name].elem_count()],
        });
    }
    Ok(all)
}

thread_local! {
    static HALF: std::cell::Cell<DType> = const { std::cell::Cell::new(DType::F16) };
}

fn dtype_or_half(_case: &Case, _dtype: DType) -> DType {
    HALF.with(|h| h.get())
}

/// The largest error relative to its array's scale, over every array of a case.
/// A value beyond the half type's range (`max`) is held only to overflowing
/// with the right sign: f16 cannot hold BCE's gradient of 1e12 at p = 1e-12.
fn scaled_err(ours: &[Vec<f64>], exact: &[Vec<f64>], max: f64) -> f64 {
    let mut worst = 0f64;
    for (a, b) in ours.iter().zip(exact) {
        let scale = b
            .iter()
            .filter(|x| x.is_finite() && x.abs() <= max)
            .fold(0f64, |m, x| m.max(x.abs()));
        for (&x, &y) in a.iter().zip(b) {
            if y.is_finite() && y.abs() > max {
                if x != y.signum() * f64::INFINITY && (x - y).abs() > 1e-2 * y.abs() {
                    worst = f64::INFINITY;
                }
                continue;
            }
            if !y.is_finite() {
                if !(x.is_nan() && y.is_nan() || x == y) {
                    worst = f64::INFINITY;
                }
                continue;
            }
            worst = worst.max((x - y).abs() / scale.max(f64::MIN_POSITIVE));
        }
    }
    worst
}

fn check(half: DType, limit: f64) {
    HALF.with(|h| h.set(half));
    let fixture = load();
    let mut worst = (0f64, String::new());
    let mut n = 0;
    let mut failures = Vec::new();
    for case in fixture
        .cases
        .iter()
        .filter(|c| c.dtype == "f64" && !c.fun.starts_with("clip"))
    {
        let exact = run(case, DType::F64).expect("f64 runs");
        let ours = match run(case, half) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{}: {e}", case.label()));
                continue;
            }
        };
        n += 1;
        let max = if half == DType::F16 { 65504.0 } else { 3.39e38 };
        let err = scaled_err(&ours, &exact, max);
        if err > worst.0 || err.is_nan() {
            worst = (err, case.label());
        }
        if err.is_nan() || err > limit {
            failures.push(format!("{}: error {err:e}", case.label()));
        }
    }
    println!(
        "{half:?}: {n} cases, largest error relative to scale {:.2e} (limit {limit:.0e}) at {}",
        worst.0, worst.1
    );
    assert!(
        failures.is_empty(),
        "{} cases fail in {half:?}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn f16_agrees_with_f64_on_the_same_inputs() {
    check(DType::F16, 5e-3);
}

#[test]
fn bf16_agrees_with_f64_on_the_same_inputs() {
    check(DType::BF16, 5e-2);
}
