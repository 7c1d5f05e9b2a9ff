//! An `nn_functional` call on the user's numbers: its value, and the gradient
//! with respect to the predictions through Candle's autograd, as `lab`
//! prints them.

use book_kit::table::{Table, g6};
use candle_core::{DType, Tensor, Var};

use super::{LabError, refused};

/// What one call computed, as f64 (exactly the values of an f32 run).
#[derive(Debug)]
pub struct Computed {
    /// The loss (one number) or, with `--reduction none`, one per element
    /// (per sample for ce and nll), in order.
    pub value: Vec<f64>,
    /// Whether the result was one number (a reduced loss).
    pub scalar: bool,
    /// The gradient of the value (of the sum of the values, with
    /// `--reduction none`) with respect to each prediction, in order.
    pub grad: Vec<f64>,
}

/// Every element of `t`, in order, as f64.
pub fn to_f64(t: &Tensor) -> candle_core::Result<Vec<f64>> {
    t.flatten_all()?.to_dtype(DType::F64)?.to_vec1()
}

/// `f(pred)` and the gradient of its sum with respect to `pred` (of itself,
/// where it is one number). `f` is the library call: its error is the
/// library refusing the user's input (exit code 2); any later error is a bug.
pub fn value_and_grad(
    pred: &Tensor,
    f: impl FnOnce(&Tensor) -> candle_core::Result<Tensor>,
) -> Result<Computed, LabError> {
    let var = Var::from_tensor(pred)?;
    let out = f(var.as_tensor()).map_err(refused)?;
    let scalar = out.rank() == 0;
    let total = if scalar { out.clone() } else { out.sum_all()? };
    let grads = total.backward()?;
    let grad = match grads.get(&var) {
        Some(g) => to_f64(g)?,
        None => vec![0.0; pred.elem_count()],
    };
    Ok(Computed {
        value: to_f64(&out)?,
        scalar,
        grad,
    })
}

/// The diagonal of the Jacobian of `f` at `z`: `∂f(z)_i/∂z_i` for each `i`,
/// one backward pass each (softmax and log-softmax mix their inputs, so the
/// gradient of a sum would not be it).
pub fn jacobian_diagonal(
    z: &Tensor,
    f: impl Fn(&Tensor) -> candle_core::Result<Tensor>,
) -> Result<Computed, LabError> {
    let var = Var::from_tensor(z)?;
    let out = f(var.as_tensor()).map_err(refused)?.flatten_all()?;
    let mut diag = Vec::with_capacity(out.elem_count());
    for i in 0..out.elem_count() {
        let grads = out.narrow(0, i, 1)?.sum_all()?.backward()?;
        let g = match grads.get(&var) {
            Some(g) => to_f64(g)?[i],
            None => 0.0,
        };
        diag.push(g);
    }
    Ok(Computed {
        value: to_f64(&out)?,
        scalar: false,
        grad: diag,
    })
}

/// One row per prediction: `i, pred, target, [loss,] dloss/dpred` (the loss
/// column with `--reduction none`).
pub fn pair_table(pred: &[f64], target: &[f64], c: &Computed) -> Table {
    let per_element = !c.scalar && c.value.len() == pred.len();
    let mut header = vec!["i", "pred", "target"];
    if per_element {
        header.push("loss");
    }
    header.push("dloss/dpred");
    let mut t = Table::new(&header);
    for i in 0..pred.len() {
        let mut row = vec![i.to_string(), g6(pred[i]), g6(target[i])];
        if per_element {
            row.push(g6(c.value[i]));
        }
        row.push(g6(c.grad[i]));
        t.row(&row);
    }
    t
}

/// One row per value of an N×C input: `sample, class, pred, target,
/// [loss,] dloss/dpred`, the target column as the caller shows it.
pub fn class_table(pred: &[f64], classes: usize, target: &[String], c: &Computed) -> Table {
    let per_element = !c.scalar && c.value.len() == pred.len();
    let mut header = vec!["sample", "class", "pred", "target"];
    if per_element {
        header.push("loss");
    }
    header.push("dloss/dpred");
    let mut t = Table::new(&header);
    for (k, &z) in pred.iter().enumerate() {
        let mut row = vec![
            (k / classes).to_string(),
            (k % classes).to_string(),
            g6(z),
            target[k].clone(),
        ];
        if per_element {
            row.push(g6(c.value[k]));
        }
        row.push(g6(c.grad[k]));
        t.row(&row);
    }
    t
}
