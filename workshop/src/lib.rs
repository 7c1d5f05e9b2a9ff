//! `cargo exercise`: the workshop's checker, a crate of its own that depends
//! on no chapter. A participant's half-written function that does not
//! compile breaks only its own chapter's build; this program still builds,
//! checks every other exercise by running that exercise's chapter binary
//! (`cargo run -p CHAPTER -- --exercise ID`), shows progress, and resets a
//! stub without compiling anything.

pub mod agenda;
pub mod catalog;
pub mod check;
pub mod items;
pub mod learner;
pub mod progress;
pub mod watch;
