//! Activation functions, written with Candle tensor operations so that
//! Candle's autograd can differentiate them.
//!
//! # Derivatives at kinks
//!
//! ReLU and LeakyReLU have a kink at `z = 0`, where no derivative exists and a
//! library must pick a subgradient. PyTorch picks the left-hand one: `ReLU'(0) = 0`
//! and `LeakyReLU'(0) = slope`. Candle's built-in `Tensor::relu` reports `1` at 0,
//! and `candle_nn::ops::leaky_relu`, built from `maximum`/`minimum`, splits ties
//! half and half, so it reports `0.5 + 0.5 · slope` (0.505 for slope 0.01).
//!
//! This library reports **PyTorch's values**: [`relu`] and [`leaky_relu`]
//! multiply `z` by a 0/1 mask computed by a comparison, and comparisons carry no
//! gradient in Candle, so the derivative is exactly the mask. [`candle_relu`] and
//! [`candle_leaky_relu`] keep Candle's own versions, so the book can show both.

use candle_core::{D, DType, Device, Result, Tensor, Var};
use nn_functional as F;

/// The activations the book compares. Softmax acts on a vector, not an
/// element, so it lives apart in [`softmax`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Activation {
    Relu,
    LeakyRelu {
        slope: f64,
    },
    /// Exact GELU, `z · Φ(z)`: PyTorch's `nn.GELU()` and candle-nn's `Activation::Gelu`.
    Gelu,
    /// The tanh approximation of GELU: Candle's `Tensor::gelu()`.
    GeluTanh,
    Sigmoid,
    Tanh,
    /// SiLU, also called Swish: `z · σ(z)`.
    Silu,
}

/// LeakyReLU's default negative slope, as in PyTorch.
pub const DEFAULT_LEAKY_SLOPE: f64 = 0.01;

impl Activation {
    /// Every element-wise activation, LeakyReLU with its default slope.
    pub const ALL: [Activation; 7] = [
        Activation::Relu,
        Activation::LeakyRelu {
            slope: DEFAULT_LEAKY_SLOPE,
        },
        Activation::Gelu,
        Activation::GeluTanh,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Silu,
    ];

    /// A short display name, e.g. `LeakyReLU`.
    pub fn name(&self) -> &'static str {
        match self {
            Activation::Relu => "ReLU",
            Activation::LeakyRelu { .. } => "LeakyReLU",
            Activation::Gelu => "GELU",
            Activation::GeluTanh => "GELU-tanh",
            Activation::Sigmoid => "Sigmoid",
            Activation::Tanh => "Tanh",
            Activation::Silu => "SiLU",
        }
    }

    /// Applies the activation element-wise.
    pub fn apply(&self, z: &Tensor) -> Result<Tensor> {
        match *self {
            Activation::Relu => relu(z),
            Activation::LeakyRelu { slope } => leaky_relu(z, slope),
            Activation::Gelu => gelu(z),
            Activation::GeluTanh => gelu_tanh(z),
            Activation::Sigmoid => sigmoid(z),
            Activation::Tanh => F::tanh(z),
            Activation::Silu => F::silu(z),
        }
    }
}

/// `max(0, z)`, with PyTorch's derivative 0 at the kink: [`nn_functional::relu`].
pub fn relu(z: &Tensor) -> Result<Tensor> {
    F::relu(z)
}

/// `z` for `z > 0`, else `slope · z`; derivative `slope` at the kink, as in
/// PyTorch: [`nn_functional::leaky_relu`].
pub fn leaky_relu(z: &Tensor, slope: f64) -> Result<Tensor> {
    F::leaky_relu(z, slope)
}

/// Candle's own ReLU (`Tensor::relu`): its derivative at 0 is 1.
pub fn candle_relu(z: &Tensor) -> Result<Tensor> {
    z.relu()
}

/// candle-nn's LeakyReLU (`max(z, 0) + slope · min(z, 0)`): its derivative at 0
/// is `0.5 + 0.5 · slope`, because `maximum` and `minimum` split a tie.
pub fn candle_leaky_relu(z: &Tensor, slope: f64) -> Result<Tensor> {
    candle_nn::ops::leaky_relu(z, slope)
}

/// Exact GELU, `z · Φ(z) = z · (1 + erf(z/√2)) / 2`: [`nn_functional::gelu`].
///
/// Candle's `Tensor::gelu_erf` computes the same values; the library writes it
/// out because the backward pass of `erf` is exact, while `gelu_erf`'s uses a
/// six-digit constant.
pub fn gelu(z: &Tensor) -> Result<Tensor> {
    F::gelu(z, F::GeluApproximate::None)
}

/// GELU's tanh approximation, `z/2 · (1 + tanh(√(2/π) (z + 0.044715 z³)))`,
/// which is what Candle's `Tensor::gelu()` computes.
pub fn gelu_tanh(z: &Tensor) -> Result<Tensor> {
    z.gelu()
}

/// `1 / (1 + e^(−z))`, candle-nn's fused sigmoid: [`nn_functional::sigmoid`].
pub fn sigmoid(z: &Tensor) -> Result<Tensor> {
    F::sigmoid(z)
}

/// Softmax along `dim`, computed stably as `exp(z − max z) / Σ exp(z − max z)`:
/// [`nn_functional::softmax`].
pub fn softmax(z: &Tensor, dim: D) -> Result<Tensor> {
    F::softmax(z, dim)
}

/// Softmax the textbook way, `exp(z) / Σ exp(z)`: overflows once a logit
/// passes about 88.7 in f32 (709.8 in f64). Kept to show that failure.
pub fn naive_softmax(z: &Tensor, dim: D) -> Result<Tensor> {
    let e = z.exp()?;
    e.broadcast_div(&e.sum_keepdim(dim)?)
}

/// `log softmax(z)` along `dim`, as `z − m − log Σ exp(z − m)` with `m = max z`:
/// [`nn_functional::log_softmax`].
pub fn log_softmax(z: &Tensor, dim: D) -> Result<Tensor> {
    F::log_softmax(z, dim)
}

/// Values and derivatives of an element-wise function at given points.
#[derive(Clone, Debug, PartialEq)]
pub struct Pointwise {
    pub z: Vec<f64>,
    pub value: Vec<f64>,
    pub grad: Vec<f64>,
}

/// Evaluates an element-wise `f` at the points `z` in `dtype`, and its derivative
/// there through Candle's autograd (the gradient of `Σ f(zᵢ)` with respect to each `zᵢ`).
pub fn value_and_grad(
    f: impl Fn(&Tensor) -> Result<Tensor>,
    z: &[f64],
    dtype: DType,
) -> Result<Pointwise> {
    let var = Var::from_tensor(&Tensor::new(z, &Device::Cpu)?.to_dtype(dtype)?)?;
    let y = f(var.as_tensor())?;
    let grads = y.sum_all()?.backward()?;
    let grad = match grads.get(&var) {
        Some(g) => to_f64_vec(g)?,
        None => vec![0.0; z.len()],
    };
    Ok(Pointwise {
        z: z.to_vec(),
        value: to_f64_vec(&y)?,
        grad,
    })
}

/// A one-element tensor (a loss, a sum) of any float dtype, as an `f64`.
pub fn to_f64(t: &Tensor) -> Result<f64> {
    t.to_dtype(DType::F64)?.to_scalar::<f64>()
}

/// A tensor of any shape, flattened row-major into `f64`s.
pub fn to_f64_vec(t: &Tensor) -> Result<Vec<f64>> {
    t.flatten_all()?.to_dtype(DType::F64)?.to_vec1::<f64>()
}
