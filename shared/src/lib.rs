//! The library the chapters teach with.
//!
//! Each chapter of the book is a small crate that reads like the story; the
//! plumbing lives here, in small modules:
//!
//! - [`activations`]: ReLU, LeakyReLU, GELU (exact and tanh), sigmoid, tanh,
//!   SiLU, softmax, and their derivatives through Candle's autograd;
//! - [`losses`]: MSE, MAE, Huber, BCE-with-logits, naive BCE, cross-entropy and
//!   focal loss, with PyTorch's semantics;
//! - [`data`]: seeded data sets for the book's tasks;
//! - [`nn`]: seeded initialisation, a small MLP, Adam and a training loop;
//! - [`metrics`]: accuracy, precision, recall, F1, calibration;
//! - [`grad`]: gradient clipping, which candle-nn lacks;
//! - [`guide`]: the decision guide's table, task by task;
//! - [`table`] and [`plot`]: aligned text tables and SVG line charts;
//! - [`chapter`]: the sections-and-plots shape every chapter crate shares;
//! - [`cli`]: flags, exit codes and plot files for the chapter binaries;
//! - [`parallel`]: independent jobs on threads, or in order where there are none;
//! - [`progress`]: a long loop's progress on stderr (a bar, or lines in the browser);
//! - [`exercise`]: the workshop's exercises, their checks and hints.

pub mod activations;
pub mod chapter;
pub mod cli;
pub mod data;
pub mod exercise;
pub mod grad;
pub mod guide;
pub mod idiom;
pub mod losses;
pub mod metrics;
pub mod nn;
pub mod parallel;
pub mod plot;
pub mod progress;
pub mod table;

pub use candle_core;
pub use candle_nn;
pub use clap;

impl From<plot::PlotError> for candle_core::Error {
    fn from(e: plot::PlotError) -> Self {
        candle_core::Error::Msg(e.to_string())
    }
}

#[cfg(test)]
mod tests;
