//! The book's own tools: `lab`, the explorer for a reader's own numbers, and
//! `book`, which runs every chapter and renders the HTML.

pub mod lab;
