//! Where the book's generated pieces live, and how they are checked: used by
//! the `book` binary and by the tidy test, so both agree on every path.
//!
//! - A chapter's text is pinned per section by its own crate's test, in
//!   `chapters/CHAPTER/tests/snapshots/CHAPTER__SECTION.snap`; its page
//!   includes the body of that file (everything after insta's `---` header).
//! - A chapter's plots live in `book/src/plots/CHAPTER/NAME.svg`, committed so
//!   that a stock `mdbook build` works from a clean clone.

use std::path::{Path, PathBuf};

use book_kit::chapter::SectionText;

/// The book's folders, found at run time: a clone that was moved or copied
/// after it was built still writes into itself.
#[derive(Clone, Debug)]
pub struct BookDir {
    root: PathBuf,
}

impl BookDir {
    /// The workspace root, where `book.toml` is: `CARGO_MANIFEST_DIR` when
    /// cargo runs us (`cargo run`, `cargo test`), else the nearest folder at
    /// or above the current one that holds a `book.toml`.
    pub fn find() -> Result<Self, String> {
        let holds_book = |dir: &Path| dir.join("book.toml").is_file();
        if let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from)
            && holds_book(&dir)
        {
            return Ok(Self { root: dir });
        }
        let cwd =
            std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
        cwd.ancestors()
            .find(|d| holds_book(d))
            .map(|d| Self {
                root: d.to_path_buf(),
            })
            .ok_or_else(|| {
                format!(
                    "no book.toml in {} or any folder above it; run this from the book's repository",
                    cwd.display()
                )
            })
    }

    /// The book at `root` (a folder holding `book.toml`).
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The workspace root, where `book.toml` is.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The book's sources.
    pub fn src(&self) -> PathBuf {
        self.root.join("book").join("src")
    }

    /// Where a chapter's plots go.
    pub fn plots(&self, chapter: &str) -> PathBuf {
        self.src().join("plots").join(chapter)
    }

    /// Where the rendered HTML goes (`build.build-dir` in book.toml).
    pub fn html(&self) -> PathBuf {
        self.root.join("book").join("html")
    }

    /// The snapshot file that pins one section of a chapter's output.
    pub fn snapshot(&self, chapter: &str, section: &str) -> PathBuf {
        self.root
            .join("chapters")
            .join(chapter)
            .join("tests")
            .join("snapshots")
            .join(format!("{chapter}__{section}.snap"))
    }

    /// Sections whose text differs from their snapshot (or has none), as
    /// `CHAPTER__SECTION`.
    pub fn stale_sections(&self, chapter: &str, sections: &[SectionText]) -> Vec<String> {
        sections
            .iter()
            .filter(|s| match read_snapshot(&self.snapshot(chapter, s.name)) {
                Ok(body) => body.text.trim_end() != s.body.trim_end(),
                Err(_) => true,
            })
            .map(|s| format!("{chapter}__{}", s.name))
            .collect()
    }
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
