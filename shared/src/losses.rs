//! Loss functions with PyTorch's semantics, written with Candle tensor
//! operations so that autograd gives their gradients.
//!
//! Every loss takes the prediction first and the target second, as PyTorch
//! does, works in f32 and f64, and is mean-reduced. The `*_elementwise` forms
//! return one loss per element (PyTorch's `reduction="none"`), which the book
//! uses to show each sample's share.
//!
//! Kinks get PyTorch's subgradients: `|e|` has derivative 0 at `e = 0`
//! (`sign(0) = 0`), and Huber's two branches meet with equal slopes.

use candle_core::{D, DType, Result, Tensor, Var, bail};

use crate::activations::{log_softmax, to_f64_vec};

/// `sign(e)` as a constant (−1, 0 or 1): comparisons carry no gradient.
fn sign(e: &Tensor) -> Result<Tensor> {
    let pos = e.gt(0.0)?.to_dtype(e.dtype())?;
    let neg = e.lt(0.0)?.to_dtype(e.dtype())?;
    pos - neg
}

fn check_same_shape(pred: &Tensor, target: &Tensor, loss: &str) -> Result<()> {
    if pred.shape() != target.shape() {
        bail!(
            "{loss}: prediction shape {:?} does not match target shape {:?}",
            pred.dims(),
            target.dims()
        )
    }
    if pred.elem_count() == 0 {
        bail!("{loss}: no elements")
    }
    Ok(())
}

/// `(ŷ − y)²` per element.
pub fn mse_elementwise(pred: &Tensor, target: &Tensor) -> Result<Tensor> {
    check_same_shape(pred, target, "mse")?;
    (pred - target)?.sqr()
}

/// Mean squared error, `mean((ŷ − y)²)`: PyTorch's `MSELoss`.
pub fn mse(pred: &Tensor, target: &Tensor) -> Result<Tensor> {
    mse_elementwise(pred, target)?.mean_all()
}

/// `|ŷ − y|` per element, with derivative `sign(ŷ − y)` (0 at a perfect prediction).
pub fn mae_elementwise(pred: &Tensor, target: &Tensor) -> Result<Tensor> {
    check_same_shape(pred, target, "mae")?;
    let e = (pred - target)?;
    &e * sign(&e)?
}

/// Mean absolute error, `mean(|ŷ − y|)`: PyTorch's `L1Loss`.
pub fn mae(pred: &Tensor, target: &Tensor) -> Result<Tensor> {
    mae_elementwise(pred, target)?.mean_all()
}

// ANCHOR: huber
/// Huber per element: `½e²` where `|e| < δ`, `δ(|e| − ½δ)` elsewhere.
pub fn huber_elementwise(pred: &Tensor, target: &Tensor, delta: f64) -> Result<Tensor> {
    check_same_shape(pred, target, "huber")?;
    if !(delta > 0.0 && delta.is_finite()) {
        bail!("huber: delta must be a positive number, got {delta}")
    }
    let e = (pred - target)?;
    let abs_e = (&e * sign(&e)?)?;
    let inside = abs_e.lt(delta)?.to_dtype(e.dtype())?;
    let quadratic = (e.sqr()? * 0.5)?;
    let linear = ((abs_e - 0.5 * delta)? * delta)?;
    // inside · quadratic + (1 − inside) · linear
    (&inside * quadratic)? + ((1.0 - inside)? * linear)?
}
// ANCHOR_END: huber

/// Huber loss with threshold `delta`: PyTorch's `HuberLoss(delta)`.
/// Note the ½ on the quadratic branch, which makes both branches meet with slope δ.
pub fn huber(pred: &Tensor, target: &Tensor, delta: f64) -> Result<Tensor> {
    huber_elementwise(pred, target, delta)?.mean_all()
}

// ANCHOR: stable_bce
/// `log(1 + t)` for `t` in `[0, 1]`, accurate even where `1 + t` rounds to 1
/// (`t < 2^-24` in f32): there a three-term series `t − t²/2 + t³/3` takes
/// over, as `log1p` does in PyTorch.
fn log1p_unit(t: &Tensor) -> Result<Tensor> {
    let small = t.lt(1e-5)?.to_dtype(t.dtype())?;
    let t2 = t.sqr()?;
    let series = ((t - (&t2 * 0.5)?)? + ((&t2 * t)? / 3.0)?)?;
    let plain = (t + 1.0)?.log()?;
    (&small * series)? + ((1.0 - small)? * plain)?
}

/// Binary cross-entropy on logits per element, stable for any logit:
/// `(1 − y)·z + (1 + (w − 1)·y) · softplus(−z)`, with `w` the positive-class weight.
///
/// With `softplus(−z) = max(−z, 0) + log(1 + e^(−|z|))`, the loss is
/// `c·z + lw·log(1 + e^(−|z|))`, where `lw = 1 + (w − 1)·y` and the
/// coefficient `c = (1 − y) − lw·[z < 0]` is computed from the targets and the
/// sign of `z` alone. Signs and targets are constants to autograd, so the
/// gradient is `c + lw·(log term)'`: no `1 − 1` cancellation, and at
/// `z = −17, y = 0` it is `σ(−17) = 4.1e-8` as in PyTorch, not 0.
pub fn bce_with_logits_elementwise(
    logits: &Tensor,
    target: &Tensor,
    pos_weight: Option<f64>,
) -> Result<Tensor> {
    check_same_shape(logits, target, "bce_with_logits")?;
    let z = logits;
    let negative = z.lt(0.0)?.to_dtype(z.dtype())?; // 1 where z < 0
    let sign = (1.0 - (&negative * 2.0)?)?; // −1 where z < 0, else +1 (also at 0)
    let log_term = log1p_unit(&(z * sign)?.neg()?.exp()?)?; // log(1 + e^(−|z|))
    let lw = match pos_weight {
        None => target.ones_like()?,
        Some(w) => {
            if !(w >= 0.0 && w.is_finite()) {
                bail!("bce_with_logits: pos_weight must be a non-negative number, got {w}")
            }
            // weight w on the positive term, 1 on the negative
            ((target * (w - 1.0))? + 1.0)?
        }
    };
    let coef = ((1.0 - target)? - (&lw * negative)?)?;
    (z * coef)? + (lw * log_term)?
}

// ANCHOR_END: stable_bce

/// Binary cross-entropy on logits: PyTorch's `BCEWithLogitsLoss(pos_weight=…)`.
pub fn bce_with_logits(
    logits: &Tensor,
    target: &Tensor,
    pos_weight: Option<f64>,
) -> Result<Tensor> {
    bce_with_logits_elementwise(logits, target, pos_weight)?.mean_all()
}

// ANCHOR: naive_bce
/// Naive binary cross-entropy per element: `σ(z)` first, then
/// `−(y·log p + (1 − y)·log(1 − p))`.
pub fn naive_bce_elementwise(logits: &Tensor, target: &Tensor) -> Result<Tensor> {
    check_same_shape(logits, target, "naive_bce")?;
    let p = crate::activations::sigmoid(logits)?;
    let pos = (target * p.log()?)?;
    let neg = ((1.0 - target)? * (1.0 - &p)?.log()?)?;
    (pos + neg)?.neg()
}
// ANCHOR_END: naive_bce

/// Binary cross-entropy the unstable way. In f32, `σ(z)` rounds to exactly 1
/// from `z ≈ 16.7` on, `log(1 − p)` is then `−∞`, and even a correct label
/// (`y = 1`) gives `0 · (−∞) = NaN`. This is the formula of candle-nn 0.11's
/// `loss::binary_cross_entropy_with_logit`; kept so the book can show it failing.
pub fn naive_bce(logits: &Tensor, target: &Tensor) -> Result<Tensor> {
    naive_bce_elementwise(logits, target)?.mean_all()
}

/// Checks a `(N, C)` logits tensor against `N` class indices and returns `(N, C)`.
fn check_classes(logits: &Tensor, targets: &Tensor) -> Result<(usize, usize)> {
    let (n, c) = match logits.dims() {
        [n, c] => (*n, *c),
        d => bail!("cross_entropy: logits must be (N, C), got shape {d:?}"),
    };
    if targets.dims() != [n] {
        bail!(
            "cross_entropy: targets must be {n} class indices, got shape {:?}",
            targets.dims()
        )
    }
    if n == 0 || c == 0 {
        bail!("cross_entropy: no samples or no classes")
    }
    let idx = targets.to_dtype(DType::U32)?.to_vec1::<u32>()?;
    if let Some(bad) = idx.iter().find(|&&t| t as usize >= c) {
        bail!("cross_entropy: class index {bad} out of range for {c} classes")
    }
    Ok((n, c))
}

/// `−log softmax(z)[target]` per sample: one loss per row of `(N, C)` logits.
pub fn cross_entropy_elementwise(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
    check_classes(logits, targets)?;
    let idx = targets.to_dtype(DType::U32)?.unsqueeze(1)?;
    log_softmax(logits, D::Minus1)?
        .gather(&idx, 1)?
        .squeeze(1)?
        .neg()
}

// ANCHOR: cross_entropy
/// Cross-entropy on `(N, C)` logits and `N` class indices: PyTorch's
/// `CrossEntropyLoss(weight=…)`. With class weights `w`, each sample's loss is
/// multiplied by `w[target]` and the sum is divided by `Σ w[target]`, not by N.
pub fn cross_entropy(logits: &Tensor, targets: &Tensor, weights: Option<&[f64]>) -> Result<Tensor> {
    let (_, c) = check_classes(logits, targets)?;
    let per_sample = cross_entropy_elementwise(logits, targets)?;
    let Some(w) = weights else {
        return per_sample.mean_all();
    };
    if w.len() != c {
        bail!("cross_entropy: {} class weights for {c} classes", w.len())
    }
    if w.iter().any(|x| !(*x >= 0.0 && x.is_finite())) {
        bail!("cross_entropy: class weights must be non-negative numbers, got {w:?}")
    }
    let w = Tensor::new(w, logits.device())?.to_dtype(logits.dtype())?;
    let w_t = w.index_select(&targets.to_dtype(DType::U32)?, 0)?;
    (per_sample * &w_t)?
        .sum_all()?
        .broadcast_div(&w_t.sum_all()?)
}
// ANCHOR_END: cross_entropy

// ANCHOR: focal
/// Focal loss per element, with torchvision's `sigmoid_focal_loss` semantics:
/// `α_t · (1 − p_t)^γ · BCE(z, y)`, where `p_t` is the probability given to the
/// true class and `α_t = α·y + (1 − α)(1 − y)`. `alpha: None` leaves the α
/// weighting out (torchvision's `alpha=-1`); `gamma = 0` leaves plain
/// (α-weighted) BCE.
pub fn focal_loss_elementwise(
    logits: &Tensor,
    target: &Tensor,
    alpha: Option<f64>,
    gamma: f64,
) -> Result<Tensor> {
    check_same_shape(logits, target, "focal_loss")?;
    if !(gamma >= 0.0 && gamma.is_finite()) {
        bail!("focal_loss: gamma must be a non-negative number, got {gamma}")
    }
    if let Some(alpha) = alpha
        && !(0.0..=1.0).contains(&alpha)
    {
        bail!("focal_loss: alpha must be between 0 and 1, got {alpha}")
    }
    let ce = bce_with_logits_elementwise(logits, target, None)?;
    let p = crate::activations::sigmoid(logits)?;
    // p_t = p·y + (1 − p)(1 − y)
    let p_t = ((&p * target)? + ((1.0 - &p)? * (1.0 - target)?)?)?;
    let loss = if gamma == 0.0 {
        // (1 − p_t)⁰ = 1 has derivative 0, as in PyTorch; Candle's powf would
        // give it a NaN derivative wherever 1 − p_t = 0.
        ce
    } else {
        ((1.0 - p_t)?.powf(gamma)? * ce)?
    };
    if let Some(alpha) = alpha {
        let alpha_t = ((target * alpha)? + ((1.0 - target)? * (1.0 - alpha))?)?;
        alpha_t * loss
    } else {
        Ok(loss)
    }
}
// ANCHOR_END: focal

/// Focal loss (Lin et al., 2017), mean-reduced: torchvision's
/// `sigmoid_focal_loss(…, alpha, gamma, reduction="mean")`.
pub fn focal_loss(
    logits: &Tensor,
    target: &Tensor,
    alpha: Option<f64>,
    gamma: f64,
) -> Result<Tensor> {
    focal_loss_elementwise(logits, target, alpha, gamma)?.mean_all()
}

/// A scalar loss and its gradient with respect to the prediction.
#[derive(Clone, Debug, PartialEq)]
pub struct LossAndGrad {
    pub value: f64,
    /// Same length and order as the prediction, flattened row-major.
    pub grad: Vec<f64>,
}

/// Evaluates `loss(pred)` and `∂loss/∂pred` through Candle's autograd.
pub fn loss_and_grad(
    pred: &Tensor,
    loss: impl Fn(&Tensor) -> Result<Tensor>,
) -> Result<LossAndGrad> {
    let var = Var::from_tensor(pred)?;
    let l = loss(var.as_tensor())?;
    let grads = l.backward()?;
    let grad = match grads.get(&var) {
        Some(g) => to_f64_vec(g)?,
        None => vec![0.0; pred.elem_count()],
    };
    Ok(LossAndGrad {
        value: crate::activations::to_f64(&l)?,
        grad,
    })
}
