//! How much arithmetic the three main training loops do, counted from the
//! shapes alone: the floor any implementation's time is measured against;
//! and the two choices of forward pass that the chapter times.

use crate::tasks::Setup;

/// How each layer adds its bias in training.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BiasAdd {
    /// The first layer's as one more column of its weights (the input gets a column of ones), the others as products
    Column,
    /// As a product with a column of ones: the bias gradient is a gemm
    Matmul,
    /// With broadcast_add, as `Mlp::forward` does
    Broadcast,
}

/// How ReLU's mask `[z > 0]` is computed in training.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReluMask {
    /// relu(sign(z)): two vectorised unary operations
    Sign,
    /// The comparison z > 0, as `activations::relu` does
    Compare,
}

/// One task's loop, counted.
#[derive(Clone, Debug, PartialEq)]
pub struct Arithmetic {
    pub task: &'static str,
    /// Weights and biases the optimiser updates.
    pub weights: usize,
    /// Floating-point operations of the matrix products in the whole loop:
    /// the forward pass, and twice that backward (one product for the
    /// weights' gradient, one for the gradient flowing to the layer below).
    pub gflop: f64,
    /// Values the hidden layer holds for one step (samples × units): what
    /// each element-wise operation on it touches.
    pub activations: usize,
}

/// The three main tasks: (name, inputs, outputs).
pub const TASKS: [(&str, usize, usize); 3] =
    [("regression", 4, 1), ("binary", 4, 1), ("4-class", 8, 4)];

// ANCHOR: arithmetic
pub fn arithmetic(s: &Setup) -> Vec<Arithmetic> {
    let (n, h) = (s.samples as f64, s.hidden);
    TASKS
        .iter()
        .map(|&(task, d, o)| {
            // A product (n × a)·(a × b) is n·a·b multiply-adds: 2·n·a·b flops.
            let forward = 2.0 * n * (d * h + h * o) as f64;
            Arithmetic {
                task,
                weights: d * h + h + h * o + o,
                gflop: 3.0 * forward * s.steps as f64 / 1e9,
                activations: s.samples * h,
            }
        })
        .collect()
}
// ANCHOR_END: arithmetic
