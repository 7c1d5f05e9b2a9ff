//! `cargo run --bin lab -- act relu -3 -0.5 2`: see `lab --help`.

use std::process::ExitCode;

use act_loss_book::lab::{self, Cli, LabError};

fn main() -> ExitCode {
    book_kit::cli::tune_runtime();
    let cli: Cli = book_kit::cli::parse_args();
    match lab::run(&cli) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(LabError::Input(e)) => book_kit::cli::usage_error(&e.0),
        // Candle or serde failing on input that passed every check: a bug
        Err(e) => {
            eprintln!("lab: error: {e}");
            ExitCode::FAILURE
        }
    }
}
