//! `lab act NAME Z…`: an activation's value and derivative at the user's points.

use std::fmt::Write as _;

use candle_core::{D, Var};
use clap::{Args, ValueEnum};
use shared::activations::{self, Activation, DEFAULT_LEAKY_SLOPE, Pointwise};
use shared::cli::range;
use shared::table::{Table, g6};

use super::json::{self, Number};
use super::{LabError, LabResult, Output, Precision, check_range, input_err, value_name};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActName {
    Relu,
    LeakyRelu,
    Gelu,
    GeluTanh,
    Sigmoid,
    Tanh,
    #[value(alias = "swish")]
    Silu,
    Softmax,
}

#[derive(Args, Debug)]
pub struct ActArgs {
    /// The activation
    #[arg(value_enum)]
    pub name: ActName,
    /// The points z; negative numbers work as they are (lab act relu -3 2)
    #[arg(required = true, allow_negative_numbers = true, value_parser = range(..))]
    pub z: Vec<f64>,
    #[arg(
        long,
        allow_negative_numbers = true,
        value_parser = range(..),
        help = format!("leaky-relu: the slope for z < 0 [default: {DEFAULT_LEAKY_SLOPE}]")
    )]
    pub slope: Option<f64>,
    #[command(flatten)]
    pub output: Output,
}

/// What `lab act` computes: an element-wise activation, or softmax, which
/// acts on the whole vector.
#[derive(Clone, Copy, Debug)]
enum Act {
    Elementwise(Activation),
    Softmax,
}

impl ActArgs {
    /// The activation named, with `--slope` if it takes one (and only then).
    fn act(&self) -> Result<Act, LabError> {
        if self.slope.is_some() && self.name != ActName::LeakyRelu {
            return input_err("--slope applies only to leaky-relu");
        }
        let elementwise = match self.name {
            ActName::Softmax => return Ok(Act::Softmax),
            ActName::Relu => Activation::Relu,
            ActName::LeakyRelu => Activation::LeakyRelu {
                slope: self.slope.unwrap_or(DEFAULT_LEAKY_SLOPE),
            },
            ActName::Gelu => Activation::Gelu,
            ActName::GeluTanh => Activation::GeluTanh,
            ActName::Sigmoid => Activation::Sigmoid,
            ActName::Tanh => Activation::Tanh,
            ActName::Silu => Activation::Silu,
        };
        Ok(Act::Elementwise(elementwise))
    }
}

pub(super) fn run(a: &ActArgs) -> LabResult {
    let p = a.output.dtype;
    check_range(p, "z", &a.z)?;
    check_range(p, "--slope", a.slope.as_slice())?;
    let act = a.act()?;
    let result: Pointwise = match act {
        Act::Softmax => softmax_pointwise(&a.z, p)?,
        Act::Elementwise(f) => activations::value_and_grad(|z| f.apply(z), &a.z, p.dtype())?,
    };
    let name = value_name(a.name);
    if a.output.json {
        return json::line(&json::Act {
            name,
            dtype: p.name(),
            z: Number::all(&result.z, p),
            value: Number::all(&result.value, p),
            grad: Number::all(&result.grad, p),
        });
    }
    let (fz, dfz) = match act {
        Act::Softmax => ("p_i", "dp_i/dz_i"),
        Act::Elementwise(_) => ("f(z)", "f'(z)"),
    };
    let mut t = Table::new(&["z", fz, dfz]);
    for i in 0..result.z.len() {
        t.row(&[g6(result.z[i]), g6(result.value[i]), g6(result.grad[i])]);
    }
    let slope = match act {
        Act::Elementwise(Activation::LeakyRelu { slope }) => format!(", slope {}", g6(slope)),
        _ => String::new(),
    };
    let mut out = String::new();
    writeln!(out, "{name}{slope} in {}", p.name()).ok();
    out.push_str(&t.to_string());
    if let Act::Softmax = act {
        writeln!(out, "sum of p: {}", g6(result.value.iter().sum())).ok();
    }
    Ok(out)
}

/// Softmax of the whole vector `z`, with the Jacobian's diagonal `∂p_i/∂z_i = p_i(1 − p_i)`
/// taken through autograd.
fn softmax_pointwise(z: &[f64], p: Precision) -> candle_core::Result<Pointwise> {
    let value = activations::to_f64_vec(&activations::softmax(&p.tensor(z)?, D::Minus1)?)?;
    let mut diag = Vec::with_capacity(z.len());
    for i in 0..z.len() {
        let var = Var::from_tensor(&p.tensor(z)?)?;
        let probs = activations::softmax(var.as_tensor(), D::Minus1)?;
        let grads = probs.narrow(0, i, 1)?.sum_all()?.backward()?;
        let g = grads
            .get(&var)
            .map(activations::to_f64_vec)
            .transpose()?
            .unwrap_or_else(|| vec![0.0; z.len()]);
        diag.push(g[i]);
    }
    Ok(Pointwise {
        z: z.to_vec(),
        value,
        grad: diag,
    })
}
