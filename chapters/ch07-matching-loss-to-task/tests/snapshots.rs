//! Pins the chapter's printed output, section by section; the book's page
//! includes these snapshots.

#[test]
fn output_is_pinned() {
    shared::pin_sections!(ch07_matching_loss_to_task::CHAPTER);
}
