//! Candle's two GELUs against PyTorch's default: which one computes the exact
//! GELU, and how far each backward pass is from the exact derivative.

use book_kit::plot::linspace;
use candle_core::{DType, Result, Tensor};
use nn_functional::{self as F, GeluApproximate};
use shared::activations::value_and_grad;

/// The points of the values table.
pub const POINTS: [f64; 6] = [-3.0, -1.0, -0.5, 0.5, 1.0, 2.0];

/// PyTorch's `nn.GELU()(z)` (exact, the default) at [`POINTS`], in f32:
/// `torch.nn.GELU()(torch.tensor([-3.0, -1.0, -0.5, 0.5, 1.0, 2.0]))`.
pub const PYTORCH_GELU: [f64; 6] = [
    -0.004049867391586304,
    -0.1586552858352661,
    -0.1542687863111496,
    0.3457311987876892,
    0.8413447141647339,
    1.9544999599456787,
];

/// The largest error of PyTorch's GELU backward on the same grid in f64, for
/// both `F.gelu(z)` and `F.gelu(z, approximate="tanh")`: one rounding step.
pub const PYTORCH_DERIVATIVE_ERROR: f64 = 2.220446049250313e-16;

// ANCHOR: gelu
/// Values at [`POINTS`] in f32, and the derivative errors on [-6, 6] in f64.
pub struct Gelus {
    pub tanh_approx: Vec<f64>,
    pub erf: Vec<f64>,
    pub pytorch: Vec<f64>,
    /// `Tensor::gelu_erf`'s derivative minus the exact one, on the grid.
    pub erf_error: Vec<(f64, f64)>,
    /// `Tensor::gelu`'s derivative minus the derivative of the formula it computes.
    pub tanh_error: Vec<(f64, f64)>,
}

/// GELU's tanh approximation written out with full-precision constants:
/// `z/2 · (1 + tanh(√(2/π) (z + 0.044715 z³)))`. Autograd differentiates
/// `tanh`, `mul` and `add` exactly.
fn tanh_formula(z: &Tensor) -> Result<Tensor> {
    let c = (2.0 / std::f64::consts::PI).sqrt();
    let inner = ((z + (z.powf(3.0)? * 0.044715)?)? * c)?;
    ((inner.tanh()? + 1.0)? * z)? * 0.5
}

pub fn gelus() -> Result<Gelus> {
    let values = |f: fn(&Tensor) -> Result<Tensor>| -> Result<Vec<f64>> {
        Ok(value_and_grad(f, &POINTS, DType::F32)?.value)
    };
    let grid = linspace(-6.0, 6.0, 1201);
    let slope = |f: fn(&Tensor) -> Result<Tensor>| -> Result<Vec<f64>> {
        Ok(value_and_grad(f, &grid, DType::F64)?.grad)
    };
    let error = |candle: Vec<f64>, exact: Vec<f64>| -> Vec<(f64, f64)> {
        grid.iter()
            .zip(candle.iter().zip(&exact))
            .map(|(&z, (c, e))| (z, c - e))
            .collect()
    };
    Ok(Gelus {
        tanh_approx: values(|z| z.gelu())?,
        erf: values(|z| z.gelu_erf())?,
        pytorch: PYTORCH_GELU.to_vec(),
        // `F::gelu` is z·(1 + erf(z/√2))/2; erf's backward is exact.
        erf_error: error(
            slope(|z| z.gelu_erf())?,
            slope(|z| F::gelu(z, GeluApproximate::None))?,
        ),
        tanh_error: error(slope(|z| z.gelu())?, slope(tanh_formula)?),
    })
}
// ANCHOR_END: gelu

/// The largest `|error|` on the grid, and the `z` where it is reached.
pub fn largest(error: &[(f64, f64)]) -> (f64, f64) {
    error.iter().fold((0.0, 0.0), |(size, at), &(z, e)| {
        if e.abs() > size {
            (e.abs(), z)
        } else {
            (size, at)
        }
    })
}
