//! The workspace's integration tests, one module per topic (one binary: fast to link).

mod chapters;
mod common;
mod compile_fail;
mod lab;
mod numbers;
mod offline;
mod predict;
mod shape;
mod tidy;
mod workshop;
