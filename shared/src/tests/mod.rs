//! The library's own checks: PyTorch's printed figures, autograd against finite
//! differences, and numerical stability.

mod finite_differences;
mod pytorch_figures;
mod stability;

use candle_core::{DType, Device, Tensor};

/// A 1-D tensor of `values` in `dtype`.
pub fn t(values: &[f64], dtype: DType) -> Tensor {
    Tensor::new(values, &Device::Cpu)
        .unwrap()
        .to_dtype(dtype)
        .unwrap()
}

/// A scalar tensor's value.
pub fn scalar(x: &Tensor) -> f64 {
    crate::activations::to_f64(x).unwrap()
}

/// Rounds like Python's `f"{x:.{d}f}"`, through our own formatter.
pub fn rounded(x: f64, d: usize) -> String {
    book_kit::table::fixed(x, d)
}
