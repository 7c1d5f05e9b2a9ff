//! The chapter's tests, in one binary: its headline claims, asserted on the
//! data it prints, and its printed output, pinned section by section.

mod claims;
mod snapshots;
