//! Chapter 2: vanishing gradients and dying ReLUs.
//!
//! How much of the loss's gradient reaches each layer of a deep MLP at
//! initialisation, for five activations; why sigmoid's derivative costs at
//! least a factor 4 per layer; which initialisation keeps which activation
//! alive, and which of those verdicts other weight seeds can change; and how
//! ReLU units die after a bad start, where LeakyReLU's do not.
//!
//! `gradients.rs` and `dying.rs` compute, this file prints, `plots.rs` draws;
//! `exercises.rs` is the workshop's, with `checks.rs` and (feature
//! `solutions`) `solutions.rs`.

use std::io::Write;

use book_kit::chapter::{Chapter, Section};
use book_kit::cli::{above_to, range};
use book_kit::table::{Table, f4, g4, pct};
use candle_core::{Error, Result};
use clap::builder::RangedU64ValueParser;
use shared::activations::Activation;
use shared::nn::Init;

pub mod checks;
pub mod dying;
#[allow(unused_imports)] // an answer need not use every import the file has
pub mod exercises;
pub mod gradients;
pub mod plots;
#[cfg(feature = "solutions")]
pub mod solutions;

use dying::Units;
use gradients::{ACTIVATIONS, ALIVE_FACTOR, Flow, INITS, MaxSlope, NEAR, Spread, Verdict};

/// The chapter's flags.
#[derive(clap::Args, Debug, Clone)]
pub struct Options {
    /// Number of hidden layers (each `width` units, followed by the activation)
    #[arg(long, default_value_t = 20, value_parser = RangedU64ValueParser::<usize>::new().range(2..=200))]
    pub depth: usize,
    /// Units per hidden layer
    #[arg(long, default_value_t = 64, value_parser = RangedU64ValueParser::<usize>::new().range(1..=1024))]
    pub width: usize,
    /// Initialisation for the per-layer table, the factors and the first plot
    #[arg(long, value_enum, default_value_t = Init::KaimingNormal)]
    pub init: Init,
    /// Rows of the delivery-time regression in the batch
    #[arg(long, default_value_t = 128, value_parser = RangedU64ValueParser::<usize>::new().range(1..=4096))]
    pub batch: usize,
    /// Seed for the weights (the data uses its bitwise complement)
    #[arg(long, default_value_t = shared::data::DEFAULT_SEED)]
    pub seed: u64,
    /// Weight seeds of the seed study: --seed, --seed + 1, ... (same batch)
    #[arg(long, default_value_t = 10, value_parser = RangedU64ValueParser::<usize>::new().range(1..=100))]
    pub seeds: usize,
    /// The bad start: added to every hidden layer's bias at initialisation
    #[arg(long, default_value_t = -1.0, allow_negative_numbers = true, value_parser = range(..))]
    pub bias_shift: f64,
    /// The too-large Adam learning rate of the dying-ReLU experiment
    #[arg(long, default_value_t = 0.03, value_parser = range(above_to(0.0, 10.0)))]
    pub lr: f64,
    /// Adam steps in the dying-ReLU experiment
    #[arg(long, default_value_t = 5, value_parser = RangedU64ValueParser::<usize>::new().range(1..=500))]
    pub steps: usize,
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
    /// Each activation of [`ACTIVATIONS`] under `--init`, in that order.
    pub main: Vec<Flow>,
    /// The largest |f'| of each activation of [`ACTIVATIONS`].
    pub max_slopes: Vec<MaxSlope>,
    /// Every activation under every init of [`INITS`], init by init.
    pub study: Vec<Flow>,
    /// The pairings of `study` near the alive band, under `--seeds` weight seeds.
    pub seeds: Vec<Spread>,
    /// Dead and silent units after each start, ReLU's rows then LeakyReLU's.
    pub dying: Vec<Units>,
}

impl Report {
    /// The measured flow of one pairing of the init study.
    pub fn pairing(&self, act: Activation, init: Init) -> Result<&Flow> {
        self.study
            .iter()
            .find(|f| f.activation == act && f.init == init)
            .ok_or_else(|| Error::Msg(format!("no flow for {} + {}", act.name(), init.name())))
    }
}

// ANCHOR: run
pub fn run(opts: &Options) -> Result<Report> {
    let batch = gradients::batch(opts)?;
    let main = gradients::flows(opts, &batch, opts.init)?;
    let mut study = Vec::new();
    for init in INITS {
        if init == opts.init {
            // Measured above: the same seed gives the same networks.
            study.extend(main.iter().cloned());
        } else {
            study.extend(gradients::flows(opts, &batch, init)?);
        }
    }
    let seeds = gradients::spreads(opts, &batch, &study)?;
    Ok(Report {
        max_slopes: ACTIVATIONS
            .into_iter()
            .map(gradients::max_slope)
            .collect::<Result<_>>()?,
        dying: dying::dying(opts, &batch)?,
        main,
        study,
        seeds,
        opts: opts.clone(),
    })
}
// ANCHOR_END: run

/// The chapter's output, section by section.
pub const SECTIONS: &[Section<Report>] = &[
    Section {
        name: "per-layer",
        title: "Gradient norm at each hidden layer, at initialisation",
        body: print_per_layer,
    },
    Section {
        name: "factors",
        title: "What each layer multiplies the gradient by",
        body: print_factors,
    },
    Section {
        name: "sigmoid",
        title: "Sigmoid: the 0.25 bound against what is measured",
        body: print_sigmoid,
    },
    Section {
        name: "init",
        title: "Which initialisation keeps which activation alive",
        body: print_init,
    },
    Section {
        name: "seeds",
        title: "The verdicts near the band, under other weight seeds",
        body: print_seeds,
    },
    Section {
        name: "dying",
        title: "Dying ReLU: units that output 0 for every input",
        body: print_dying,
    },
];

fn print_per_layer(r: &Report, out: &mut dyn Write) -> Result<()> {
    let opts = &r.opts;
    writeln!(
        out,
        "network: 4 -> {} x {} -> 1, {} init, seed {}",
        opts.depth,
        opts.width,
        opts.init.name(),
        opts.seed
    )?;
    writeln!(
        out,
        "loss: MSE on {} rows of the delivery-time regression",
        opts.batch
    )?;
    writeln!(
        out,
        "entries: ||dLoss/dh|| at each hidden layer, same weights for every activation"
    )?;
    let mut header = vec!["layer".to_string()];
    header.extend(r.main.iter().map(|f| f.activation.name().to_string()));
    let mut table = Table::new(&header);
    let every = opts.depth.div_ceil(20); // at most ~20 rows
    for l in 0..opts.depth {
        if l % every == 0 || l + 1 == opts.depth {
            let mut row = vec![(l + 1).to_string()];
            row.extend(r.main.iter().map(|f| g4(f.grad[l])));
            table.row(&row);
        }
    }
    let mut row = vec!["first/last".to_string()];
    row.extend(r.main.iter().map(|f| g4(f.first_over_last())));
    table.row(&row);
    write!(out, "{table}")?;
    Ok(())
}

fn print_factors(r: &Report, out: &mut dyn Write) -> Result<()> {
    let mut table = Table::new(&[
        "activation",
        "max |f'|",
        "f' factor",
        "W factor",
        "per layer",
        "first/last",
    ]);
    for (f, slope) in r.main.iter().zip(&r.max_slopes) {
        let (a, w) = (f.mean_act_factor(), f.mean_weight_factor());
        table.row(&[
            f.activation.name().to_string(),
            f4(slope.max),
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
        r.opts.depth,
        r.opts.depth - 1
    )?;
    Ok(())
}

fn print_sigmoid(r: &Report, out: &mut dyn Write) -> Result<()> {
    let n = r.opts.depth as i32 - 1;
    let mut table = Table::new(&[
        "init",
        "largest f' factor",
        "f' factor",
        "W factor",
        "per layer",
        "first/last",
    ]);
    for init in INITS {
        let f = r.pairing(Activation::Sigmoid, init)?;
        let (a, w) = (f.mean_act_factor(), f.mean_weight_factor());
        table.row(&[
            init.name().to_string(),
            f4(f.max_act_factor()),
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

fn print_init(r: &Report, out: &mut dyn Write) -> Result<()> {
    let mut header = vec!["activation".to_string()];
    header.extend(INITS.iter().map(|i| i.name().to_string()));
    let mut table = Table::new(&header);
    let mut alive = 0;
    for act in ACTIVATIONS {
        let mut row = vec![act.name().to_string()];
        for init in INITS {
            let f = r.pairing(act, init)?;
            row.push(format!(
                "{} {}",
                g4(f.first_over_last()),
                f.verdict().name()
            ));
            alive += usize::from(f.alive());
        }
        table.row(&row);
    }
    write!(out, "{table}")?;
    writeln!(
        out,
        "entries: first/last gradient norm over {} hidden layers, seed {}",
        r.opts.depth, r.opts.seed
    )?;
    writeln!(
        out,
        "alive = within a factor {ALIVE_FACTOR} either way: {alive} of {} pairings",
        r.study.len()
    )?;
    Ok(())
}

fn print_seeds(r: &Report, out: &mut dyn Write) -> Result<()> {
    let (first, last) = (
        r.opts.seed,
        r.opts.seed.wrapping_add(r.opts.seeds as u64 - 1),
    );
    let mut table = Table::new(&[
        "pairing",
        &format!("seed {first}"),
        "lowest",
        "f' there",
        "highest",
        "alive",
        "vanishes",
        "explodes",
    ]);
    for s in &r.seeds {
        table.row(&[
            format!("{} + {}", s.activation.name(), s.init.name()),
            g4(s.ratios[0]),
            g4(s.lowest()),
            f4(s.act_factors[s.lowest_seed()]),
            g4(s.highest()),
            s.count(Verdict::Alive).to_string(),
            s.count(Verdict::Vanishes).to_string(),
            s.count(Verdict::Explodes).to_string(),
        ]);
    }
    write!(out, "{table}")?;
    let seeds = if last == first {
        format!("seed {first}")
    } else {
        format!("seeds {first} to {last}")
    };
    writeln!(
        out,
        "entries: first/last under weight {seeds}, all on seed {first}'s batch"
    )?;
    writeln!(
        out,
        "f' there: the typical f' factor (as in the factors table) at the lowest first/last"
    )?;
    writeln!(
        out,
        "left out: {} pairings more than a factor {NEAR} outside the band at seed {first}",
        r.study.len() - r.seeds.len()
    )?;
    Ok(())
}

fn print_dying(r: &Report, out: &mut dyn Write) -> Result<()> {
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
    for u in &r.dying {
        table.row(&[
            u.start.label(),
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
        r.opts.depth * r.opts.width,
        r.opts.batch
    )?;
    Ok(())
}
