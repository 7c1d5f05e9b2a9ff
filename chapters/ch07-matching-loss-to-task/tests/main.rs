//! The chapter's tests, in one binary: its headline claims, asserted on the
//! data it prints; its printed output, pinned section by section; and its
//! workshop exercises.

mod claims;
mod exercises;
mod snapshots;
