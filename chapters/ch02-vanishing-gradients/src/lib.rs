//! Chapter 2: vanishing gradients and dying ReLUs.
//!
//! How much of the loss's gradient reaches each layer of a deep MLP at
//! initialisation, for five activations; why sigmoid's derivative costs at
//! least a factor 4 per layer; which initialisation keeps which activation alive; and how
//! ReLU units die after a bad start, where LeakyReLU's do not.

use std::io::Write;

use candle_core::{DType, Result};
use clap::builder::RangedU64ValueParser;
use clap::{Parser, ValueEnum};
use shared::activations::{Activation, value_and_grad};
use shared::chapter::Section;
use shared::cli::CommonArgs;
use shared::cli::finite;
use shared::nn::Init;
use shared::plot::linspace;
use shared::table::{Table, f4, g4, pct};

pub mod experiments;
mod plots;

pub use experiments::*;
pub use plots::plots;

/// Chapter 2: vanishing gradients, initialisation, and dying ReLUs.
#[derive(Parser, Debug, Clone)]
#[command(name = "ch02-vanishing-gradients", version)]
pub struct Options {
    /// Number of hidden layers (each `width` units, followed by the activation)
    #[arg(long, default_value_t = 20, value_parser = RangedU64ValueParser::<usize>::new().range(2..=200))]
    pub depth: usize,
    /// Units per hidden layer
    #[arg(long, default_value_t = 64, value_parser = RangedU64ValueParser::<usize>::new().range(1..=1024))]
    pub width: usize,
    /// Initialisation for the per-layer table, the factors and the first plot
    #[arg(long, value_enum, default_value_t = InitChoice::KaimingNormal)]
    pub init: InitChoice,
    /// Rows of the delivery-time regression in the batch
    #[arg(long, default_value_t = 128, value_parser = RangedU64ValueParser::<usize>::new().range(1..=4096))]
    pub batch: usize,
    /// Seed for the weights (the data uses its bitwise complement)
    #[arg(long, default_value_t = shared::data::DEFAULT_SEED)]
    pub seed: u64,
    /// The bad start: added to every hidden layer's bias at initialisation
    #[arg(long, default_value_t = -1.0, allow_negative_numbers = true, value_parser = finite)]
    pub bias_shift: f64,
    /// The too-large Adam learning rate of the dying-ReLU experiment
    #[arg(long, default_value_t = 0.03, value_parser = learning_rate)]
    pub lr: f64,
    /// Adam steps in the dying-ReLU experiment
    #[arg(long, default_value_t = 5, value_parser = RangedU64ValueParser::<usize>::new().range(1..=500))]
    pub steps: usize,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl Default for Options {
    fn default() -> Self {
        Self::parse_from(["ch02-vanishing-gradients"])
    }
}

/// The initialisations `--init` accepts: shared's [`Init`] schemes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InitChoice {
    /// PyTorch's nn.Linear default, U(±1/√fan_in) for weights and biases
    PytorchDefault,
    /// N(0, 2/(fan_in + fan_out)), zero bias
    XavierNormal,
    /// U(±√(6/(fan_in + fan_out))), zero bias
    XavierUniform,
    /// N(0, 2/fan_in), zero bias
    KaimingNormal,
    /// U(±√(6/fan_in)), zero bias
    KaimingUniform,
}

impl From<InitChoice> for Init {
    fn from(c: InitChoice) -> Init {
        match c {
            InitChoice::PytorchDefault => Init::PytorchDefault,
            InitChoice::XavierNormal => Init::XavierNormal,
            InitChoice::XavierUniform => Init::XavierUniform,
            InitChoice::KaimingNormal => Init::KaimingNormal,
            InitChoice::KaimingUniform => Init::KaimingUniform,
        }
    }
}

fn learning_rate(s: &str) -> std::result::Result<f64, String> {
    match finite(s)? {
        x if x > 0.0 && x <= 10.0 => Ok(x),
        _ => Err(format!("'{s}' must be in (0, 10]")),
    }
}

/// The chapter's output, section by section.
pub const SECTIONS: &[Section<Options>] = &[
    Section {
        name: "per-layer",
        title: "Gradient norm at each hidden layer, at initialisation",
        body: per_layer,
    },
    Section {
        name: "factors",
        title: "What each layer multiplies the gradient by",
        body: factors,
    },
    Section {
        name: "sigmoid",
        title: "Sigmoid: the 0.25 bound against what is measured",
        body: sigmoid,
    },
    Section {
        name: "init",
        title: "Which initialisation keeps which activation alive",
        body: init_table,
    },
    Section {
        name: "dying",
        title: "Dying ReLU: units that output 0 for every input",
        body: dying_table,
    },
];

pub struct Chapter;
shared::impl_chapter!(
    Chapter,
    "ch02-vanishing-gradients",
    Options,
    SECTIONS,
    plots
);

// ANCHOR: per_layer
fn per_layer(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let flows = main_flows(opts)?;
    writeln!(
        out,
        "network: 4 -> {} x {} -> 1, {} init, MSE on {} rows of the delivery-time regression",
        opts.depth,
        opts.width,
        Init::from(opts.init).name(),
        opts.batch
    )?;
    writeln!(
        out,
        "entries: ||dLoss/dh|| at each hidden layer, same weights for every activation"
    )?;
    let mut header = vec!["layer".to_string()];
    header.extend(ACTIVATIONS.iter().map(|a| a.name().to_string()));
    let mut table = Table::new(&header);
    let every = opts.depth.div_ceil(20); // at most ~20 rows
    for l in 0..opts.depth {
        if l % every == 0 || l + 1 == opts.depth {
            let mut row = vec![(l + 1).to_string()];
            row.extend(flows.iter().map(|f| g4(f.grad[l])));
            table.row(&row);
        }
    }
    let mut row = vec!["first/last".to_string()];
    row.extend(flows.iter().map(|f| g4(f.first_over_last())));
    table.row(&row);
    write!(out, "{table}")?;
    Ok(())
}
// ANCHOR_END: per_layer

/// The largest |f'(z)| on [-6, 6], by autograd.
fn max_slope(act: Activation) -> Result<f64> {
    let d = value_and_grad(|z| act.apply(z), &linspace(-6.0, 6.0, 1201), DType::F64)?;
    Ok(d.grad.iter().fold(0.0, |m, g| m.max(g.abs())))
}

// ANCHOR: factors
fn factors(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let mut table = Table::new(&[
        "activation",
        "max |f'|",
        "f' factor",
        "W factor",
        "per layer",
        "first/last",
    ]);
    for f in main_flows(opts)? {
        let (a, w) = (
            geo_mean(f.act_factor.get(1..).unwrap_or_default()),
            geo_mean(&f.weight_factor),
        );
        table.row(&[
            f.activation.name().to_string(),
            f4(max_slope(f.activation)?),
            f4(a),
            f4(w),
            f4(a * w),
            g4(f.first_over_last()),
        ]);
    }
    write!(out, "{table}")?;
    writeln!(
        out,
        "geometric means over layers 2..{}; (per layer)^{} = first/last",
        opts.depth,
        opts.depth - 1
    )?;
    Ok(())
}
// ANCHOR_END: factors

// ANCHOR: sigmoid
fn sigmoid(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let n = opts.depth as i32 - 1;
    let mut table = Table::new(&[
        "init",
        "largest f' factor",
        "f' factor",
        "W factor",
        "per layer",
        "first/last",
    ]);
    for init in INITS {
        let f = flow(opts, Activation::Sigmoid, init)?;
        let (a, w) = (
            geo_mean(f.act_factor.get(1..).unwrap_or_default()),
            geo_mean(&f.weight_factor),
        );
        table.row(&[
            init.name().to_string(),
            f4(f.act_factor.iter().fold(0.0, |m: f64, &x| m.max(x))),
            f4(a),
            f4(w),
            f4(a * w),
            g4(f.first_over_last()),
        ]);
    }
    write!(out, "{table}")?;
    writeln!(out, "0.25^{n} = {}", g4(0.25f64.powi(n)))?;
    Ok(())
}
// ANCHOR_END: sigmoid

// ANCHOR: init
fn init_table(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let study = init_study(opts)?;
    let mut header = vec!["activation".to_string()];
    header.extend(INITS.iter().map(|i| i.name().to_string()));
    let mut table = Table::new(&header);
    for (act, flows) in ACTIVATIONS.iter().zip(study.chunks(INITS.len())) {
        let mut row = vec![act.name().to_string()];
        for f in flows {
            let verdict = if f.alive() {
                "alive"
            } else if f.first_over_last() < 1.0 {
                "vanishes"
            } else {
                "explodes"
            };
            row.push(format!("{} {verdict}", g4(f.first_over_last())));
        }
        table.row(&row);
    }
    write!(out, "{table}")?;
    writeln!(
        out,
        "entries: first/last gradient norm over {} hidden layers; alive = within a factor {ALIVE_FACTOR} either way",
        opts.depth
    )?;
    let alive: Vec<String> = study
        .iter()
        .filter(|f| f.alive())
        .map(|f| format!("{} + {}", f.activation.name(), f.init.name()))
        .collect();
    writeln!(out, "alive: {}", alive.join(", "))?;
    Ok(())
}
// ANCHOR_END: init

// ANCHOR: dying_table
fn dying_table(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let mut table = Table::new(&[
        "start",
        "activation",
        "dead",
        "z <= 0",
        "no gradient",
        "dead layers",
        "||dL/dh_1||",
    ]);
    for u in dying(opts)? {
        table.row(&[
            u.scenario.clone(),
            u.activation.name().to_string(),
            pct(mean(&u.dead)),
            pct(mean(&u.negative)),
            pct(mean(&u.no_grad)),
            u.dead.iter().filter(|&&d| d == 1.0).count().to_string(),
            g4(u.first_grad),
        ]);
    }
    write!(out, "{table}")?;
    writeln!(
        out,
        "shares of all {} hidden units, on {} inputs; dead = outputs exactly 0 on every input",
        opts.depth * opts.width,
        opts.batch
    )?;
    Ok(())
}
// ANCHOR_END: dying_table
