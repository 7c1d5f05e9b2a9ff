//! Every chapter of the book, in reading order. A new chapter crate is added
//! here, to the root Cargo.toml, and to book/src/SUMMARY.md; the tidy test
//! fails until all three agree with the folders under `chapters/`.

use shared::chapter::Chapter;

pub fn all() -> Vec<&'static dyn Chapter> {
    vec![
        &ch01_activation_shapes::Chapter,
        &ch02_vanishing_gradients::Chapter,
        &ch03_regression_losses::Chapter,
        &ch04_loss_task_mismatch::Chapter,
        &ch05_naive_bce_nan::Chapter,
        &ch06_class_weighting::Chapter,
    ]
}

/// The chapter with this crate name.
pub fn find(name: &str) -> Option<&'static dyn Chapter> {
    all().into_iter().find(|c| c.name() == name)
}
