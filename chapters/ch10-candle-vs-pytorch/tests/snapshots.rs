//! Pins the chapter's printed output, section by section; the book's page
//! includes these snapshots.

#[test]
fn output_is_pinned() {
    book_kit::pin_sections!(ch10_candle_vs_pytorch::CHAPTER);
}
