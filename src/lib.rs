//! The book's own tools: `lab`, the explorer for a reader's own numbers, and
//! `book`, which runs every chapter and renders the HTML; `exercise`, which
//! checks a workshop exercise; plus the chapter registry, the paths the
//! tidy test checks, and the browser runner's files in the built book.

pub mod agenda;
pub mod bench;
pub mod book;
pub mod chapters;
pub mod items;
pub mod lab;
pub mod learner;
pub mod links;
pub mod runner;
pub mod watch;
pub mod workshop;
