//! What several test modules need: the book's folder, and every chapter's
//! output at its default flags, run once for the whole test binary.

use std::sync::OnceLock;

use act_loss_book::book::BookDir;
use act_loss_book::chapters;
use book_kit::chapter::{AnyChapter, Output};

pub fn book() -> BookDir {
    BookDir::find().expect("the tests run inside the book's repository")
}

/// Every chapter with its output at the default flags, computed once.
pub fn outputs() -> &'static [(&'static dyn AnyChapter, Output)] {
    static OUTPUTS: OnceLock<Vec<(&'static dyn AnyChapter, Output)>> = OnceLock::new();
    OUTPUTS.get_or_init(|| {
        chapters::all()
            .into_iter()
            .map(|ch| (ch, ch.output().expect("the chapter runs")))
            .collect()
    })
}
