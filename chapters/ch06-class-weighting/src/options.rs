//! The chapter's flags, their validation, and the experiment they select.

use std::sync::Arc;

use candle_core::Result;
use clap::Parser;
use shared::cli::CommonArgs;

use crate::runs::{self, Experiment, Setup};

/// Chapter 6: class weighting, pos_weight and focal loss on imbalanced data.
#[derive(Parser, Debug, Clone)]
#[command(name = "ch06-class-weighting", version)]
pub struct Options {
    /// Positive (minority) rates of the binary task, comma-separated, each from 0.001 to 0.5
    #[arg(long, value_delimiter = ',', default_values_t = [0.05, 0.01], value_parser = rate, allow_negative_numbers = true)]
    pub rate: Vec<f64>,
    /// How far each minority class sits from the majority along its features;
    /// smaller means more overlap
    #[arg(long, default_value_t = 1.5, value_parser = separation, allow_negative_numbers = true)]
    pub separation: f64,
    /// Focal loss γ in the method comparison
    #[arg(long, default_value_t = 2.0, value_parser = gamma, allow_negative_numbers = true)]
    pub gamma: f64,
    /// Focal loss α, the weight of the positive class (a negative value turns α off)
    #[arg(long, default_value_t = 0.25, allow_negative_numbers = true, value_parser = alpha)]
    pub alpha: f64,
    /// The γ values of the focal-loss sweep (run at the first rate, without α)
    #[arg(long, value_delimiter = ',', default_values_t = [0.0, 0.5, 1.0, 2.0, 5.0], value_parser = gamma, allow_negative_numbers = true)]
    pub gammas: Vec<f64>,
    /// Class shares of the multi-class task, comma-separated, majority first
    #[arg(long, value_delimiter = ',', default_values_t = [0.80, 0.15, 0.05], value_parser = share, allow_negative_numbers = true)]
    pub shares: Vec<f64>,
    /// Training rows per task
    #[arg(long, default_value_t = 4000, value_parser = clap::value_parser!(u64).range(100..=100_000))]
    pub train: u64,
    /// Hidden ReLU units (0: a linear model, i.e. logistic regression)
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=256))]
    pub hidden: u64,
    /// Full-batch Adam steps per model
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=20_000))]
    pub steps: u64,
    /// Adam's learning rate
    #[arg(long, default_value_t = 0.2, value_parser = learning_rate)]
    pub lr: f64,
    /// Seed for the data and the initial weights
    #[arg(long, default_value_t = shared::data::DEFAULT_SEED)]
    pub seed: u64,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl Default for Options {
    fn default() -> Self {
        Self::parse_from(["ch06-class-weighting"])
    }
}

fn in_range(s: &str, lo: f64, hi: f64, what: &str) -> std::result::Result<f64, String> {
    match shared::cli::finite(s)? {
        x if (lo..=hi).contains(&x) => Ok(x),
        _ => Err(format!("'{s}' {what}")),
    }
}

fn rate(s: &str) -> std::result::Result<f64, String> {
    in_range(
        s,
        0.001,
        0.5,
        "must be a positive rate between 0.001 and 0.5",
    )
}
fn separation(s: &str) -> std::result::Result<f64, String> {
    in_range(s, 0.0, 10.0, "must be between 0 and 10")
}
fn gamma(s: &str) -> std::result::Result<f64, String> {
    in_range(s, 0.0, 20.0, "must be a γ between 0 and 20")
}
fn alpha(s: &str) -> std::result::Result<f64, String> {
    match shared::cli::finite(s)? {
        x if x <= 1.0 => Ok(x),
        _ => Err(format!("'{s}' must be at most 1 (negative turns α off)")),
    }
}
fn share(s: &str) -> std::result::Result<f64, String> {
    in_range(s, 0.001, 1.0, "must be a share between 0.001 and 1")
}
fn learning_rate(s: &str) -> std::result::Result<f64, String> {
    in_range(s, 1e-6, 10.0, "must be a learning rate between 1e-6 and 10")
}

impl Options {
    /// Checks that need several flags at once; `main` reports a failure as a
    /// usage error (one line, exit code 2).
    pub fn check(&self) -> std::result::Result<(), String> {
        if !(2..=8).contains(&self.shares.len()) {
            return Err("--shares needs between 2 and 8 classes".into());
        }
        let total: f64 = self.shares.iter().sum();
        if (total - 1.0).abs() > 1e-6 {
            return Err(format!("--shares must add up to 1, not {total:.4}"));
        }
        let smallest = self
            .rate
            .iter()
            .chain(&self.shares)
            .fold(1.0, |a: f64, &b| a.min(b));
        if smallest * (self.train as f64) < 10.0 {
            return Err(format!(
                "--train {} expects fewer than 10 training rows of a class with rate {smallest}: raise --train",
                self.train
            ));
        }
        Ok(())
    }

    fn setup(&self) -> Setup {
        Setup {
            rates: self.rate.clone(),
            separation: self.separation as f32,
            alpha: self.alpha,
            gamma: self.gamma,
            gammas: self.gammas.clone(),
            shares: self.shares.clone(),
            train: self.train as usize,
            held_out: HELD_OUT,
            hidden: self.hidden as usize,
            steps: self.steps as usize,
            lr: self.lr,
            seed: self.seed,
        }
    }

    /// The trained models and their held-out predictions (trained once per process).
    pub fn experiment(&self) -> Result<Arc<Experiment>> {
        self.check().map_err(candle_core::Error::Msg)?;
        runs::cached(&self.setup())
    }
}

/// Rows in the validation set and in the test set. Scoring is cheap, and with
/// 1% positives 20 000 rows hold about 200 of them.
pub const HELD_OUT: usize = 20_000;
