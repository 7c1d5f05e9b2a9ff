//! Reference solutions to `exercises.rs`, compiled only with the `solutions`
//! feature. The README's test command turns it on, so every exercise's check
//! runs against these and cannot rot.

use candle_core::Result;
use candle_core::backprop::GradStore;
use shared::activations::to_f64;
use shared::nn::Mlp;

/// `√Σ g²` of each layer's weight gradient, 0 where the store has none.
pub fn layer_grad_norms(mlp: &Mlp, grads: &GradStore) -> Result<Vec<f64>> {
    mlp.layers
        .iter()
        .map(|layer| match grads.get(&layer.weight) {
            Some(g) => to_f64(&g.sqr()?.sum_all()?.sqrt()?),
            None => Ok(0.0),
        })
        .collect()
}
