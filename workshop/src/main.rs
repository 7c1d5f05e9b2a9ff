//! `cargo exercise ID` checks one workshop exercise and, until it is right,
//! says what is wrong and gives its hint; once it is right, shows what the
//! check tried and the book's solution to compare. `cargo exercise` shows
//! progress and the next exercise; `--reset ID|all` puts stubs back;
//! `--watch [ID]` checks again on every save. (`cargo exercise` is an alias
//! in .cargo/config.toml for `cargo run --quiet --package act-loss-exercise
//! --bin exercise --`, which works from any folder of the checkout.) Every
//! check runs the chapter's own binary, so a chapter that does not compile
//! stops only its own exercises, and `--reset` compiles nothing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use act_loss_exercise::catalog::{self, Entry};
use act_loss_exercise::check::{self, Checked};
use act_loss_exercise::progress::{self, State};
use act_loss_exercise::{agenda, learner, watch};
use book_kit::cli::usage_error;

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
    // cargo's own flags go before the alias; after it they reach us.
    for flag in ["--offline", "--frozen", "--locked", "--release"] {
        if std::env::args().skip(1).any(|a| a == flag) {
            usage_error(&format!(
                "`{flag}` is cargo's flag: put it before the alias, `cargo {flag} exercise …`"
            ))
        }
    }
    let cli: Cli = book_kit::cli::parse_args();
    let entry = cli
        .id
        .as_deref()
        .map(|id| catalog::find(id).unwrap_or_else(|| usage_error(&catalog::unknown(id))));
    let chosen = cli.agenda.as_deref().map(|name| {
        agenda::agenda_named(name).unwrap_or_else(|| {
            usage_error(&format!(
                "no agenda is called '{name}'; the workshop page has two: 90, half-day"
            ))
        })
    });
    let root = book_root().unwrap_or_else(|e| usage_error(&e));
    if let Some(arg) = &cli.reset {
        let target = learner::target(arg).unwrap_or_else(|e| usage_error(&e));
        return match learner::reset(&root, &target) {
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
        return watch_and_check(&root, entry);
    }
    let Some(e) = entry else {
        let (entries, heading): (Vec<&Entry>, String) = match chosen {
            Some(a) => (
                agenda::agenda_ids(a)
                    .iter()
                    .filter_map(|id| catalog::find(id))
                    .collect(),
                format!("the {} agenda's exercises: ", a.name),
            ),
            None => (catalog::EXERCISES.iter().collect(), String::new()),
        };
        return match overview(&root, &entries) {
            Ok(text) => {
                print!("{heading}{text}");
                ExitCode::SUCCESS
            }
            Err(why) => report(why),
        };
    };
    match check::one(&root, e) {
        Ok(Checked::Solved) => {
            print!("{}", learner::after_solving(e));
            ExitCode::SUCCESS
        }
        Ok(Checked::NotYet) => ExitCode::FAILURE,
        Ok(Checked::Broken) => {
            print!("{}", broken(e));
            ExitCode::FAILURE
        }
        Err(why) => report(why),
    }
}

/// The book's root, where `book.toml` is: above this crate when cargo runs
/// us (`CARGO_MANIFEST_DIR`), else the nearest folder at or above the
/// current one that holds a `book.toml`.
fn book_root() -> Result<PathBuf, String> {
    let holds_book = |dir: &Path| dir.join("book.toml").is_file();
    if let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from)
        && let Some(root) = dir.parent()
        && holds_book(root)
    {
        return Ok(root.to_path_buf());
    }
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    cwd.ancestors()
        .find(|d| holds_book(d))
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            format!(
                "no book.toml in {} or any folder above it; run this from the book's repository",
                cwd.display()
            )
        })
}

fn report(why: String) -> ExitCode {
    eprintln!("exercise: error: {why}");
    ExitCode::FAILURE
}

/// After cargo's error for `e`'s chapter: what it means, and the way back.
fn broken(e: &Entry) -> String {
    format!(
        "\n✗ {}: {} — {} does not compile (the error above), so its exercises cannot \
         run yet; the other chapters' still can.\n  Finish or fix the code in {}, or put \
         the stub back: `cargo exercise --reset {}`.\n",
        e.id,
        e.title,
        e.chapter,
        catalog::file_of(e.chapter),
        e.id
    )
}

/// The progress of `entries`: each chapter's binary reports its own, so a
/// chapter that does not compile marks only its exercises.
fn overview(root: &Path, entries: &[&'static Entry]) -> Result<String, String> {
    let mut states = vec![State::Todo; entries.len()];
    for chapter in catalog::chapters() {
        if !entries.iter().any(|e| e.chapter == chapter) {
            continue;
        }
        let found = check::states(root, chapter)?;
        for (e, state) in catalog::of(chapter).zip(found) {
            if let Some(i) = entries.iter().position(|x| x.id == e.id) {
                states[i] = state;
            }
        }
    }
    Ok(progress::progress(entries, &states).0)
}

/// `--watch [ID]`: one check now, then one after each save. Each check
/// runs the saved chapter's own binary (`watch::check`), so this program is
/// never rebuilt while it runs.
fn watch_and_check(root: &Path, entry: Option<&'static Entry>) -> ExitCode {
    let root = watch::canonical(root);
    let chapters: Vec<&str> = match entry {
        Some(e) => vec![e.chapter],
        None => catalog::chapters(),
    };
    let files: Vec<_> = chapters
        .iter()
        .map(|c| root.join(catalog::file_of(c)))
        .collect();
    // One chapter's check, and the book's solution once it passes.
    let check = |chapter: &str| -> Result<(), String> {
        let solved = watch::check(&root, chapter, entry.map(|e| e.id))?;
        if let (true, Some(e)) = (solved, entry) {
            print!("{}", learner::after_solving(e));
        }
        Ok(())
    };
    // First, where things stand: the one exercise, or the progress of all.
    if entry.is_none() {
        match overview(&root, &catalog::EXERCISES.iter().collect::<Vec<_>>()) {
            Ok(text) => print!("{text}"),
            Err(why) => return report(why),
        }
    } else if let Err(e) = check(chapters[0]) {
        return report(e);
    }
    let what = match chapters.as_slice() {
        [one] => catalog::file_of(one),
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
