//! Where Candle and PyTorch treat the graph and the operands differently,
//! without any number being wrong: an op that drops the graph, gradients for
//! operands that are not variables, gradients that never accumulate, no
//! implicit broadcasting, no dtype promotion, no vector `matmul`. Each row measures Candle now; the PyTorch column is what
//! PyTorch 2.15 does with the same computation (the call is beside it).

use candle_core::{D, Device, Result, Tensor, Var};
use shared::activations::to_f64_vec;
use shared::candle_nn;

/// One behaviour: what Candle does now, what PyTorch does, and the page of
/// the book that relies on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Behaviour {
    pub what: &'static str,
    pub candle: String,
    pub pytorch: &'static str,
    pub page: &'static str,
}

/// `[a, b, c]` to four decimals.
fn list(v: &[f64]) -> String {
    let items: Vec<String> = v.iter().map(|x| format!("{x:.4}")).collect();
    format!("[{}]", items.join(", "))
}

/// The first line of what an operation returned: its shape and values, or
/// Candle's error message.
fn outcome(r: Result<Tensor>) -> Result<String> {
    Ok(match r {
        Ok(t) => format!("Ok: shape {:?}, {}", t.dims(), t.dtype().as_str()),
        Err(e) => format!("Err: {}", e.to_string().lines().next().unwrap_or("")),
    })
}

// ANCHOR: graph
pub fn graph() -> Result<Vec<Behaviour>> {
    let dev = &Device::Cpu;
    // ∂p₀/∂x for p = softmax(x), x = [1, 2, 3], through two candle-nn softmaxes.
    let x = Var::new(&[1f32, 2.0, 3.0], dev)?;
    let d_p0 = |p: Tensor| -> Result<String> {
        let grads = p.get(0)?.backward()?;
        Ok(match grads.get(&x) {
            Some(g) => list(&to_f64_vec(g)?),
            None => "no gradient for x: the op keeps no graph".to_string(),
        })
    };
    let last_dim = d_p0(candle_nn::ops::softmax_last_dim(x.as_tensor())?)?;
    let general = d_p0(candle_nn::ops::softmax(x.as_tensor(), D::Minus1)?)?;

    // A plain tensor y (not a Var) multiplied by the Var w.
    let w = Var::new(&[0.5f32, -1.0, 2.0], dev)?;
    let y = Tensor::new(&[1f32, 2.0, 3.0], dev)?;
    let grads = (w.as_tensor() * &y)?.sum_all()?.backward()?;
    let plain = match grads.get(&y) {
        Some(g) => format!("stored: {}", list(&to_f64_vec(g)?)),
        None => "none".to_string(),
    };

    // The same loss, backward twice: sum(v²) at v = [1, 2].
    let v = Var::new(&[1f32, 2.0], dev)?;
    let twice: Vec<String> = (0..2)
        .map(|_| {
            let grads = v.as_tensor().sqr()?.sum_all()?.backward()?;
            grads
                .get(&v)
                .map_or(Ok("none".to_string()), |g| Ok(list(&to_f64_vec(g)?)))
        })
        .collect::<Result<_>>()?;

    // Shapes (3, 1) and (3,); f32 and f64; a (2, 3) matrix times a 1-D (3,).
    let col = Tensor::new(&[[1f32], [2.0], [3.0]], dev)?;
    let row = Tensor::new(&[1f32, 2.0, 3.0], dev)?;
    let wide = Tensor::new(&[1f64, 2.0, 3.0], dev)?;
    let matrix = Tensor::new(&[[1f32, 0.0, 0.0], [0.0, 1.0, 0.0]], dev)?;
    Ok(vec![
        Behaviour {
            what: "candle_nn::ops::softmax_last_dim(x), d p0 / dx at x = [1, 2, 3]",
            candle: last_dim,
            pytorch: "[0.0819, -0.0220, -0.0599]: torch.softmax(x, -1)[0].backward()",
            page: "ch00, PyTorch, Candle and shared",
        },
        Behaviour {
            what: "candle_nn::ops::softmax(x, D::Minus1), the same",
            candle: general,
            pytorch: "[0.0819, -0.0220, -0.0599]: torch.softmax(x, -1)[0].backward()",
            page: "ch00, PyTorch, Candle and shared",
        },
        Behaviour {
            what: "gradient of sum(w * y) for y, a plain tensor (not a Var)",
            candle: plain,
            pytorch: "None: y.grad, y.requires_grad is False",
            page: "ch00, Var, backward() and the GradStore",
        },
        Behaviour {
            what: "sum(v^2).backward() run twice, v = [1, 2]: the gradient for v",
            candle: format!("{}, then {}: a new GradStore each time", twice[0], twice[1]),
            pytorch: "[2, 4], then [4, 8] in v.grad: backward() adds up until zero_grad()",
            page: "ch00, Var, backward() and the GradStore",
        },
        Behaviour {
            what: "(3, 1) + (3,) with the + operator",
            candle: outcome(&col + &row)?,
            pytorch: "shape (3, 3): col + row broadcasts silently",
            page: "ch00, Same shape, a scalar, or broadcast_*; ch08, Shapes: the silent one",
        },
        Behaviour {
            what: "f32 + f64",
            candle: outcome(&row + &wide)?,
            pytorch: "float64: row + wide promotes the dtype",
            page: "ch00, Tensors, dtypes and devices",
        },
        Behaviour {
            what: "(2, 3) matrix times a 1-D (3,) tensor",
            candle: outcome(matrix.matmul(&row))?,
            pytorch: "shape (2,): matrix @ row treats row as a vector",
            page: "ch00, Every call returns a Result",
        },
    ])
}
// ANCHOR_END: graph
