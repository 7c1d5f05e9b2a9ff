//! The chapter's experiments: each function computes and returns data; none
//! prints. `lib.rs` prints the data, `plots.rs` draws it.

use book_kit::plot::linspace;
use candle_core::{D, DType, Device, Result, Tensor};
use nn_functional::{self as F, GeluApproximate, Reduction};
use shared::activations::{
    Activation, candle_leaky_relu, candle_relu, naive_softmax, to_f64, to_f64_vec, value_and_grad,
};

// ANCHOR: values
/// One activation's values at some points, computed in f32 like PyTorch's
/// default tensors.
pub struct Values {
    pub activation: Activation,
    pub values: Vec<f64>,
}

pub fn values_at(acts: &[Activation], z: &[f64]) -> Result<Vec<Values>> {
    acts.iter()
        .map(|&activation| {
            let f = value_and_grad(|z| activation.apply(z), z, DType::F32)?;
            Ok(Values {
                activation,
                values: f.value,
            })
        })
        .collect()
}
// ANCHOR_END: values

// ANCHOR: derivatives
/// `f'(at)` and `f'(-at)` for one activation, through autograd in f32.
pub struct Derivatives {
    pub activation: Activation,
    pub left: f64,
    pub right: f64,
}

pub fn derivatives_at(acts: &[Activation], at: f64) -> Result<Vec<Derivatives>> {
    acts.iter()
        .map(|&activation| {
            let d = value_and_grad(|z| activation.apply(z), &[at, -at], DType::F32)?;
            Ok(Derivatives {
                activation,
                left: d.grad[0],
                right: d.grad[1],
            })
        })
        .collect()
}
// ANCHOR_END: derivatives

// ANCHOR: max_slope
/// The largest derivative on [-6, 6] (steps of 0.01), in f64, and where it is reached.
pub struct MaxSlope {
    pub activation: Activation,
    pub max: f64,
    /// Every grid point where `f'` equals the maximum.
    pub at: Vec<f64>,
}

pub fn max_slopes(acts: &[Activation]) -> Result<Vec<MaxSlope>> {
    let grid = linspace(-6.0, 6.0, 1201);
    acts.iter()
        .map(|&activation| {
            let d = value_and_grad(|z| activation.apply(z), &grid, DType::F64)?;
            let max = d.grad.iter().copied().fold(f64::MIN, f64::max);
            let at = grid
                .iter()
                .zip(&d.grad)
                .filter(|(_, g)| **g == max)
                .map(|(z, _)| *z)
                .collect();
            Ok(MaxSlope {
                activation,
                max,
                at,
            })
        })
        .collect()
}
// ANCHOR_END: max_slope

// ANCHOR: gelu
/// Exact GELU against its tanh approximation and ReLU.
pub struct GeluComparison {
    /// Seven points from -2 to 2, and each function there (f32).
    pub z: Vec<f64>,
    pub relu: Vec<f64>,
    pub exact: Vec<f64>,
    pub tanh_approx: Vec<f64>,
    /// The largest |tanh − exact| on [-6, 6], in f64 so rounding does not hide it.
    pub value_gap: Gap,
    pub derivative_gap: Gap,
    /// How far each of Candle's GELUs is from the exact one on [-6, 6].
    pub candle: Vec<CandleGelu>,
}

/// The largest difference between two curves, and where it is.
pub struct Gap {
    pub size: f64,
    pub at: f64,
}

pub struct CandleGelu {
    pub call: &'static str,
    pub max_diff: f64,
}

/// PyTorch's `F.gelu(z)`, exact.
pub fn gelu(z: &Tensor) -> Result<Tensor> {
    F::gelu(z, GeluApproximate::None)
}

/// PyTorch's `F.gelu(z, approximate="tanh")`.
pub fn gelu_tanh(z: &Tensor) -> Result<Tensor> {
    F::gelu(z, GeluApproximate::Tanh)
}

pub fn compare_gelus() -> Result<GeluComparison> {
    let z = linspace(-2.0, 2.0, 7);
    let f32_values = |f: fn(&Tensor) -> Result<Tensor>| -> Result<Vec<f64>> {
        Ok(value_and_grad(f, &z, DType::F32)?.value)
    };
    let (relu, exact, tanh_approx) = (
        f32_values(F::relu)?,
        f32_values(gelu)?,
        f32_values(gelu_tanh)?,
    );

    let grid = linspace(-6.0, 6.0, 1201);
    let exact64 = value_and_grad(gelu, &grid, DType::F64)?;
    let approx64 = value_and_grad(gelu_tanh, &grid, DType::F64)?;
    let gap = |a: &[f64], b: &[f64]| {
        (0..grid.len())
            .map(|i| Gap {
                size: (a[i] - b[i]).abs(),
                at: grid[i],
            })
            .fold(Gap { size: 0.0, at: 0.0 }, |m, x| {
                if x.size > m.size { x } else { m }
            })
    };

    // Which Candle call computes which GELU: compare with the library's exact form.
    let t = Tensor::new(grid.as_slice(), &Device::Cpu)?;
    let ours = gelu(&t)?;
    let max_diff = |other: Tensor| to_f64(&(other - &ours)?.abs()?.max_all()?);
    let candle = vec![
        CandleGelu {
            call: "Tensor::gelu_erf()",
            max_diff: max_diff(t.gelu_erf()?)?,
        },
        CandleGelu {
            call: "candle_nn Activation::Gelu",
            max_diff: max_diff(candle_nn_gelu(&t)?)?,
        },
        CandleGelu {
            call: "Tensor::gelu() (tanh approx.)",
            max_diff: max_diff(t.gelu()?)?,
        },
    ];
    Ok(GeluComparison {
        value_gap: gap(&exact64.value, &approx64.value),
        derivative_gap: gap(&exact64.grad, &approx64.grad),
        z,
        relu,
        exact,
        tanh_approx,
        candle,
    })
}

fn candle_nn_gelu(t: &Tensor) -> Result<Tensor> {
    use shared::candle_nn::Module;
    shared::candle_nn::Activation::Gelu.forward(t)
}
// ANCHOR_END: gelu

// ANCHOR: softmax
/// Softmax's properties, and what the naive form does with a large logit.
pub struct SoftmaxDemo {
    /// softmax([2, 1, 0.1]) and its sum, in f32.
    pub probs: Vec<f64>,
    pub sum: f64,
    /// The same logits shifted by 100: the same probabilities.
    pub shifted: Vec<f64>,
    /// [100, 0, 0] through the naive exp(z)/sum and the stable form, in f32.
    pub naive_f32: Vec<f64>,
    pub stable_f32: Vec<f64>,
    /// The naive form in f64, at [100, 0, 0] and at [1000, 0, 0].
    pub naive_f64: Vec<f64>,
    pub naive_f64_1000: Vec<f64>,
    /// The largest z whose exp is finite, in f32 and f64.
    pub exp_limit_f32: f64,
    pub exp_limit_f64: f64,
}

pub fn softmax_demo() -> Result<SoftmaxDemo> {
    let z = Tensor::new(&[2.0f32, 1.0, 0.1], &Device::Cpu)?;
    let p = F::softmax(&z, D::Minus1)?;
    let shifted = F::softmax(&(&z + 100.0)?, D::Minus1)?;

    let big = Tensor::new(&[100.0f32, 0.0, 0.0], &Device::Cpu)?;
    let big64 = big.to_dtype(DType::F64)?;
    let naive = |t: &Tensor| to_f64_vec(&naive_softmax(t, D::Minus1)?);
    Ok(SoftmaxDemo {
        probs: to_f64_vec(&p)?,
        sum: to_f64(&p.sum_all()?)?,
        shifted: to_f64_vec(&shifted)?,
        naive_f32: naive(&big)?,
        stable_f32: to_f64_vec(&F::softmax(&big, D::Minus1)?)?,
        naive_f64: naive(&big64)?,
        naive_f64_1000: naive(&(&big64 * 10.0)?)?,
        exp_limit_f32: (f32::MAX as f64).ln(),
        exp_limit_f64: f64::MAX.ln(),
    })
}
// ANCHOR_END: softmax

// ANCHOR: kinks
/// A derivative at a kink: what `nn_functional` (PyTorch's rule) and Candle's built-in report.
pub struct Kink {
    pub function: String,
    pub library: f64,
    pub candle: f64,
    pub candle_name: &'static str,
}

pub fn kinks_at_zero(slope: f64) -> Result<Vec<Kink>> {
    let at_zero = |f: &dyn Fn(&Tensor) -> Result<Tensor>| -> Result<f64> {
        Ok(value_and_grad(f, &[0.0], DType::F32)?.grad[0])
    };
    let abs_pytorch = |z: &Tensor| F::l1_loss(z, &z.zeros_like()?, Reduction::None);
    Ok(vec![
        Kink {
            function: "ReLU'(0)".into(),
            library: at_zero(&F::relu)?,
            candle: at_zero(&candle_relu)?,
            candle_name: "Tensor::relu",
        },
        Kink {
            function: format!("LeakyReLU'(0), slope {slope}"),
            library: at_zero(&|z| F::leaky_relu(z, slope))?,
            candle: at_zero(&|z| candle_leaky_relu(z, slope))?,
            candle_name: "candle_nn::ops::leaky_relu",
        },
        Kink {
            function: "|z|'(0)".into(),
            library: at_zero(&abs_pytorch)?,
            candle: at_zero(&|z| z.abs())?,
            candle_name: "Tensor::abs",
        },
    ])
}
// ANCHOR_END: kinks

/// A function and its derivative sampled on a window, for a plot.
pub struct Curve {
    pub z: Vec<f64>,
    pub value: Vec<f64>,
    pub grad: Vec<f64>,
}

/// `f` and `f'` at `n` points of `[lo, hi]`, in f64.
pub fn curve(f: impl Fn(&Tensor) -> Result<Tensor>, lo: f64, hi: f64, n: usize) -> Result<Curve> {
    let z = linspace(lo, hi, n);
    let d = value_and_grad(f, &z, DType::F64)?;
    Ok(Curve {
        z,
        value: d.value,
        grad: d.grad,
    })
}

/// The first probability of softmax([t, 0, 0]) and its derivative in t.
pub fn softmax_curve(lo: f64, hi: f64, n: usize) -> Result<Curve> {
    let mut curve = Curve {
        z: linspace(lo, hi, n),
        value: Vec::with_capacity(n),
        grad: Vec::with_capacity(n),
    };
    for &t in &curve.z {
        let d = value_and_grad(
            |x| {
                let zeros = x.zeros_like()?;
                let logits = Tensor::cat(&[x, &zeros, &zeros], 0)?;
                F::softmax(&logits, D::Minus1)?.narrow(0, 0, 1)
            },
            &[t],
            DType::F64,
        )?;
        curve.value.push(d.value[0]);
        curve.grad.push(d.grad[0]);
    }
    Ok(curve)
}
