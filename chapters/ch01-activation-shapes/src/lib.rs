//! Chapter 1: activation shapes.
//!
//! What each activation computes, its derivative through Candle's autograd,
//! where the derivative gets small, how exact GELU differs from its tanh
//! approximation, why softmax subtracts the maximum, and what Candle and
//! PyTorch report at a kink.
//!
//! `shapes.rs` computes, this file prints, `plots.rs` draws;
//! `exercises.rs` is the workshop's, with `checks.rs` and (feature
//! `solutions`) `solutions.rs`.

use std::io::Write;

use book_kit::chapter::{Chapter, Section};
use book_kit::cli::{above, range};
use book_kit::table::{Table, f4, fixed, g4, sci};
use candle_core::Result;
use shared::activations::Activation;

pub mod checks;
#[allow(unused_imports)] // an answer need not use every import the file has
pub mod exercises;
pub mod plots;
pub mod shapes;
#[cfg(feature = "solutions")]
pub mod solutions;

use shapes::{
    Curve, Derivatives, GeluComparison, Kink, MaxSlope, SoftmaxDemo, Values, compare_gelus, curve,
    derivatives_at, kinks_at_zero, max_slopes, softmax_curve, softmax_demo, values_at,
};

/// The chapter's flags.
#[derive(clap::Args, Debug, Clone)]
pub struct Options {
    /// LeakyReLU's slope for z < 0
    #[arg(long, default_value_t = 0.01, allow_negative_numbers = true, value_parser = range(..))]
    pub slope: f64,
    /// The point where derivatives are compared (and its mirror image, −AT)
    #[arg(long, default_value_t = -3.0, allow_negative_numbers = true, value_parser = range(..))]
    pub at: f64,
    /// A derivative below this in magnitude is flagged as small
    #[arg(long, default_value_t = 0.05, value_parser = range(above(0.0)))]
    pub threshold: f64,
}

pub static CHAPTER: Chapter<Options, Report> = Chapter {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    validate: None,
    run,
    sections: SECTIONS,
    plots: plots::plots,
    exercises: checks::EXERCISES,
};

/// Everything the chapter computes, once; the sections print it and the
/// plots draw it.
pub struct Report {
    pub opts: Options,
    pub values: Vec<Values>,
    pub derivatives: Vec<Derivatives>,
    pub max_slopes: Vec<MaxSlope>,
    pub gelu: GeluComparison,
    pub softmax: SoftmaxDemo,
    pub kinks: Vec<Kink>,
    /// Each activation on the window where its character shows.
    pub shapes: Vec<Shape>,
    /// tanh-approximate GELU minus exact, on [-6, 6].
    pub gelu_gap: Vec<(f64, f64)>,
    pub softmax_curve: Curve,
}

/// An activation's curve, and the file its plot is written to.
pub struct Shape {
    pub activation: Activation,
    pub plot_name: &'static str,
    pub curve: Curve,
}

/// The points of the values table.
pub const VALUE_POINTS: [f64; 5] = [-2.0, -1.0, 0.0, 1.0, 2.0];

/// The activations this chapter compares, with the reader's LeakyReLU slope.
pub fn activations(opts: &Options) -> Vec<Activation> {
    vec![
        Activation::Relu,
        Activation::LeakyRelu { slope: opts.slope },
        Activation::Gelu,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Silu,
    ]
}

pub fn run(opts: &Options) -> Result<Report> {
    let acts = activations(opts);
    let windows = [
        ("relu", -3.0, 3.0),
        ("leaky-relu", -10.0, 1.0),
        ("gelu", -4.0, 1.5),
        ("sigmoid", -8.0, 8.0),
        ("tanh", -4.0, 4.0),
        ("silu", -6.0, 2.0),
    ];
    let shapes = acts
        .iter()
        .zip(windows)
        .map(|(&activation, (plot_name, lo, hi))| {
            Ok(Shape {
                activation,
                plot_name,
                curve: curve(|z| activation.apply(z), lo, hi, 401)?,
            })
        })
        .collect::<Result<_>>()?;
    let exact = curve(shapes::gelu, -6.0, 6.0, 601)?;
    let approx = curve(shapes::gelu_tanh, -6.0, 6.0, 601)?;
    let gelu_gap = exact
        .z
        .iter()
        .zip(approx.value.iter().zip(&exact.value))
        .map(|(&z, (a, e))| (z, a - e))
        .collect();
    Ok(Report {
        values: values_at(&acts, &VALUE_POINTS)?,
        derivatives: derivatives_at(&acts, opts.at)?,
        max_slopes: max_slopes(&acts)?,
        gelu: compare_gelus()?,
        softmax: softmax_demo()?,
        kinks: kinks_at_zero(opts.slope)?,
        shapes,
        gelu_gap,
        softmax_curve: softmax_curve(-8.0, 8.0, 401)?,
        opts: opts.clone(),
    })
}

/// The chapter's output, section by section.
pub const SECTIONS: &[Section<Report>] = &[
    Section {
        name: "values",
        title: "Values at z = -2 ... 2",
        body: print_values,
    },
    Section {
        name: "derivatives",
        title: "Derivatives on both sides of zero",
        body: print_derivatives,
    },
    Section {
        name: "max-slope",
        title: "The largest derivative, and what depth does to it",
        body: print_max_slopes,
    },
    Section {
        name: "gelu",
        title: "GELU: exact, tanh approximation, and ReLU",
        body: print_gelu,
    },
    Section {
        name: "softmax",
        title: "Softmax: sums to one, ignores shifts, overflows when naive",
        body: print_softmax,
    },
    Section {
        name: "kinks",
        title: "Derivatives at the kink: Candle's built-ins vs PyTorch",
        body: print_kinks,
    },
];

fn print_values(r: &Report, out: &mut dyn Write) -> Result<()> {
    let mut table = Table::new(&["activation", "z=-2", "z=-1", "z=0", "z=1", "z=2"]);
    for v in &r.values {
        let mut row = vec![v.activation.name().to_string()];
        row.extend(v.values.iter().map(|&x| f4(x)));
        table.row(&row);
    }
    write!(out, "{table}")?;
    Ok(())
}

fn print_derivatives(r: &Report, out: &mut dyn Write) -> Result<()> {
    let (left, right, threshold) = (r.opts.at, -r.opts.at, r.opts.threshold);
    // One criterion for every activation.
    let flag = |d: f64| match d {
        0.0 => "zero: no gradient at all",
        d if d.abs() < threshold => "small",
        _ => "",
    };
    let mut table = Table::new(&[
        "activation".to_string(),
        format!("f'({left})"),
        format!("f'({right})"),
        format!("|f'({left})| < {threshold}?"),
        format!("|f'({right})| < {threshold}?"),
    ]);
    for d in &r.derivatives {
        table.row(&[
            d.activation.name(),
            &fixed(d.left, 6),
            &fixed(d.right, 6),
            flag(d.left),
            flag(d.right),
        ]);
    }
    write!(out, "{table}")?;
    writeln!(
        out,
        "criterion: |f'| < {threshold} means a signal crossing 10 such layers shrinks below {}",
        sci(threshold.powi(10))
    )?;
    Ok(())
}

fn print_max_slopes(r: &Report, out: &mut dyn Write) -> Result<()> {
    let mut table = Table::new(&["activation", "max f'(z)", "at z", "max f'^10", "max f'^20"]);
    for m in &r.max_slopes {
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

fn print_gelu(r: &Report, out: &mut dyn Write) -> Result<()> {
    let g = &r.gelu;
    let mut table = Table::new(&[
        "z",
        "ReLU",
        "GELU",
        "GELU - ReLU",
        "GELU-tanh",
        "tanh - exact",
    ]);
    for i in 0..g.z.len() {
        table.row(&[
            fixed(g.z[i], 2),
            f4(g.relu[i]),
            f4(g.exact[i]),
            f4(g.exact[i] - g.relu[i]),
            f4(g.tanh_approx[i]),
            sci(g.tanh_approx[i] - g.exact[i]),
        ]);
    }
    write!(out, "{table}")?;
    writeln!(
        out,
        "largest |tanh - exact| on [-6, 6]: {} at z = {:.2} (value), {} at z = {:.2} (derivative)",
        sci(g.value_gap.size),
        g.value_gap.at,
        sci(g.derivative_gap.size),
        g.derivative_gap.at
    )?;
    for c in &g.candle {
        writeln!(
            out,
            "{:<29} differs from exact GELU by at most {}",
            c.call,
            sci(c.max_diff)
        )?;
    }
    Ok(())
}

fn print_softmax(r: &Report, out: &mut dyn Write) -> Result<()> {
    let s = &r.softmax;
    // Tiny probabilities in scientific notation, so they do not print as 0.
    let show = |v: &[f64]| {
        v.iter()
            .map(|&x| {
                if x != 0.0 && x.abs() < 1e-4 {
                    sci(x)
                } else {
                    f4(x)
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(
        out,
        "softmax([2, 1, 0.1])             = [{}]",
        show(&s.probs)
    )?;
    writeln!(out, "sum                              = {}", f4(s.sum))?;
    writeln!(
        out,
        "softmax([102, 101, 100.1])       = [{}]",
        show(&s.shifted)
    )?;
    let lines = [
        ("f32, naive exp(z)/sum: [100, 0, 0]", &s.naive_f32),
        ("f32, stable:           [100, 0, 0]", &s.stable_f32),
        ("f64, naive exp(z)/sum: [100, 0, 0]", &s.naive_f64),
        ("f64, naive exp(z)/sum: [1000, 0, 0]", &s.naive_f64_1000),
    ];
    for (what, p) in lines {
        writeln!(out, "{what} -> [{}]", show(p))?;
    }
    writeln!(
        out,
        "exp overflows above z = {} in f32 and z = {} in f64",
        f4(s.exp_limit_f32),
        f4(s.exp_limit_f64)
    )?;
    Ok(())
}

fn print_kinks(r: &Report, out: &mut dyn Write) -> Result<()> {
    let mut table = Table::new(&[
        "function at z = 0",
        "nn_functional (PyTorch's rule)",
        "Candle built-in",
    ]);
    for k in &r.kinks {
        table.row(&[
            k.function.clone(),
            f4(k.library),
            format!("{} ({})", f4(k.candle), k.candle_name),
        ]);
    }
    write!(out, "{table}")?;
    Ok(())
}
