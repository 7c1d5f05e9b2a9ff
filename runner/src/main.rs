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

/// `"crate-name" => crate_name, …`: each chapter's name and its `main`.
macro_rules! chapters {
    ($($name:literal => $krate:ident),* $(,)?) => {
        [$(($name, (|| $krate::CHAPTER.main()) as fn() -> ExitCode)),*]
    };
}

/// The chapters this program can run, by crate name, with their `main`.
const CHAPTERS: [(&str, fn() -> ExitCode); 11] = chapters![
    "ch00-candle-basics" => ch00_candle_basics,
    "ch01-activation-shapes" => ch01_activation_shapes,
    "ch02-vanishing-gradients" => ch02_vanishing_gradients,
    "ch03-regression-losses" => ch03_regression_losses,
    "ch04-loss-task-mismatch" => ch04_loss_task_mismatch,
    "ch05-naive-bce-nan" => ch05_naive_bce_nan,
    "ch06-class-weighting" => ch06_class_weighting,
    "ch07-matching-loss-to-task" => ch07_matching_loss_to_task,
    "ch08-common-errors" => ch08_common_errors,
    "ch09-decision-guide" => ch09_decision_guide,
    "ch10-candle-vs-pytorch" => ch10_candle_vs_pytorch,
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
