//! The learner's loop around `cargo exercise`: the book's solution once an
//! exercise passes, and `--reset`, which puts one function's stub back.
//!
//! Both read source text, never compile it: the reference solutions and the
//! committed stubs are included here as text (`include_str!`), in the
//! checker's crate only, so the browser runner's module never holds them.
//! The stubs are a copy of every chapter's untouched `src/exercises.rs`
//! under `workshop/stubs/`, which `tests/workshop.rs` keeps equal to the
//! committed files; so `--reset` works in a download without git too.

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;

use crate::catalog::{self, Entry};

include!("../../src/chapter_list.rs");

/// `(name, solutions, stubs)` for each chapter marked `exercises` in the
/// list: its `src/solutions.rs` and its stubs' copy in `workshop/stubs/`.
macro_rules! sources {
    ($($name:literal => $krate:ident $(, $exercises:ident)?;)*) => {
        &[$($(sources!(@$exercises $name),)?)*]
    };
    (@exercises $name:literal) => {
        (
            $name,
            include_str!(concat!("../../chapters/", $name, "/src/solutions.rs")),
            include_str!(concat!("../stubs/", $name, ".rs")),
        )
    };
}

/// Each chapter with exercises: its reference solutions and its committed
/// stubs, as text.
const SOURCES: &[(&str, &str, &str)] = book_chapters!(sources);

/// The reference solutions of `chapter` (`src/solutions.rs`), as text.
pub fn solutions_of(chapter: &str) -> Option<&'static str> {
    SOURCES.iter().find(|s| s.0 == chapter).map(|s| s.1)
}

/// The committed `src/exercises.rs` of `chapter`, every function a stub.
pub fn stubs_of(chapter: &str) -> Option<&'static str> {
    SOURCES.iter().find(|s| s.0 == chapter).map(|s| s.2)
}

pub use crate::items::function_span;

/// What `cargo exercise ID` adds once the exercise passes (its chapter has
/// printed the verdict and what the check tried): the book's solution, the
/// function only, to compare.
pub fn after_solving(e: &Entry) -> String {
    let file = format!("chapters/{}/src/solutions.rs", e.chapter);
    match solutions_of(e.chapter).and_then(|s| function_span(s, e.function).map(|r| &s[r])) {
        Some(code) => format!("\nThe book's solution — compare with yours ({file}):\n\n{code}"),
        None => format!("\n(no `{}` in {file})\n", e.function),
    }
}

/// What `--reset` restores: one exercise, or every one.
pub enum Target {
    One(&'static Entry),
    All,
}

/// Reads a `--reset` argument: an exercise id or `all`.
pub fn target(arg: &str) -> Result<Target, String> {
    if arg == "all" {
        return Ok(Target::All);
    }
    catalog::find(arg)
        .map(Target::One)
        .ok_or_else(|| format!("{}, or reset all", catalog::unknown(arg)))
}

/// The text of `source` with the function of each of `names` cut out, for
/// comparing the rest of two files, with Windows line endings read as Unix
/// ones; `None` if one is missing or the file cannot be read as Rust.
fn outside(source: &str, names: &[&str]) -> Option<String> {
    let mut spans: Vec<Range<usize>> = names
        .iter()
        .map(|n| function_span(source, n))
        .collect::<Option<_>>()?;
    spans.sort_by_key(|r| r.start);
    let mut rest = String::new();
    let mut at = 0;
    for r in spans {
        rest.push_str(source.get(at..r.start)?);
        rest.push_str("<exercise>\n");
        at = r.end;
    }
    rest.push_str(&source[at..]);
    Some(rest.replace("\r\n", "\n"))
}

/// `stub` with the line endings of `like`: a file saved on Windows gets its
/// stub back with `\r\n`.
fn with_endings_of<'a>(stub: &'a str, like: &str) -> Cow<'a, str> {
    if like.contains("\r\n") && !stub.contains("\r\n") {
        Cow::Owned(stub.replace('\n', "\r\n"))
    } else {
        Cow::Borrowed(stub)
    }
}

/// The first line of `a` that is not the same line of `b`, trimmed.
fn first_difference(a: &str, b: &str) -> String {
    let (mut a, mut b) = (a.lines(), b.lines());
    loop {
        match (a.next(), b.next()) {
            (Some(x), Some(y)) if x == y => continue,
            (Some(x), _) => return x.trim().to_string(),
            (None, Some(y)) => return format!("a missing line, {}", y.trim()),
            (None, None) => return String::new(),
        }
    }
}

/// Puts the committed stub of each function of `functions` back into the
/// chapter's `src/exercises.rs` under `root`, and leaves everything else in
/// the file as it is. Refuses, writing nothing, when the file differs from
/// the committed one anywhere outside its exercises' functions (an import
/// or a helper the participant added) or has lost one of them. Returns one
/// line per function.
fn reset_chapter(
    root: &Path,
    chapter: &str,
    functions: &[&str],
) -> Result<(String, Vec<String>), String> {
    let rel = catalog::file_of(chapter);
    let path = root.join(&rel);
    let stubs = stubs_of(chapter).ok_or_else(|| format!("{rel}: no stubs are kept"))?;
    let current = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let all: Vec<&str> = catalog::of(chapter).map(|e| e.function).collect();
    let mine = outside(&current, &all).ok_or_else(|| {
        format!(
            "{rel} has lost one of `{}`, or has an unclosed brace, string or comment: \
             not resetting; restore the file from workshop/stubs/{chapter}.rs",
            all.join("`, `"),
        )
    })?;
    let committed = outside(stubs, &all)
        .ok_or_else(|| format!("workshop/stubs/{chapter}.rs lacks an exercise"))?;
    if mine != committed {
        return Err(format!(
            "{rel} differs from the committed file outside its exercises (first at `{}`): \
             not resetting; undo that change first (the file is kept in workshop/stubs/{chapter}.rs)",
            first_difference(&mine, &committed),
        ));
    }
    let mut text = current.clone();
    let mut said = Vec::new();
    for f in functions {
        let lost = || format!("`{f}` was not found in {rel}: not resetting");
        let here = function_span(&text, f).ok_or_else(lost)?;
        let stub = function_span(stubs, f).ok_or_else(lost)?;
        let stub = with_endings_of(&stubs[stub], &text[here.clone()]);
        if text[here.clone()] == *stub {
            said.push(format!("`{f}` in {rel} is already the stub"));
        } else {
            text.replace_range(here, &stub);
            said.push(format!("`{f}` in {rel}: the stub is back (todo!())"));
        }
    }
    Ok((text, said))
}

/// What `--reset` did: one line for each function, and each file it left
/// alone, with why.
pub struct Reset {
    pub said: String,
    pub left_alone: Vec<String>,
}

/// `cargo exercise --reset ID|all` on the book at `root`. One exercise: its
/// file is checked, then written, or refused as a whole (`Err`). All: every
/// file that can be reset is, and each one changed outside its exercises is
/// left alone and named (an instructor resetting a room meets those).
pub fn reset(root: &Path, target: &Target) -> Result<Reset, String> {
    let plan: Vec<(&str, Vec<&str>)> = match target {
        Target::One(e) => vec![(e.chapter, vec![e.function])],
        Target::All => catalog::chapters()
            .into_iter()
            .map(|ch| (ch, catalog::of(ch).map(|e| e.function).collect()))
            .collect(),
    };
    let mut done = Reset {
        said: String::new(),
        left_alone: Vec::new(),
    };
    for (ch, functions) in &plan {
        let (text, said) = match reset_chapter(root, ch, functions) {
            Ok(planned) => planned,
            Err(why) if matches!(target, Target::All) => {
                let rel = catalog::file_of(ch);
                for f in functions {
                    done.said
                        .push_str(&format!("`{f}` in {rel}: left alone (why below)\n"));
                }
                done.left_alone.push(why);
                continue;
            }
            Err(why) => return Err(why),
        };
        let path = root.join(catalog::file_of(ch));
        let before = std::fs::read_to_string(&path).unwrap_or_default();
        if before != text {
            std::fs::write(&path, &text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        for line in said {
            done.said.push_str(&line);
            done.said.push('\n');
        }
    }
    Ok(done)
}
