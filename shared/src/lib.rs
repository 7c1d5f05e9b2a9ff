//! The book's teaching code: what the chapters compute with, apart from the
//! library a reader takes away (`nn_functional`, which this crate's losses and
//! activations delegate to) and the book's machinery (`book_kit`: the chapter
//! harness, flags, tables, plots, exercise checks).
//!
//! - [`activations`]: ReLU, LeakyReLU, GELU (exact and tanh), sigmoid, tanh,
//!   SiLU, softmax, and their derivatives through Candle's autograd;
//! - [`losses`]: MSE, MAE, Huber, BCE-with-logits, naive BCE, cross-entropy and
//!   focal loss, with PyTorch's semantics (the naive forms as teaching material);
//! - [`data`]: seeded data sets for the book's tasks;
//! - [`nn`]: seeded initialisation, a small MLP, Adam and a training loop;
//! - [`metrics`]: accuracy, precision, recall, F1, calibration;
//! - [`grad`]: gradient clipping with the workshop exercise's signature;
//! - [`guide`]: the decision guide's table, task by task.

pub mod activations;
pub mod data;
pub mod grad;
pub mod guide;
pub mod losses;
pub mod metrics;
pub mod nn;

pub use candle_core;
pub use candle_nn;

#[cfg(test)]
mod tests;
