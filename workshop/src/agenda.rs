//! The workshop's agendas: every block a session can use, with its
//! minutes ([`BLOCKS`], the one place they are kept), the two agendas made
//! of them, and their tables with a running clock for the workshop page.

use crate::catalog;

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
            let what = if catalog::CHAPTERS.contains(page) {
                format!("[{}]({page}.md): {}", page_number(page), b.what)
            } else {
                b.what.to_string()
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
pub fn page_number(page: &str) -> String {
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
                    .map(|(id, m)| format!("`{id}` ({m} more, for whoever is ahead, or at home)")),
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
        n => format!(" (and {n} for whoever is ahead)"),
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

/// The exercise ids `agenda` sets, in its order; those it leaves for
/// whoever has time ([`Take::IfTime`]) come last.
pub fn agenda_ids(agenda: &Agenda) -> Vec<&'static str> {
    let mut ids = Vec::new();
    let mut later = Vec::new();
    for (page, take) in agenda.blocks {
        let block_ids = block(page).map_or(&[][..], |b| b.exercises);
        match take {
            Take::All => ids.extend(block_ids.iter().map(|e| e.0)),
            Take::Only(only) => ids.extend(only.iter().copied()),
            Take::IfTime(only) => later.extend(only.iter().copied()),
            Take::TalkOnly => {}
        }
    }
    ids.extend(later);
    ids
}

/// The agenda a participant names on the command line: `90` or `half-day`.
pub fn agenda_named(name: &str) -> Option<&'static Agenda> {
    match name {
        "90" => Some(&NINETY_MINUTES),
        "half-day" => Some(&HALF_DAY),
        _ => None,
    }
}
