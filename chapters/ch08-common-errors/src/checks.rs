//! The checks behind `cargo exercise` for this chapter: each runs a function
//! of `exercises.rs` (or, with the `solutions` feature, of `solutions.rs`) on
//! the cases that tell PyTorch's semantics from the plausible shortcuts, and
//! compares it with the library.

use book_kit::exercise::{Exercise, compare, guarded, number, returned as err};
use book_kit::table::{f4, fixed};
use candle_core::backprop::GradStore;
use candle_core::{DType, Device, Result, Tensor, Var};
use nn_functional::{self as F, Reduction};
use shared::activations::{to_f64, to_f64_vec};

#[cfg(not(feature = "solutions"))]
use crate::exercises as answers;
#[cfg(feature = "solutions")]
use crate::solutions as answers;

/// This chapter's exercises, in the order of its page.
pub static EXERCISES: &[Exercise] = &[
    Exercise {
        id: "clip-grad-norm",
        title: "clipping gradients by their total norm",
        function: "clip_grad_norm",
        hint: "One norm for everything: the square root of the sum of the squares of\n\
               every element of every gradient, not a norm per variable.\n\
               The factor is max_norm / (norm + 1e-6). Below 1, multiply every gradient\n\
               by it (even at norm = max_norm, where the 1e-6 makes it just below 1);\n\
               at 1 or above, change nothing: clipping never makes a gradient longer.\n\
               A variable may have no gradient: `grads.get(v)` is then `None`.",
        tried: "gradients (3, 4) and (12), max_norm 1: one norm, 13, over both\n\
                gradient (0.3, 0.4), max_norm 1: inside the ball, left alone\n\
                gradient (6, 8) and a variable with no gradient, max_norm 2\n\
                gradient (3, 4), max_norm 5: exactly at the norm, still scaled by 5/(5 + 1e-6)\n\
                gradients (3, 4) and (12) in f32, as every model in the book has, max_norm 1",
        check: || clip_check(answers::clip_grad_norm),
        check_exercise: || clip_check(crate::exercises::clip_grad_norm),
    },
    Exercise {
        id: "column-mse",
        title: "MSE that does not broadcast (N, 1) against (N)",
        function: "column_mse",
        hint: "(N, 1) minus (N), broadcast, is an (N, N) matrix: every prediction\n\
               minus every target. Make the two shapes equal first, so that the\n\
               subtraction is element by element; Candle's `-` then refuses any\n\
               mismatch by itself. A count that differs must stay an error.",
        tried: "the chapter's four examples with targets of shape (N) and of shape (N, 1)\n\
                six values with targets of shape (N)\n\
                a count that differs, which must stay an error",
        check: || column_mse_check(answers::column_mse),
        check_exercise: || column_mse_check(crate::exercises::column_mse),
    },
];

pub type Clip = fn(&mut GradStore, &[Var], f64) -> Result<f64>;

/// Variables whose gradients are `grads` (from the loss `Σ gᵢ·wᵢ`), in
/// `dtype`, and one more variable with no gradient when `missing`.
fn store(grads: &[Vec<f64>], missing: bool, dtype: DType) -> Result<(GradStore, Vec<Var>)> {
    let dev = Device::Cpu;
    let mut vars = Vec::new();
    let mut loss = Tensor::zeros((), dtype, &dev)?;
    for g in grads {
        let v = Var::zeros(g.len(), dtype, &dev)?;
        let g = Tensor::new(g.as_slice(), &dev)?.to_dtype(dtype)?;
        loss = (loss + (v.as_tensor() * g)?.sum_all()?)?;
        vars.push(v);
    }
    if missing {
        vars.push(Var::zeros(2, dtype, &dev)?);
    }
    Ok((loss.backward()?, vars))
}

/// Every variable's gradient, flattened, a missing one as zeros.
fn read(grads: &GradStore, vars: &[Var]) -> Result<Vec<f64>> {
    let mut out = Vec::new();
    for v in vars {
        match grads.get(v) {
            Some(g) => out.extend(to_f64_vec(g)?),
            None => out.extend(vec![0.0; v.elem_count()]),
        }
    }
    Ok(out)
}

/// One case: what the function returns and leaves, against the library.
struct ClipCase {
    name: &'static str,
    grads: Vec<Vec<f64>>,
    missing: bool,
    max_norm: f64,
    /// F64, or F32 as every model in the book: a function that reads the
    /// norm with `to_scalar::<f64>()` without `to_dtype` fails there.
    dtype: DType,
}

fn clip_case(f: Clip, c: &ClipCase) -> std::result::Result<(f64, Vec<f64>), String> {
    let (mut mine, vars) = store(&c.grads, c.missing, c.dtype).map_err(err)?;
    let norm = f(&mut mine, &vars, c.max_norm).map_err(|e| format!("on {}: {}", c.name, err(e)))?;
    let got = read(&mine, &vars).map_err(err)?;
    let (mut lib, lib_vars) = store(&c.grads, c.missing, c.dtype).map_err(err)?;
    let want_norm = shared::grad::clip_grad_norm(&mut lib, &lib_vars, c.max_norm).map_err(err)?;
    let want = read(&lib, &lib_vars).map_err(err)?;
    let label = [c.name.to_string()];
    // f32 gradients: the library's own sums round at 1e-7.
    let tol = if c.dtype == DType::F64 { 1e-12 } else { 1e-6 };
    let norm_of = |g: &[f64]| g.iter().map(|x| x * x).sum::<f64>().sqrt();
    compare("the returned norm", &label, &[norm], &[want_norm], tol).map_err(|e| {
        let total = norm_of(&want);
        let per_var: Vec<f64> = c.grads.iter().map(|g| norm_of(g)).collect();
        if (norm - total).abs() < 1e-9 {
            format!("{e}\nthat is the norm after clipping: return the one from before")
        } else if per_var.len() > 1 && (norm - per_var.iter().sum::<f64>()).abs() < 1e-6 {
            let parts: Vec<String> = per_var.iter().map(|&n| number(n)).collect();
            format!(
                "{e}\n{} = {}: a norm per variable, summed. The norm is one, over every \
                 element of every gradient:\nthe square root of the sum of all their \
                 squares, {}",
                number(norm),
                parts.join(" + "),
                number(want_norm)
            )
        } else {
            e
        }
    })?;
    // The plausible shortcuts, each as the gradients it would leave.
    let flat: Vec<f64> = c.grads.iter().flatten().copied().collect();
    let scaled = |k: f64| flat.iter().map(|x| x * k).collect::<Vec<f64>>();
    let per_var: Vec<f64> = c
        .grads
        .iter()
        .flat_map(|g| {
            let k = (c.max_norm / (norm_of(g) + 1e-6)).min(1.0);
            g.iter().map(move |x| x * k)
        })
        .collect();
    let slips = [
        (
            flat.clone(),
            "nothing changed: PyTorch scales whenever max_norm / (norm + 1e-6) < 1, \
             even at norm = max_norm",
        ),
        (
            per_var,
            "each gradient was clipped by its own norm: take one norm over all",
        ),
        (
            scaled(c.max_norm / want_norm),
            "the factor is max_norm / (norm + 1e-6), with PyTorch's 1e-6",
        ),
        (
            scaled(c.max_norm / (want_norm + 1e-6)),
            "a factor of 1 or more must change nothing: clipping never lengthens",
        ),
    ];
    let labels: Vec<String> = (0..want.len())
        .map(|i| format!("{}, gradient element {i}", c.name))
        .collect();
    let got_flat = got[..flat.len().min(got.len())].to_vec();
    compare("the gradient", &labels, &got, &want, tol).map_err(|e| {
        let close = |a: &[f64]| a.iter().zip(&got_flat).all(|(a, b)| (a - b).abs() < tol);
        // Where the two differ beyond six decimals, show ten.
        let fine = got.iter().zip(&want).find(|(g, w)| (*g - *w).abs() > tol);
        let e = match fine {
            Some((g, w)) if (g - w).abs() < 1e-5 => {
                format!("{e}\n(to ten decimals: yours {g:.10}, the library's {w:.10})")
            }
            _ => e,
        };
        match slips.iter().find(|(v, _)| close(v)) {
            Some((_, why)) => format!("{e}\n{why}"),
            None => e,
        }
    })?;
    Ok((norm, got))
}

/// The global norm, a gradient inside the ball, a variable without a
/// gradient, a norm exactly at `max_norm`, and the global norm in f32.
pub fn clip_check(f: Clip) -> std::result::Result<String, String> {
    let global = ClipCase {
        name: "gradients (3, 4) and (12), max_norm 1",
        grads: vec![vec![3.0, 4.0], vec![12.0]],
        missing: false,
        max_norm: 1.0,
        dtype: DType::F64,
    };
    let inside = ClipCase {
        name: "gradient (0.3, 0.4), max_norm 1",
        grads: vec![vec![0.3, 0.4]],
        missing: false,
        max_norm: 1.0,
        dtype: DType::F64,
    };
    let missing = ClipCase {
        name: "gradient (6, 8) and a variable with no gradient, max_norm 2",
        grads: vec![vec![6.0, 8.0]],
        missing: true,
        max_norm: 2.0,
        dtype: DType::F64,
    };
    let edge = ClipCase {
        name: "gradient (3, 4), max_norm 5 (the norm itself)",
        grads: vec![vec![3.0, 4.0]],
        missing: false,
        max_norm: 5.0,
        dtype: DType::F64,
    };
    let single = ClipCase {
        name: "gradients (3, 4) and (12) in f32, max_norm 1",
        grads: vec![vec![3.0, 4.0], vec![12.0]],
        missing: false,
        max_norm: 1.0,
        dtype: DType::F32,
    };
    let (n, g) = clip_case(f, &global)?;
    let (n_in, _) = clip_case(f, &inside)?;
    // A panic here is the usual `grads.get(v).unwrap()`: say so.
    match guarded(|| Ok(clip_case(f, &missing))) {
        Ok(result) => result.map(|_| ())?,
        Err(why) => {
            return Err(format!(
                "on {}: {why}\na variable without a gradient has \
                 `grads.get(v) == None`: count it as zero",
                missing.name
            ));
        }
    }
    let (_, g_edge) = clip_case(f, &edge)?;
    clip_case(f, &single)?;
    let v = |g: &[f64]| g.iter().map(|&x| f4(x)).collect::<Vec<_>>().join(", ");
    Ok(format!(
        "(3, 4) and (12), max_norm 1: one norm, {} -> ({}) and ({})\n\
         (0.3, 0.4), max_norm 1: norm {}, inside the ball, left as it was\n\
         (3, 4), max_norm 5: norm = max_norm, still scaled: 3 -> {}",
        f4(n),
        v(&g[..2]),
        v(&g[2..]),
        f4(n_in),
        fixed(g_edge[0], 7)
    ))
}

pub type ColumnMse = fn(&Tensor, &Tensor) -> Result<Tensor>;

/// The loss on one (predictions, targets) pair, as a number.
fn loss_of(
    f: ColumnMse,
    pred: &Tensor,
    target: &Tensor,
    name: &str,
) -> std::result::Result<f64, String> {
    let l = f(pred, target).map_err(|e| format!("on {name}, {}", err(e)))?;
    if l.elem_count() != 1 {
        return Err(format!(
            "on {name}: the loss has shape {:?}; it must be one number",
            l.dims()
        ));
    }
    to_f64(&l.flatten_all().map_err(err)?.get(0).map_err(err)?).map_err(err)
}

/// The chapter's four examples as (N) and as (N, 1) targets, six values as
/// (N), and a count that differs.
pub fn column_mse_check(f: ColumnMse) -> std::result::Result<String, String> {
    let dev = Device::Cpu;
    let t = |v: &[f32]| Tensor::new(v, &dev).map_err(err);
    let pred = t(&[2.0, -1.0, 0.5, -3.0])?.unsqueeze(1).map_err(err)?; // (4, 1)
    let flat = t(&[1.0, 0.0, 1.0, 0.0])?; // (4)
    let column = flat.unsqueeze(1).map_err(err)?; // (4, 1)
    let pred6 = t(&[34.2, 41.0, 28.5, 36.1, 30.0, 39.7])?
        .unsqueeze(1)
        .map_err(err)?;
    let flat6 = t(&[35.0, 40.2, 30.1, 33.3, 29.4, 41.8])?;
    let cases = [
        ("predictions (4, 1), targets (4)", &pred, &flat),
        ("predictions (4, 1), targets (4, 1)", &pred, &column),
        ("predictions (6, 1), targets (6)", &pred6, &flat6),
    ];
    let mut got = Vec::new();
    for (name, p, y) in cases {
        let g = loss_of(f, p, y, name)?;
        let want = to_f64(
            &F::mse_loss(p, &y.reshape(p.shape()).map_err(err)?, Reduction::Mean).map_err(err)?,
        )
        .map_err(err)?;
        let wide = p.broadcast_sub(y).and_then(|d| d.sqr()?.mean_all());
        let wide = to_f64(&wide.map_err(err)?).map_err(err)?;
        let n = p.elem_count() as f64;
        compare("the loss", &[name.to_string()], &[g], &[want], 1e-5).map_err(|e| {
            if y.rank() == 1 && (g - wide).abs() <= 1e-5 * wide.abs().max(1.0) {
                format!("{e}\nthat is the (N, N) broadcast: every prediction against every target")
            } else if (g - want * n).abs() <= 1e-5 * (want * n).abs().max(1.0) {
                format!("{e}\nthat is the sum of the squared errors: the mean divides by N")
            } else {
                e
            }
        })?;
        got.push((g, wide));
    }
    let short = t(&[1.0, 0.0, 1.0])?; // 3 targets for 4 predictions
    if let Ok(l) = f(&pred, &short) {
        return Err(format!(
            "predictions (4, 1) with targets (3) gave a loss of shape {:?}{} where an error \
             belongs:\nN predictions need N targets. Compare the counts and `bail!`, or keep \
             the shapes, so that `-` refuses them\n(a loop over both values stops at the \
             shorter and hides the difference)",
            l.dims(),
            to_f64(&l).map_or(String::new(), |v| format!(", {}", number(v)))
        ));
    }
    Ok(format!(
        "predictions (4, 1), targets (4): {} (the (4, 4) broadcast: {})\n\
         predictions (4, 1), targets (4, 1): {}\n\
         predictions (4, 1), targets (3): an error, not a (4, 3) broadcast",
        f4(got[0].0),
        f4(got[0].1),
        f4(got[1].0)
    ))
}
