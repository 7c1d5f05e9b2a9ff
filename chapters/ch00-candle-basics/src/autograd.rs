//! `Var` against `Tensor`: which one gets a gradient, where the gradient
//! lives (a `GradStore` that `backward()` returns), and one step by hand.
//! Computes; never prints.

use candle_core::{Device, Result, Tensor, Var, backprop::GradStore, bail};
use shared::activations::{to_f64, to_f64_vec};

/// What one small loss and its backward pass give.
#[derive(Clone, Debug, PartialEq)]
pub struct Autograd {
    pub w: Vec<f64>,
    pub x: Vec<f64>,
    /// `(w·x)²`.
    pub loss: f64,
    /// The gradient the store holds for the `Var` `w`.
    pub grad_w: Option<Vec<f64>>,
    /// The gradient the store holds for the plain `Tensor` `x`, an operand
    /// of `w * x`: Candle computes it as a by-product.
    pub grad_x: Option<Vec<f64>>,
    /// The gradient for `raw`, the plain tensor `x` was computed from: none.
    pub grad_raw: Option<Vec<f64>>,
    /// `w`'s gradient from a second `backward()` of the same loss.
    pub grad_w_again: Option<Vec<f64>>,
    /// `w`'s gradient when the loss uses `w.detach()`.
    pub grad_w_detached: Option<Vec<f64>>,
    /// The learning rate of the step by hand.
    pub lr: f64,
    /// `w` after `w ← w − lr·∂loss/∂w`, done with `Var::set`.
    pub w_after: Vec<f64>,
    /// The loss at the new `w`.
    pub loss_after: f64,
}

/// The gradient of `t` in `grads`, if it has one.
fn grad_of(grads: &GradStore, t: &Tensor) -> Result<Option<Vec<f64>>> {
    grads.get(t).map(to_f64_vec).transpose()
}

// ANCHOR: autograd
pub fn autograd(dev: &Device, lr: f64) -> Result<Autograd> {
    let w = Var::new(&[0.5f32, -1.0, 2.0], dev)?; // torch: requires_grad=True
    let raw = Tensor::new(&[2f32, 4.0, 6.0], dev)?; // plain data
    let x = (&raw * 0.5)?; // plain too: no Var went in, so no graph
    let loss_at = |w: &Tensor| (w * &x)?.sum_all()?.sqr(); // (w·x)²
    let loss = loss_at(w.as_tensor())?;

    let grads = loss.backward()?; // a GradStore: nothing is stored on w
    let again = loss.backward()?; // a fresh store: nothing accumulates
    let detached = loss_at(&w.as_tensor().detach())?.backward()?;

    let Some(g) = grads.get(&w) else {
        bail!("w is a Var, so it should have a gradient")
    };
    let before = to_f64_vec(&w)?;
    w.set(&(w.as_tensor() - (g * lr)?)?)?; // what an optimiser's step does
    Ok(Autograd {
        w: before,
        x: to_f64_vec(&x)?,
        loss: to_f64(&loss)?,
        grad_w: grad_of(&grads, &w)?,
        grad_x: grad_of(&grads, &x)?,
        grad_raw: grad_of(&grads, &raw)?,
        grad_w_again: grad_of(&again, &w)?,
        grad_w_detached: grad_of(&detached, &w)?,
        lr,
        w_after: to_f64_vec(&w)?,
        loss_after: to_f64(&loss_at(w.as_tensor())?)?,
    })
}
// ANCHOR_END: autograd
