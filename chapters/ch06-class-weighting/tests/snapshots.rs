//! Pins the chapter's printed output, section by section; the book's page
//! includes these snapshots.

#[test]
fn output_is_pinned() {
    book_kit::pin_sections!(ch06_class_weighting::CHAPTER);
}

/// The "Your turn" section with the reference solutions: what a participant
/// sees once every exercise is solved.
#[cfg(feature = "solutions")]
#[test]
fn your_turn_is_pinned_with_the_solutions() {
    book_kit::pin_your_turn!(ch06_class_weighting::CHAPTER);
}
