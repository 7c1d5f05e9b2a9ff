// The book's chapters, in reading order: the one list. Adding a chapter
// means adding its crate, its page in book/src/SUMMARY.md and one line here
// (`, exercises` when it has workshop exercises). `include!`d by
// src/chapters.rs (the registry), workshop/src/learner.rs (the solutions and
// stubs of the chapters with exercises), workshop/src/catalog.rs (the
// chapters' names) and runner/src/main.rs (the browser runner);
// everything else that must name each chapter (the manifests, the stubs'
// copies, SUMMARY.md, ARCHITECTURE.md's code map) is checked against
// `chapters::all()` by tests/shape.rs and tests/tidy.rs, each failure naming
// the file to change.
//
// `book_chapters!(then)` calls `then!` with every line below.
macro_rules! book_chapters {
    ($then:ident) => {
        $then! {
            "ch00-candle-basics" => ch00_candle_basics, exercises;
            "ch01-activation-shapes" => ch01_activation_shapes, exercises;
            "ch02-vanishing-gradients" => ch02_vanishing_gradients, exercises;
            "ch03-regression-losses" => ch03_regression_losses, exercises;
            "ch04-loss-task-mismatch" => ch04_loss_task_mismatch, exercises;
            "ch05-naive-bce-nan" => ch05_naive_bce_nan, exercises;
            "ch06-class-weighting" => ch06_class_weighting, exercises;
            "ch07-matching-loss-to-task" => ch07_matching_loss_to_task, exercises;
            "ch08-common-errors" => ch08_common_errors, exercises;
            "ch09-decision-guide" => ch09_decision_guide;
            "ch10-candle-vs-pytorch" => ch10_candle_vs_pytorch;
        }
    };
}
