//! The workshop's exercises as the chapters define them (each chapter's
//! `EXERCISES`, checks included), for the book and the tests; `cargo
//! exercise` itself knows them from its own catalog (workshop/), which the
//! tests keep equal to these.

use book_kit::chapter::AnyChapter;
use book_kit::exercise::Exercise;

use crate::agenda::page_number;
use crate::chapters;

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

/// The exercise with this id, or this function's name.
pub fn find(id: &str) -> Option<(&'static dyn AnyChapter, &'static Exercise)> {
    exercises()
        .into_iter()
        .find(|(_, ex)| ex.id == id || ex.function == id)
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
