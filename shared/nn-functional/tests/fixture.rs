//! The library against PyTorch: every case of `fixture/torch.json`, written
//! by `tools/nn-functional-fixture.py` with PyTorch 2.15, is recomputed here
//! and compared, value and gradients.
//!
//! The measure of agreement is a relative error, `|ours − torch| / max(|torch|,
//! k·s)`, where `s` is the largest finite `|torch|` of the same value or
//! gradient and `k` is 1e-6 in f64, 1e-3 in f32: an element that PyTorch
//! computes as a cancellation residue near zero (a gradient of −2.7e-9
//! where the exact one is 0, beside others of 0.13, in f32) is held to the
//! scale of its neighbours. NaN must meet NaN, and ±∞
//! the same ±∞, except at the two documented differences (see `exempt`).
//!
//! `cargo test -p nn-functional --test fixture -- --nocapture` prints the
//! number of cases and the largest error per dtype.

mod common;

use std::collections::BTreeMap;

use candle_core::{DType, Result, Tensor, Var};
use common::{Case, call, clip, load};

/// The floor of the relative error's denominator, as a fraction of the
/// largest value of the same array.
fn floor(dtype: &str) -> f64 {
    match dtype {
        "f64" => 1e-6,
        _ => 1e-3,
    }
}

/// The largest relative error allowed, per dtype.
fn limit(dtype: &str) -> f64 {
    match dtype {
        "f64" => 1e-9,
        _ => 5e-4,
    }
}

/// The relative error of `ours` against `torch` (see the module's docs), and
/// how many elements were exempt.
fn rel_err(
    ours: &[f64],
    torch: &[f64],
    floor: f64,
    exempt: impl Fn(usize, f64) -> bool,
) -> (f64, usize) {
    assert_eq!(ours.len(), torch.len(), "lengths differ");
    let scale = torch
        .iter()
        .filter(|x| x.is_finite())
        .fold(0f64, |m, x| m.max(x.abs()));
    let mut worst = 0f64;
    let mut skipped = 0;
    for (i, (&a, &b)) in ours.iter().zip(torch).enumerate() {
        if !b.is_finite() {
            if exempt(i, b) {
                skipped += 1;
            } else if !(a.is_nan() && b.is_nan() || a == b) {
                worst = f64::INFINITY;
            }
            continue;
        }
        if !a.is_finite() {
            // NaN or ∞ where PyTorch is finite (`f64::max` would drop a NaN).
            worst = f64::INFINITY;
            continue;
        }
        let denom = b.abs().max(floor * scale).max(f64::MIN_POSITIVE);
        worst = worst.max((a - b).abs() / denom);
    }
    (worst, skipped)
}

fn to_f64(t: &Tensor) -> Result<Vec<f64>> {
    t.flatten_all()?.to_dtype(DType::F64)?.to_vec1::<f64>()
}

/// The documented differences: PyTorch's gradient is ±∞ or NaN there, ours
/// finite. `binary_cross_entropy`'s gradient with respect to `target` where
/// the probability is exactly 0 or 1 (PyTorch: −logit(p) = ±∞, or NaN
/// where a zero weight multiplies it), and
/// `kl_div`'s with respect to a `target` of exactly 0 (PyTorch: NaN, from
/// 0/0 in `xlogy`'s backward).
fn exempt(case: &Case, grad_of: &str, torch: f64) -> bool {
    grad_of == "target"
        && match case.fun.as_str() {
            "binary_cross_entropy" => !torch.is_finite(),
            "kl_div" => torch.is_nan() && !case.opt_bool("log_target"),
            _ => false,
        }
}

/// Runs one case; returns the largest error and the number of exempt elements.
fn check(case: &Case) -> Result<(f64, usize)> {
    if case.fun.starts_with("clip_grad") {
        return clip(case, |a, b, e| rel_err(a, b, floor(&case.dtype), e));
    }
    let mut vars = BTreeMap::new();
    let mut args = BTreeMap::new();
    for (name, t) in &case.args {
        if case.grads.contains_key(name) {
            let v = Var::from_tensor(t)?;
            args.insert(name.clone(), v.as_tensor().clone());
            vars.insert(name.clone(), v);
        } else {
            args.insert(name.clone(), t.clone());
        }
    }
    let out = call(case, &args)?;
    let want = case.value.as_ref().expect("a value");
    let (mut worst, mut skipped) = rel_err(
        &to_f64(&out)?,
        &to_f64(want)?,
        floor(&case.dtype),
        |_, _| false,
    );
    let objective = match &case.cotangent {
        Some(c) => (&out * c)?.sum_all()?,
        None => out.clone(),
    };
    let grads = objective.backward()?;
    for (name, want) in &case.grads {
        let got = match grads.get(vars[name].as_tensor()) {
            Some(g) => to_f64(g)?,
            None => vec![0.0; want.elem_count()],
        };
        let (e, s) = rel_err(&got, &to_f64(want)?, floor(&case.dtype), |_, b| {
            exempt(case, name, b)
        });
        if e > limit(&case.dtype) {
            eprintln!(
                "{}: gradient of {name}\n  ours  {got:?}\n  torch {:?}",
                case.label(),
                to_f64(want)?
            );
        }
        worst = worst.max(e);
        skipped += s;
    }
    Ok((worst, skipped))
}

#[test]
fn every_case_agrees_with_pytorch() {
    let fixture = load();
    assert!(
        fixture.torch_version.starts_with("2.15"),
        "the fixture was made with PyTorch {}, not 2.15",
        fixture.torch_version
    );
    let mut per_dtype: BTreeMap<String, (usize, f64, String, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut functions = std::collections::BTreeSet::new();
    for case in &fixture.cases {
        functions.insert(case.fun.clone());
        let (err, skipped) = match check(case) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{}: error {e}", case.label()));
                continue;
            }
        };
        let entry = per_dtype
            .entry(case.dtype.clone())
            .or_insert((0, 0.0, String::new(), 0));
        entry.0 += 1;
        entry.3 += skipped;
        if err > entry.1 || err.is_nan() {
            entry.1 = err;
            entry.2 = case.label();
        }
        if err.is_nan() || err > limit(&case.dtype) {
            failures.push(format!("{}: relative error {err:e}", case.label()));
        }
    }
    println!(
        "PyTorch {}: {} cases, {} functions",
        fixture.torch_version,
        fixture.cases.len(),
        functions.len()
    );
    for (dtype, (n, worst, at, skipped)) in &per_dtype {
        println!(
            "  {dtype}: {n} cases, largest relative error {worst:.2e} (limit {:.0e}) at {at}; {skipped} documented exemptions",
            limit(dtype)
        );
    }
    assert!(
        failures.is_empty(),
        "{} cases disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
