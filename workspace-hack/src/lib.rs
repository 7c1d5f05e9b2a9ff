//! No code: this crate exists for its `Cargo.toml`.
//!
//! Cargo resolves features per command. `cargo run -p ch01-activation-shapes`
//! selects one chapter, whose dependencies need fewer features than
//! `cargo test --workspace` (which also builds insta, mdBook and their
//! dependencies); a dependency built with other features is built again, and
//! so is everything above it (candle-core, tokenizers, ...). Listing those
//! dependencies here with the union of their features, and having `shared`
//! depend on this crate, gives every command the same feature set, so one
//! dev build serves them all. This is the "workspace-hack" pattern of
//! cargo-hakari, kept by hand; `tests/shape.rs` checks it is complete.
