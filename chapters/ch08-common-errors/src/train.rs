//! The training loop the chapter's experiments share. `shared::nn::train`
//! runs Adam with nothing between the backward pass and the step; here the
//! gradients come out as a `GradStore`, so they can be measured and clipped
//! before the optimiser sees them.

use candle_core::{Result, Tensor};
use shared::activations::{to_f64, to_f64_vec};
use shared::candle_nn::{AdamW, Optimizer, ParamsAdamW, SGD};
use shared::grad::{clip_grad_norm, grad_norm};
use shared::nn::Mlp;

/// The optimisers the chapter uses.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Opt {
    /// Plain gradient descent: `w -= lr · g`.
    Sgd { lr: f64 },
    /// AdamW (Adam when `weight_decay` is 0): PyTorch's `torch.optim.AdamW`.
    AdamW { lr: f64, weight_decay: f64 },
}

impl Opt {
    pub fn adam(lr: f64) -> Self {
        Opt::AdamW {
            lr,
            weight_decay: 0.0,
        }
    }
}

enum Stepper {
    Sgd(SGD),
    AdamW(AdamW),
}

/// What one run recorded, before each step.
#[derive(Clone, Debug, Default)]
pub struct Run {
    /// The loss; the run stops after the first non-finite value.
    pub loss: Vec<f64>,
    /// The global L2 norm of the first step's gradient, before any clipping.
    pub first_grad_norm: Option<f64>,
}

impl Run {
    /// The step at which the loss was first NaN or infinite.
    pub fn blew_up_at(&self) -> Option<usize> {
        self.loss.iter().position(|l| !l.is_finite())
    }
    /// The highest finite loss, if any.
    pub fn peak(&self) -> Option<f64> {
        self.loss
            .iter()
            .copied()
            .filter(|l| l.is_finite())
            .reduce(f64::max)
    }
    /// The last loss (NaN for a run with none).
    pub fn final_loss(&self) -> f64 {
        self.loss.last().copied().unwrap_or(f64::NAN)
    }
}

// ANCHOR: fit
/// Full-batch training of `model` on `loss(model(x))`: forward, loss,
/// `backward()` into a `GradStore`, clip its global norm to `clip` if given,
/// then one optimiser step. Stops at the first non-finite loss, keeping it.
pub fn fit(
    model: &Mlp,
    x: &Tensor,
    opt: Opt,
    steps: usize,
    clip: Option<f64>,
    loss: impl Fn(&Tensor) -> Result<Tensor>,
) -> Result<Run> {
    let vars = model.vars();
    let mut stepper = match opt {
        Opt::Sgd { lr } => Stepper::Sgd(SGD::new(vars.clone(), lr)?),
        Opt::AdamW { lr, weight_decay } => Stepper::AdamW(AdamW::new(
            vars.clone(),
            ParamsAdamW {
                lr,
                weight_decay,
                ..Default::default()
            },
        )?),
    };
    let mut run = Run::default();
    for _ in book_kit::progress::steps("training", steps) {
        let l = loss(&model.forward(x)?)?;
        run.loss.push(to_f64(&l)?);
        if !run.loss.last().is_some_and(|l| l.is_finite()) {
            break;
        }
        let mut grads = l.backward()?;
        if run.first_grad_norm.is_none() {
            run.first_grad_norm = Some(grad_norm(&grads, &vars)?);
        }
        if let Some(max_norm) = clip {
            clip_grad_norm(&mut grads, &vars, max_norm)?;
        }
        match &mut stepper {
            Stepper::Sgd(o) => o.step(&grads)?,
            Stepper::AdamW(o) => o.step(&grads)?,
        }
    }
    Ok(run)
}
// ANCHOR_END: fit

/// Every hidden unit's activation on every example: is it 0 on all of them?
pub fn dead_units(mlp: &Mlp, x: &Tensor) -> Result<(usize, usize)> {
    let (mut dead, mut total) = (0, 0);
    let mut h = x.clone();
    for layer in &mlp.layers[..mlp.layers.len() - 1] {
        h = mlp.activation.apply(&layer.forward(&h)?)?;
        // largest activation of each unit over the batch
        let most = to_f64_vec(&h.max(0)?)?;
        dead += most.iter().filter(|&&m| m <= 0.0).count();
        total += most.len();
    }
    Ok((dead, total))
}
