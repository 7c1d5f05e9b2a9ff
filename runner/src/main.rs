//! Every chapter in one program: the browser runner's WebAssembly module.
//!
//! The page starts this program with the chapter's crate name as `argv[0]`
//! and the reader's flags after it, exactly the command line the chapter's
//! own binary gets from `cargo run -p CHAPTER -- FLAGS`. So clap names the
//! chapter in `--help` and in its error messages, and the chapter's `main`
//! runs unchanged. One module serves every page: a reader downloads it once.
//!
//! `tools/wasm/build` compiles it for `wasm32-wasip1`; natively it works too
//! (`cargo run -p book-runner` is told which chapter through its name, so use
//! the chapter's own binary instead).

use std::process::ExitCode;

include!("../../src/chapter_list.rs");

/// Each chapter of the list's name and its `main`.
macro_rules! chapters {
    ($($name:literal => $krate:ident $(, $exercises:ident)?;)*) => {
        &[$(($name, (|| $krate::CHAPTER.main()) as Main)),*]
    };
}

/// The chapters this program can run, by crate name, with their `main`:
/// every one in `src/chapter_list.rs`.
const CHAPTERS: &[(&str, Main)] = book_chapters!(chapters);

/// A chapter's `main`.
type Main = fn() -> ExitCode;

fn main() -> ExitCode {
    let name = book_kit::cli::program_name();
    match CHAPTERS.iter().find(|(chapter, _)| *chapter == name) {
        Some((_, main)) => main(),
        None => {
            let names: Vec<&str> = CHAPTERS.iter().map(|(n, _)| *n).collect();
            eprintln!(
                "book-runner: error: no chapter named '{name}': start it with a chapter's \
                 name as the program name ({})",
                names.join(", ")
            );
            ExitCode::from(2)
        }
    }
}
