//! `cargo exercise ID` checks one workshop exercise and, until it is right,
//! says what is wrong and gives its hint; `cargo exercise` lists them all.
//! (`cargo exercise` is an alias in .cargo/config.toml for
//! `cargo run --quiet --bin exercise --`.)

use std::process::ExitCode;

use act_loss_book::workshop;
use shared::exercise::{self, Outcome};

/// Checks the workshop's exercises.
#[derive(clap::Parser, Debug)]
#[command(name = "exercise", version)]
struct Cli {
    /// The exercise to check, e.g. `stable-bce`; without it, every exercise
    /// and whether it is done
    id: Option<String>,
}

fn main() -> ExitCode {
    shared::cli::tune_runtime();
    let cli: Cli = shared::cli::parse_args();
    let Some(id) = cli.id else {
        let (text, _) = workshop::overview();
        print!("{text}");
        return ExitCode::SUCCESS;
    };
    let Some((ch, ex)) = workshop::find(&id) else {
        shared::cli::usage_error(&format!(
            "no exercise is called '{id}'; `cargo exercise` lists them"
        ))
    };
    let outcome = exercise::attempt(ex.check);
    print!("{}", exercise::verdict(ch.name(), ex, &outcome));
    match outcome {
        Outcome::Solved(_) => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}
