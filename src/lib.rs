//! The book's own tools: `lab`, the explorer for a reader's own numbers, and
//! `book`, which runs every chapter and renders the HTML; plus the chapter
//! registry, the workshop's exercises as the chapters define them, the paths
//! the tidy test checks, and the browser runner's files in the built book.

pub mod bench;
pub mod book;
pub mod chapters;
pub mod lab;
pub mod links;
pub mod runner;
pub mod workshop;

// `cargo exercise`'s crate, which depends on no chapter (see workshop/):
// the book renders its agendas, and the tests check it against the chapters.
pub use act_loss_exercise::{agenda, catalog, items, learner, progress, watch};
