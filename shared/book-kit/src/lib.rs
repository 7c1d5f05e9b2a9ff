//! The book's machinery: everything a chapter needs that is not what it
//! teaches. The losses and activations a reader takes away are in
//! `nn_functional`; the book's own teaching code (seeded data, the small MLP,
//! metrics, the naive losses) is in `shared`. This crate depends on neither.
//!
//! - [`chapter`]: the sections-and-plots shape every chapter crate shares;
//! - [`cli`]: flags, exit codes and plot files for the chapter binaries;
//! - [`table`] and [`plot`]: aligned text tables and SVG line charts;
//! - [`exercise`] and [`idiom`]: the workshop's exercises, their checks, and
//!   hints for Candle's error kinds;
//! - [`progress`]: a long loop's progress on stderr (a bar, or lines in the
//!   browser);
//! - [`parallel`]: independent jobs on threads, or in order where there are
//!   none.

pub mod chapter;
pub mod cli;
pub mod exercise;
pub mod idiom;
pub mod parallel;
pub mod plot;
pub mod progress;
pub mod table;

pub use clap;

impl From<plot::PlotError> for candle_core::Error {
    fn from(e: plot::PlotError) -> Self {
        candle_core::Error::Msg(e.to_string())
    }
}
