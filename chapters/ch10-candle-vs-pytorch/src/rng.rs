//! Random numbers: Candle's CPU generator cannot be seeded, so two layers
//! built the same way by candle-nn start from different weights.

use candle_core::{DType, Device, Result};
use shared::candle_nn::{self, VarBuilder, VarMap};
use shared::data::rng;
use shared::nn::{Init, Linear};

use shared::activations::to_f64_vec;

// ANCHOR: rng
/// What seeding Candle's CPU device answers, and whether two layers built
/// the same way start from the same weights.
pub struct Seeding {
    /// The first line of the error `Device::Cpu.set_seed(42)` returns, if any.
    pub set_seed: Option<String>,
    /// The same for `Device::Cpu.get_current_seed()`.
    pub get_seed: Option<String>,
    /// Of the weights of two `candle_nn::linear(4, 3, …)` layers, how many match.
    pub candle_nn_equal: usize,
    /// The same for two `shared::nn::Linear`s drawn from `rng(42)`.
    pub shared_equal: usize,
    pub weights: usize,
}

/// Two `candle_nn::linear(4, 3, vb)` layers, each from a fresh `VarMap`.
fn candle_nn_weights() -> Result<Vec<f64>> {
    let vars = VarMap::new();
    let vb = VarBuilder::from_varmap(&vars, DType::F32, &Device::Cpu);
    to_f64_vec(candle_nn::linear(4, 3, vb)?.weight())
}

fn shared_weights() -> Result<Vec<f64>> {
    let layer = Linear::new(4, 3, Init::PytorchDefault, &mut rng(42))?;
    to_f64_vec(layer.weight.as_tensor())
}

fn matching(a: &[f64], b: &[f64]) -> usize {
    a.iter().zip(b).filter(|(x, y)| x == y).count()
}

/// An error's first line: with `RUST_BACKTRACE` set, Candle appends a backtrace.
fn first_line<T>(r: Result<T>) -> Option<String> {
    r.err()
        .map(|e| e.to_string().lines().next().unwrap_or("").to_string())
}

pub fn seeding() -> Result<Seeding> {
    let (a, b) = (candle_nn_weights()?, candle_nn_weights()?);
    let (c, d) = (shared_weights()?, shared_weights()?);
    Ok(Seeding {
        set_seed: first_line(Device::Cpu.set_seed(42)),
        get_seed: first_line(Device::Cpu.get_current_seed()),
        candle_nn_equal: matching(&a, &b),
        shared_equal: matching(&c, &d),
        weights: a.len(),
    })
}
// ANCHOR_END: rng
