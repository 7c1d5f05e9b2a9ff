//! Chapter 1: activation shapes.
//!
//! What each activation computes, its derivative through Candle's autograd,
//! where the derivative gets small, how exact GELU differs from its tanh
//! approximation, why softmax subtracts the maximum, and what Candle and
//! PyTorch report at a kink.

use std::io::Write;

use candle_core::{D, DType, Device, Result, Tensor};
use clap::Parser;
use shared::activations::{self, Activation, value_and_grad};
use shared::chapter::Section;
use shared::cli::CommonArgs;
use shared::cli::{finite, positive};
use shared::plot::{LineChart, Plot, Series, linspace};
use shared::table::{Table, f4, fixed, g4, sci};

/// Chapter 1: activation shapes — values, derivatives and failure modes.
#[derive(Parser, Debug, Clone)]
#[command(name = "ch01-activation-shapes", version)]
pub struct Options {
    /// LeakyReLU's slope for z < 0
    #[arg(long, default_value_t = 0.01, allow_negative_numbers = true)]
    pub slope: f64,
    /// The point where derivatives are compared (and its mirror image, −AT)
    #[arg(long, default_value_t = -3.0, allow_negative_numbers = true, value_parser = finite)]
    pub at: f64,
    /// A derivative below this in magnitude is flagged as small
    #[arg(long, default_value_t = 0.05, value_parser = positive)]
    pub threshold: f64,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl Default for Options {
    fn default() -> Self {
        Self::parse_from(["ch01-activation-shapes"])
    }
}

/// The chapter's output, section by section.
pub const SECTIONS: &[Section<Options>] = &[
    Section {
        name: "values",
        title: "Values at z = -2 ... 2",
        body: values,
    },
    Section {
        name: "derivatives",
        title: "Derivatives on both sides of zero",
        body: derivatives,
    },
    Section {
        name: "max-slope",
        title: "The largest derivative, and what depth does to it",
        body: max_slope,
    },
    Section {
        name: "gelu",
        title: "GELU: exact, tanh approximation, and ReLU",
        body: gelu,
    },
    Section {
        name: "softmax",
        title: "Softmax: sums to one, ignores shifts, overflows when naive",
        body: softmax,
    },
    Section {
        name: "kinks",
        title: "Derivatives at the kink: Candle's built-ins vs PyTorch",
        body: kinks,
    },
];

pub struct Chapter;
shared::impl_chapter!(Chapter, "ch01-activation-shapes", Options, SECTIONS, plots);

/// The activations this chapter compares, with the reader's LeakyReLU slope.
fn activations(opts: &Options) -> Vec<Activation> {
    vec![
        Activation::Relu,
        Activation::LeakyRelu { slope: opts.slope },
        Activation::Gelu,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Silu,
    ]
}

// ANCHOR: values
fn values(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let z = [-2.0, -1.0, 0.0, 1.0, 2.0];
    let mut table = Table::new(&["activation", "z=-2", "z=-1", "z=0", "z=1", "z=2"]);
    for act in activations(opts) {
        // f32, like PyTorch's default tensors
        let f = value_and_grad(|z| act.apply(z), &z, DType::F32)?;
        let mut row = vec![act.name().to_string()];
        row.extend(f.value.iter().map(|&v| f4(v)));
        table.row(&row);
    }
    write!(out, "{table}")?;
    Ok(())
}
// ANCHOR_END: values

// ANCHOR: derivatives
/// `f'(at)` and `f'(-at)` for each activation, through autograd in f32.
pub fn derivatives_at(opts: &Options) -> Result<Vec<(Activation, f64, f64)>> {
    activations(opts)
        .into_iter()
        .map(|act| {
            let d = value_and_grad(|z| act.apply(z), &[opts.at, -opts.at], DType::F32)?.grad;
            Ok((act, d[0], d[1]))
        })
        .collect()
}

fn derivatives(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let (left, right) = (opts.at, -opts.at);
    // One criterion for every activation.
    let flag = |d: f64| match d {
        0.0 => "zero: no gradient at all",
        d if d.abs() < opts.threshold => "small",
        _ => "",
    };
    let mut table = Table::new(&[
        "activation".to_string(),
        format!("f'({left})"),
        format!("f'({right})"),
        format!("|f'({left})| < {}?", opts.threshold),
        format!("|f'({right})| < {}?", opts.threshold),
    ]);
    for (act, l, r) in derivatives_at(opts)? {
        table.row(&[act.name(), &fixed(l, 6), &fixed(r, 6), flag(l), flag(r)]);
    }
    write!(out, "{table}")?;
    writeln!(
        out,
        "criterion: |f'| < {} means a signal crossing 10 such layers shrinks below {}",
        opts.threshold,
        sci(opts.threshold.powi(10))
    )?;
    Ok(())
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

pub fn max_slopes(opts: &Options) -> Result<Vec<MaxSlope>> {
    let grid = linspace(-6.0, 6.0, 1201);
    activations(opts)
        .into_iter()
        .map(|activation| {
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

fn max_slope(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let mut table = Table::new(&["activation", "max f'(z)", "at z", "max f'^10", "max f'^20"]);
    for m in max_slopes(opts)? {
        // One point, or a whole plateau (ReLU's family: every z > 0).
        let at = match m.at.as_slice() {
            [z] => fixed(*z, 2),
            [first, .., last] => format!("{first:.2} to {last:.2}"),
            [] => "-".to_string(),
        };
        table.row(&[
            m.activation.name().to_string(),
            f4(m.max),
            at,
            g4(m.max.powi(10)),
            g4(m.max.powi(20)),
        ]);
    }
    write!(out, "{table}")?;
    Ok(())
}
// ANCHOR_END: max_slope

// ANCHOR: gelu
fn gelu(_opts: &Options, out: &mut dyn Write) -> Result<()> {
    let z = linspace(-2.0, 2.0, 7);
    let relu = value_and_grad(activations::relu, &z, DType::F32)?.value;
    let exact = value_and_grad(activations::gelu, &z, DType::F32)?.value;
    let approx = value_and_grad(activations::gelu_tanh, &z, DType::F32)?.value;
    let mut table = Table::new(&[
        "z",
        "ReLU",
        "GELU",
        "GELU - ReLU",
        "GELU-tanh",
        "tanh - exact",
    ]);
    for i in 0..z.len() {
        table.row(&[
            fixed(z[i], 2),
            f4(relu[i]),
            f4(exact[i]),
            f4(exact[i] - relu[i]),
            f4(approx[i]),
            sci(approx[i] - exact[i]),
        ]);
    }
    write!(out, "{table}")?;

    // The largest gap between the two GELUs, in f64 so rounding does not hide it.
    let grid = linspace(-6.0, 6.0, 1201);
    let exact = value_and_grad(activations::gelu, &grid, DType::F64)?;
    let approx = value_and_grad(activations::gelu_tanh, &grid, DType::F64)?;
    let gap = |a: &[f64], b: &[f64]| {
        (0..grid.len())
            .map(|i| ((a[i] - b[i]).abs(), grid[i]))
            .fold((0.0, 0.0), |m, x| if x.0 > m.0 { x } else { m })
    };
    let (dv, zv) = gap(&exact.value, &approx.value);
    let (dg, zg) = gap(&exact.grad, &approx.grad);
    writeln!(
        out,
        "largest |tanh - exact| on [-6, 6]: {} at z = {zv:.2} (value), {} at z = {zg:.2} (derivative)",
        sci(dv),
        sci(dg)
    )?;

    // Which Candle call computes which GELU: compare with shared's exact form.
    let t = Tensor::new(grid.as_slice(), &Device::Cpu)?;
    let ours = activations::gelu(&t)?;
    let max_diff =
        |other: &Tensor| -> Result<f64> { (other - &ours)?.abs()?.max_all()?.to_scalar::<f64>() };
    let nn_gelu = candle_nn_gelu(&t)?;
    writeln!(
        out,
        "Tensor::gelu_erf()            differs from exact GELU by at most {}",
        sci(max_diff(&t.gelu_erf()?)?)
    )?;
    writeln!(
        out,
        "candle_nn Activation::Gelu    differs from exact GELU by at most {}",
        sci(max_diff(&nn_gelu)?)
    )?;
    writeln!(
        out,
        "Tensor::gelu() (tanh approx.) differs from exact GELU by at most {}",
        sci(max_diff(&t.gelu()?)?)
    )?;
    Ok(())
}
// ANCHOR_END: gelu

fn candle_nn_gelu(t: &Tensor) -> Result<Tensor> {
    use shared::candle_nn::Module;
    shared::candle_nn::Activation::Gelu.forward(t)
}

// ANCHOR: softmax
fn softmax(_opts: &Options, out: &mut dyn Write) -> Result<()> {
    let row = |v: &[f32]| Tensor::new(v, &Device::Cpu);
    let show = |t: &Tensor| -> Result<String> {
        let v = activations::to_f64_vec(t)?;
        Ok(v.iter()
            .map(|&x| {
                if x != 0.0 && x.abs() < 1e-4 {
                    sci(x)
                } else {
                    f4(x)
                }
            })
            .collect::<Vec<_>>()
            .join(", "))
    };
    let z = row(&[2.0, 1.0, 0.1])?;
    let p = activations::softmax(&z, D::Minus1)?;
    writeln!(out, "softmax([2, 1, 0.1])             = [{}]", show(&p)?)?;
    writeln!(
        out,
        "sum                              = {}",
        f4(p.sum_all()?.to_scalar::<f32>()? as f64)
    )?;
    let shifted = activations::softmax(&(&z + 100.0)?, D::Minus1)?;
    writeln!(
        out,
        "softmax([102, 101, 100.1])       = [{}]",
        show(&shifted)?
    )?;

    let big = row(&[100.0, 0.0, 0.0])?;
    writeln!(
        out,
        "f32, naive exp(z)/sum: [100, 0, 0] -> [{}]",
        show(&activations::naive_softmax(&big, D::Minus1)?)?
    )?;
    writeln!(
        out,
        "f32, stable:           [100, 0, 0] -> [{}]",
        show(&activations::softmax(&big, D::Minus1)?)?
    )?;
    let big64 = big.to_dtype(DType::F64)?;
    writeln!(
        out,
        "f64, naive exp(z)/sum: [100, 0, 0] -> [{}]",
        show(&activations::naive_softmax(&big64, D::Minus1)?)?
    )?;
    let huge64 = (&big64 * 10.0)?;
    writeln!(
        out,
        "f64, naive exp(z)/sum: [1000, 0, 0] -> [{}]",
        show(&activations::naive_softmax(&huge64, D::Minus1)?)?
    )?;
    writeln!(
        out,
        "exp overflows above z = {} in f32 and z = {} in f64",
        f4((f32::MAX as f64).ln()),
        f4(f64::MAX.ln())
    )?;
    Ok(())
}
// ANCHOR_END: softmax

// ANCHOR: kinks
/// A derivative at a kink: what `shared` (PyTorch's rule) and Candle's built-in report.
pub struct Kink {
    pub function: String,
    pub shared: f64,
    pub candle: f64,
    pub candle_name: &'static str,
}

pub fn kinks_at_zero(slope: f64) -> Result<Vec<Kink>> {
    let at_zero = |f: &dyn Fn(&Tensor) -> Result<Tensor>| -> Result<f64> {
        Ok(value_and_grad(f, &[0.0], DType::F32)?.grad[0])
    };
    let abs_pytorch = |z: &Tensor| shared::losses::mae_elementwise(z, &z.zeros_like()?);
    Ok(vec![
        Kink {
            function: "ReLU'(0)".into(),
            shared: at_zero(&activations::relu)?,
            candle: at_zero(&activations::candle_relu)?,
            candle_name: "Tensor::relu",
        },
        Kink {
            function: format!("LeakyReLU'(0), slope {slope}"),
            shared: at_zero(&|z| activations::leaky_relu(z, slope))?,
            candle: at_zero(&|z| activations::candle_leaky_relu(z, slope))?,
            candle_name: "candle_nn::ops::leaky_relu",
        },
        Kink {
            function: "|z|'(0)".into(),
            shared: at_zero(&abs_pytorch)?,
            candle: at_zero(&|z| z.abs())?,
            candle_name: "Tensor::abs",
        },
    ])
}

fn kinks(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let mut table = Table::new(&[
        "function at z = 0",
        "shared (PyTorch's rule)",
        "Candle built-in",
    ]);
    for k in kinks_at_zero(opts.slope)? {
        table.row(&[
            k.function,
            f4(k.shared),
            format!("{} ({})", f4(k.candle), k.candle_name),
        ]);
    }
    write!(out, "{table}")?;
    Ok(())
}
// ANCHOR_END: kinks

/// One plot per activation, f and f' on the same axes, each zoomed on what matters.
pub fn plots(opts: &Options) -> Result<Vec<Plot>> {
    let chart = |act: Activation, lo: f64, hi: f64| -> Result<LineChart> {
        let z = linspace(lo, hi, 401);
        let d = value_and_grad(|t| act.apply(t), &z, DType::F64)?;
        Ok(LineChart::new(format!("{}: f and f'", act.name()), "z", "")
            .series(Series::new(
                "f(z)",
                z.iter().copied().zip(d.value).collect(),
            ))
            .series(Series::new(
                "f'(z)",
                z.iter().copied().zip(d.grad).collect(),
            ))
            .x_range(lo, hi))
    };
    let leaky = Activation::LeakyRelu { slope: opts.slope };
    let mut plots = vec![
        Plot::new(
            "relu",
            &chart(Activation::Relu, -3.0, 3.0)?.y_range(-0.5, 3.0),
        )?,
        // Zoomed on z < 0, where the slope lives: on a [-3, 3] square it is invisible.
        Plot::new(
            "leaky-relu",
            &LineChart {
                title: format!("LeakyReLU (slope {}), zoomed on z < 0", opts.slope),
                ..chart(leaky, -10.0, 1.0)?
                    .y_range(-12.0 * opts.slope.abs(), 6.0 * opts.slope.abs() + 0.001)
            },
        )?,
        Plot::new(
            "gelu",
            &chart(Activation::Gelu, -4.0, 1.5)?.y_range(-0.3, 1.5),
        )?,
        Plot::new(
            "sigmoid",
            &chart(Activation::Sigmoid, -8.0, 8.0)?
                .series(Series::new(
                    "0.25, the largest f'",
                    vec![(-8.0, 0.25), (8.0, 0.25)],
                ))
                .y_range(-0.05, 1.05),
        )?,
        Plot::new(
            "tanh",
            &chart(Activation::Tanh, -4.0, 4.0)?.y_range(-1.1, 1.1),
        )?,
        Plot::new(
            "silu",
            &chart(Activation::Silu, -6.0, 2.0)?.y_range(-0.4, 1.8),
        )?,
    ];
    // The tanh approximation's error, far too small to see on the GELU plot.
    let z = linspace(-6.0, 6.0, 601);
    let exact = value_and_grad(activations::gelu, &z, DType::F64)?.value;
    let approx = value_and_grad(activations::gelu_tanh, &z, DType::F64)?.value;
    let gap = z
        .iter()
        .zip(approx.iter().zip(&exact))
        .map(|(&z, (a, e))| (z, a - e))
        .collect();
    plots.push(Plot::new(
        "gelu-tanh-gap",
        &LineChart::new("GELU: tanh approximation minus exact", "z", "difference")
            .series(Series::new("tanh - exact", gap)),
    )?);
    // Softmax of [t, 0, 0]: the first probability and its derivative in t.
    let t = linspace(-8.0, 8.0, 401);
    let mut p = Vec::new();
    let mut dp = Vec::new();
    for &ti in &t {
        let d = value_and_grad(
            |x| {
                let zeros = x.zeros_like()?;
                let logits = Tensor::cat(&[x, &zeros, &zeros], 0)?;
                activations::softmax(&logits, D::Minus1)?.narrow(0, 0, 1)
            },
            &[ti],
            DType::F64,
        )?;
        p.push((ti, d.value[0]));
        dp.push((ti, d.grad[0]));
    }
    plots.push(Plot::new(
        "softmax",
        &LineChart::new("Softmax of [t, 0, 0]: first probability", "t", "")
            .series(Series::new("p0", p))
            .series(Series::new("dp0/dt", dp))
            .y_range(-0.05, 1.05),
    )?);
    Ok(plots)
}
