//! Where the book's generated pieces live, and how they are checked: used by
//! the `book` binary and by the tidy test, so both agree on every path.
//!
//! - A chapter's text is pinned per section by its own crate's test, in
//!   `chapters/CHAPTER/tests/snapshots/CHAPTER__SECTION.snap`; its page
//!   includes the body of that file (everything after insta's `---` header).
//! - A chapter's plots live in `book/src/plots/CHAPTER/NAME.svg`, committed so
//!   that a stock `mdbook build` works from a clean clone.

use std::path::{Path, PathBuf};

use shared::chapter::Chapter;

/// The workspace root, where `book.toml` is.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The book's sources.
pub fn src_dir() -> PathBuf {
    root().join("book").join("src")
}

/// Where a chapter's plots go.
pub fn plot_dir(chapter: &str) -> PathBuf {
    src_dir().join("plots").join(chapter)
}

/// Where the rendered HTML goes (`build.build-dir` in book.toml).
pub fn html_dir() -> PathBuf {
    root().join("book").join("html")
}

/// The snapshot file that pins one section of a chapter's output.
pub fn snapshot_path(chapter: &str, section: &str) -> PathBuf {
    root()
        .join("chapters")
        .join(chapter)
        .join("tests")
        .join("snapshots")
        .join(format!("{chapter}__{section}.snap"))
}

/// A snapshot file's body, and the 1-based line it starts on (what a page's
/// `{{#include FILE:LINE:}}` must name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotBody {
    pub text: String,
    pub first_line: usize,
}

/// Reads an insta snapshot: a `---` line, metadata, a `---` line, then the body.
pub fn read_snapshot(path: &Path) -> std::io::Result<SnapshotBody> {
    let raw = std::fs::read_to_string(path)?;
    let lines: Vec<&str> = raw.lines().collect();
    let close = lines
        .iter()
        .skip(1)
        .position(|l| *l == "---")
        .map(|i| i + 1)
        .filter(|_| lines.first() == Some(&"---"))
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} has no insta header", path.display()),
            )
        })?;
    Ok(SnapshotBody {
        text: lines[close + 1..].join("\n"),
        first_line: close + 2,
    })
}

/// Sections whose current text differs from their snapshot (or has none).
pub fn stale_sections(ch: &dyn Chapter) -> candle_core::Result<Vec<String>> {
    let mut stale = Vec::new();
    for (name, text) in ch.sections()? {
        let path = snapshot_path(ch.name(), name);
        match read_snapshot(&path) {
            Ok(body) if body.text.trim_end() == text.trim_end() => {}
            _ => stale.push(format!("{}__{name}", ch.name())),
        }
    }
    Ok(stale)
}
