//! `cargo run --bin book`: runs every chapter once, writes its plots into the
//! book's sources, checks its text against the pinned snapshots, and renders
//! the HTML with mdBook (pinned through Cargo.lock, no global install). The
//! dev profile is the one to use: it is the build `cargo test` also uses, and
//! it optimises the crates that do arithmetic. When book.toml sets
//! `git-repository-url`, the pages' links to source files are rewritten to
//! point at the repository (`act_loss_book::links`).
//!
//! `book print CHAPTER` prints one chapter's text, as `cargo run -p CHAPTER` does;
//! `book runner-hash` prints the hash of the sources the browser runner is
//! built from (`act_loss_book::runner`).

use std::process::ExitCode;
use std::time::Instant;

use act_loss_book::book::BookDir;
use act_loss_book::chapters;
use act_loss_book::links;
use act_loss_book::runner::{self, Published};
use clap::{Parser, Subcommand};

/// Build the book: fresh plots, checked outputs, rendered HTML.
#[derive(Parser, Debug)]
#[command(name = "book", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Write plots, check outputs against snapshots, render HTML (the default)
    Build,
    /// Print one chapter's text output at its default flags
    Print {
        /// The chapter's crate name, e.g. ch01-activation-shapes
        chapter: String,
    },
    /// Print the hash of the sources the browser runner is built from
    /// (tools/wasm/build stores it beside the module)
    RunnerHash,
}

fn main() -> ExitCode {
    book_kit::cli::tune_runtime();
    let cli: Cli = book_kit::cli::parse_args();
    match cli.command.unwrap_or(Command::Build) {
        Command::Print { chapter } => {
            let Some(ch) = chapters::find(&chapter) else {
                let names: Vec<_> = chapters::all().iter().map(|c| c.name()).collect();
                book_kit::cli::usage_error(&format!(
                    "no chapter named '{chapter}' (chapters: {})",
                    names.join(", ")
                ));
            };
            match ch.sections() {
                Ok(sections) => {
                    print!("{}", book_kit::chapter::join_sections(&sections));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("book: error: {chapter}: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::RunnerHash => {
            let hash = BookDir::find()
                .map_err(anyhow::Error::msg)
                .and_then(|b| Ok(runner::sources_hash(b.root())?));
            match hash {
                Ok(hash) => {
                    println!("{hash}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("book: error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Build => match build() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("book: error: {e:#}");
                ExitCode::FAILURE
            }
        },
    }
}

fn build() -> anyhow::Result<()> {
    let start = Instant::now();
    let book = BookDir::find().map_err(anyhow::Error::msg)?;
    let mut stale = Vec::new();
    let mut native = Vec::new();
    for ch in chapters::all() {
        let t = Instant::now();
        let output = ch.output()?;
        let dir = book.plots(ch.name());
        // Remove plots (and their alternative texts) the chapter no longer
        // draws, then write the fresh ones.
        if dir.exists() {
            for entry in std::fs::read_dir(&dir)? {
                let path = entry?.path();
                if path.extension().is_some_and(|e| e == "svg" || e == "txt") {
                    std::fs::remove_file(path)?;
                }
            }
        }
        book_kit::cli::write_plots(&dir, &output.plots)?;
        stale.extend(book.stale_sections(ch.name(), &output.sections));
        native.push((ch.name().to_string(), output.text()));
        println!(
            "{:<28} {} {}, text checked, {:.2} s",
            ch.name(),
            output.plots.len(),
            if output.plots.len() == 1 {
                "plot"
            } else {
                "plots"
            },
            t.elapsed().as_secs_f64()
        );
    }
    if !stale.is_empty() {
        anyhow::bail!(
            "the output of {} differs from its snapshot; review and accept it with \
             `cargo insta test --review` (or `INSTA_UPDATE=always cargo test`, then read the \
             diff), then build again",
            stale.join(", ")
        );
    }
    let t = Instant::now();
    let md = mdbook_driver::MDBook::load(book.root())?;
    md.build()?;
    println!("rendered HTML in {:.2} s", t.elapsed().as_secs_f64());
    // With `git-repository-url` set, source links point at the repository.
    if let Some(url) = links::repository_url(&md.config)? {
        let n = links::rewrite_dir(&md.build_dir_for("html"), &url)?;
        println!("{n} source links point at {url}/blob/{}/", links::BRANCH);
    }
    // The browser runner, if it was built from these sources.
    match runner::publish(&book, &md.build_dir_for("html"), &native)? {
        Published::Included { bytes } => println!(
            "browser runner: {:.2} MB module, built from these sources",
            bytes as f64 / 1e6
        ),
        Published::Left(why) => println!("browser runner: not in this build: {why}"),
    }
    println!(
        "the book is at {} (built in {:.2} s)",
        book.html().join("index.html").display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
