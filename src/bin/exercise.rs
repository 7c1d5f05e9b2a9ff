//! `cargo exercise ID` checks one workshop exercise and, until it is right,
//! says what is wrong and gives its hint; once it is right, shows what the
//! check tried and the book's solution to compare. `cargo exercise` shows
//! progress and the next exercise; `--reset ID|all` puts stubs back;
//! `--watch [ID]` checks again on every save. (`cargo exercise` is an alias
//! in .cargo/config.toml for `cargo run --quiet --package act-loss-book --bin
//! exercise --`, which works from any folder of the checkout.)

use std::process::ExitCode;

use act_loss_book::book::BookDir;
use act_loss_book::{learner, watch, workshop};
use shared::cli::usage_error;
use shared::exercise::{self, Outcome};

/// Checks the workshop's exercises.
#[derive(clap::Parser, Debug)]
#[command(name = "exercise", version)]
struct Cli {
    /// The exercise to check, e.g. `stable-bce`; without it, how many are
    /// done, each one's state, and the next to do
    id: Option<String>,
    /// Put the committed stub (its `todo!()`) back in place of one
    /// exercise's function, or of every one with `all`; nothing else in the
    /// file changes, and a file changed elsewhere is left alone
    #[arg(long, value_name = "ID|all", conflicts_with_all = ["id", "watch"])]
    reset: Option<String>,
    /// Check again each time a chapter's `src/exercises.rs` is saved (only
    /// ID's chapter with an ID), until Ctrl-C
    #[arg(long)]
    watch: bool,
    /// Without an ID: only the exercises of this session's agenda, in its
    /// order, and its next one (`90` or `half-day`)
    #[arg(long, value_name = "90|half-day", conflicts_with_all = ["id", "reset", "watch"])]
    agenda: Option<String>,
}

fn main() -> ExitCode {
    shared::cli::tune_runtime();
    // cargo's own flags go before the alias; after it they reach us.
    for flag in ["--offline", "--frozen", "--locked", "--release"] {
        if std::env::args().skip(1).any(|a| a == flag) {
            usage_error(&format!(
                "`{flag}` is cargo's flag: put it before the alias, `cargo {flag} exercise …`"
            ))
        }
    }
    let cli: Cli = shared::cli::parse_args();
    if let Some(id) = &cli.id
        && workshop::find(id).is_none()
    {
        usage_error(&workshop::unknown(id))
    }
    let root = || BookDir::find().unwrap_or_else(|e| usage_error(&e));
    if let Some(arg) = &cli.reset {
        let target = learner::target(arg).unwrap_or_else(|e| usage_error(&e));
        return match learner::reset(root().root(), &target) {
            Ok(done) => {
                print!("{}", done.said);
                for why in &done.left_alone {
                    eprintln!("exercise: left alone: {why}");
                }
                if done.left_alone.is_empty() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            Err(why) => usage_error(&why),
        };
    }
    if cli.watch {
        return watch_and_check(root(), cli.id.as_deref());
    }
    let Some(id) = cli.id else {
        let (text, _) = match &cli.agenda {
            Some(name) => match workshop::agenda_named(name) {
                Some(agenda) => workshop::agenda_overview(agenda),
                None => usage_error(&format!(
                    "no agenda is called '{name}'; the workshop page has two: 90, half-day"
                )),
            },
            None => workshop::overview(),
        };
        print!("{text}");
        return ExitCode::SUCCESS;
    };
    let (ch, ex) = workshop::find(&id).expect("checked above");
    let outcome = exercise::attempt(ex.check);
    print!("{}", exercise::verdict(ch.name(), ex, &outcome));
    match outcome {
        Outcome::Solved(_) => {
            print!("{}", learner::after_solving(ch.name(), ex));
            ExitCode::SUCCESS
        }
        _ => ExitCode::FAILURE,
    }
}

/// `--watch [ID]`: one check now, then one after each save. Each check
/// runs the saved chapter's own binary (`watch::check`), so this program is
/// never rebuilt while it runs.
fn watch_and_check(book: BookDir, id: Option<&str>) -> ExitCode {
    let root = watch::canonical(book.root());
    let exercise = id.and_then(workshop::find);
    let chapters: Vec<&str> = match exercise {
        Some((ch, _)) => vec![ch.name()],
        None => {
            let mut names: Vec<&str> = workshop::exercises()
                .iter()
                .map(|(ch, _)| ch.name())
                .collect();
            names.dedup();
            names
        }
    };
    let files: Vec<_> = chapters
        .iter()
        .map(|c| root.join(exercise::file_of(c)))
        .collect();
    let report = |e: String| {
        eprintln!("exercise: error: {e}");
        ExitCode::FAILURE
    };
    // One chapter's check, and the book's solution once it passes.
    let check = |chapter: &str| -> Result<(), String> {
        let solved = watch::check(&root, chapter, id)?;
        if let (true, Some((ch, ex))) = (solved, exercise) {
            print!("{}", learner::after_solving(ch.name(), ex));
        }
        Ok(())
    };
    // First, where things stand: the one exercise, or the progress of all
    // (this binary was built from the files as they are now).
    if id.is_none() {
        print!("{}", workshop::overview().0);
    } else if let Err(e) = check(chapters[0]) {
        return report(e);
    }
    let what = match chapters.as_slice() {
        [one] => exercise::file_of(one),
        _ => "a chapter's src/exercises.rs".to_string(),
    };
    println!("\n── watching {what}: save it to check again; Ctrl-C stops ──");
    let result = watch::watch(&files, |saved| {
        let rel = saved.strip_prefix(&root).unwrap_or(saved);
        println!("\n── {} saved: checking again ──", rel.display());
        let chapter = chapters
            .iter()
            .zip(&files)
            .find(|(_, f)| watch::same_file(f, saved))
            .map_or(chapters[0], |(c, _)| *c);
        match check(chapter) {
            Ok(()) => {
                println!("\n── watching {what}: save it to check again; Ctrl-C stops ──");
                true
            }
            Err(e) => {
                eprintln!("exercise: error: {e}");
                false
            }
        }
    });
    match result {
        Ok(()) => ExitCode::FAILURE,
        Err(e) => report(e),
    }
}
