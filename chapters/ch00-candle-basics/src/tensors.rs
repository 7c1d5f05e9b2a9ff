//! Tensors, dtypes, `Result`, broadcasting, `D::Minus1` and u32 indices.
//! Each call is run once and kept beside its own source text, so the page
//! prints exactly the code that ran. Computes; never prints.

use candle_core::{D, DType, Device, Error, Result, Tensor};
use nn_functional as F;
use shared::activations::to_f64_vec;

/// One call and what it gave: a summary of the value, or Candle's error.
#[derive(Clone, Debug, PartialEq)]
pub struct Op {
    /// The call's source text, as written below.
    pub call: &'static str,
    pub outcome: std::result::Result<Value, String>,
}

/// A tensor's (or a `Vec`'s) shape, dtype and values, flattened row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub dims: Vec<usize>,
    pub dtype: DType,
    pub values: Vec<f64>,
}

/// What a call can return and be summarised as a [`Value`].
pub trait Summarise {
    fn summarise(self) -> Result<Value>;
}

impl Summarise for Tensor {
    fn summarise(self) -> Result<Value> {
        Ok(Value {
            dims: self.dims().to_vec(),
            dtype: self.dtype(),
            values: to_f64_vec(&self)?,
        })
    }
}

impl Summarise for Vec<Vec<f32>> {
    fn summarise(self) -> Result<Value> {
        let rows = self.len();
        let values: Vec<f64> = self.into_iter().flatten().map(f64::from).collect();
        Ok(Value {
            dims: vec![rows, values.len() / rows.max(1)],
            dtype: DType::F32,
            values,
        })
    }
}

impl Summarise for Vec<f32> {
    fn summarise(self) -> Result<Value> {
        Ok(Value {
            dims: vec![self.len()],
            dtype: DType::F32,
            values: self.into_iter().map(f64::from).collect(),
        })
    }
}

/// Candle's message, without the backtrace it appends when
/// `RUST_BACKTRACE` is set.
pub fn message(e: Error) -> String {
    match e {
        Error::WithBacktrace { inner, .. } => message(*inner),
        e => e.to_string(),
    }
}

/// Runs `f` and keeps its outcome, whichever it is, beside the call's text.
pub fn keep<T: Summarise>(call: &'static str, f: impl FnOnce() -> Result<T>) -> Op {
    let outcome = f().and_then(T::summarise).map_err(message);
    Op { call, outcome }
}

// ANCHOR: op
/// Runs a Candle expression (which may use `?` inside) and keeps its source
/// text next to what it returned, `Ok` or `Err`.
macro_rules! op {
    ($e:expr) => {
        keep(stringify!($e), || $e)
    };
}
// ANCHOR_END: op

// ANCHOR: tensors
/// The two tensors most examples use: `x` of shape (2, 3), `b` of shape (3,).
pub fn inputs(dev: &Device) -> Result<(Tensor, Tensor)> {
    let x = Tensor::new(&[[1f32, 2., 3.], [4., 5., 6.]], dev)?;
    let b = Tensor::new(&[10f32, 20., 30.], dev)?;
    Ok((x, b))
}

/// Making tensors; every one has a shape, a dtype and a device.
pub fn tensors(dev: &Device) -> Result<Vec<Op>> {
    let (x, _) = inputs(dev)?;
    Ok(vec![
        op!(Tensor::new(&[[1f32, 2., 3.], [4., 5., 6.]], dev)), // x
        op!(Tensor::new(&[10f32, 20., 30.], dev)),              // b
        op!(Tensor::new(&[2u32, 0, 1], dev)),                   // class indices
        op!(Tensor::new(&[1.0, 2.0], dev)),                     // no suffix: Rust's f64
        op!(Tensor::zeros((2, 3), DType::F32, dev)),
        op!(Tensor::from_vec(vec![1f32, 2., 3., 4.], (2, 2), dev)),
        op!(Tensor::arange(1f32, 7., dev)?.reshape((3, 2))),
        op!(x.to_dtype(DType::F64)),
        op!(x.t()),
    ])
}
// ANCHOR_END: tensors

// ANCHOR: results
/// Every operation returns `Result<Tensor>`; a mismatch is an `Err`, not a panic.
pub fn results(dev: &Device) -> Result<Vec<Op>> {
    let (x, b) = inputs(dev)?;
    Ok(vec![
        op!(x.add(&b)),
        op!(&x + &b),
        op!(x.broadcast_add(&b)),
        op!(x.add(&x.to_dtype(DType::F64)?)),
        op!(x.matmul(&b)),
        op!(x.matmul(&b.unsqueeze(1)?)),
        op!(x.to_vec1::<f32>()),
        op!(x.to_vec2::<f32>()),
    ])
}
// ANCHOR_END: results

// ANCHOR: broadcast
/// Same-shape operators, scalars, and the explicit `broadcast_*` family.
pub fn broadcasting(dev: &Device) -> Result<Vec<Op>> {
    let (x, b) = inputs(dev)?;
    let col = Tensor::new(&[[1f32], [10.]], dev)?; // shape (2, 1)
    Ok(vec![
        op!(&x + &x),
        op!(&x * 10.0),
        op!(x.affine(2.0, 1.0)),
        op!(x.broadcast_add(&b)),
        op!(x.broadcast_mul(&col)),
        op!(x.broadcast_div(&x.sum_keepdim(D::Minus1)?)),
        op!(b.broadcast_as((2, 3))),
    ])
}
// ANCHOR_END: broadcast

// ANCHOR: dims
/// Reductions along a dimension, and u32 indices that pick rows or entries.
pub fn dims(dev: &Device) -> Result<Vec<Op>> {
    let (x, _) = inputs(dev)?;
    let rows = Tensor::new(&[1u32, 1, 0], dev)?;
    let picks = Tensor::new(&[[2u32], [0]], dev)?; // one column per row
    Ok(vec![
        op!(x.sum(D::Minus1)),
        op!(x.sum_keepdim(D::Minus1)),
        op!(x.sum(0)),
        op!(x.max(D::Minus1)),
        op!(x.argmax(D::Minus1)),
        op!(F::softmax(&x, D::Minus1)),
        op!(x.index_select(&rows, 0)),
        op!(x.gather(&picks, D::Minus1)),
        op!(x.gather(&picks.to_dtype(DType::F32)?, D::Minus1)),
        op!(x.sum(2)),
    ])
}
// ANCHOR_END: dims
