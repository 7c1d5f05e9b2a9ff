//! The browser runner's files in the built book, and the rule that keeps a
//! stale module out of it.
//!
//! `tools/wasm/build` compiles every chapter into one WebAssembly module
//! (the `book-runner` crate) and writes, beside it, the hash of the sources it
//! was built from ([`sources_hash`], printed by `book runner-hash`). The
//! `book` binary publishes the module only if that hash is still the hash of
//! the sources; otherwise the pages say the runner is not in this build, and
//! what to run. In `book/html/runner/` it writes:
//!
//! - `manifest.js`: whether the runner is in this build, and if not, why;
//! - `book-runner.wasm`: the module, which the pages fetch over http(s);
//! - `book-runner-wasm.js`: the same bytes in base64 inside a classic script,
//!   because a page opened from disk (`file://`) may load scripts but not
//!   fetch files;
//! - `native.js`: each chapter's text as the native binary prints it at its
//!   default flags, which the page marks the browser's lines against.
//!
//! The page script is `book/theme/run.js`; the WASI shim it runs the module
//! with is vendored in `book/src/runner/`.

use std::io;
use std::path::{Path, PathBuf};

use crate::book::BookDir;

/// What the module is built from: every crate it compiles, its manifest and
/// the lock file. Tests and snapshots are left out: they are not in the module.
const SOURCES: [&str; 7] = [
    "Cargo.toml",
    "Cargo.lock",
    // the one list of chapters, which runner/src/main.rs includes
    "src/chapter_list.rs",
    "shared",
    "chapters",
    "runner",
    "workspace-hack",
];

/// The built module and its hash, where `tools/wasm/build` leaves them.
pub fn built_module(book: &BookDir) -> (PathBuf, PathBuf) {
    let dir = book.root().join("target").join("wasm");
    (
        dir.join("book-runner.wasm"),
        dir.join("book-runner.sources"),
    )
}

/// A 64-bit FNV-1a hash, in hex, of every source file that goes into the
/// module: its path from the root and its bytes, in path order. It tells a
/// module built from these sources from one built from others; it is not a
/// defence against anyone.
pub fn sources_hash(root: &Path) -> io::Result<String> {
    let mut files = Vec::new();
    for entry in SOURCES {
        collect(root, &root.join(entry), &mut files)?;
    }
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for rel in &files {
        feed(rel.as_bytes());
        feed(&[0]);
        feed(&std::fs::read(root.join(rel))?);
        feed(&[0]);
    }
    Ok(format!("{hash:016x}"))
}

/// Adds the source files under `path` (relative to `root`, with `/`) to
/// `out`: `.rs` and `.toml` files, outside `tests/` and `target/` folders.
/// A path that does not exist adds nothing.
fn collect(root: &Path, path: &Path, out: &mut Vec<String>) -> io::Result<()> {
    if !path.exists() {
        return Ok(());
    }
    if path.is_dir() {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if matches!(name, "tests" | "target") {
            return Ok(());
        }
        for entry in std::fs::read_dir(path)? {
            collect(root, &entry?.path(), out)?;
        }
    } else if path.file_name().is_some_and(|n| n == "Cargo.lock")
        || path.extension().is_some_and(|e| e == "rs" || e == "toml")
    {
        let rel = path.strip_prefix(root).unwrap_or(path);
        let parts: Vec<_> = rel.iter().map(|p| p.to_string_lossy()).collect();
        out.push(parts.join("/"));
    }
    Ok(())
}

/// What the book build did with the runner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// The module is in the book: its size in bytes.
    Included { bytes: u64 },
    /// It is not, and why (one sentence, with what to run).
    Left(String),
}

/// Writes the runner's files into `html/runner/` (see the module's header):
/// the module only if it was built from the current sources, the manifest
/// and the native texts always. `native` is each chapter's name and text.
pub fn publish(book: &BookDir, html: &Path, native: &[(String, String)]) -> io::Result<Published> {
    let dir = html.join("runner");
    std::fs::create_dir_all(&dir)?;
    for old in ["book-runner.wasm", "book-runner-wasm.js"] {
        if dir.join(old).exists() {
            std::fs::remove_file(dir.join(old))?;
        }
    }
    let (module, stamp) = built_module(book);
    let current = sources_hash(book.root())?;
    let status = match (std::fs::read(&module), std::fs::read_to_string(&stamp)) {
        (Ok(bytes), Ok(built_from)) if built_from.trim() == current => {
            std::fs::write(dir.join("book-runner.wasm"), &bytes)?;
            std::fs::write(
                dir.join("book-runner-wasm.js"),
                format!(
                    "// The browser runner's module in base64, for pages opened from disk.\n\
                     window.ACT_LOSS_RUNNER_WASM = \"{}\";\n",
                    base64(&bytes)
                ),
            )?;
            Published::Included {
                bytes: bytes.len() as u64,
            }
        }
        (Ok(_), _) => Published::Left(
            "the browser runner was built from older sources; run tools/wasm/build, \
             then cargo run --bin book"
                .into(),
        ),
        (Err(_), _) => Published::Left(
            "the browser runner is not built; run tools/wasm/build, then cargo run --bin book"
                .into(),
        ),
    };
    let manifest = match &status {
        Published::Included { bytes } => serde_json::json!({
            "available": true, "bytes": bytes, "sources": current,
        }),
        Published::Left(why) => serde_json::json!({ "available": false, "why": why }),
    };
    std::fs::write(
        dir.join("manifest.js"),
        format!("window.ACT_LOSS_RUNNER = {manifest};\n"),
    )?;
    let texts: serde_json::Map<String, serde_json::Value> = native
        .iter()
        .map(|(name, text)| (name.clone(), text.clone().into()))
        .collect();
    std::fs::write(
        dir.join("native.js"),
        format!(
            "// Each chapter's text from the native binary at its default flags.\n\
             window.ACT_LOSS_NATIVE = {};\n",
            serde_json::Value::Object(texts)
        ),
    )?;
    Ok(status)
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny book in a temporary folder: a manifest, one source file, a
    /// "module" and its hash where tools/wasm/build leaves them.
    struct Fixture(PathBuf);

    impl Fixture {
        fn new(name: &str) -> Self {
            let root = std::env::temp_dir().join(format!("runner-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&root);
            std::fs::create_dir_all(root.join("shared/src")).unwrap();
            std::fs::create_dir_all(root.join("shared/tests")).unwrap();
            std::fs::create_dir_all(root.join("target/wasm")).unwrap();
            std::fs::write(root.join("Cargo.toml"), "[workspace]\n").unwrap();
            std::fs::write(root.join("shared/src/lib.rs"), "pub fn f() {}\n").unwrap();
            Self(root)
        }
        fn build_module(&self) {
            let (module, stamp) = built_module(&BookDir::at(&self.0));
            std::fs::write(module, b"\0asm\x01\0\0\0").unwrap();
            std::fs::write(stamp, sources_hash(&self.0).unwrap() + "\n").unwrap();
        }
        fn publish(&self) -> (Published, bool, String) {
            let html = self.0.join("html");
            let native = [("ch00-x".to_string(), "== A ==\n1.0\n".to_string())];
            let status = publish(&BookDir::at(&self.0), &html, &native).unwrap();
            let manifest = std::fs::read_to_string(html.join("runner/manifest.js")).unwrap();
            (
                status,
                html.join("runner/book-runner.wasm").exists(),
                manifest,
            )
        }
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn a_module_is_published_only_when_built_from_the_current_sources() {
        let book = Fixture::new("stale");
        let (status, wasm, manifest) = book.publish();
        assert!(matches!(status, Published::Left(ref why) if why.contains("not built")));
        assert!(!wasm && manifest.contains("\"available\":false"));

        book.build_module();
        let (status, wasm, manifest) = book.publish();
        assert_eq!(status, Published::Included { bytes: 8 });
        assert!(wasm && manifest.contains("\"available\":true"));
        let native = std::fs::read_to_string(book.0.join("html/runner/native.js")).unwrap();
        assert!(native.contains(r#""ch00-x":"== A ==\n1.0\n""#), "{native}");

        // a test or a snapshot is not in the module: still current
        std::fs::write(book.0.join("shared/tests/t.rs"), "#[test] fn t() {}\n").unwrap();
        assert!(matches!(book.publish().0, Published::Included { .. }));

        // a changed source makes it stale, and the old module leaves the book
        std::fs::write(book.0.join("shared/src/lib.rs"), "pub fn g() {}\n").unwrap();
        let (status, wasm, manifest) = book.publish();
        assert!(matches!(status, Published::Left(ref why) if why.contains("older sources")));
        assert!(!wasm && manifest.contains("tools/wasm/build"));
    }

    #[test]
    fn base64_matches_the_rfc_4648_examples() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
    }
}
