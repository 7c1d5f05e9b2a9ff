//! `lab`: try an activation or a loss on your own numbers.
//!
//! ```text
//! lab act relu -3 -0.5 2
//! lab act leaky-relu --negative-slope 0.2 -1 0 1
//! lab act softmax --shape 2,3 --dim 0 1 2 3 4 5 6
//! lab loss huber --pred=35,31,48,42 --target=41,29,55,97 --delta 5
//! lab loss ce --classes 3 --pred=2.1,0.3,-0.5,0.1,1.9,0.2 --target=0,1 --label-smoothing 0.1 --json
//! lab loss kl-div --classes 2 --pred=-0.7,-0.7 --target=1,0 --reduction batchmean
//! lab bench --steps 200
//! ```
//!
//! Every activation and loss is `nn_functional`'s, the crate a reader takes
//! with them, called as a reader's code would call it; its options are flags
//! named after PyTorch's keyword arguments. Clap refuses what one flag can
//! tell on its own (a number out of its range, an option the function does
//! not take); the checks that are about the command line (lengths that must
//! agree, class indices against `--classes`, f32's range) happen here; and
//! what the library refuses (a negative weight, `label_smoothing` outside
//! [0, 1], a shape that does not broadcast) comes back as its error, which
//! names the argument. Each way a bad value gets one line and exit code 2,
//! never a panic.

mod act;
mod classes;
mod compute;
mod json;
mod loss;

use std::fmt;
use std::str::FromStr;

use book_kit::cli::range;
use book_kit::table::g6;
use candle_core::{DType, Device, Tensor};
use clap::{ArgMatches, Args, FromArgMatches, Parser, Subcommand, ValueEnum};

pub use act::{Act, ActArgs, Points};
pub use loss::{Loss, LossArgs, Numbers};

#[derive(Parser, Debug)]
#[command(
    name = "lab",
    version,
    about = "Try activations and losses on your own numbers",
    long_about = "Try activations and losses on your own numbers.\n\n\
        Values and derivatives come from nn-functional, the crate the book's chapters use \
        (torch.nn.functional for Candle), through Candle's autograd, with PyTorch's semantics. \
        Options are flags named after PyTorch's keyword arguments (label_smoothing: \
        --label-smoothing)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print f(z) and f'(z) at each point z (softmax, log-softmax: the diagonal of the Jacobian)
    Act(ActArgs),
    /// Print a loss and its gradient with respect to each prediction (PyTorch's names and options)
    Loss(LossArgs),
    /// Time three training loops: regression, binary, 4-class (compare with tools/bench-pytorch.py)
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

    /// `f32` or `f64`, as the user types it.
    fn name(self) -> String {
        value_name(self)
    }

    /// `xs` as a tensor of this precision, on the CPU.
    fn tensor(self, xs: &[f64]) -> candle_core::Result<Tensor> {
        Tensor::new(xs, &Device::Cpu)?.to_dtype(self.dtype())
    }
}

/// The name clap gives a value on the command line (`leaky-relu`, `f32`).
fn value_name(v: impl ValueEnum) -> String {
    v.to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}

/// A subcommand together with the name clap matched it by (the canonical
/// name, also when the user typed an alias), so that output can name it
/// without a second, hand-kept table of names.
#[derive(Debug)]
pub struct Named<T> {
    pub name: String,
    pub command: T,
}

impl<T: FromArgMatches> FromArgMatches for Named<T> {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        Self::from_arg_matches_mut(&mut m.clone())
    }

    fn from_arg_matches_mut(m: &mut ArgMatches) -> Result<Self, clap::Error> {
        let name = m.subcommand_name().unwrap_or_default().to_string();
        let command = T::from_arg_matches_mut(m)?;
        Ok(Named { name, command })
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        self.update_from_arg_matches_mut(&mut m.clone())
    }

    fn update_from_arg_matches_mut(&mut self, m: &mut ArgMatches) -> Result<(), clap::Error> {
        if let Some(name) = m.subcommand_name() {
            self.name = name.to_string();
        }
        self.command.update_from_arg_matches_mut(m)
    }
}

impl<T: Subcommand> Subcommand for Named<T> {
    fn augment_subcommands(cmd: clap::Command) -> clap::Command {
        T::augment_subcommands(cmd)
    }

    fn augment_subcommands_for_update(cmd: clap::Command) -> clap::Command {
        T::augment_subcommands_for_update(cmd)
    }

    fn has_subcommand(name: &str) -> bool {
        T::has_subcommand(name)
    }
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
                    range(..).parse(item)
                }
            })
            .collect::<Result<Vec<_>, _>>()
            .map(NumberList)
    }
}

/// A problem with the user's input: printed as one line, exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError(pub String);

/// What `lab` prints, or the error it stops on.
pub type LabResult = Result<String, LabError>;

#[derive(Debug)]
pub enum LabError {
    /// The user's numbers or options are wrong (exit code 2).
    Input(InputError),
    /// Candle failed on input that passed every check (exit code 1; a bug).
    Compute(candle_core::Error),
    /// The output did not serialize (exit code 1; a bug).
    Json(serde_json::Error),
}

impl fmt::Display for LabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabError::Input(e) => f.write_str(&e.0),
            LabError::Compute(e) => write!(f, "{e}"),
            LabError::Json(e) => write!(f, "{e}"),
        }
    }
}

impl From<candle_core::Error> for LabError {
    fn from(e: candle_core::Error) -> Self {
        LabError::Compute(e)
    }
}

impl From<serde_json::Error> for LabError {
    fn from(e: serde_json::Error) -> Self {
        LabError::Json(e)
    }
}

fn input_err<T>(msg: impl Into<String>) -> Result<T, LabError> {
    Err(LabError::Input(InputError(msg.into())))
}

/// An error from `nn_functional` on the user's numbers: the library's message
/// names the argument and the rule, and it is the user's input that broke it
/// (exit code 2). Only the first line: a backtrace, if Candle captured one,
/// is not for the user.
fn refused(e: candle_core::Error) -> LabError {
    let msg = e.to_string();
    LabError::Input(InputError(
        msg.lines().next().unwrap_or_default().to_string(),
    ))
}

/// Runs a parsed command line and returns what to print.
pub fn run(cli: &Cli) -> LabResult {
    match &cli.command {
        Command::Act(a) => act::run(a),
        Command::Loss(l) => loss::run(l),
        Command::Bench(b) => Ok(crate::bench::run(b)?),
    }
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
