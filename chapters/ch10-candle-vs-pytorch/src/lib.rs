//! Appendix: where Candle 0.11 and PyTorch differ.
//!
//! Every difference the book relies on, measured on Candle as it is now and
//! printed next to the PyTorch figure it differs from. When Candle changes,
//! a snapshot and `tests/claims.rs` say so, and this page (and the chapter
//! that relies on the difference) needs updating.
//!
//! `autograd.rs`, `gelu.rs`, `losses.rs` and `rng.rs` measure, this file
//! prints, `plots.rs` draws.

use std::io::Write;

use book_kit::chapter::{Chapter, Section};
use book_kit::table::{Table, fixed, g4, sci};
use candle_core::Result;

pub mod autograd;
pub mod gelu;
pub mod graph;
pub mod losses;
pub mod plots;
pub mod rng;

/// The chapter's flags: none, since every row pins one fixed measurement.
#[derive(clap::Args, Debug, Clone)]
pub struct Options {}

pub static CHAPTER: Chapter<Options, Report> = Chapter {
    name: env!("CARGO_PKG_NAME"),
    about: env!("CARGO_PKG_DESCRIPTION"),
    validate: None,
    run,
    sections: SECTIONS,
    plots: plots::plots,
    exercises: &[],
};

/// One behaviour: what Candle gives now, and what PyTorch 2.15.0 gives for the
/// same computation in f32 (the call is in a comment beside each figure).
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    pub what: &'static str,
    pub candle: f64,
    pub pytorch: f64,
}

/// Everything the chapter measures, once.
pub struct Report {
    pub kinks: Vec<Difference>,
    pub gelu: gelu::Gelus,
    pub powf: Vec<Difference>,
    pub division: Vec<Difference>,
    pub graph: Vec<graph::Behaviour>,
    pub bce: Vec<losses::BceRow>,
    pub builtins: Vec<losses::Builtin>,
    pub replacements: Vec<losses::Replacement>,
    pub seeding: rng::Seeding,
}

pub fn run(_: &Options) -> Result<Report> {
    Ok(Report {
        kinks: autograd::kinks()?,
        gelu: gelu::gelus()?,
        powf: autograd::powf()?,
        division: autograd::division()?,
        graph: graph::graph()?,
        bce: losses::bce_rows()?,
        builtins: losses::builtins(),
        replacements: losses::replacements()?,
        seeding: rng::seeding()?,
    })
}

/// The chapter's output, section by section.
pub const SECTIONS: &[Section<Report>] = &[
    Section {
        name: "kinks",
        title: "Derivatives at a kink, and a NaN meeting a ReLU that is off",
        body: print_kinks,
    },
    Section {
        name: "gelu",
        title: "GELU: Tensor::gelu, Tensor::gelu_erf and PyTorch's nn.GELU()",
        body: print_gelu,
    },
    Section {
        name: "bce",
        title: "candle-nn's binary_cross_entropy_with_logit",
        body: print_bce,
    },
    Section {
        name: "powf",
        title: "powf with exponent 0",
        body: print_powf,
    },
    Section {
        name: "division",
        title: "The backward pass of a division",
        body: print_division,
    },
    Section {
        name: "graph",
        title: "Graphs, broadcasting and dtypes",
        body: print_graph,
    },
    Section {
        name: "rng",
        title: "Seeding Candle's CPU generator",
        body: print_rng,
    },
    Section {
        name: "builtins",
        title: "What PyTorch has built in, candle-nn 0.11 lacks, and nn_functional provides",
        body: print_builtins,
    },
];

fn print_differences(rows: &[Difference], out: &mut dyn Write) -> Result<()> {
    let mut table = Table::new(&["computation", "Candle now", "PyTorch"]);
    for d in rows {
        table.row(&[d.what.to_string(), g4(d.candle), g4(d.pytorch)]);
    }
    write!(out, "{table}")?;
    Ok(())
}

fn print_kinks(r: &Report, out: &mut dyn Write) -> Result<()> {
    print_differences(&r.kinks, out)
}

fn print_powf(r: &Report, out: &mut dyn Write) -> Result<()> {
    print_differences(&r.powf, out)
}

fn print_division(r: &Report, out: &mut dyn Write) -> Result<()> {
    print_differences(&r.division, out)
}

fn print_gelu(r: &Report, out: &mut dyn Write) -> Result<()> {
    let g = &r.gelu;
    let mut table = Table::new(&[
        "z",
        "Tensor::gelu()",
        "Tensor::gelu_erf()",
        "PyTorch nn.GELU()",
        "gelu() - gelu_erf()",
    ]);
    for (i, z) in gelu::POINTS.iter().enumerate() {
        table.row(&[
            fixed(*z, 1),
            fixed(g.tanh_approx[i], 6),
            fixed(g.erf[i], 6),
            fixed(g.pytorch[i], 6),
            sci(g.tanh_approx[i] - g.erf[i]),
        ]);
    }
    write!(out, "{table}")?;
    writeln!(
        out,
        "autograd's derivative minus the exact one, f64, z in [-6, 6]:"
    )?;
    for (call, error) in [
        ("Tensor::gelu_erf()", &g.erf_error),
        ("Tensor::gelu()", &g.tanh_error),
    ] {
        let (size, at) = gelu::largest(error);
        writeln!(
            out,
            "  {call:<18}  largest error {} at z = {} (PyTorch's: {})",
            sci(size),
            fixed(at, 2),
            sci(gelu::PYTORCH_DERIVATIVE_ERROR)
        )?;
    }
    Ok(())
}

fn print_bce(r: &Report, out: &mut dyn Write) -> Result<()> {
    let mut table = Table::new(&["logit", "label", "candle-nn", "nn_functional", "PyTorch"]);
    for b in &r.bce {
        table.row(&[
            fixed(b.logit, 0),
            fixed(b.target, 0),
            g4(b.candle_nn),
            g4(b.library),
            g4(b.pytorch),
        ]);
    }
    write!(out, "{table}")?;
    Ok(())
}

fn print_graph(r: &Report, out: &mut dyn Write) -> Result<()> {
    for (i, b) in r.graph.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", b.what)?;
        writeln!(out, "  Candle now: {}", b.candle)?;
        writeln!(out, "  PyTorch:    {}", b.pytorch)?;
        writeln!(out, "  relied on:  {}", b.page)?;
    }
    Ok(())
}

fn print_rng(r: &Report, out: &mut dyn Write) -> Result<()> {
    let s = &r.seeding;
    let said = |m: &Option<String>| match m {
        Some(msg) => format!("error: {msg}"),
        None => "Ok".to_string(),
    };
    writeln!(
        out,
        "Device::Cpu.set_seed(42)        -> {}",
        said(&s.set_seed)
    )?;
    writeln!(
        out,
        "Device::Cpu.get_current_seed()  -> {}",
        said(&s.get_seed)
    )?;
    writeln!(
        out,
        "two candle_nn::linear(4, 3, vb), fresh VarMaps: {} of {} weights equal",
        s.candle_nn_equal, s.weights
    )?;
    writeln!(
        out,
        "two shared::nn::Linear from rng(42):            {} of {} weights equal",
        s.shared_equal, s.weights
    )?;
    Ok(())
}

fn print_builtins(r: &Report, out: &mut dyn Write) -> Result<()> {
    // The crate's name is in the header, so the paths fit the column.
    let name = |p: &Option<String>, krate: &str| match p {
        Some(path) => path.strip_prefix(krate).unwrap_or(path).to_string(),
        None => "-".to_string(),
    };
    let mut table = Table::new(&[
        "need",
        "candle_nn:: (without it)",
        "nn_functional:: (with it)",
    ]);
    for b in &r.builtins {
        table.row(&[
            b.need.to_string(),
            name(&b.candle_nn, "candle_nn::"),
            name(&b.library, "nn_functional::"),
        ]);
    }
    write!(out, "{table}")?;
    writeln!(out)?;
    writeln!(
        out,
        "z = [2, -1, 0.5, -3], y = [1, 0, 0, 1]; z2 = z as 2 rows of 2 classes, t = [0, 1];\n\
         g = the gradient (10, 10) of 10 * (w0 + w1); {{…}}: the options, the rest at PyTorch's defaults"
    )?;
    let mut table = Table::new(&["call", "nn_functional", "PyTorch"]);
    for c in &r.replacements {
        table.row(&[c.call.to_string(), fixed(c.library, 6), fixed(c.pytorch, 6)]);
    }
    write!(out, "{table}")?;
    Ok(())
}
