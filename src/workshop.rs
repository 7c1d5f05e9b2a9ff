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
    let all = exercises();
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

/// One block of a session: a page to read and run, with minutes for the
/// talk and the live runs, and minutes for each of its exercises.
pub struct Block {
    /// A chapter crate (its page), or a page of the book (`workshop`).
    pub page: &'static str,
    /// What happens, in a few words.
    pub what: &'static str,
    /// Minutes for the talk, the predict-the-output question and the runs.
    pub minutes: u32,
    /// Each exercise of the block, by id, with its minutes.
    pub exercises: &'static [(&'static str, u32)],
}

/// Every block a session can use, with its minutes: the one place they are
/// kept. The agendas pick blocks from here and [`render`] adds them up.
pub const BLOCKS: &[Block] = &[
    Block {
        page: "workshop",
        what: "welcome; `cargo exercise` lists the exercises",
        minutes: 5,
        exercises: &[],
    },
    Block {
        page: "idioms",
        what: "[Candle for PyTorch users](cheat-sheet.md#candle-for-pytorch-users): \
               `?` after every operation, `(a * b)? + c`, no implicit broadcasting, \
               `.dims()` when shapes disagree",
        minutes: 4,
        exercises: &[],
    },
    Block {
        page: "ch00-candle-basics",
        what: "tensors, Result, Var and GradStore",
        minutes: 8,
        exercises: &[("accuracy", 8), ("var-gradient", 6)],
    },
    Block {
        page: "ch01-activation-shapes",
        what: "the shapes and their derivatives",
        minutes: 8,
        exercises: &[("leaky-relu-grad", 8)],
    },
    Block {
        page: "ch02-vanishing-gradients",
        what: "gradients shrink layer by layer",
        minutes: 10,
        exercises: &[("layer-grad-norms", 10)],
    },
    Block {
        page: "ch03-regression-losses",
        what: "MSE, MAE, Huber and outliers",
        minutes: 8,
        exercises: &[("huber-grad", 10)],
    },
    Block {
        page: "ch04-loss-task-mismatch",
        what: "MSE on class labels",
        minutes: 8,
        exercises: &[("sigmoid-mse-grad", 8)],
    },
    Block {
        page: "ch05-naive-bce-nan",
        what: "the NaN, found and removed",
        minutes: 10,
        exercises: &[("stable-bce", 14), ("log-softmax", 6)],
    },
    Block {
        page: "ch06-class-weighting",
        what: "weights, pos_weight, focal loss",
        minutes: 10,
        exercises: &[("weighted-ce-mean", 14), ("focal-term", 10)],
    },
    Block {
        page: "ch07-matching-loss-to-task",
        what: "six tasks, one loop",
        minutes: 8,
        exercises: &[("train-step", 12)],
    },
    Block {
        page: "ch08-common-errors",
        what: "the errors, reproduced and fixed",
        minutes: 12,
        exercises: &[("clip-grad-norm", 10), ("column-mse", 8)],
    },
    Block {
        page: "ch09-decision-guide",
        what: "the decision guide, on the wall",
        minutes: 5,
        exercises: &[],
    },
    Block {
        page: "break",
        what: "break",
        minutes: 15,
        exercises: &[],
    },
    Block {
        page: "wrap-up",
        what: "questions; what to try at home",
        minutes: 5,
        exercises: &[],
    },
];

/// What an agenda takes from a block: all of its exercises, some, or none;
/// `IfTime` exercises are listed for fast participants and not counted.
pub enum Take {
    All,
    Only(&'static [&'static str]),
    IfTime(&'static [&'static str]),
    TalkOnly,
}

/// A session: blocks in order, by page.
pub struct Agenda {
    pub name: &'static str,
    pub blocks: &'static [(&'static str, Take)],
}

/// The 90-minute session: Candle's idioms first, then the NaN and the
/// weights, with one exercise each, around the activations and the errors;
/// ch08's exercise only if time allows.
pub const NINETY_MINUTES: Agenda = Agenda {
    name: "90 minutes",
    blocks: &[
        ("workshop", Take::All),
        ("idioms", Take::All),
        ("ch01-activation-shapes", Take::All),
        ("ch05-naive-bce-nan", Take::Only(&["stable-bce"])),
        ("ch06-class-weighting", Take::Only(&["weighted-ce-mean"])),
        ("ch08-common-errors", Take::IfTime(&["clip-grad-norm"])),
        ("wrap-up", Take::All),
    ],
};

/// The half-day: every chapter and every exercise, with a break.
pub const HALF_DAY: Agenda = Agenda {
    name: "half a day",
    blocks: &[
        ("workshop", Take::All),
        ("idioms", Take::All),
        ("ch00-candle-basics", Take::All),
        ("ch01-activation-shapes", Take::All),
        ("ch02-vanishing-gradients", Take::All),
        ("ch03-regression-losses", Take::All),
        ("ch04-loss-task-mismatch", Take::All),
        ("break", Take::All),
        ("ch05-naive-bce-nan", Take::All),
        ("ch06-class-weighting", Take::All),
        ("ch07-matching-loss-to-task", Take::All),
        ("ch08-common-errors", Take::All),
        ("ch09-decision-guide", Take::All),
        ("wrap-up", Take::All),
    ],
};

/// The block for `page` in [`BLOCKS`].
pub fn block(page: &str) -> Option<&'static Block> {
    BLOCKS.iter().find(|b| b.page == page)
}

/// One row of a rendered agenda.
struct Row {
    what: String,
    exercises: Vec<(&'static str, u32)>,
    /// Exercises for whoever has time left, not counted in the minutes.
    if_time: Vec<(&'static str, u32)>,
    minutes: u32,
}

fn rows(agenda: &Agenda) -> Result<Vec<Row>, String> {
    agenda
        .blocks
        .iter()
        .map(|(page, take)| {
            let b = block(page).ok_or_else(|| format!("{}: no block {page}", agenda.name))?;
            let pick = |ids: &[&str]| {
                ids.iter()
                    .map(|id| {
                        b.exercises
                            .iter()
                            .find(|e| e.0 == *id)
                            .copied()
                            .ok_or_else(|| format!("{}: {page} has no exercise {id}", agenda.name))
                    })
                    .collect::<Result<Vec<_>, _>>()
            };
            let (exercises, if_time) = match take {
                Take::All => (b.exercises.to_vec(), Vec::new()),
                Take::TalkOnly => (Vec::new(), Vec::new()),
                Take::Only(ids) => (pick(ids)?, Vec::new()),
                Take::IfTime(ids) => (Vec::new(), pick(ids)?),
            };
            let what = match chapters::find(page) {
                Some(_) => format!("[{}]({page}.md): {}", page_number(page), b.what),
                None => b.what.to_string(),
            };
            let minutes = b.minutes + exercises.iter().map(|e| e.1).sum::<u32>();
            Ok(Row {
                what,
                exercises,
                if_time,
                minutes,
            })
        })
        .collect()
}

/// "Chapter 5" for `ch05-…`, "Candle primer" for `ch00-…`.
fn page_number(page: &str) -> String {
    match page[2..4].parse::<u32>() {
        Ok(0) => "Candle primer".to_string(),
        Ok(n) => format!("Chapter {n}"),
        Err(_) => page.to_string(),
    }
}

/// The total minutes of an agenda.
pub fn total(agenda: &Agenda) -> Result<u32, String> {
    Ok(rows(agenda)?.iter().map(|r| r.minutes).sum())
}

/// An agenda as a Markdown table with a running clock, summed from
/// [`BLOCKS`], and its total.
pub fn render(agenda: &Agenda) -> Result<String, String> {
    let mut out =
        String::from("| start | what | exercises (minutes each) | min |\n|---|---|---|---|\n");
    let mut clock = 0;
    for r in rows(agenda)? {
        let exercises: Vec<String> = r
            .exercises
            .iter()
            .map(|(id, m)| format!("`{id}` ({m})"))
            .chain(
                r.if_time
                    .iter()
                    .map(|(id, m)| format!("`{id}` ({m}, if time allows)")),
            )
            .collect();
        let exercises = exercises.join(", ");
        out.push_str(&format!(
            "| {}:{:02} | {} | {} | {} |\n",
            clock / 60,
            clock % 60,
            r.what,
            exercises,
            r.minutes
        ));
        clock += r.minutes;
    }
    let exercises: usize = rows(agenda)?.iter().map(|r| r.exercises.len()).sum();
    let extra: usize = rows(agenda)?.iter().map(|r| r.if_time.len()).sum();
    let extra = match extra {
        0 => String::new(),
        n => format!(" (and {n} if time allows)"),
    };
    out.push_str(&format!(
        "| {}:{:02} | end: {} minutes in all, {} exercises{extra} | | |\n",
        clock / 60,
        clock % 60,
        clock,
        exercises
    ));
    Ok(out)
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
