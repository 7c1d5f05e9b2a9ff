//! The book's own tools: `lab`, the explorer for a reader's own numbers, and
//! `book`, which runs every chapter and renders the HTML; `exercise`, which
//! checks a workshop exercise; plus the chapter registry and the paths the
//! tidy test checks.

pub mod bench;
pub mod book;
pub mod chapters;
pub mod lab;
pub mod links;
pub mod workshop;
