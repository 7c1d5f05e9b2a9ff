//! `lab`: try an activation or a loss on your own numbers.
//!
//! ```text
//! lab act relu -3 -0.5 2
//! lab act leaky-relu --slope 0.2 -1 0 1
//! lab loss huber --pred=35,31,48,42 --target=41,29,55,97 --delta 5
//! lab loss ce --classes 3 --pred=2.1,0.3,-0.5,0.1,1.9,0.2 --target=0,1 --json
//! lab bench --steps 200
//! ```
//!
//! Every check on the user's numbers happens here, before Candle sees them, so
//! a bad value gets one line naming it and exit code 2, never a panic.

use std::fmt::Write as _;
use std::str::FromStr;

use candle_core::{D, DType, Device, Tensor};
use clap::{Args, Parser, Subcommand, ValueEnum};
use shared::activations::{self, Activation, Pointwise};
use shared::cli::finite;
use shared::losses::{self, LossAndGrad};
use shared::table::{Table, g6};

#[derive(Parser, Debug)]
#[command(
    name = "lab",
    version,
    about = "Try activations and losses on your own numbers",
    long_about = "Try activations and losses on your own numbers.\n\n\
        Values and derivatives come from the same `shared` library the book's chapters use, \
        through Candle's autograd, with PyTorch's semantics."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print f(z) and f'(z) at each point z (softmax: the probability vector)
    Act(ActArgs),
    /// Print a loss and its gradient with respect to each prediction
    Loss(LossArgs),
    /// Time the three training loops of the source material (compare with tools/bench-pytorch.py)
    Bench(crate::bench::BenchArgs),
}

#[derive(Args, Debug)]
pub struct Output {
    /// Compute in this precision
    #[arg(long, value_enum, default_value_t = Precision::F32)]
    pub dtype: Precision,
    /// Print one JSON object instead of a table (NaN and infinities as "NaN", "inf", "-inf")
    #[arg(long)]
    pub json: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    F32,
    F64,
}

impl Precision {
    fn dtype(self) -> DType {
        match self {
            Precision::F32 => DType::F32,
            Precision::F64 => DType::F64,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::F64 => "f64",
        }
    }
}

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
    #[arg(required = true, allow_negative_numbers = true, value_parser = finite)]
    pub z: Vec<f64>,
    /// LeakyReLU's slope for z < 0 [default: 0.01]
    #[arg(long, allow_negative_numbers = true, value_parser = finite)]
    pub slope: Option<f64>,
    #[command(flatten)]
    pub output: Output,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossName {
    Mse,
    Mae,
    Huber,
    BceLogits,
    BceNaive,
    Ce,
    Focal,
}

#[derive(Args, Debug)]
pub struct LossArgs {
    /// The loss
    #[arg(value_enum)]
    pub name: LossName,
    /// Predictions (logits for bce-*, ce and focal), comma-separated; for ce, N×C logits row by row
    #[arg(long, allow_hyphen_values = true)]
    pub pred: NumberList,
    /// Targets, comma-separated; for ce, N class indices
    #[arg(long, allow_hyphen_values = true)]
    pub target: NumberList,
    /// huber: the threshold δ between the quadratic and the linear part [default: 1.0]
    #[arg(long, allow_negative_numbers = true, value_parser = finite)]
    pub delta: Option<f64>,
    /// bce-logits: weight of the positive class (n_neg / n_pos balances the classes)
    #[arg(long, allow_negative_numbers = true, value_parser = finite)]
    pub pos_weight: Option<f64>,
    /// ce: the number of classes C (1 to 100000)
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub classes: Option<u32>,
    /// ce: one weight per class, comma-separated
    #[arg(long, allow_hyphen_values = true)]
    pub weights: Option<NumberList>,
    /// focal: weight of the positive class, at most 1; negative turns it off [default: 0.25]
    #[arg(long, allow_negative_numbers = true, value_parser = finite)]
    pub alpha: Option<f64>,
    /// focal: the focusing exponent γ ≥ 0 [default: 2.0]
    #[arg(long, allow_negative_numbers = true, value_parser = finite)]
    pub gamma: Option<f64>,
    #[command(flatten)]
    pub output: Output,
}

/// A non-empty, comma-separated list of finite numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct NumberList(pub Vec<f64>);

impl FromStr for NumberList {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s.trim().is_empty() {
            return Err("the list is empty".to_string());
        }
        s.split(',')
            .map(|item| {
                if item.trim().is_empty() {
                    Err(format!("'{s}' has an empty item"))
                } else {
                    finite(item)
                }
            })
            .collect::<Result<Vec<_>, _>>()
            .map(NumberList)
    }
}

/// A problem with the user's input: printed as one line, exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError(pub String);

/// What `lab` prints, or the input error it stops on.
pub type LabResult = Result<String, LabError>;

#[derive(Debug)]
pub enum LabError {
    /// The user's numbers or options are wrong (exit code 2).
    Input(InputError),
    /// Candle failed on input that passed every check (exit code 1; a bug).
    Compute(candle_core::Error),
}

impl From<candle_core::Error> for LabError {
    fn from(e: candle_core::Error) -> Self {
        LabError::Compute(e)
    }
}

fn input_err<T>(msg: impl Into<String>) -> Result<T, LabError> {
    Err(LabError::Input(InputError(msg.into())))
}

/// Runs a parsed command line and returns what to print.
pub fn run(cli: &Cli) -> LabResult {
    match &cli.command {
        Command::Act(a) => run_act(a),
        Command::Loss(l) => run_loss(l),
        Command::Bench(b) => Ok(crate::bench::run(b)?),
    }
}

fn act_label(name: ActName) -> String {
    name.to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}

fn run_act(a: &ActArgs) -> LabResult {
    if a.slope.is_some() && a.name != ActName::LeakyRelu {
        return input_err("--slope applies only to leaky-relu");
    }
    let dtype = a.output.dtype.dtype();
    check_range(a.output.dtype, "z", &a.z)?;
    check_range(a.output.dtype, "--slope", a.slope.as_slice())?;
    let label = act_label(a.name);
    let result: Pointwise = match a.name {
        ActName::Softmax => softmax_pointwise(&a.z, dtype)?,
        name => {
            let act = match name {
                ActName::Relu => Activation::Relu,
                ActName::LeakyRelu => Activation::LeakyRelu {
                    slope: a.slope.unwrap_or(activations::DEFAULT_LEAKY_SLOPE),
                },
                ActName::Gelu => Activation::Gelu,
                ActName::GeluTanh => Activation::GeluTanh,
                ActName::Sigmoid => Activation::Sigmoid,
                ActName::Tanh => Activation::Tanh,
                ActName::Silu | ActName::Softmax => Activation::Silu,
            };
            activations::value_and_grad(|z| act.apply(z), &a.z, dtype)?
        }
    };
    let p = a.output.dtype;
    if a.output.json {
        return Ok(format!(
            "{{\"name\": \"{label}\", \"dtype\": \"{}\", \"z\": {}, \"value\": {}, \"grad\": {}}}\n",
            p.name(),
            json_array(&result.z, p),
            json_array(&result.value, p),
            json_array(&result.grad, p)
        ));
    }
    let (fz, dfz) = if a.name == ActName::Softmax {
        ("p_i", "dp_i/dz_i")
    } else {
        ("f(z)", "f'(z)")
    };
    let mut t = Table::new(&["z", fz, dfz]);
    for i in 0..result.z.len() {
        t.row(&[g6(result.z[i]), g6(result.value[i]), g6(result.grad[i])]);
    }
    let mut out = String::new();
    let slope = match a.name {
        ActName::LeakyRelu => format!(
            ", slope {}",
            g6(a.slope.unwrap_or(activations::DEFAULT_LEAKY_SLOPE))
        ),
        _ => String::new(),
    };
    writeln!(out, "{label}{slope} in {}", p.name()).ok();
    out.push_str(&t.to_string());
    if a.name == ActName::Softmax {
        writeln!(out, "sum of p: {}", g6(result.value.iter().sum())).ok();
    }
    Ok(out)
}

/// Softmax of the whole vector `z`, with the Jacobian's diagonal `∂p_i/∂z_i = p_i(1 − p_i)`
/// taken through autograd.
fn softmax_pointwise(z: &[f64], dtype: DType) -> candle_core::Result<Pointwise> {
    let p = activations::softmax(&Tensor::new(z, &Device::Cpu)?.to_dtype(dtype)?, D::Minus1)?;
    let value = activations::to_f64_vec(&p)?;
    let mut diag = Vec::with_capacity(z.len());
    for i in 0..z.len() {
        let var = candle_core::Var::from_tensor(&Tensor::new(z, &Device::Cpu)?.to_dtype(dtype)?)?;
        let p = activations::softmax(var.as_tensor(), D::Minus1)?;
        let grads = p.narrow(0, i, 1)?.sum_all()?.backward()?;
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

fn loss_label(name: LossName) -> &'static str {
    match name {
        LossName::Mse => "mse",
        LossName::Mae => "mae",
        LossName::Huber => "huber",
        LossName::BceLogits => "bce-logits",
        LossName::BceNaive => "bce-naive",
        LossName::Ce => "ce",
        LossName::Focal => "focal",
    }
}

/// Options that only some losses take: each may be given only to its own.
fn check_options_apply(l: &LossArgs) -> Result<(), LabError> {
    let rules: [(bool, &str, &[LossName]); 6] = [
        (l.delta.is_some(), "--delta", &[LossName::Huber]),
        (
            l.pos_weight.is_some(),
            "--pos-weight",
            &[LossName::BceLogits],
        ),
        (l.classes.is_some(), "--classes", &[LossName::Ce]),
        (l.weights.is_some(), "--weights", &[LossName::Ce]),
        (l.alpha.is_some(), "--alpha", &[LossName::Focal]),
        (l.gamma.is_some(), "--gamma", &[LossName::Focal]),
    ];
    for (given, flag, losses) in rules {
        if given && !losses.contains(&l.name) {
            return input_err(format!(
                "{flag} applies only to {}, not to {}",
                loss_label(losses[0]),
                loss_label(l.name)
            ));
        }
    }
    Ok(())
}

fn run_loss(l: &LossArgs) -> LabResult {
    check_options_apply(l)?;
    let dtype = l.output.dtype.dtype();
    let p = l.output.dtype;
    check_range(p, "--pred", &l.pred.0)?;
    check_range(p, "--target", &l.target.0)?;
    for (flag, v) in [
        ("--delta", l.delta),
        ("--pos-weight", l.pos_weight),
        ("--alpha", l.alpha),
        ("--gamma", l.gamma),
    ] {
        check_range(p, flag, v.as_slice())?;
    }
    if let Some(w) = &l.weights {
        check_range(p, "--weights", &w.0)?;
    }
    let (pred, target) = (&l.pred.0, &l.target.0);
    let tensor = |v: &[f64]| -> candle_core::Result<Tensor> {
        Tensor::new(v, &Device::Cpu)?.to_dtype(dtype)
    };
    let mut detail = String::new();
    let result: LossAndGrad = if l.name == LossName::Ce {
        let c = match l.classes {
            None => return input_err("ce needs --classes C, the number of classes"),
            Some(c) => c as usize,
        };
        let n = target.len();
        if Some(pred.len()) != n.checked_mul(c) {
            return input_err(format!(
                "--pred has {} logits, expected N×C = {n}×{c} = {} for {n} targets and {c} classes",
                pred.len(),
                n * c
            ));
        }
        let mut idx = Vec::with_capacity(n);
        for &t in target {
            if t.fract() != 0.0 || t < 0.0 {
                return input_err(format!(
                    "--target holds class indices for ce; {t} is not one"
                ));
            }
            if t >= c as f64 {
                return input_err(format!(
                    "class index {} in --target is out of range for {c} classes (0 to {})",
                    g6(t),
                    c - 1
                ));
            }
            idx.push(t as u32);
        }
        let weights = match &l.weights {
            None => None,
            Some(w) if w.0.len() != c => {
                return input_err(format!(
                    "--weights has {} numbers for {c} classes",
                    w.0.len()
                ));
            }
            Some(w) if w.0.iter().any(|&x| x < 0.0) => {
                return input_err("--weights must not be negative");
            }
            Some(w) => Some(w.0.clone()),
        };
        if let Some(w) = &weights {
            let total: f64 = idx.iter().map(|&i| w[i as usize]).sum();
            writeln!(
                detail,
                "weighted mean: divided by the targets' total weight {}, not by N = {n}",
                g6(total)
            )
            .ok();
        }
        let targets = Tensor::new(idx.as_slice(), &Device::Cpu)?;
        let logits = tensor(pred)?.reshape((n, c))?;
        losses::loss_and_grad(&logits, |p| {
            losses::cross_entropy(p, &targets, weights.as_deref())
        })?
    } else {
        if pred.len() != target.len() {
            return input_err(format!(
                "--pred has {} numbers but --target has {}",
                pred.len(),
                target.len()
            ));
        }
        let binary = matches!(
            l.name,
            LossName::BceLogits | LossName::BceNaive | LossName::Focal
        );
        if binary && let Some(t) = target.iter().find(|t| !(0.0..=1.0).contains(*t)) {
            return input_err(format!(
                "--target for {} must lie between 0 and 1, got {t}",
                loss_label(l.name)
            ));
        }
        let y = tensor(target)?;
        let x = tensor(pred)?;
        match l.name {
            LossName::Mse => losses::loss_and_grad(&x, |p| losses::mse(p, &y))?,
            LossName::Mae => losses::loss_and_grad(&x, |p| losses::mae(p, &y))?,
            LossName::Huber => {
                let delta = l.delta.unwrap_or(1.0);
                if delta <= 0.0 {
                    return input_err(format!("--delta must be positive, got {delta}"));
                }
                writeln!(detail, "delta = {}", g6(delta)).ok();
                losses::loss_and_grad(&x, |p| losses::huber(p, &y, delta))?
            }
            LossName::BceLogits => {
                if let Some(w) = l.pos_weight {
                    if w < 0.0 {
                        return input_err(format!("--pos-weight must not be negative, got {w}"));
                    }
                    writeln!(detail, "pos_weight = {}", g6(w)).ok();
                }
                losses::loss_and_grad(&x, |p| losses::bce_with_logits(p, &y, l.pos_weight))?
            }
            LossName::BceNaive => losses::loss_and_grad(&x, |p| losses::naive_bce(p, &y))?,
            LossName::Focal => {
                let alpha = l.alpha.unwrap_or(0.25);
                let gamma = l.gamma.unwrap_or(2.0);
                if gamma < 0.0 {
                    return input_err(format!("--gamma must not be negative, got {gamma}"));
                }
                if alpha > 1.0 {
                    return input_err(format!(
                        "--alpha must be at most 1 (negative turns it off), got {alpha}"
                    ));
                }
                writeln!(detail, "alpha = {}, gamma = {}", g6(alpha), g6(gamma)).ok();
                losses::loss_and_grad(&x, |p| losses::focal_loss(p, &y, alpha, gamma))?
            }
            LossName::Ce => unreachable!("handled above"),
        }
    };
    let p = l.output.dtype;
    let label = loss_label(l.name);
    if l.output.json {
        return Ok(format!(
            "{{\"name\": \"{label}\", \"dtype\": \"{}\", \"value\": {}, \"grad\": {}}}\n",
            p.name(),
            json_number(result.value, p),
            json_array(&result.grad, p)
        ));
    }
    let mut out = String::new();
    writeln!(out, "{label} in {}: loss = {}", p.name(), g6(result.value)).ok();
    out.push_str(&detail);
    if l.name == LossName::Ce {
        let c = l.classes.unwrap_or(1) as usize;
        let mut t = Table::new(&["sample", "class", "logit", "target", "dloss/dlogit"]);
        for (k, (&z, &g)) in pred.iter().zip(&result.grad).enumerate() {
            let (i, j) = (k / c, k % c);
            let is_target = target[i] as usize == j;
            t.row(&[
                i.to_string(),
                j.to_string(),
                g6(z),
                if is_target { "*" } else { "" }.to_string(),
                g6(g),
            ]);
        }
        out.push_str(&t.to_string());
    } else {
        let mut t = Table::new(&["i", "pred", "target", "dloss/dpred"]);
        for (i, ((&z, &y), &g)) in pred.iter().zip(target).zip(&result.grad).enumerate() {
            t.row(&[i.to_string(), g6(z), g6(y), g6(g)]);
        }
        out.push_str(&t.to_string());
    }
    Ok(out)
}

/// Numbers beyond f32's range would silently become infinities in f32: refuse them.
fn check_range(p: Precision, what: &str, xs: &[f64]) -> Result<(), LabError> {
    if p == Precision::F32
        && let Some(x) = xs.iter().find(|x| x.abs() > f64::from(f32::MAX))
    {
        return input_err(format!(
            "{what} value {} is beyond f32's range (largest {}); use --dtype f64",
            g6(*x),
            g6(f64::from(f32::MAX))
        ));
    }
    Ok(())
}

/// A JSON number at the precision computed in; non-finite values as strings.
pub fn json_number(x: f64, p: Precision) -> String {
    if x.is_nan() {
        return "\"NaN\"".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "\"inf\"" } else { "\"-inf\"" }.to_string();
    }
    let exponent_form = x != 0.0 && !(1e-5..1e15).contains(&x.abs());
    match (p, exponent_form) {
        // the shortest decimal that reads back as the same f32
        (Precision::F32, false) => format!("{}", x as f32),
        (Precision::F32, true) => format!("{:e}", x as f32),
        (Precision::F64, false) => format!("{x}"),
        (Precision::F64, true) => format!("{x:e}"),
    }
}

fn json_array(xs: &[f64], p: Precision) -> String {
    let items: Vec<String> = xs.iter().map(|&x| json_number(x, p)).collect();
    format!("[{}]", items.join(", "))
}
