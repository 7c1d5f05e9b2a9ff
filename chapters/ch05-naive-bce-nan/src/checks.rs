//! The checks behind `cargo exercise` for this chapter: each runs a function
//! of `exercises.rs` (or, with the `solutions` feature, of `solutions.rs`) on
//! the inputs that break the naive forms, and compares it with the library.

use book_kit::exercise::{Exercise, compare, compare_relative, returned as err};
use book_kit::table::{f4, fixed, sci};
use candle_core::{D, DType, Device, Result, Tensor, Var};
use nn_functional::{self as F, BinaryCrossEntropyWithLogitsOptions, Reduction};
use shared::activations::{naive_softmax, to_f64_vec};
use shared::losses::naive_bce_elementwise;

#[cfg(not(feature = "solutions"))]
use crate::exercises as answers;
#[cfg(feature = "solutions")]
use crate::solutions as answers;

/// This chapter's exercises, in the order of its page.
pub static EXERCISES: &[Exercise] = &[
    Exercise {
        id: "stable-bce",
        title: "binary cross-entropy that cannot overflow",
        function: "stable_bce",
        hint: "−log σ(z) = log(1 + e^(−z)) and −log(1 − σ(z)) = z + log(1 + e^(−z)).\n\
               Combine them, and split z into max(z, 0) and the rest, so that the only\n\
               exponential left is e^(−|z|), which is at most 1 for every z.\n\
               In f32, 1 + t keeps fewer of t's digits the smaller t is (at |z| = 17 it\n\
               rounds to 1): below t = 1e-3, log(1 + t) ≈ t − t²/2 is within 1e-7.\n\
               And max(z, 0) − z·y is z·([z > 0] − y): written so, autograd does not\n\
               cancel 1 − 1 into a gradient of 0 where σ(−17) = 4.1e-8 belongs.",
        tried: "z = -100, -17, -3, 0, 3, 17, 100 and ±8, ±9, ±10, ±11, ±12.5, each with y = 0 and y = 1, f32, shape (34)\n\
                the loss against the library's bce_with_logits, within 1e-4 relatively for 8 ≤ |z| ≤ 17: the exact\n\
                log(1 + e^(−17)) = 4.14e-8, where PyTorch's f32 BCEWithLogitsLoss gives 0 at z = −17, y = 0\n\
                the gradient against σ(z) − y away from z = 0, relatively for 8 ≤ |z| ≤ 17 (PyTorch's f32: 0 at z = 17, y = 1)",
        check: || stable_bce(answers::stable_bce),
        check_exercise: || stable_bce(crate::exercises::stable_bce),
    },
    Exercise {
        id: "log-softmax",
        title: "log-softmax that cannot overflow",
        function: "log_softmax",
        hint: "log softmax(z)ᵢ = zᵢ − log Σⱼ e^(zⱼ), and it does not change when every zⱼ\n\
               moves by the same m. With m = max z the largest term is e^0 = 1, so the sum\n\
               is between 1 and the number of classes: no overflow, and log of it is safe.",
        tried: "rows [1000, 0, -1000], [1, 2, 3], [-90, -90, -90] in f32, shape (3, 3)\n\
                against nn_functional::log_softmax along the last dimension",
        check: || log_softmax_check(answers::log_softmax),
        check_exercise: || log_softmax_check(crate::exercises::log_softmax),
    },
];

pub type Bce = fn(&Tensor, &Tensor) -> Result<Tensor>;

/// Logits from −100 to 100 (σ rounds to 0 or 1 at both ends in f32), each
/// with y = 0 and y = 1: the loss, and its gradient against σ(z) − y. The
/// logits from 8 to 12.5 are where f32's `log(1 + t)` has lost digits but
/// `1 + t` has not yet rounded to 1 (a switch to `t` at t < 1e-4 is off by
/// 2.3e-4 at z = 9, one to `t − t²/2` at t < 1e-5 by 7.8e-4 at z = 11).
pub fn stable_bce(f: Bce) -> std::result::Result<String, String> {
    let zs = [
        -100.0f32, -17.0, -3.0, 0.0, 3.0, 17.0, 100.0, -12.5, -11.0, -10.0, -9.0, -8.0, 8.0, 9.0,
        10.0, 11.0, 12.5,
    ];
    let (z, y): (Vec<f32>, Vec<f32>) = zs.iter().flat_map(|&z| [(z, 0.0), (z, 1.0)]).unzip();
    let labels: Vec<String> = z
        .iter()
        .zip(&y)
        .map(|(z, y)| format!("z = {z}, y = {y}"))
        .collect();
    let dev = Device::Cpu;
    let z = Var::from_tensor(&Tensor::new(z.as_slice(), &dev).map_err(err)?).map_err(err)?;
    let y = Tensor::new(y.as_slice(), &dev).map_err(err)?;
    let loss = f(z.as_tensor(), &y).map_err(err)?;
    if loss.dims() != z.dims() {
        return Err(format!(
            "the loss has shape {:?}; one loss per element, shape {:?}, is expected \
             (no mean: reduction=\"none\")",
            loss.dims(),
            z.dims()
        ));
    }
    let opts = BinaryCrossEntropyWithLogitsOptions {
        reduction: Reduction::None,
        ..Default::default()
    };
    let want = F::binary_cross_entropy_with_logits(z.as_tensor(), &y, opts).map_err(err)?;
    let (got, want) = (
        to_f64_vec(&loss).map_err(err)?,
        to_f64_vec(&want).map_err(err)?,
    );
    compare("the loss", &labels, &got, &want, 1e-6)?;
    // At z = ±17 the loss with the right label is log(1 + e^(-17)) = 4.14e-8.
    // A plain `log(1 + t)` rounds it to 0 in f32, and 0 is within 1e-6 of
    // anything that small: from |z| = 8 on, compare relatively. This holds a solution
    // to the exact value, which the library keeps; PyTorch's f32
    // BCEWithLogitsLoss rounds the loss at z = -17, y = 0 and the gradient at
    // z = 17, y = 1 to 0 (PyTorch 2.15; the second is in pytorch-figures.toml),
    // and would not pass.
    let edge: Vec<usize> = (0..labels.len())
        .filter(|&i| (8.0..=17.0).contains(&zs[i / 2].abs()))
        .collect();
    fn pick<T: Clone>(keep: &[usize], v: &[T]) -> Vec<T> {
        keep.iter().map(|&i| v[i].clone()).collect()
    }
    compare_relative(
        "the loss",
        &pick(&edge, &labels),
        &pick(&edge, &got),
        &pick(&edge, &want),
        1e-4,
    )
    .map_err(|e| {
        format!(
            "{e}\nin f32, 1 + t keeps fewer of t = e^(-|z|)'s digits the smaller t is (at \
             |z| = 17 it rounds to 1,\nand log gives 0): below t = 1e-3, use log(1 + t) ≈ \
             t − t²/2 (what `log1p` does)"
        )
    })?;
    // The gradient of the sum, away from the kink at z = 0: σ(z) − y.
    let grads = loss.sum_all().and_then(|s| s.backward()).map_err(err)?;
    let g = grads
        .get(&z)
        .ok_or("the loss does not depend on the logits (no gradient reached them)")?;
    // σ(z) − y in f64, without cancellation: −σ(−z) for y = 1.
    let want_g: Vec<f64> = (0..labels.len())
        .map(|i| {
            let z = f64::from(zs[i / 2]);
            if i % 2 == 1 {
                -1.0 / (1.0 + z.exp())
            } else {
                1.0 / (1.0 + (-z).exp())
            }
        })
        .collect();
    let keep: Vec<usize> = (0..labels.len()).filter(|&i| i / 2 != 3).collect();
    let g = to_f64_vec(g).map_err(err)?;
    compare(
        "the gradient",
        &pick(&keep, &labels),
        &pick(&keep, &g),
        &pick(&keep, &want_g),
        1e-6,
    )?;
    compare_relative(
        "the gradient",
        &pick(&edge, &labels),
        &pick(&edge, &g),
        &pick(&edge, &want_g),
        1e-3,
    )
    .map_err(|e| {
        format!(
            "{e}\nσ(-17) = 4.1e-8 is lost when two terms that each give ±1 cancel in f32 \
             (relu(z) and z·y at z = 17, y = 1):\nwrite the part linear in z with a \
             coefficient made of y and the sign of z, so autograd sees one term"
        )
    })?;
    let naive = to_f64_vec(&naive_bce_elementwise(z.as_tensor(), &y).map_err(err)?).map_err(err)?;
    Ok(format!(
        "z = 17, y = 1: loss {} (library {}, naive form {})\n\
         z = 100, y = 0: loss {}, gradient {} (naive form {})\n\
         z = -100, y = 1: loss {} (naive form {})",
        sci(got[11]),
        sci(want[11]),
        f4(naive[11]),
        f4(got[12]),
        f4(g[12]),
        f4(naive[12]),
        f4(got[1]),
        f4(naive[1])
    ))
}

pub type LogSoftmax = fn(&Tensor) -> Result<Tensor>;

/// Rows whose logits differ by 2000 in f32: the naive form gives −∞ and NaN.
pub fn log_softmax_check(f: LogSoftmax) -> std::result::Result<String, String> {
    let rows = [
        [1000.0f32, 0.0, -1000.0],
        [1.0, 2.0, 3.0],
        [-90.0, -90.0, -90.0],
    ];
    let z = Tensor::new(&rows, &Device::Cpu).map_err(err)?;
    let got = f(&z).map_err(err)?;
    if got.dims() != z.dims() {
        return Err(format!(
            "the result has shape {:?}, expected {:?}",
            got.dims(),
            z.dims()
        ));
    }
    let want = F::log_softmax(&z, D::Minus1).map_err(err)?;
    let labels: Vec<String> = (0..9)
        .map(|i| format!("row {}, class {}", i / 3, i % 3))
        .collect();
    let got = to_f64_vec(&got.to_dtype(DType::F64).map_err(err)?).map_err(err)?;
    compare(
        "log softmax",
        &labels,
        &got,
        &to_f64_vec(&want).map_err(err)?,
        1e-5,
    )?;
    let naive = naive_softmax(&z, D::Minus1)
        .and_then(|p| p.log())
        .map_err(err)?;
    let naive = to_f64_vec(&naive).map_err(err)?;
    let row = |v: &[f64], r: usize, d: usize| {
        let cells: Vec<String> = v[3 * r..3 * r + 3].iter().map(|&x| fixed(x, d)).collect();
        format!("[{}]", cells.join(", "))
    };
    Ok(format!(
        "logits [1000, 0, -1000]: {} (naive form {})\n\
         logits [1, 2, 3]:        {}",
        row(&got, 0, 1),
        row(&naive, 0, 1),
        row(&got, 1, 4)
    ))
}
