//! The workshop: every chapter's exercises, found by id for `cargo exercise`.

use shared::chapter::AnyChapter;
use shared::exercise::{self, Exercise, Outcome};

use crate::chapters;

use crate::agenda::page_number;
pub use crate::agenda::{
    Agenda, BLOCKS, Block, HALF_DAY, NINETY_MINUTES, Take, agenda_ids, agenda_named, block, render,
    total,
};

/// Every exercise in the book, with its chapter, in reading order.
pub fn exercises() -> Vec<(&'static dyn AnyChapter, &'static Exercise)> {
    chapters::all()
        .into_iter()
        .flat_map(|ch| ch.exercises().iter().map(move |ex| (ch, ex)))
        .collect()
}

/// The exercise a participant names: by its id, `stable-bce`, or by its
/// function's name, `stable_bce` (the likeliest slip).
pub fn find(id: &str) -> Option<(&'static dyn AnyChapter, &'static Exercise)> {
    exercises()
        .into_iter()
        .find(|(_, ex)| ex.id == id || ex.function == id)
}

/// What to say about an id that names no exercise: the nearest id, if one
/// is near (`stabel-bce` → `stable-bce`), and where the list is.
pub fn unknown(id: &str) -> String {
    let nearest = exercises()
        .into_iter()
        .flat_map(|(_, ex)| [(ex.id, ex.id), (ex.function, ex.id)])
        .map(|(name, ex_id)| {
            // The start of a name (`focal` for `focal-term`) is near too.
            let start = id.len() >= 4 && name.starts_with(id);
            let distance = if start {
                1
            } else {
                strsim::damerau_levenshtein(id, name)
            };
            (distance, ex_id)
        })
        .min_by_key(|(distance, _)| *distance)
        .filter(|(distance, _)| *distance <= 3.max(id.len() / 3));
    match nearest {
        Some((_, ex_id)) => format!(
            "no exercise is called '{id}'; did you mean '{ex_id}'? `cargo exercise` lists them"
        ),
        None => format!("no exercise is called '{id}'; `cargo exercise` lists them"),
    }
}

/// `cargo exercise` without an id: progress ("5 of 13 done"), every
/// exercise run and marked, in the book's order, and the next one to do.
/// Returns the text and how many are done.
pub fn overview() -> (String, usize) {
    overview_of(exercises())
}

/// [`overview`] of the exercises `agenda` sets, in its order (those it
/// leaves for whoever has time last), so `next:` is the agenda's next.
pub fn agenda_overview(agenda: &Agenda) -> (String, usize) {
    let all = exercises();
    let ids = agenda_ids(agenda);
    let chosen = ids
        .iter()
        .filter_map(|id| all.iter().find(|(_, ex)| ex.id == *id).copied())
        .collect();
    let (text, done) = overview_of(chosen);
    (
        format!("the {} agenda's exercises: {text}", agenda.name),
        done,
    )
}

fn overview_of(all: Vec<(&'static dyn AnyChapter, &'static Exercise)>) -> (String, usize) {
    let outcomes: Vec<Outcome> = all
        .iter()
        .map(|(_, ex)| exercise::attempt(ex.check))
        .collect();
    progress(&all, &outcomes)
}

/// [`overview`]'s text for these outcomes, one per exercise, in order.
pub fn progress(
    all: &[(&'static dyn AnyChapter, &'static Exercise)],
    outcomes: &[Outcome],
) -> (String, usize) {
    let done = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Solved(_)))
        .count();
    let mut out = format!(
        "{done} of {} done (✓ done, · not started, ✗ not right yet)\n",
        all.len()
    );
    let mut last = "";
    for ((ch, ex), outcome) in all.iter().zip(outcomes) {
        if ch.name() != last {
            out.push_str(&format!("{}\n", ch.name()));
            last = ch.name();
        }
        let mark = match outcome {
            Outcome::Solved(_) => "✓",
            Outcome::Todo => "·",
            Outcome::Wrong(_) => "✗",
        };
        out.push_str(&format!("  {mark} {:<22} {}\n", ex.id, ex.title));
    }
    // The next one: one begun and not right yet; else the first not started
    // after the last one done (the agendas skip some); else the first.
    let solved = |i: &usize| matches!(outcomes[*i], Outcome::Solved(_));
    let after = (0..all.len()).rev().find(solved).map_or(0, |i| i + 1);
    let next = (0..all.len())
        .find(|&i| matches!(outcomes[i], Outcome::Wrong(_)))
        .or_else(|| (after..all.len()).find(|i| !solved(i)))
        .or_else(|| (0..all.len()).find(|i| !solved(i)))
        .map(|i| all[i]);
    match next {
        Some((ch, ex)) => out.push_str(&format!(
            "next: `{}`: {} (`{}` in {})\n",
            exercise::command(ex),
            ex.title,
            ex.function,
            exercise::file_of(ch.name())
        )),
        None => out.push_str("every exercise is done\n"),
    }
    (out, done)
}

/// Every exercise as a Markdown table for the workshop page: its id,
/// its chapter, what it asks and its minutes (from [`BLOCKS`]).
pub fn exercise_table() -> String {
    let mut out = String::from(
        "| `cargo exercise …` | chapter | what it asks for | min |\n|---|---|---|---|\n",
    );
    for (ch, ex) in exercises() {
        let minutes = block(ch.name())
            .and_then(|b| b.exercises.iter().find(|e| e.0 == ex.id))
            .map_or("?".to_string(), |e| e.1.to_string());
        out.push_str(&format!(
            "| `{}` | [{}]({}.md#exercises) | {}: `{}` | {} |\n",
            ex.id,
            page_number(ch.name()),
            ch.name(),
            ex.title,
            ex.function,
            minutes
        ));
    }
    out
}
