//! Derivatives where Candle's autograd and PyTorch's give different numbers:
//! kinks, a NaN meeting a ReLU that is off, `powf` with exponent 0, and the
//! backward pass of a division. Each function measures Candle now and returns
//! the measurement next to the PyTorch figure it differs from.

use candle_core::{D, DType, Device, Result, Tensor, Var};
use nn_functional as F;
use shared::activations::{candle_leaky_relu, naive_softmax, to_f64_vec};

use crate::Difference;

/// `∂(Σ f(x))/∂x` at the points `x`, in `dtype`, through Candle's autograd.
fn grad(f: impl Fn(&Tensor) -> Result<Tensor>, x: &[f64], dtype: DType) -> Result<Vec<f64>> {
    let var = Var::from_tensor(&Tensor::new(x, &Device::Cpu)?.to_dtype(dtype)?)?;
    let grads = f(var.as_tensor())?.sum_all()?.backward()?;
    match grads.get(&var) {
        Some(g) => to_f64_vec(g),
        None => Ok(vec![0.0; x.len()]),
    }
}

// ANCHOR: kinks
/// Candle's built-in kinks at 0, and what a NaN does to a ReLU that is off.
pub fn kinks() -> Result<Vec<Difference>> {
    let at_zero = |f: &dyn Fn(&Tensor) -> Result<Tensor>| -> Result<f64> {
        Ok(grad(f, &[0.0], DType::F32)?[0])
    };
    // z = −1 (the unit is off), and the gradient arriving from above is NaN.
    let nan_above = |z: &Tensor| z.relu()? * f64::NAN;
    Ok(vec![
        Difference {
            what: "Tensor::relu, f'(0)",
            candle: at_zero(&|z| z.relu())?,
            pytorch: 0.0, // torch.relu(z).backward() at z = 0.0
        },
        Difference {
            what: "candle_nn::ops::leaky_relu, slope 0.01, f'(0)",
            candle: at_zero(&|z| candle_leaky_relu(z, 0.01))?,
            pytorch: 0.01, // F.leaky_relu(z, 0.01).backward() at z = 0.0
        },
        Difference {
            what: "Tensor::abs, f'(0)",
            candle: at_zero(&|z| z.abs())?,
            pytorch: 0.0, // torch.abs(z).backward() at z = 0.0
        },
        Difference {
            what: "Tensor::relu at z = -1, NaN from above",
            candle: grad(nan_above, &[-1.0], DType::F32)?[0],
            pytorch: 0.0, // (torch.relu(z) * nan).backward() at z = -1.0
        },
    ])
}
// ANCHOR_END: kinks

// ANCHOR: powf
/// `x^0` at `x = 0`, and a focal-loss factor `(1 − p_t)^γ` at γ = 0 where the
/// sigmoid has rounded to the label.
pub fn powf() -> Result<Vec<Difference>> {
    let zero = Tensor::new(&[0.0f32], &Device::Cpu)?;
    // −log σ(z) · (1 − σ(z))^0 at logit 20, label 1: σ(20) is exactly 1 in f32.
    let focal_by_powf = |z: &Tensor| {
        let p = F::sigmoid(z)?;
        let ce = p.log()?.neg()?;
        (1.0 - p)?.powf(0.0)? * ce
    };
    Ok(vec![
        Difference {
            what: "Tensor::powf(0.0) at x = 0, value",
            candle: to_f64_vec(&zero.powf(0.0)?)?[0],
            pytorch: 1.0, // torch.pow(x, 0.0) at x = 0.0
        },
        Difference {
            what: "Tensor::powf(0.0) at x = 0, derivative",
            candle: grad(|x| x.powf(0.0), &[0.0], DType::F32)?[0],
            pytorch: 0.0, // torch.pow(x, 0.0).backward() at x = 0.0
        },
        Difference {
            what: "(1 - p)^0 * BCE at logit 20, label 1, d/dz",
            candle: grad(focal_by_powf, &[20.0], DType::F32)?[0],
            // ((1 - p)**0.0 * -torch.log(p)).backward(), p = torch.sigmoid(z), z = 20.0
            pytorch: 0.0,
        },
    ])
}
// ANCHOR_END: powf

// ANCHOR: division
/// The backward pass of `a / b` when `b²` overflows f32: at `b = e^50`, and
/// inside softmax computed as `exp(z) / Σ exp(z)` at logits `[50, 0, 0]`.
pub fn division() -> Result<Vec<Difference>> {
    let b = 50f64.exp();
    // ∂(a/b)/∂b = −a/b² at a = 1, b = e^50: −e^−100, a subnormal in f32.
    let by_b = grad(|b| b.ones_like()? / b, &[b], DType::F32)?[0];
    // −log p₁ for logits [50, 0, 0], target 1, with the textbook softmax.
    let naive_ce = |z: &Tensor| naive_softmax(z, D::Minus1)?.log()?.narrow(0, 1, 1)?.neg();
    let z = Tensor::new(&[50.0f32, 0.0, 0.0], &Device::Cpu)?;
    let loss = to_f64_vec(&naive_ce(&z)?)?[0];
    let g = grad(naive_ce, &[50.0, 0.0, 0.0], DType::F32)?;
    Ok(vec![
        Difference {
            what: "d(1/b)/db at b = e^50",
            candle: by_b,
            // (torch.ones(()) / b).backward() at b = torch.tensor(50.0).exp()
            pytorch: -3.783505853677006e-44,
        },
        Difference {
            what: "exp/sum then log, [50, 0, 0], target 1: loss",
            candle: loss,
            pytorch: 50.0, // -torch.log(e[1] / e.sum()), e = torch.exp(z)
        },
        Difference {
            what: "the same, gradient for logit 0",
            candle: g[0],
            // z.grad[0] after .backward() on the loss above; exact: 1 − 2e−22, and
            // log_softmax's 1. PyTorch's own subnormal e^−100 costs it two digits.
            pytorch: 1.0170506238937378,
        },
    ])
}
// ANCHOR_END: division
