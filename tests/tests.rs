//! The workspace's integration tests, one module per topic (one binary: fast to link).

mod chapters;
mod common;
mod compile_fail;
mod lab;
mod numbers;
mod offline;
mod predict;
mod shape;
mod take_it_with_you;
mod tidy;
mod workshop;
