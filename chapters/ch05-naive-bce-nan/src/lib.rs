//! Chapter 5: where the naive losses turn into NaN.
//!
//! Sigmoid then log, and softmax then log, break in f32 at logits a network
//! reaches easily: the probability rounds to exactly 0 or 1, a log returns
//! −∞, and `0 · (−∞)` is NaN. This chapter finds those logits by scanning,
//! shows that candle-nn's own binary cross-entropy is the naive form, derives
//! the stable form, and trains the same model with both.

pub mod scan;
pub mod training;

mod plots;
pub use plots::plots;

use std::io::Write;

use candle_core::{D, DType, Device, Result, Tensor};
use clap::Parser;
use shared::activations::{self, Pointwise, value_and_grad};
use shared::chapter::Section;
use shared::cli::CommonArgs;
use shared::cli::{finite, positive};
use shared::losses::{self, loss_and_grad};
use shared::plot::linspace;
use shared::table::{Table, f4, fixed, sci};

/// Chapter 5: the naive binary cross-entropy turns into NaN; the stable one does not.
#[derive(Parser, Debug, Clone)]
#[command(name = "ch05-naive-bce-nan", version)]
pub struct Options {
    /// The logit of the first section's side-by-side comparison
    #[arg(long, default_value_t = 17.0, allow_negative_numbers = true, value_parser = finite)]
    pub logit: f64,
    /// Adam's learning rate in the training run
    #[arg(long, default_value_t = 0.01, allow_negative_numbers = true, value_parser = positive)]
    pub lr: f64,
    /// Training steps (full batch)
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=2000))]
    pub steps: u64,
    /// Multiplies every initial weight and bias (1 = PyTorch's default init)
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true, value_parser = positive)]
    pub init_scale: f64,
    /// Training examples in the binary task
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u64).range(8..=5000))]
    pub samples: u64,
    /// Seed for the data and the initial weights
    #[arg(long, default_value_t = shared::data::DEFAULT_SEED)]
    pub seed: u64,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl Default for Options {
    fn default() -> Self {
        Self::parse_from(["ch05-naive-bce-nan"])
    }
}

/// The chapter's output, section by section.
pub const SECTIONS: &[Section<Options>] = &[
    Section {
        name: "logit-17",
        title: "One confident, correct prediction: naive BCE, candle-nn, stable",
        body: logit_17,
    },
    Section {
        name: "thresholds",
        title: "Where the naive loss breaks: scanning the logit",
        body: thresholds,
    },
    Section {
        name: "sweep-f32",
        title: "Naive vs stable from -200 to 200, f32",
        body: sweep_f32,
    },
    Section {
        name: "sweep-f64",
        title: "Naive vs stable from -200 to 200, f64",
        body: sweep_f64,
    },
    Section {
        name: "pytorch",
        title: "The source tutorial's demo, and what PyTorch's BCELoss answers",
        body: pytorch,
    },
    Section {
        name: "multiclass",
        title: "Softmax then log vs log-softmax",
        body: multiclass,
    },
    Section {
        name: "training",
        title: "Training with the naive and the stable loss",
        body: training::print,
    },
];

pub struct Chapter;
shared::impl_chapter!(Chapter, "ch05-naive-bce-nan", Options, SECTIONS, plots);

// ANCHOR: losses
/// The binary cross-entropies this chapter compares, all on logits `z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bce {
    /// σ(z), then −(y·log p + (1 − y)·log(1 − p)): `shared::losses::naive_bce`.
    Naive,
    /// candle-nn 0.11's `loss::binary_cross_entropy_with_logit`.
    CandleNn,
    /// (1 − y)·z + softplus(−z): `shared::losses::bce_with_logits`.
    Stable,
}

impl Bce {
    /// The loss of each logit against target `y` (one value per element).
    pub fn elementwise(self, z: &Tensor, y: f64) -> Result<Tensor> {
        let target = (z.ones_like()? * y)?;
        match self {
            Bce::Naive => losses::naive_bce_elementwise(z, &target),
            Bce::Stable => losses::bce_with_logits_elementwise(z, &target, None),
            // candle-nn only has a mean-reduced form: apply it to one logit at a time.
            Bce::CandleNn => {
                let per_logit = (0..z.elem_count())
                    .map(|i| {
                        let (zi, yi) = (z.narrow(0, i, 1)?, target.narrow(0, i, 1)?);
                        shared::candle_nn::loss::binary_cross_entropy_with_logit(&zi, &yi)?
                            .reshape(1)
                    })
                    .collect::<Result<Vec<_>>>()?;
                Tensor::cat(&per_logit, 0)
            }
        }
    }

    /// Loss and d loss / dz at each logit, in `dtype`, through Candle's autograd.
    pub fn eval(self, z: &[f64], y: f64, dtype: DType) -> Result<Pointwise> {
        value_and_grad(|t| self.elementwise(t, y), z, dtype)
    }
}
// ANCHOR_END: losses

/// One logit through every loss: σ(z), then loss and gradient for y = 1 and y = 0.
pub struct SideBySide {
    pub sigmoid: f64,
    /// (loss, gradient) for [Naive, CandleNn, Stable], target 1 then target 0.
    pub rows: Vec<(Bce, f64, f64, f64)>,
}

pub fn side_by_side(z: f64) -> Result<SideBySide> {
    let p = activations::sigmoid(&Tensor::new(&[z as f32], &Device::Cpu)?)?;
    let mut rows = Vec::new();
    for y in [1.0, 0.0] {
        for bce in [Bce::Naive, Bce::CandleNn, Bce::Stable] {
            let r = bce.eval(&[z], y, DType::F32)?;
            rows.push((bce, y, r.value[0], r.grad[0]));
        }
    }
    Ok(SideBySide {
        sigmoid: activations::to_f64_vec(&p)?[0],
        rows,
    })
}

fn logit_17(opts: &Options, out: &mut dyn Write) -> Result<()> {
    let r = side_by_side(opts.logit)?;
    writeln!(out, "f32, z = {}", opts.logit)?;
    writeln!(
        out,
        "sigma(z) = {}   1 - sigma(z) = {}   (exactly 1.0: {})",
        fixed(r.sigmoid, 9),
        sci(1.0 - r.sigmoid),
        r.sigmoid == 1.0
    )?;
    let mut table = Table::new(&["target", "loss function", "loss", "d loss / dz"]);
    for (bce, y, loss, grad) in &r.rows {
        let name = match bce {
            Bce::Naive => "naive_bce (sigmoid, then log)",
            Bce::CandleNn => "candle_nn binary_cross_entropy_with_logit",
            Bce::Stable => "bce_with_logits (stable)",
        };
        table.row(&[format!("y = {y}"), name.to_string(), f4(*loss), f4(*grad)]);
    }
    write!(out, "{table}")?;
    let (same, total) = candle_nn_matches_naive()?;
    writeln!(
        out,
        "candle-nn vs naive_bce at logits -200, -199, ..., 200, y = 0 and 1 (f32): same loss and gradient (NaN where NaN) at {same} of {total}"
    )?;
    Ok(())
}

/// At how many of the integer logits in [−200, 200], for both targets, candle-nn's
/// loss and gradient equal those of `naive_bce` (NaN counting as equal to NaN).
pub fn candle_nn_matches_naive() -> Result<(usize, usize)> {
    let z: Vec<f64> = (-200..=200).map(f64::from).collect();
    let same = |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan());
    let mut count = 0;
    for y in [0.0, 1.0] {
        let naive = Bce::Naive.eval(&z, y, DType::F32)?;
        let candle = Bce::CandleNn.eval(&z, y, DType::F32)?;
        count += (0..z.len())
            .filter(|&i| {
                same(naive.value[i], candle.value[i]) && same(naive.grad[i], candle.grad[i])
            })
            .count();
    }
    Ok((count, 2 * z.len()))
}

fn thresholds(_opts: &Options, out: &mut dyn Write) -> Result<()> {
    let at = |x: Option<f64>| x.map_or("never (|z| <= 1000)".to_string(), f4);
    let mut table = Table::new(&["first logit where", "f32", "f64"]);
    for t in scan::find_thresholds()? {
        table.row(&[t.what.to_string(), at(t.f32), at(t.f64)]);
    }
    write!(out, "{table}")?;
    // The stable form on the negative side as well, and far beyond.
    let far = linspace(-1e4, 1e4, 20_001);
    let all_finite = scan::stable_not_finite(&far, DType::F32)?
        .iter()
        .all(|b| !b);
    writeln!(
        out,
        "stable loss and gradient finite at all {} logits from -10000 to 10000 (f32, y = 0 and 1): {all_finite}",
        far.len()
    )?;
    writeln!(
        out,
        "1 + e^-z rounds to 1 once e^-z <= 2^-24 (f32) or 2^-53 (f64): z >= 24 ln 2 = {} or 53 ln 2 = {}",
        f4(24.0 * std::f64::consts::LN_2),
        f4(53.0 * std::f64::consts::LN_2)
    )?;
    writeln!(
        out,
        "e^-z overflows once -z > ln(largest float): {} (f32) or {} (f64)",
        f4((f32::MAX as f64).ln()),
        f4(f64::MAX.ln())
    )?;
    Ok(())
}

/// The logits of the sweep tables.
pub const SWEEP: [f64; 14] = [
    -200.0, -100.0, -50.0, -20.0, -17.0, -10.0, 0.0, 10.0, 16.0, 17.0, 20.0, 50.0, 100.0, 200.0,
];

/// Naive and stable loss and gradient at [`SWEEP`], for y = 1 and y = 0.
pub struct Sweep {
    pub naive: [Pointwise; 2],
    pub stable: [Pointwise; 2],
}

pub fn sweep(dtype: DType) -> Result<Sweep> {
    let run = |bce: Bce| -> Result<[Pointwise; 2]> {
        Ok([bce.eval(&SWEEP, 1.0, dtype)?, bce.eval(&SWEEP, 0.0, dtype)?])
    };
    Ok(Sweep {
        naive: run(Bce::Naive)?,
        stable: run(Bce::Stable)?,
    })
}

fn print_sweep(dtype: DType, out: &mut dyn Write) -> Result<()> {
    let s = sweep(dtype)?;
    let mut table = Table::new(&[
        "z",
        "y=1 loss naive",
        "stable",
        "y=1 grad naive",
        "stable",
        "y=0 loss naive",
        "stable",
        "y=0 grad naive",
        "stable",
    ]);
    for (i, z) in SWEEP.iter().enumerate() {
        let mut row = vec![fixed(*z, 0)];
        for y in 0..2 {
            row.push(f4(s.naive[y].value[i]));
            row.push(f4(s.stable[y].value[i]));
            row.push(f4(s.naive[y].grad[i]));
            row.push(f4(s.stable[y].grad[i]));
        }
        table.row(&row);
    }
    write!(out, "{table}")?;
    Ok(())
}

fn sweep_f32(_opts: &Options, out: &mut dyn Write) -> Result<()> {
    print_sweep(DType::F32, out)
}

fn sweep_f64(_opts: &Options, out: &mut dyn Write) -> Result<()> {
    print_sweep(DType::F64, out)
}

// ANCHOR: pytorch
/// PyTorch's `BCELoss` on `p = σ(z)`, reproduced: each log is clamped at −100.
pub fn clamped_bce_elementwise(z: &Tensor, y: f64) -> Result<Tensor> {
    let p = activations::sigmoid(z)?;
    let log_p = p.log()?.maximum(-100.0)?;
    let log_1mp = (1.0 - &p)?.log()?.maximum(-100.0)?;
    ((log_p * y)? + (log_1mp * (1.0 - y))?)?.neg()
}

/// The gradient PyTorch's autograd reports through `BCELoss(sigmoid(z))`, in f32:
/// BCELoss's backward `(p − y) / max(p(1 − p), 1e-12)`, times sigmoid's `p(1 − p)`.
pub fn clamped_bce_grad(z: f32, y: f32) -> f32 {
    let p = 1.0 / (1.0 + (-z).exp());
    let dp = p * (1.0 - p);
    (p - y) / dp.max(1e-12) * dp
}
// ANCHOR_END: pytorch

fn pytorch(_opts: &Options, out: &mut dyn Write) -> Result<()> {
    let cases = [
        (100.0, 1.0),
        (17.0, 1.0),
        (16.0, 0.0),
        (17.0, 0.0),
        (200.0, 0.0),
        (-200.0, 1.0),
    ];
    let mut table = Table::new(&[
        "z",
        "y",
        "PyTorch BCELoss(sigmoid)",
        "its gradient",
        "naive = candle-nn",
        "stable",
        "stable gradient",
    ]);
    for (z, y) in cases {
        let t = Tensor::new(&[z as f32], &Device::Cpu)?;
        let clamped = activations::to_f64_vec(&clamped_bce_elementwise(&t, y)?)?[0];
        let naive = Bce::Naive.eval(&[z], y, DType::F32)?;
        let stable = Bce::Stable.eval(&[z], y, DType::F32)?;
        table.row(&[
            fixed(z, 0),
            fixed(y, 0),
            f4(clamped),
            f4(clamped_bce_grad(z as f32, y as f32) as f64),
            f4(naive.value[0]),
            f4(stable.value[0]),
            f4(stable.grad[0]),
        ]);
    }
    write!(out, "{table}")?;
    Ok(())
}

// ANCHOR: multiclass
/// One row of logits through three cross-entropies: softmax then log,
/// exp / sum then log, and log-softmax. Each is (loss, gradient).
pub struct MultiClass {
    pub softmax_log: (f64, Vec<f64>),
    pub naive_log: (f64, Vec<f64>),
    pub log_softmax: (f64, Vec<f64>),
}

pub fn multiclass_case(logits: &[f32], target: u32) -> Result<MultiClass> {
    let dev = Device::Cpu;
    let z = Tensor::new(logits, &dev)?.unsqueeze(0)?;
    let t = Tensor::new(&[target], &dev)?;
    let pick =
        |log_p: Tensor| -> Result<Tensor> { log_p.gather(&t.unsqueeze(1)?, 1)?.neg()?.mean_all() };
    let run = |f: &dyn Fn(&Tensor) -> Result<Tensor>| -> Result<(f64, Vec<f64>)> {
        let r = loss_and_grad(&z, f)?;
        Ok((r.value, r.grad))
    };
    Ok(MultiClass {
        softmax_log: run(&|z| pick(activations::softmax(z, D::Minus1)?.log()?))?,
        naive_log: run(&|z| pick(activations::naive_softmax(z, D::Minus1)?.log()?))?,
        log_softmax: run(&|z| losses::cross_entropy(z, &t, None))?,
    })
}
// ANCHOR_END: multiclass

fn multiclass(_opts: &Options, out: &mut dyn Write) -> Result<()> {
    let cases: [(&[f32], u32); 6] = [
        (&[100.0, 0.0, 0.0], 0),
        (&[50.0, 0.0, 0.0], 1),
        (&[100.0, 0.0, 0.0], 1),
        (&[200.0, 0.0, 0.0], 1),
        (&[-200.0, 0.0, 0.0], 0),
        (&[1000.0, 1000.0, 0.0], 0),
    ];
    let list = |v: &[f64], fmt: fn(f64) -> String| {
        format!(
            "[{}]",
            v.iter().map(|&x| fmt(x)).collect::<Vec<_>>().join(", ")
        )
    };
    let mut table = Table::new(&[
        "logits",
        "target",
        "softmax, log",
        "exp/sum, log",
        "log_softmax",
        "gradient (exp/sum, log)",
        "gradient (log_softmax)",
    ]);
    for (logits, target) in cases {
        let r = multiclass_case(logits, target)?;
        let z: Vec<f64> = logits.iter().map(|&x| x as f64).collect();
        table.row(&[
            list(&z, |x| fixed(x, 0)),
            target.to_string(),
            f4(r.softmax_log.0),
            f4(r.naive_log.0),
            f4(r.log_softmax.0),
            list(&r.naive_log.1, f4),
            list(&r.log_softmax.1, f4),
        ]);
    }
    write!(out, "{table}")?;
    let t = scan::multiclass_thresholds()?;
    writeln!(
        out,
        "logits [t, 0, 0], f32: exp/sum then log is NaN for target 0 from t = {}; softmax then log is inf for target 1 from t = {}",
        t.0.map_or("never".into(), f4),
        t.1.map_or("never".into(), f4)
    )?;
    Ok(())
}
