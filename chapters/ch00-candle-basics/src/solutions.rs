//! Reference solutions to `exercises.rs`, compiled only with the `solutions`
//! feature. The README's test command turns it on, so every exercise's check
//! runs against these and cannot rot.

use candle_core::{D, DType, Result, Tensor, Var, bail};
use nn_functional::{self as F, Reduction};

/// `mean(argmax(logits) == labels)`, averaged in f32: `eq` gives u8, whose
/// sum wraps past 255.
pub fn accuracy(logits: &Tensor, labels: &Tensor) -> Result<f64> {
    let hits = logits.argmax(D::Minus1)?.eq(labels)?;
    let share = hits.to_dtype(DType::F32)?.mean_all()?;
    Ok(f64::from(share.to_scalar::<f32>()?))
}

/// `backward()` on the loss, then the store's entry for `w`.
pub fn weight_gradient(w: &Var, x: &Tensor, y: &Tensor) -> Result<Tensor> {
    let loss = F::mse_loss(&x.matmul(w.as_tensor())?, y, Reduction::Mean)?;
    let grads = loss.backward()?;
    match grads.get(w) {
        Some(g) => Ok(g.clone()),
        None => bail!("no gradient for w: the loss does not depend on it"),
    }
}
