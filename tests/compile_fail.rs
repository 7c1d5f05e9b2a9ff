//! What the book says does not compile, compiled: every "fails to compile"
//! in a TODO, a hint or a page is a snippet here, run through rustc against
//! the Candle this workspace built, with the error pinned; and its twin,
//! the idiom the text recommends, must compile.
//!
//! trybuild is the ecosystem's crate for this, but it builds its snippets in
//! a target folder of its own, so Candle and everything under it would
//! compile a second time (minutes on two cores, against the book's one-build
//! rule). rustc is given the rlibs `cargo test` already built instead.

use std::path::PathBuf;
use std::process::Command;

use crate::common::book;

/// The folder of the rlibs this test binary was linked with, and the
/// newest candle-core rlib in it.
fn candle() -> (PathBuf, PathBuf) {
    let deps = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let rlib = std::fs::read_dir(&deps)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("libcandle_core-") && n.ends_with(".rlib"))
        })
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .expect("cargo test built candle-core");
    (deps, rlib)
}

/// Compiles `source` as a library against candle-core: `Ok` if it
/// compiles, else the first error line.
fn compile(name: &str, source: &str) -> Result<(), String> {
    let (deps, rlib) = candle();
    let dir = std::env::temp_dir().join(format!("act-loss-compile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.rs"));
    std::fs::write(&file, source).unwrap();
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = Command::new(rustc)
        .args([
            "--edition",
            "2024",
            "--crate-type",
            "lib",
            "--color",
            "never",
        ])
        .arg("--crate-name")
        .arg(name)
        .arg("-L")
        .arg(format!("dependency={}", deps.display()))
        .arg("--extern")
        .arg(format!("candle_core={}", rlib.display()))
        .arg("--out-dir")
        .arg(&dir)
        .arg(&file)
        .output()
        .expect("rustc runs");
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    Err(stderr
        .lines()
        .find(|l| l.starts_with("error"))
        .unwrap_or("no error line")
        .to_string())
}

/// The TODO's claim, compiled: a number after an operator needs the `?`
/// first, and the error is the one the TODO quotes.
const FLOAT: &str = "use candle_core::{Result, Tensor};
pub fn half_plus_one(z: &Tensor) -> Result<Tensor> {
    z * 0.5 + 1.0
}
";
const FLOAT_ERROR: &str =
    "error[E0277]: cannot add `{float}` to `Result<candle_core::Tensor, candle_core::Error>`";

#[test]
fn a_number_after_an_operator_needs_the_question_mark() {
    assert_eq!(compile("float", FLOAT), Err(FLOAT_ERROR.to_string()));
    // The idiom the TODOs show compiles.
    let fixed = "use candle_core::{Result, Tensor};
pub fn half_plus_one(z: &Tensor) -> Result<Tensor> {
    (z * 0.5)? + 1.0
}
";
    assert_eq!(compile("float_fixed", fixed), Ok(()));
    // Between tensors no `?` is needed: Candle adds a `Result` and a tensor.
    let tensors = "use candle_core::{Result, Tensor};
pub fn blend(mask: &Tensor, a: &Tensor, b: &Tensor) -> Result<Tensor> {
    mask * a + b
}
";
    assert_eq!(compile("tensors", tensors), Ok(()));
}

/// Every stub's TODO quotes the compiler's own message for `z * 0.5 + 1.0`
/// (with Candle's paths left out).
#[test]
fn every_todo_quotes_the_compilers_message() {
    let want = FLOAT_ERROR
        .trim_start_matches("error[E0277]: ")
        .replace("candle_core::", "");
    let mut seen = 0;
    for entry in std::fs::read_dir(book().root().join("chapters")).unwrap() {
        let file = entry.unwrap().path().join("src/exercises.rs");
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let joined: String = text
            .lines()
            .map(|l| l.trim().trim_start_matches("//").trim())
            .collect::<Vec<_>>()
            .join(" ");
        for claim in joined.split("(E0277: ").skip(1) {
            let quoted = claim.split(").").next().unwrap_or(claim);
            assert_eq!(quoted, want, "{}", file.display());
            seen += 1;
        }
    }
    assert!(seen >= 13, "only {seen} TODOs quote E0277");
}
