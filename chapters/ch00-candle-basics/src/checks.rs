//! The checks behind `cargo exercise` for this chapter: each runs a function
//! of `exercises.rs` (or, with the `solutions` feature, of `solutions.rs`)
//! and compares it with the library's metric or a gradient worked out by
//! hand.

use book_kit::exercise::{Exercise, compare, guarded, number, returned as err};
use book_kit::table::{f4, pct};
use candle_core::{DType, Device, Result, Tensor, Var};
use shared::activations::to_f64_vec;
use shared::metrics::{accuracy as library_accuracy, argmax_rows};

#[cfg(not(feature = "solutions"))]
use crate::exercises as answers;
#[cfg(feature = "solutions")]
use crate::solutions as answers;

/// This chapter's exercises, in the order of its page.
pub static EXERCISES: &[Exercise] = &[
    Exercise {
        id: "accuracy",
        title: "accuracy from logits and u32 labels",
        function: "accuracy",
        hint: "The predicted class is where the largest logit is, along the last\n\
               dimension whatever the rank (PyTorch's dim=-1). Compare it with the labels:\n\
               `eq` answers 1 or 0 in u8, and u8 arithmetic rounds down and wraps past\n\
               255, so change the dtype before you average. A tensor with no dimensions\n\
               gives up its number with `to_scalar`, which must name the dtype it holds.",
        tried: "6 rows of 3 classes, logits (6, 3) and labels (6), f32\n\
                logits (2, 3, 4) and labels (2, 3): the classes on the last dimension, not dimension 1\n\
                300 rows of 2 classes, 270 hits: more than a u8 can count",
        check: || accuracy(answers::accuracy),
        check_exercise: || accuracy(crate::exercises::accuracy),
    },
    Exercise {
        id: "var-gradient",
        title: "a weight's gradient from the GradStore",
        function: "weight_gradient",
        hint: "Compute the prediction from `w.as_tensor()` (or `&w`, a Var derefs to\n\
               its tensor), not from a copy or `detach()`: only then is w in the graph.\n\
               `backward()` on the loss returns a GradStore; `grads.get(w)` is an\n\
               Option. MSELoss is a mean, not a sum, and nothing calls `w.set`.",
        tried: "a linear model in f32, x of shape (4, 3), w (3, 1), y (4, 1)\n\
                a linear model in f64, x of shape (6, 2), w (2, 1), y (6, 1)\n\
                each against the MSE's gradient by hand; w must come back unchanged",
        check: || weight_gradient(answers::weight_gradient),
        check_exercise: || weight_gradient(crate::exercises::weight_gradient),
    },
];

pub type Accuracy = fn(&Tensor, &Tensor) -> Result<f64>;

/// Logits `(dims…, c)` from `values`, labels `(dims…)` from `labels`.
struct Case {
    what: String,
    dims: Vec<usize>,
    values: Vec<f32>,
    labels: Vec<u32>,
}

/// The cases: six rows of three classes; a batch of rank 3, whose last
/// dimension is not dimension 1; 300 rows, more hits than a u8 can count.
fn accuracy_cases() -> Vec<Case> {
    let six = vec![
        2.0f32, 0.5, -1.0, 0.1, 0.3, 0.2, -2.0, 4.0, 1.0, 0.0, -0.5, 3.0, 1.5, 1.4, 1.6, 5.0, 0.0,
        -5.0,
    ];
    let rank3: Vec<f32> = (0..24).map(|i| ((i * 7) % 11) as f32 - 5.0).collect();
    let rank3_labels = vec![3, 2, 0, 2, 1, 1]; // the argmax is [3, 2, 1, 2, 1, 0]
    // Row i: logits (i mod 10, 0.5) and label 0: a hit unless i mod 10 = 0.
    let many: Vec<f32> = (0..300).flat_map(|i| [(i % 10) as f32, 0.5]).collect();
    vec![
        Case {
            what: "6 rows of 3 classes".into(),
            dims: vec![6, 3],
            values: six,
            labels: vec![0, 1, 1, 2, 0, 0],
        },
        Case {
            what: "logits of shape (2, 3, 4), labels (2, 3)".into(),
            dims: vec![2, 3, 4],
            values: rank3,
            labels: rank3_labels,
        },
        Case {
            what: "300 rows of 2 classes".into(),
            dims: vec![300, 2],
            values: many,
            labels: vec![0; 300],
        },
    ]
}

/// Each case against `shared::metrics::accuracy` on the argmax of plain rows.
pub fn accuracy(f: Accuracy) -> std::result::Result<String, String> {
    let dev = Device::Cpu;
    let mut shown = Vec::new();
    for case in accuracy_cases() {
        let logits = Tensor::from_vec(case.values.clone(), case.dims.as_slice(), &dev);
        let label_dims = &case.dims[..case.dims.len() - 1];
        let labels = Tensor::from_vec(case.labels.clone(), label_dims, &dev);
        let (logits, labels) = (logits.map_err(err)?, labels.map_err(err)?);
        let c = case.dims[case.dims.len() - 1];
        let rows: Vec<f64> = case.values.iter().map(|&v| f64::from(v)).collect();
        let want = library_accuracy(&argmax_rows(&rows, c), &case.labels);
        let hits = want * case.labels.len() as f64;
        let why = |got: Option<f64>, error: &str| match got {
            None if error.contains("unexpected dtype") => {
                "\n`to_scalar::<T>()` must name the dtype the tensor holds"
            }
            Some(got) if (got - hits).abs() < 0.5 => {
                "\nthat is the number of hits, not their share: take the mean, not the sum"
            }
            Some(got) if got.fract() == 0.0 && want.fract() != 0.0 => {
                "\na whole number where a share is expected: a mean taken in u8, the dtype\n\
                 `eq` returns, rounds down; convert to f32 before averaging"
            }
            _ if hits > 255.0 => {
                "\nwith more than 255 hits: a sum in u8, the dtype `eq` returns, overflows;\n\
                 convert to f32 before summing"
            }
            _ if case.dims.len() > 2 => {
                "\nonly on rank 3: the classes are in the last dimension, D::Minus1"
            }
            _ => "",
        };
        let got = guarded(|| f(&logits, &labels))
            .map_err(|e| format!("on {}:\n{e}{}", case.what, why(None, &e)))?;
        compare(
            "the accuracy",
            std::slice::from_ref(&case.what),
            &[got],
            &[want],
            1e-6,
        )
        .map_err(|e| format!("{e}{}", why(Some(got), "")))?;
        shown.push((case.what, got, hits as usize, case.labels.len()));
    }
    let lines: Vec<String> = shown
        .iter()
        .map(|(what, got, hits, n)| format!("{what}: {} ({hits} of {n})", pct(*got)))
        .collect();
    Ok(lines.join("\n"))
}

pub type Gradient = fn(&Var, &Tensor, &Tensor) -> Result<Tensor>;

/// `2/n · xᵀ(x·w − y)` in f64: the gradient of `mean((x·w − y)²)` by hand.
fn by_hand(x: &[f64], w: &[f64], y: &[f64]) -> Vec<f64> {
    let (n, k) = (y.len(), w.len());
    let r: Vec<f64> = (0..n)
        .map(|i| (0..k).map(|j| x[i * k + j] * w[j]).sum::<f64>() - y[i])
        .collect();
    (0..k)
        .map(|j| 2.0 / n as f64 * (0..n).map(|i| x[i * k + j] * r[i]).sum::<f64>())
        .collect()
}

fn list(v: &[f64]) -> String {
    let items: Vec<String> = v.iter().map(|&x| f4(x)).collect();
    format!("[{}]", items.join(", "))
}

type LinearCase<'a> = (DType, &'a [f64], &'a [f64], &'a [f64]);

/// Two linear models, in f32 (n = 4, k = 3) and in f64 (n = 6, k = 2),
/// against the gradient by hand; `w` must come back unchanged.
pub fn weight_gradient(f: Gradient) -> std::result::Result<String, String> {
    let dev = Device::Cpu;
    let x4 = [1.0, 2., 3., 0., 1., -1., 2., 0., 1., -1., 3., 0.];
    let x6 = [1.0, 0.5, -1., 2., 0., 1., 3., -2., 0.5, 0.5, -1.5, 1.];
    // (dtype, x row-major, w, y)
    let cases: [LinearCase; 2] = [
        (DType::F32, &x4, &[0.5, -1.0, 2.0], &[1.0, 0.0, 2.0, -1.0]),
        (
            DType::F64,
            &x6,
            &[2.0, -0.5],
            &[1.0, 3.0, -2.0, 0.0, 4.0, 1.0],
        ),
    ];
    let mut shown = Vec::new();
    for (dtype, x, w0, y) in cases {
        let (n, k) = (y.len(), w0.len());
        let what = format!("{}, x of shape ({n}, {k})", dtype.as_str());
        let t = |v: &[f64], shape: (usize, usize)| {
            Tensor::from_vec(v.to_vec(), shape, &dev).and_then(|t| t.to_dtype(dtype))
        };
        let (xt, yt) = (t(x, (n, k)).map_err(err)?, t(y, (n, 1)).map_err(err)?);
        let w = Var::from_tensor(&t(w0, (k, 1)).map_err(err)?).map_err(err)?;
        let g = f(&w, &xt, &yt).map_err(|e| {
            format!(
                "on {what}:\n{}\nno gradient for w? Then the loss was not computed from w itself",
                err(e)
            )
        })?;
        if g.dims() != [k, 1] {
            return Err(format!(
                "on {what}: the gradient has shape {:?};\nw's shape, [{k}, 1], is expected{}",
                g.dims(),
                if g.dims() == [n, k] {
                    " (that is x's shape:\nx's gradient?)"
                } else {
                    ""
                }
            ));
        }
        let w_after = to_f64_vec(&w).map_err(err)?;
        if w_after != w0 {
            return Err(format!(
                "on {what}: w changed from {} to {};\n\
                 only the gradient is asked for, no step (`w.set`)",
                list(w0),
                list(&w_after)
            ));
        }
        let got = to_f64_vec(&g).map_err(err)?;
        let want = by_hand(x, w0, y);
        let labels: Vec<String> = (0..k).map(|j| format!("{what}, w[{j}]")).collect();
        compare("the gradient", &labels, &got, &want, 1e-5).map_err(|e| {
            let ratio = got[0] / want[0];
            if (ratio - n as f64).abs() < 1e-3 {
                format!(
                    "{e}\nit is {n} times too large, n = {n}: a sum where MSELoss takes the mean"
                )
            } else {
                format!("{e}\nratio yours / hand-derived: {}", number(ratio))
            }
        })?;
        shown.push((what, w0, n, got, want));
    }
    let (what, w0, n, got, want) = &shown[0];
    let by_hand = format!("by hand, 2/n · xᵀ(x·w - y), n = {n}:");
    Ok(format!(
        "{what}, w = {}:\n{:<35}{}\n{by_hand} {}",
        list(w0),
        "gradient from the GradStore:",
        list(got),
        list(want)
    ))
}
