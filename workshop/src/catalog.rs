//! Every exercise of the book by id, with its chapter, title and function:
//! what `cargo exercise` needs to know without compiling any chapter.
//! `tests/workshop.rs` keeps this table equal to the chapters' own
//! `EXERCISES` (each chapter's `src/checks.rs`), and names the line to fix.

/// One exercise, as the checker knows it.
#[derive(Debug, PartialEq, Eq)]
pub struct Entry {
    /// What a participant types: `cargo exercise stable-bce`.
    pub id: &'static str,
    /// The chapter crate it belongs to.
    pub chapter: &'static str,
    /// The function to write, in the chapter's `src/exercises.rs`.
    pub function: &'static str,
    /// What it teaches, in a few words.
    pub title: &'static str,
}

macro_rules! entries {
    ($($id:literal in $chapter:literal: $function:ident, $title:literal;)*) => {
        &[$(Entry { id: $id, chapter: $chapter, function: stringify!($function), title: $title }),*]
    };
}

/// Every exercise, in the book's order.
pub const EXERCISES: &[Entry] = entries! {
    "accuracy" in "ch00-candle-basics": accuracy, "accuracy from logits and u32 labels";
    "var-gradient" in "ch00-candle-basics": weight_gradient, "a weight's gradient from the GradStore";
    "leaky-relu-grad" in "ch01-activation-shapes": leaky_relu_grad, "LeakyReLU's derivative, kink included";
    "layer-grad-norms" in "ch02-vanishing-gradients": layer_grad_norms, "each layer's weight-gradient norm";
    "huber-grad" in "ch03-regression-losses": huber_grad, "Huber's gradient, by hand";
    "sigmoid-mse-grad" in "ch04-loss-task-mismatch": sigmoid_mse_grad, "the gradient of MSE on the sigmoid";
    "stable-bce" in "ch05-naive-bce-nan": stable_bce, "binary cross-entropy that cannot overflow";
    "log-softmax" in "ch05-naive-bce-nan": log_softmax, "log-softmax that cannot overflow";
    "weighted-ce-mean" in "ch06-class-weighting": weighted_cross_entropy, "PyTorch's weighted cross-entropy mean";
    "focal-term" in "ch06-class-weighting": focal_term, "binary focal loss from logits";
    "train-step" in "ch07-matching-loss-to-task": train_step, "one step of the training loop";
    "clip-grad-norm" in "ch08-common-errors": clip_grad_norm, "clipping gradients by their total norm";
    "column-mse" in "ch08-common-errors": column_mse, "MSE that does not broadcast (N, 1) against (N)";
};

/// The chapters that have exercises, in the book's order.
pub fn chapters() -> Vec<&'static str> {
    let mut names: Vec<&str> = EXERCISES.iter().map(|e| e.chapter).collect();
    names.dedup();
    names
}

/// The exercises of `chapter`.
pub fn of(chapter: &str) -> impl Iterator<Item = &'static Entry> + '_ {
    EXERCISES.iter().filter(move |e| e.chapter == chapter)
}

/// The exercise a participant names: by its id, `stable-bce`, or by its
/// function's name, `stable_bce` (the likeliest slip).
pub fn find(id: &str) -> Option<&'static Entry> {
    EXERCISES.iter().find(|e| e.id == id || e.function == id)
}

/// What to say about an id that names no exercise: the nearest id, if one
/// is near (`stabel-bce` → `stable-bce`), and where the list is.
pub fn unknown(id: &str) -> String {
    let nearest = EXERCISES
        .iter()
        .flat_map(|e| [(e.id, e.id), (e.function, e.id)])
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

/// Where a chapter's exercises live, relative to the repository's root.
pub fn file_of(chapter: &str) -> String {
    book_kit::exercise::file_of(chapter)
}

/// The command that checks one exercise.
pub fn command(e: &Entry) -> String {
    format!("cargo exercise {}", e.id)
}

include!("../../src/chapter_list.rs");

macro_rules! names {
    ($($name:literal => $krate:ident $(, $exercises:ident)?;)*) => {
        &[$($name),*]
    };
}

/// Every chapter of the book, with exercises or not, in reading order.
pub const CHAPTERS: &[&str] = book_chapters!(names);
