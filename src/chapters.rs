//! Every chapter of the book, in reading order, from the one list in
//! `src/chapter_list.rs`.

use book_kit::chapter::AnyChapter;

include!("chapter_list.rs");

macro_rules! registry {
    ($($name:literal => $krate:ident $(, $exercises:ident)?;)*) => {
        vec![$(&$krate::CHAPTER as &'static dyn AnyChapter),*]
    };
}

/// Every chapter, in reading order.
pub fn all() -> Vec<&'static dyn AnyChapter> {
    book_chapters!(registry)
}

/// The chapter with this crate name.
pub fn find(name: &str) -> Option<&'static dyn AnyChapter> {
    all().into_iter().find(|c| c.name() == name)
}
