//! `cargo exercise` without an id: how many are done, each one's state in
//! order, and the next to do.

use crate::catalog::{self, Entry};

/// Where an exercise stands, as its chapter's binary reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// Its check passes.
    Done,
    /// Its function is still `todo!()`.
    Todo,
    /// It returns something else, an error, or panics.
    Wrong,
    /// Its chapter does not compile (the first error, in a line).
    Broken(String),
}

/// The text for `entries`, one state each, in order, and how many are done.
pub fn progress(entries: &[&'static Entry], states: &[State]) -> (String, usize) {
    let done = states.iter().filter(|s| **s == State::Done).count();
    let mut out = format!(
        "{done} of {} done (✓ done, · not started, ✗ not right yet)\n",
        entries.len()
    );
    let mut last = "";
    for (e, state) in entries.iter().zip(states) {
        if e.chapter != last {
            out.push_str(&format!("{}\n", e.chapter));
            last = e.chapter;
        }
        let mark = match state {
            State::Done => "✓",
            State::Todo => "·",
            State::Wrong | State::Broken(_) => "✗",
        };
        out.push_str(&format!("  {mark} {:<22} {}", e.id, e.title));
        if let State::Broken(_) = state {
            out.push_str(" (its chapter does not compile)");
        }
        out.push('\n');
    }
    // Each chapter that does not compile, once: where, and the way back.
    let mut told = Vec::new();
    for (e, state) in entries.iter().zip(states) {
        if let State::Broken(error) = state
            && !told.contains(&e.chapter)
        {
            told.push(e.chapter);
            out.push_str(&broken_note(e, error));
        }
    }
    // The next one: one begun and not right yet; else the first not started
    // after the last one done (the agendas skip some); else the first.
    let solved = |i: &usize| states[*i] == State::Done;
    let after = (0..entries.len()).rev().find(solved).map_or(0, |i| i + 1);
    let next = (0..entries.len())
        .find(|&i| matches!(states[i], State::Wrong | State::Broken(_)))
        .or_else(|| (after..entries.len()).find(|i| !solved(i)))
        .or_else(|| (0..entries.len()).find(|i| !solved(i)))
        .map(|i| entries[i]);
    match next {
        Some(e) => out.push_str(&format!(
            "next: `{}`: {} (`{}` in {})\n",
            catalog::command(e),
            e.title,
            e.function,
            catalog::file_of(e.chapter)
        )),
        None => out.push_str("every exercise is done\n"),
    }
    (out, done)
}

/// What to say when `e`'s chapter does not compile: the first error, the
/// file, and how to get the stubs back. The other chapters are unaffected.
pub fn broken_note(e: &Entry, error: &str) -> String {
    let ids: Vec<String> = catalog::of(e.chapter)
        .map(|x| format!("`cargo exercise --reset {}`", x.id))
        .collect();
    format!(
        "! {} does not compile, so only its own exercises cannot be checked:\n  \
         {error}\n  Finish or fix the function in {}; `cargo exercise {}` shows the whole \
         error, and {} puts a stub back.\n",
        e.chapter,
        catalog::file_of(e.chapter),
        e.id,
        ids.join(" or ")
    )
}
