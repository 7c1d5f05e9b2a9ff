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

use candle_core::{DType, Result, Tensor, Var, bail};
use nn_functional::{
    self as F, BinaryCrossEntropyWithLogitsOptions, CrossEntropyOptions, HuberLossOptions,
    Reduction, SigmoidFocalLossOptions,
};

use crate::activations::to_f64_vec;

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

/// `(ŷ − y)²` per element: [`nn_functional::mse_loss`] with `Reduction::None`.
pub fn mse_elementwise(pred: &Tensor, target: &Tensor) -> Result<Tensor> {
    check_same_shape(pred, target, "mse")?;
    F::mse_loss(pred, target, Reduction::None)
}

/// Mean squared error, `mean((ŷ − y)²)`: PyTorch's `MSELoss`, [`nn_functional::mse_loss`].
pub fn mse(pred: &Tensor, target: &Tensor) -> Result<Tensor> {
    check_same_shape(pred, target, "mse")?;
    F::mse_loss(pred, target, Reduction::Mean)
}

/// `|ŷ − y|` per element, with derivative `sign(ŷ − y)` (0 at a perfect
/// prediction): [`nn_functional::l1_loss`] with `Reduction::None`.
pub fn mae_elementwise(pred: &Tensor, target: &Tensor) -> Result<Tensor> {
    check_same_shape(pred, target, "mae")?;
    F::l1_loss(pred, target, Reduction::None)
}

/// Mean absolute error, `mean(|ŷ − y|)`: PyTorch's `L1Loss`, [`nn_functional::l1_loss`].
pub fn mae(pred: &Tensor, target: &Tensor) -> Result<Tensor> {
    check_same_shape(pred, target, "mae")?;
    F::l1_loss(pred, target, Reduction::Mean)
}

fn huber_options(delta: f64, reduction: Reduction) -> Result<HuberLossOptions> {
    if !(delta > 0.0 && delta.is_finite()) {
        bail!("huber: delta must be a positive number, got {delta}")
    }
    Ok(HuberLossOptions { delta, reduction })
}

/// Huber per element: `½e²` where `|e| < δ`, `δ(|e| − ½δ)` elsewhere:
/// [`nn_functional::huber_loss`] with `Reduction::None`.
pub fn huber_elementwise(pred: &Tensor, target: &Tensor, delta: f64) -> Result<Tensor> {
    check_same_shape(pred, target, "huber")?;
    F::huber_loss(pred, target, huber_options(delta, Reduction::None)?)
}

/// Huber loss with threshold `delta`: PyTorch's `HuberLoss(delta)`, [`nn_functional::huber_loss`].
/// Note the ½ on the quadratic branch, which makes both branches meet with slope δ.
pub fn huber(pred: &Tensor, target: &Tensor, delta: f64) -> Result<Tensor> {
    check_same_shape(pred, target, "huber")?;
    F::huber_loss(pred, target, huber_options(delta, Reduction::Mean)?)
}

fn bce_options(
    logits: &Tensor,
    pos_weight: Option<f64>,
    reduction: Reduction,
) -> Result<BinaryCrossEntropyWithLogitsOptions> {
    let pos_weight = match pos_weight {
        None => None,
        // one weight, broadcast by the library to every element
        Some(w) if w >= 0.0 && w.is_finite() => {
            Some(Tensor::new(&[w], logits.device())?.to_dtype(logits.dtype())?)
        }
        Some(w) => {
            bail!("bce_with_logits: pos_weight must be a non-negative number, got {w}")
        }
    };
    Ok(BinaryCrossEntropyWithLogitsOptions {
        pos_weight,
        reduction,
        ..Default::default()
    })
}

/// Binary cross-entropy on logits per element, stable for any logit:
/// `(1 − y)·z + (1 + (w − 1)·y) · softplus(−z)`, with `w` the positive-class
/// weight: [`nn_functional::binary_cross_entropy_with_logits`] with
/// `Reduction::None`.
pub fn bce_with_logits_elementwise(
    logits: &Tensor,
    target: &Tensor,
    pos_weight: Option<f64>,
) -> Result<Tensor> {
    check_same_shape(logits, target, "bce_with_logits")?;
    let opts = bce_options(logits, pos_weight, Reduction::None)?;
    F::binary_cross_entropy_with_logits(logits, target, opts)
}

/// Binary cross-entropy on logits: PyTorch's `BCEWithLogitsLoss(pos_weight=…)`,
/// [`nn_functional::binary_cross_entropy_with_logits`].
pub fn bce_with_logits(
    logits: &Tensor,
    target: &Tensor,
    pos_weight: Option<f64>,
) -> Result<Tensor> {
    check_same_shape(logits, target, "bce_with_logits")?;
    let opts = bce_options(logits, pos_weight, Reduction::Mean)?;
    F::binary_cross_entropy_with_logits(logits, target, opts)
}

// ANCHOR: naive_bce
/// Naive binary cross-entropy per element: `σ(z)` first, then
/// `−(y·log p + (1 − y)·log(1 − p))`.
pub fn naive_bce_elementwise(logits: &Tensor, target: &Tensor) -> Result<Tensor> {
    check_same_shape(logits, target, "naive_bce")?;
    let p = F::sigmoid(logits)?;
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

/// Class weights as a tensor of the logits' dtype, after the book's checks.
fn class_weights(logits: &Tensor, c: usize, weights: Option<&[f64]>) -> Result<Option<Tensor>> {
    let Some(w) = weights else {
        return Ok(None);
    };
    if w.len() != c {
        bail!("cross_entropy: {} class weights for {c} classes", w.len())
    }
    if w.iter().any(|x| !(*x >= 0.0 && x.is_finite())) {
        bail!("cross_entropy: class weights must be non-negative numbers, got {w:?}")
    }
    Ok(Some(
        Tensor::new(w, logits.device())?.to_dtype(logits.dtype())?,
    ))
}

/// Class indices as u32, the dtype `nn_functional` reads as indices (an f32
/// target would be read as class probabilities).
fn class_indices(targets: &Tensor) -> Result<Tensor> {
    targets.to_dtype(DType::U32)
}

/// `−log softmax(z)[target]` per sample: one loss per row of `(N, C)` logits,
/// [`nn_functional::cross_entropy`] with `Reduction::None`.
pub fn cross_entropy_elementwise(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
    check_classes(logits, targets)?;
    let opts = CrossEntropyOptions {
        reduction: Reduction::None,
        ..Default::default()
    };
    F::cross_entropy(logits, &class_indices(targets)?, opts)
}

/// Cross-entropy on `(N, C)` logits and `N` class indices: PyTorch's
/// `CrossEntropyLoss(weight=…)`, [`nn_functional::cross_entropy`]. With class
/// weights `w`, each sample's loss is multiplied by `w[target]` and the sum is
/// divided by `Σ w[target]`, not by N.
pub fn cross_entropy(logits: &Tensor, targets: &Tensor, weights: Option<&[f64]>) -> Result<Tensor> {
    let (_, c) = check_classes(logits, targets)?;
    let opts = CrossEntropyOptions {
        weight: class_weights(logits, c, weights)?,
        ..Default::default()
    };
    F::cross_entropy(logits, &class_indices(targets)?, opts)
}

fn focal_options(
    alpha: Option<f64>,
    gamma: f64,
    reduction: Reduction,
) -> Result<SigmoidFocalLossOptions> {
    if !(gamma >= 0.0 && gamma.is_finite()) {
        bail!("focal_loss: gamma must be a non-negative number, got {gamma}")
    }
    if let Some(alpha) = alpha
        && !(0.0..=1.0).contains(&alpha)
    {
        bail!("focal_loss: alpha must be between 0 and 1, got {alpha}")
    }
    Ok(SigmoidFocalLossOptions {
        alpha,
        gamma,
        reduction,
    })
}

/// Focal loss per element, with torchvision's `sigmoid_focal_loss` semantics:
/// `α_t · (1 − p_t)^γ · BCE(z, y)`, where `p_t` is the probability given to the
/// true class and `α_t = α·y + (1 − α)(1 − y)`. `alpha: None` leaves the α
/// weighting out (torchvision's `alpha=-1`); `gamma = 0` leaves plain
/// (α-weighted) BCE. [`nn_functional::sigmoid_focal_loss`] with `Reduction::None`.
pub fn focal_loss_elementwise(
    logits: &Tensor,
    target: &Tensor,
    alpha: Option<f64>,
    gamma: f64,
) -> Result<Tensor> {
    check_same_shape(logits, target, "focal_loss")?;
    F::sigmoid_focal_loss(
        logits,
        target,
        focal_options(alpha, gamma, Reduction::None)?,
    )
}

/// Focal loss (Lin et al., 2017), mean-reduced: torchvision's
/// `sigmoid_focal_loss(…, alpha, gamma, reduction="mean")`, [`nn_functional::sigmoid_focal_loss`].
pub fn focal_loss(
    logits: &Tensor,
    target: &Tensor,
    alpha: Option<f64>,
    gamma: f64,
) -> Result<Tensor> {
    check_same_shape(logits, target, "focal_loss")?;
    F::sigmoid_focal_loss(
        logits,
        target,
        focal_options(alpha, gamma, Reduction::Mean)?,
    )
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
