//! Workshop exercises, checked the way rustlings checks them.
//!
//! An exercise is a function in a chapter crate's `src/exercises.rs` whose
//! body is a `// TODO` and a `todo!()`. The participant writes the body; a
//! check compares it with the library on the inputs that matter (the kink,
//! the overflow, the empty class) and either shows what it computes or says
//! what is wrong, with a hint written for that exercise.
//!
//! The chapter calls its exercises through `answers`, which is the
//! participant's `exercises` module, or with the crate's `solutions` feature
//! the reference `solutions` module. So:
//!
//! - `cargo exercise ID` (an alias for the root package's `exercise` binary)
//!   checks one exercise and prints its hint when it is not right yet;
//! - the chapter binary prints a last section, "Your turn", that runs every
//!   exercise of the chapter, and says "not done yet" for the unsolved ones
//!   while the rest of the chapter prints as usual;
//! - each chapter's tests have one `exercise_…` test per exercise, ignored
//!   unless the `solutions` feature is on; the README's test command turns it
//!   on, so the checks run against the reference solutions and cannot rot;
//! - with the feature on, the workspace tests also run every check on the
//!   untouched `exercises` module and require it to fail.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::ExitCode;
use std::sync::Once;

pub use crate::idiom::candle_hint;

/// What a check returns: `Ok` with what the function computed, in a line or
/// two for the reader, or `Err` saying what is wrong.
pub type Check = fn() -> Result<String, String>;

/// One exercise.
pub struct Exercise {
    /// What a participant types: `cargo exercise stable-bce`. Unique in the book.
    pub id: &'static str,
    /// What the exercise teaches, in a few words.
    pub title: &'static str,
    /// The function to write, in the chapter's `src/exercises.rs`.
    pub function: &'static str,
    /// Printed when the check fails: written for this exercise.
    pub hint: &'static str,
    /// What the check tries, for the reader who has passed it: the inputs,
    /// shapes and dtypes it runs, one case a line.
    pub tried: &'static str,
    /// The check, run on the function the chapter uses: the participant's,
    /// or the reference one with the `solutions` feature.
    pub check: Check,
    /// The same check, run on the participant's `exercises` module whatever
    /// the features: the workspace tests require it to fail while the file
    /// is untouched.
    pub check_exercise: Check,
}

/// What happened when a check ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The function gives the library's answers; what it computed.
    Solved(String),
    /// The body is still `todo!()`.
    Todo,
    /// It returned something else, an error, or panicked: why.
    Wrong(String),
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Installs, once, a panic hook that stays silent on threads running a
/// check (their panic becomes an [`Outcome`]) and otherwise does what the
/// previous hook did.
fn quiet_panics_in_checks() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Runs a check, turning a panic into an outcome: `todo!()` is
/// [`Outcome::Todo`], any other panic is [`Outcome::Wrong`].
pub fn attempt(check: Check) -> Outcome {
    quiet_panics_in_checks();
    QUIET.with(|q| q.set(true));
    let result = catch_unwind(AssertUnwindSafe(check));
    QUIET.with(|q| q.set(false));
    match result {
        Ok(Ok(shown)) => Outcome::Solved(shown),
        Ok(Err(why)) => Outcome::Wrong(why),
        Err(payload) => {
            if is_todo(&*payload) {
                Outcome::Todo
            } else {
                Outcome::Wrong(format!("it panicked: {}", panic_message(&*payload)))
            }
        }
    }
}

/// What a panic said.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
}

/// Whether a panic is `todo!()`'s.
fn is_todo(payload: &(dyn std::any::Any + Send)) -> bool {
    panic_message(payload).starts_with("not yet implemented")
}

/// For a check that runs the function under test on several cases: runs
/// one, and turns an error, or a panic other than `todo!()`, into a message,
/// so that the check can say on which case it happened. `todo!()` goes on
/// unwinding, and [`attempt`] reports it as not done yet.
pub fn guarded<T>(f: impl FnOnce() -> candle_core::Result<T>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(returned),
        Err(payload) if is_todo(&*payload) => std::panic::resume_unwind(payload),
        Err(payload) => Err(format!("it panicked: {}", panic_message(&*payload))),
    }
}

/// Where a chapter's exercises live, relative to the repository's root.
pub fn file_of(chapter: &str) -> String {
    format!("chapters/{chapter}/src/exercises.rs")
}

/// The command that checks one exercise.
pub fn command(ex: &Exercise) -> String {
    format!("cargo exercise {}", ex.id)
}

/// What the check command prints for an outcome: one line when solved, the
/// problem and the hint otherwise.
pub fn verdict(chapter: &str, ex: &Exercise, outcome: &Outcome) -> String {
    let file = file_of(chapter);
    let f = ex.function;
    let mut out = match outcome {
        Outcome::Solved(shown) => {
            return format!("✓ {}: {} — solved.\n{}\n", ex.id, ex.title, indent(shown));
        }
        Outcome::Todo => format!(
            "✗ {}: {} — not done yet.\n  Write the body of `{f}` in {file}: replace its `todo!()`.\n",
            ex.id, ex.title
        ),
        Outcome::Wrong(why) => format!(
            "✗ {}: {} — not right yet.\n  `{f}` in {file}:\n{}\n",
            ex.id,
            ex.title,
            indent(why)
        ),
    };
    // Candle refusing an operation is a matter of idiom, not of the maths:
    // the idiom first, the exercise's hint once Candle accepts the code.
    let (heading, hint) = match outcome {
        Outcome::Wrong(why) => match candle_hint(why) {
            Some(h) => ("  Hint (Candle refused an operation):\n", h),
            None => ("  Hint:\n", ex.hint.to_string()),
        },
        _ => ("  Hint:\n", ex.hint.to_string()),
    };
    out.push_str(heading);
    out.push_str(&indent(&format!("  {}", hint.replace('\n', "\n  "))));
    out.push('\n');
    out
}

/// A chapter binary's `--exercise ID|all`: the verdict of one exercise, or
/// of each of the chapter's, as `cargo exercise ID` prints it, and what the
/// check tried once it passes; exit code 0 when every one checked is solved,
/// 1 when one is not, 2 for an unknown id.
pub fn check_in_binary(chapter: &str, exercises: &[Exercise], id: &str) -> ExitCode {
    let chosen: Vec<&Exercise> = exercises
        .iter()
        .filter(|ex| id == "all" || ex.id == id)
        .collect();
    if chosen.is_empty() {
        crate::cli::usage_error(&format!("{chapter} has no exercise called '{id}'"));
    }
    let mut solved = true;
    for ex in chosen {
        let outcome = attempt(ex.check);
        solved &= matches!(outcome, Outcome::Solved(_));
        print!("{}", verdict(chapter, ex, &outcome));
        if let Outcome::Solved(_) = outcome {
            print!("{}", tried(ex));
        }
    }
    ExitCode::from(u8::from(!solved))
}

/// A chapter binary's `--exercise-status`: `ID done|todo|wrong`, a line for
/// each exercise, which `cargo exercise` reads for its progress list.
pub fn states(exercises: &[Exercise]) -> String {
    exercises
        .iter()
        .map(|ex| {
            let state = match attempt(ex.check) {
                Outcome::Solved(_) => "done",
                Outcome::Todo => "todo",
                Outcome::Wrong(_) => "wrong",
            };
            format!("{} {state}\n", ex.id)
        })
        .collect()
}

/// What the check of `ex` tried, shown once it passes.
pub fn tried(ex: &Exercise) -> String {
    let mut out = String::from("  What the check tried:\n");
    for line in ex.tried.lines() {
        out.push_str(&format!("    {}\n", line.trim()));
    }
    out
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The chapter's last section, "Your turn": each exercise, run. A solved one
/// shows what it computes; an unsolved one says so and names the command,
/// and the rest of the chapter prints as usual.
pub fn your_turn(chapter: &str, exercises: &[Exercise]) -> String {
    let mut out = String::new();
    for ex in exercises {
        match attempt(ex.check) {
            Outcome::Solved(shown) => {
                out.push_str(&format!(
                    "✓ {} ({}): solved\n{}\n",
                    ex.id,
                    ex.function,
                    indent(&shown)
                ));
            }
            Outcome::Todo => out.push_str(&format!(
                "· {} ({}): not done yet\n  write it in {}\n  and check it with `{}`\n",
                ex.id,
                ex.function,
                file_of(chapter),
                command(ex)
            )),
            Outcome::Wrong(_) => out.push_str(&format!(
                "✗ {} ({}): not right yet: `{}` says why\n",
                ex.id,
                ex.function,
                command(ex)
            )),
        }
    }
    out
}

/// The one line the browser runner prints in place of "Your turn": the
/// exercises are checked by `cargo exercise` in a clone of the book, never in
/// the page (the reference solutions are not in the page's module).
pub fn run_locally(exercises: &[Exercise]) -> String {
    let ids: Vec<&str> = exercises.iter().map(|e| e.id).collect();
    format!(
        "This chapter's exercises ({}) run on your machine, not in the page: \
         clone the book and check one with `cargo exercise {}`.\n",
        ids.join(", "),
        ids.first().unwrap_or(&"ID")
    )
}

/// Compares a participant's numbers with the library's, element by element:
/// each must be within `tol` of the expected one, relative to its size
/// (absolute below 1), and NaN or an infinity only where one is expected.
/// `labels[i]` says where element `i` was computed (`"z = 17, y = 1"`).
pub fn compare(
    what: &str,
    labels: &[String],
    got: &[f64],
    want: &[f64],
    tol: f64,
) -> Result<(), String> {
    if got.len() != want.len() {
        return Err(format!(
            "{what}: {} numbers came back where {} were expected (check the shape)",
            got.len(),
            want.len()
        ));
    }
    for ((label, &g), &w) in labels.iter().zip(got).zip(want) {
        let same_special = (g.is_nan() && w.is_nan()) || (g.is_infinite() && g == w);
        let close = (g - w).abs() <= tol * w.abs().max(1.0);
        if !(same_special || close) {
            return Err(format!(
                "{what} at {label}: yours is {}, the library's is {}",
                number(g),
                number(w)
            ));
        }
    }
    Ok(())
}

/// Like [`compare`], but relative to each expected number however small:
/// for the places where the whole point is a tiny number (a loss of
/// `4.14e-8` is not a loss of 0). Zero is accepted only where zero is expected.
pub fn compare_relative(
    what: &str,
    labels: &[String],
    got: &[f64],
    want: &[f64],
    rel: f64,
) -> Result<(), String> {
    if got.len() != want.len() {
        return compare(what, labels, got, want, rel);
    }
    for ((label, &g), &w) in labels.iter().zip(got).zip(want) {
        // NaN is never close: written so, a NaN fails too.
        let close = (g - w).abs() <= rel * w.abs();
        if !close {
            return Err(format!(
                "{what} at {label}: yours is {}, the library's is {} \
                 (compared relatively: a tiny number is not 0)",
                number(g),
                number(w)
            ));
        }
    }
    Ok(())
}

/// What a check says when the function under test returns an error:
/// Candle's message, without the backtrace Candle appends when
/// `RUST_BACKTRACE` is set.
pub fn returned(e: candle_core::Error) -> String {
    fn message(e: candle_core::Error) -> String {
        match e {
            candle_core::Error::WithBacktrace { inner, .. } => message(*inner),
            e => e.to_string().lines().next().unwrap_or("").to_string(),
        }
    }
    format!("it returned an error: {}", message(e))
}

/// A number as a message shows it: plain when it reads well at six
/// decimals, otherwise in scientific notation; `NaN`, `inf`, `-inf`.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return crate::table::fixed(x, 0);
    }
    if x == 0.0 || (1e-4..1e6).contains(&x.abs()) {
        let s = format!("{x:.6}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        return if s == "-0" {
            "0".to_string()
        } else {
            s.to_string()
        };
    }
    format!("{x:.4e}")
}

#[cfg(test)]
#[path = "tests/exercise_checks.rs"]
mod tests;
