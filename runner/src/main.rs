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

/// The chapters this program can run, by crate name, with their `main`.
const CHAPTERS: [(&str, fn() -> ExitCode); 11] = [
    ("ch00-candle-basics", || ch00_candle_basics::CHAPTER.main()),
    ("ch01-activation-shapes", || {
        ch01_activation_shapes::CHAPTER.main()
    }),
    ("ch02-vanishing-gradients", || {
        ch02_vanishing_gradients::CHAPTER.main()
    }),
    ("ch03-regression-losses", || {
        ch03_regression_losses::CHAPTER.main()
    }),
    ("ch04-loss-task-mismatch", || {
        ch04_loss_task_mismatch::CHAPTER.main()
    }),
    ("ch05-naive-bce-nan", || ch05_naive_bce_nan::CHAPTER.main()),
    ("ch06-class-weighting", || {
        ch06_class_weighting::CHAPTER.main()
    }),
    ("ch07-matching-loss-to-task", || {
        ch07_matching_loss_to_task::CHAPTER.main()
    }),
    ("ch08-common-errors", || ch08_common_errors::CHAPTER.main()),
    ("ch09-decision-guide", || {
        ch09_decision_guide::CHAPTER.main()
    }),
    ("ch10-candle-vs-pytorch", || {
        ch10_candle_vs_pytorch::CHAPTER.main()
    }),
];

fn main() -> ExitCode {
    let name = shared::cli::program_name();
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
