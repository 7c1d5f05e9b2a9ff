//! Every chapter of the book, in reading order. A new chapter crate is added
//! here, to the root Cargo.toml, and to book/src/SUMMARY.md; the tidy test
//! fails until all three agree with the folders under `chapters/`.

use shared::chapter::AnyChapter;

pub fn all() -> Vec<&'static dyn AnyChapter> {
    vec![
        &ch00_candle_basics::CHAPTER,
        &ch01_activation_shapes::CHAPTER,
        &ch02_vanishing_gradients::CHAPTER,
        &ch03_regression_losses::CHAPTER,
        &ch04_loss_task_mismatch::CHAPTER,
        &ch05_naive_bce_nan::CHAPTER,
        &ch06_class_weighting::CHAPTER,
        &ch07_matching_loss_to_task::CHAPTER,
        &ch08_common_errors::CHAPTER,
        &ch09_decision_guide::CHAPTER,
        &ch10_candle_vs_pytorch::CHAPTER,
    ]
}

/// The chapter with this crate name.
pub fn find(name: &str) -> Option<&'static dyn AnyChapter> {
    all().into_iter().find(|c| c.name() == name)
}
