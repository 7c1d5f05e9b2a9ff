//! The workshop: every chapter's exercises, found by id for `cargo exercise`.

use shared::chapter::AnyChapter;
use shared::exercise::{self, Exercise, Outcome};

use crate::chapters;

/// Every exercise in the book, with its chapter, in reading order.
pub fn exercises() -> Vec<(&'static dyn AnyChapter, &'static Exercise)> {
    chapters::all()
        .into_iter()
        .flat_map(|ch| ch.exercises().iter().map(move |ex| (ch, ex)))
        .collect()
}

/// The exercise a participant names: `stable-bce`.
pub fn find(id: &str) -> Option<(&'static dyn AnyChapter, &'static Exercise)> {
    exercises().into_iter().find(|(_, ex)| ex.id == id)
}

/// `cargo exercise` without an id: every exercise, run, one line each.
pub fn overview() -> (String, usize) {
    let mut out = String::new();
    let mut solved = 0;
    let all = exercises();
    let mut last = "";
    for (ch, ex) in &all {
        if ch.name() != last {
            out.push_str(&format!("{}\n", ch.name()));
            last = ch.name();
        }
        let mark = match exercise::attempt(ex.check) {
            Outcome::Solved(_) => {
                solved += 1;
                "✓"
            }
            Outcome::Todo => "·",
            Outcome::Wrong(_) => "✗",
        };
        out.push_str(&format!("  {mark} {:<22} {}\n", ex.id, ex.title));
    }
    out.push_str(&format!(
        "{solved} of {} solved (✓ solved, · not done yet, ✗ not right yet); \
         `cargo exercise ID` checks one\n",
        all.len()
    ));
    (out, solved)
}
