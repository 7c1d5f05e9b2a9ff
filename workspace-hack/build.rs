//! Empty: cargo resolves a crate's build-dependencies only when it has a
//! build script, and the `syn` entry in Cargo.toml must be resolved so that
//! the host-side (proc-macro) feature set is the same for every command.

fn main() {}
