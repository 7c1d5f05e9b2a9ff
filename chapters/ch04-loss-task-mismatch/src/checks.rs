//! The checks behind `cargo exercise` for this chapter: each runs a function
//! of `exercises.rs` (or, with the `solutions` feature, of `solutions.rs`) on
//! the inputs that tell the losses apart, and compares it with autograd on
//! the chapter's own losses.

use book_kit::exercise::{Exercise, compare, returned as err};
use book_kit::table::{f4, fixed};
use candle_core::{Device, Result, Tensor};
use nn_functional as F;
use shared::activations::to_f64_vec;
use shared::losses::loss_and_grad;

use crate::binary::Loss;
#[cfg(not(feature = "solutions"))]
use crate::exercises as answers;
#[cfg(feature = "solutions")]
use crate::solutions as answers;

/// This chapter's exercises, in the order of its page.
pub static EXERCISES: &[Exercise] = &[Exercise {
    id: "sigmoid-mse-grad",
    title: "the gradient of MSE on the sigmoid",
    function: "sigmoid_mse_grad",
    hint: "Use the chain rule through p = σ(z): d(p - y)²/dz = d(p - y)²/dp · dp/dz.\n\
           σ'(z) can be written with σ(z) itself (chapter 1 gives it).\n\
           A mean over N elements gives each one 1/N of the loss, so 1/N of the push.\n\
           Check the sign: for y = 1 and z = 0 the gradient is negative.",
    tried: "z = -8, -4, -2, 0, 2, 4, 8, each with y = 1 and y = 0: shape (14, 1), f64\n\
            the same 14 rows as shape (7, 2): the mean divides by all 14, not by 7\n\
            each against autograd on MSE after the sigmoid",
    check: || sigmoid_mse_grad(answers::sigmoid_mse_grad),
    check_exercise: || sigmoid_mse_grad(crate::exercises::sigmoid_mse_grad),
}];

pub type Gradient = fn(&Tensor, &Tensor) -> Result<Tensor>;

/// The logits of the chapter's gradient table, each with label 1 and label 0.
const ZS: [f64; 7] = [-8.0, -4.0, -2.0, 0.0, 2.0, 4.0, 8.0];

/// The usual slips, computed here from `σ(z) − y` (`d`), `σ'(z)` (`s`) and
/// `n`: the one a wrong answer matches, if any.
fn diagnose(got: &[f64], d: &[f64], s: &[f64], n: f64, rows: f64) -> String {
    let right: Vec<f64> = d.iter().zip(s).map(|(d, s)| 2.0 * d * s / n).collect();
    let scaled = |k: f64| right.iter().map(|r| r * k).collect::<Vec<f64>>();
    let slips: [(Vec<f64>, String); 6] = [
        (
            scaled(n),
            "it is N times too large: the mean gives each element 1/N of the loss".into(),
        ),
        (
            scaled(-1.0),
            "it has the wrong sign: (y - σ(z)) where (σ(z) - y) belongs".into(),
        ),
        (
            d.iter().map(|d| 2.0 * d / n).collect(),
            "it lacks the factor σ'(z) = σ(z)(1 - σ(z)) from the chain rule".into(),
        ),
        (
            d.iter().map(|d| d / n).collect(),
            "that is BCE's gradient, (σ(z) - y)/N: the square keeps a σ'(z) factor".into(),
        ),
        (
            scaled(0.5),
            "it is half the size: the derivative of u² is 2u".into(),
        ),
        (
            scaled(n / rows),
            format!(
                "it is divided by {rows}, the first dimension: the mean is over all {n} \
                 elements (`elem_count`, not `dim(0)`)"
            ),
        ),
    ];
    let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(a, b)| (a - b).abs() < 1e-6);
    // With one column, dividing by the rows is dividing by N: no slip to name.
    slips
        .into_iter()
        .filter(|(_, why)| rows != n || !why.contains("first dimension"))
        .find(|(v, _)| close(got, v))
        .map_or(String::new(), |(_, why)| why)
}

/// The gradient on 14 rows (each logit of the chapter's table with y = 1
/// and y = 0), against autograd on `Loss::MseSigmoid`, BCE's beside it; then
/// the same 14 as a (7, 2) batch, where `dim(0)` is not the element count.
pub fn sigmoid_mse_grad(f: Gradient) -> std::result::Result<String, String> {
    let (z, y): (Vec<f64>, Vec<f64>) = ZS.iter().flat_map(|&z| [(z, 1.0), (z, 0.0)]).unzip();
    let n = z.len();
    let (got, zt, yt) = sigmoid_mse_case(f, &z, &y, (n, 1))?;
    sigmoid_mse_case(f, &z, &y, (n / 2, 2))?;
    let grad = |loss: Loss| loss_and_grad(&zt, |z| loss.loss(z, &yt)).map(|g| g.grad);
    let bce = grad(Loss::Bce).map_err(err)?;
    // Each row's own push, as in the chapter's table: N times its share.
    let row = |i: usize| (got[i] * n as f64, bce[i] * n as f64);
    let ((m_w, b_w), (m_f, b_f), (m_0, b_0)) = (row(0), row(13), row(6));
    Ok(format!(
        "N times the gradient, one row's own push (N = {n}), with BCE's beside it:\n\
         z = -8, y = 1, confidently wrong: MSE on sigmoid {}, BCE {} ({} times)\n\
         z = 8, y = 0, confidently wrong:  MSE on sigmoid {}, BCE {}\n\
         z = 0, y = 1, undecided:          MSE on sigmoid {}, BCE {}",
        f4(m_w),
        f4(b_w),
        fixed(b_w / m_w, 0),
        f4(m_f),
        f4(b_f),
        f4(m_0),
        f4(b_0)
    ))
}

/// One shape of the check: the participant's gradient against autograd's,
/// with the usual slip named; both, and the inputs, for the summary.
fn sigmoid_mse_case(
    f: Gradient,
    z: &[f64],
    y: &[f64],
    shape: (usize, usize),
) -> std::result::Result<(Vec<f64>, Tensor, Tensor), String> {
    let n = z.len();
    let labels: Vec<String> = z
        .iter()
        .zip(y)
        .map(|(z, y)| format!("z = {z}, y = {y} (shape {shape:?}, N = {n})"))
        .collect();
    let dev = Device::Cpu;
    let zt = Tensor::from_vec(z.to_vec(), shape, &dev).map_err(err)?;
    let yt = Tensor::from_vec(y.to_vec(), shape, &dev).map_err(err)?;
    let got = f(&zt, &yt).map_err(|e| format!("on shape {shape:?}: {}", err(e)))?;
    if got.dims() != zt.dims() {
        return Err(format!(
            "the gradient has shape {:?}; one per logit, shape {:?}, is expected",
            got.dims(),
            zt.dims()
        ));
    }
    let got = to_f64_vec(&got).map_err(err)?;
    let want = loss_and_grad(&zt, |z| Loss::MseSigmoid.loss(z, &yt))
        .map(|g| g.grad)
        .map_err(err)?;
    let p = to_f64_vec(&F::sigmoid(&zt).map_err(err)?).map_err(err)?;
    let d: Vec<f64> = p.iter().zip(y).map(|(p, y)| p - y).collect();
    let s: Vec<f64> = p.iter().map(|p| p * (1.0 - p)).collect();
    compare("the gradient", &labels, &got, &want, 1e-6).map_err(|e| {
        match diagnose(&got, &d, &s, n as f64, shape.0 as f64) {
            why if why.is_empty() => e,
            why => format!("{e}\n{why}"),
        }
    })?;
    Ok((got, zt, yt))
}
