//! `lab act NAME Z…`: an activation of `nn_functional` at the user's points,
//! its value and derivative. One subcommand per activation, each with
//! PyTorch's parameters as flags and their defaults.

use std::fmt::Write as _;

use book_kit::cli::range;
use book_kit::table::{Table, g6};
use candle_core::Tensor;
use clap::{Args, Subcommand, ValueEnum};
use nn_functional::{self as F, GeluApproximate};

use super::compute::{Computed, jacobian_diagonal, value_and_grad};
use super::json::{self, Number};
use super::{LabError, LabResult, Named, Output, Precision, check_range, input_err};

#[derive(Args, Debug)]
pub struct ActArgs {
    #[command(subcommand)]
    pub act: Named<Act>,
}

/// What every activation takes.
#[derive(Args, Debug)]
pub struct Points {
    /// The points z; negative numbers work as they are (lab act relu -3 2)
    #[arg(required = true, allow_negative_numbers = true, value_parser = range(..))]
    pub z: Vec<f64>,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Subcommand, Debug)]
pub enum Act {
    /// max(0, z), with derivative 0 at 0 (relu)
    Relu(Points),
    /// z, or negative_slope·z for z ≤ 0 (leaky_relu)
    LeakyRelu(LeakyRelu),
    /// z, or α·(eᶻ − 1) for z ≤ 0 (elu)
    Elu(Elu),
    /// scale·elu(z, α) with PyTorch's constants (selu)
    Selu(Points),
    /// z·Φ(z), or its tanh approximation (gelu)
    Gelu(Gelu),
    /// gelu --approximate tanh
    GeluTanh(Points),
    /// 1 / (1 + e⁻ᶻ) (sigmoid)
    Sigmoid(Points),
    /// tanh(z)
    Tanh(Points),
    /// z·σ(z) (silu)
    #[command(visible_alias = "swish")]
    Silu(Points),
    /// z·tanh(softplus(z)) (mish)
    Mish(Points),
    /// log(1 + e^(βz)) / β, and z itself where βz > threshold (softplus)
    Softplus(Softplus),
    /// The probabilities along --dim; the derivative printed is ∂p_i/∂z_i (softmax)
    Softmax(Softmax),
    /// log softmax along --dim; the derivative printed is ∂log p_i/∂z_i (log_softmax)
    LogSoftmax(Softmax),
}

#[derive(Args, Debug)]
pub struct LeakyRelu {
    #[command(flatten)]
    pub points: Points,
    /// The slope for z ≤ 0 (PyTorch's negative_slope)
    #[arg(long, visible_alias = "slope", default_value_t = 0.01, allow_negative_numbers = true,
        value_parser = range(..))]
    pub negative_slope: f64,
}

#[derive(Args, Debug)]
pub struct Elu {
    #[command(flatten)]
    pub points: Points,
    /// α, the value approached as z → −∞ is −α
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true, value_parser = range(..))]
    pub alpha: f64,
}

/// gelu's `approximate=`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Approximate {
    None,
    Tanh,
}

#[derive(Args, Debug)]
pub struct Gelu {
    #[command(flatten)]
    pub points: Points,
    /// PyTorch's approximate=: none is the exact z·Φ(z), tanh the tanh approximation
    #[arg(long, value_enum, default_value_t = Approximate::None)]
    pub approximate: Approximate,
}

#[derive(Args, Debug)]
pub struct Softplus {
    #[command(flatten)]
    pub points: Points,
    /// β, the sharpness
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true,
        value_parser = range(book_kit::cli::above(0.0)))]
    pub beta: f64,
    /// Above βz > threshold the result is z itself
    #[arg(long, default_value_t = 20.0, allow_negative_numbers = true, value_parser = range(..))]
    pub threshold: f64,
}

#[derive(Args, Debug)]
pub struct Softmax {
    #[command(flatten)]
    pub points: Points,
    /// The dimension the probabilities sum to 1 along; negative counts from the last
    #[arg(long, default_value_t = -1, allow_negative_numbers = true)]
    pub dim: i64,
    /// The shape of the points, comma-separated (their product is their number) [default: N]
    #[arg(long, value_delimiter = ',')]
    pub shape: Option<Vec<usize>>,
}

impl Act {
    fn points(&self) -> &Points {
        match self {
            Act::Relu(p)
            | Act::Selu(p)
            | Act::GeluTanh(p)
            | Act::Sigmoid(p)
            | Act::Tanh(p)
            | Act::Silu(p)
            | Act::Mish(p) => p,
            Act::LeakyRelu(a) => &a.points,
            Act::Elu(a) => &a.points,
            Act::Gelu(a) => &a.points,
            Act::Softplus(a) => &a.points,
            Act::Softmax(a) | Act::LogSoftmax(a) => &a.points,
        }
    }

    /// The parameters in effect, as the headline shows them.
    fn parameters(&self) -> String {
        match self {
            Act::LeakyRelu(a) => format!(", negative_slope {}", g6(a.negative_slope)),
            Act::Elu(a) => format!(", alpha {}", g6(a.alpha)),
            Act::Gelu(a) if a.approximate == Approximate::Tanh => ", approximate tanh".into(),
            Act::Softplus(a) => format!(", beta {}, threshold {}", g6(a.beta), g6(a.threshold)),
            Act::Softmax(a) | Act::LogSoftmax(a) => format!(", dim {}", a.dim),
            _ => String::new(),
        }
    }
}

/// The shape `--shape` gives the points, and `--dim` as an index into it.
fn shaped(s: &Softmax, p: Precision) -> Result<(Tensor, usize), LabError> {
    let z = &s.points.z;
    let shape = s.shape.clone().unwrap_or_else(|| vec![z.len()]);
    if shape.iter().product::<usize>() != z.len() || shape.is_empty() {
        return input_err(format!(
            "--shape {shape:?} does not hold the {} points given",
            z.len()
        ));
    }
    let rank = shape.len() as i64;
    let dim = if s.dim < 0 { s.dim + rank } else { s.dim };
    if !(0..rank).contains(&dim) {
        return input_err(format!(
            "--dim {} is out of range for a shape of rank {rank} ({} to {})",
            s.dim,
            -rank,
            rank - 1
        ));
    }
    Ok((p.tensor(z)?.reshape(shape)?, dim as usize))
}

pub(super) fn run(a: &ActArgs) -> LabResult {
    let Named { name, command: act } = &a.act;
    let points = act.points();
    let p = points.output.dtype;
    check_range(p, "z", &points.z)?;
    let z = p.tensor(&points.z)?;
    let result: Computed = match act {
        Act::Relu(_) => value_and_grad(&z, F::relu)?,
        Act::LeakyRelu(a) => {
            check_range(p, "--negative-slope", &[a.negative_slope])?;
            value_and_grad(&z, |x| F::leaky_relu(x, a.negative_slope))?
        }
        Act::Elu(a) => {
            check_range(p, "--alpha", &[a.alpha])?;
            value_and_grad(&z, |x| F::elu(x, a.alpha))?
        }
        Act::Selu(_) => value_and_grad(&z, F::selu)?,
        Act::Gelu(g) => {
            let approximate = match g.approximate {
                Approximate::None => GeluApproximate::None,
                Approximate::Tanh => GeluApproximate::Tanh,
            };
            value_and_grad(&z, |x| F::gelu(x, approximate))?
        }
        Act::GeluTanh(_) => value_and_grad(&z, |x| F::gelu(x, GeluApproximate::Tanh))?,
        Act::Sigmoid(_) => value_and_grad(&z, F::sigmoid)?,
        Act::Tanh(_) => value_and_grad(&z, F::tanh)?,
        Act::Silu(_) => value_and_grad(&z, F::silu)?,
        Act::Mish(_) => value_and_grad(&z, F::mish)?,
        Act::Softplus(s) => {
            check_range(p, "--beta", &[s.beta])?;
            check_range(p, "--threshold", &[s.threshold])?;
            value_and_grad(&z, |x| F::softplus(x, s.beta, s.threshold))?
        }
        Act::Softmax(s) => {
            let (z, dim) = shaped(s, p)?;
            jacobian_diagonal(&z, |x| F::softmax(x, dim))?
        }
        Act::LogSoftmax(s) => {
            let (z, dim) = shaped(s, p)?;
            jacobian_diagonal(&z, |x| F::log_softmax(x, dim))?
        }
    };
    if points.output.json {
        return json::line(&json::Act {
            name: name.clone(),
            dtype: p.name(),
            z: Number::all(&points.z, p),
            value: Number::all(&result.value, p),
            grad: Number::all(&result.grad, p),
        });
    }
    let (fz, dfz) = match act {
        Act::Softmax(_) => ("p_i", "dp_i/dz_i"),
        Act::LogSoftmax(_) => ("log p_i", "dlog p_i/dz_i"),
        _ => ("f(z)", "f'(z)"),
    };
    let mut t = Table::new(&["z", fz, dfz]);
    for i in 0..points.z.len() {
        t.row(&[g6(points.z[i]), g6(result.value[i]), g6(result.grad[i])]);
    }
    let mut out = String::new();
    writeln!(out, "{name}{} in {}", act.parameters(), p.name()).ok();
    out.push_str(&t.to_string());
    if let Act::Softmax(s) = act
        && s.shape.as_ref().is_none_or(|shape| shape.len() == 1)
    {
        writeln!(out, "sum of p: {}", g6(result.value.iter().sum())).ok();
    }
    Ok(out)
}
