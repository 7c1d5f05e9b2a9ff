//! The decision guide: for each kind of task, the output layer, the loss, the
//! function in `shared` (or candle-nn) that computes it, and what to apply at
//! inference. One definition, printed and pinned by the decision-guide
//! chapter, so the table cannot drift from the library.
//!
//! Each [`Row`] names its functions as paths (`shared::losses::mse`) and holds
//! an `example` (in `guide/examples.rs`) that calls those very functions on a
//! tiny fixed batch. The example records the path of every function it calls
//! from the function's own type (`std::any::type_name`), so the tests below
//! fail if a row names a function it does not use, and a renamed or removed
//! function stops the build. Each example also computes its loss by hand, in
//! plain `f64` from the formula, and the tests check that the two agree.

use candle_core::Result;

mod examples;
use examples::{
    binary, imbalanced, multi_class, multi_label, outliers, probabilistic, regression, sequence,
};

// ANCHOR: row
/// One row of the decision guide.
#[derive(Debug)]
pub struct Row {
    /// A short name: `binary`, `multi-label`, ...
    pub key: &'static str,
    pub task: &'static str,
    pub output_layer: &'static str,
    pub loss: &'static str,
    /// The loss functions, as paths: `shared::losses::bce_with_logits`.
    pub functions: &'static [&'static str],
    /// What to do with the outputs at inference, in words.
    pub inference: &'static str,
    /// The functions that do it (none: the output is the answer).
    pub inference_functions: &'static [&'static str],
    /// The chapter crate that demonstrates the row.
    pub chapter: &'static str,
    /// Calls the row's functions on a tiny fixed batch.
    pub example: fn(&Settings) -> Result<Example>,
}

/// A function and its path, both from the one expression `f`: the path is
/// the name of `f`'s type, which for a function item is its full path.
fn named<F>(f: F) -> (F, &'static str) {
    (f, std::any::type_name::<F>())
}
// ANCHOR_END: row

/// The knobs of the examples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// The probability from which binary and multi-label outputs say yes.
    pub threshold: f64,
    /// Huber's δ, in the target's units.
    pub delta: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            threshold: 0.5,
            delta: 1.0,
        }
    }
}

/// One loss function called on an example.
#[derive(Clone, Debug, PartialEq)]
pub struct LossCall {
    /// The path of the function called.
    pub function: &'static str,
    pub value: f64,
    /// The same loss from its formula, in plain `f64`.
    pub by_hand: f64,
    /// The gradient of the summed (unreduced) loss with respect to each
    /// output: the mean's gradient times the number of terms averaged.
    pub grad_of_sum: Vec<Vec<f64>>,
}

/// What the model's answer is, per sample.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// The output itself (regression).
    Value(f64),
    /// One class (binary: 0 or 1).
    Class(u32),
    /// A 0/1 for each label.
    Labels(Vec<u32>),
}

/// Calibration of the top-class probabilities on an example.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Calibration {
    pub mean_confidence: f64,
    pub accuracy: f64,
    pub bins: usize,
    pub ece: f64,
}

/// A row's functions at work on a tiny batch.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// What one entry of `outputs` is: `sample` or `step`.
    pub unit: &'static str,
    /// The model's raw outputs (values or logits), one `Vec` per unit.
    pub outputs: Vec<Vec<f64>>,
    /// The targets: a value, a 0/1 per label, or a class index.
    pub targets: Vec<Vec<f64>>,
    pub losses: Vec<LossCall>,
    /// The paths of the inference functions called, in order.
    pub inference_called: Vec<&'static str>,
    /// The outputs after the inference transform (empty: none applies).
    pub probabilities: Vec<Vec<f64>>,
    /// The probability from which the answer is yes, where one applies.
    pub threshold: Option<f64>,
    pub decisions: Vec<Decision>,
    pub calibration: Option<Calibration>,
}

/// The decision guide, row by row.
pub const GUIDE: &[Row] = &[
    Row {
        key: "regression",
        task: "regression",
        output_layer: "1 linear unit",
        loss: "MSE",
        functions: &["shared::losses::mse"],
        inference: "the output as it is",
        inference_functions: &[],
        chapter: "ch03-regression-losses",
        example: regression,
    },
    Row {
        key: "outliers",
        task: "regression, outliers",
        output_layer: "1 linear unit",
        loss: "Huber (or MAE)",
        functions: &["shared::losses::huber", "shared::losses::mae"],
        inference: "the output as it is",
        inference_functions: &[],
        chapter: "ch03-regression-losses",
        example: outliers,
    },
    // ANCHOR: binary_row
    Row {
        key: "binary",
        task: "binary",
        output_layer: "1 logit",
        loss: "BCE on the logit",
        functions: &["shared::losses::bce_with_logits"],
        inference: "sigmoid, then p >= t",
        inference_functions: &["shared::activations::sigmoid"],
        chapter: "ch04-loss-task-mismatch",
        example: binary,
    },
    // ANCHOR_END: binary_row
    Row {
        key: "imbalanced",
        task: "imbalanced binary",
        output_layer: "1 logit",
        loss: "BCE + pos_weight / focal",
        functions: &[
            "shared::losses::bce_with_logits",
            "shared::losses::focal_loss",
        ],
        inference: "sigmoid, tuned threshold",
        inference_functions: &[
            "shared::activations::sigmoid",
            "shared::metrics::best_f1_threshold",
        ],
        chapter: "ch06-class-weighting",
        example: imbalanced,
    },
    Row {
        key: "multi-class",
        task: "multi-class",
        output_layer: "C logits",
        loss: "cross-entropy",
        functions: &["shared::losses::cross_entropy"],
        inference: "softmax, argmax",
        inference_functions: &[
            "shared::activations::softmax",
            "shared::metrics::argmax_rows",
        ],
        chapter: "ch04-loss-task-mismatch",
        example: multi_class,
    },
    Row {
        key: "multi-label",
        task: "multi-label",
        output_layer: "L logits",
        loss: "BCE on each logit",
        functions: &["shared::losses::bce_with_logits"],
        inference: "sigmoid per label, p >= t",
        inference_functions: &["shared::activations::sigmoid"],
        chapter: "ch07-matching-loss-to-task",
        example: multi_label,
    },
    Row {
        key: "sequence",
        task: "sequence",
        output_layer: "C logits per step",
        loss: "cross-entropy per step",
        functions: &["shared::losses::cross_entropy"],
        inference: "softmax, argmax per step",
        inference_functions: &[
            "shared::activations::softmax",
            "shared::metrics::argmax_rows",
        ],
        chapter: "ch07-matching-loss-to-task",
        example: sequence,
    },
    Row {
        key: "probabilistic",
        task: "probabilistic output",
        output_layer: "C logits",
        loss: "cross-entropy",
        functions: &["shared::losses::cross_entropy"],
        inference: "softmax, check calibration",
        inference_functions: &[
            "shared::activations::softmax",
            "shared::metrics::argmax_rows",
            "shared::metrics::reliability",
            "shared::metrics::expected_calibration_error",
        ],
        chapter: "ch07-matching-loss-to-task",
        example: probabilistic,
    },
];

/// The row called `key`.
pub fn row(key: &str) -> Option<&'static Row> {
    GUIDE.iter().find(|r| r.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::losses::mse;

    fn examples() -> Vec<(&'static Row, Example)> {
        let s = Settings::default();
        GUIDE
            .iter()
            .map(|r| (r, (r.example)(&s).unwrap()))
            .collect()
    }

    #[test]
    fn every_row_names_exactly_the_functions_its_example_calls() {
        for (row, ex) in examples() {
            let called: Vec<&str> = ex.losses.iter().map(|l| l.function).collect();
            assert_eq!(row.functions, called.as_slice(), "{}", row.key);
            assert_eq!(
                row.inference_functions,
                ex.inference_called.as_slice(),
                "{}",
                row.key
            );
        }
        // The paths come from the functions' types, so they are the real paths.
        assert_eq!(named(mse).1, "shared::losses::mse");
    }

    #[test]
    fn every_loss_agrees_with_its_formula() {
        for (row, ex) in examples() {
            assert!(!ex.losses.is_empty(), "{}", row.key);
            for l in &ex.losses {
                assert!(
                    (l.value - l.by_hand).abs() < 1e-12 * l.by_hand.max(1.0),
                    "{}: {} gives {}, the formula {}",
                    row.key,
                    l.function,
                    l.value,
                    l.by_hand
                );
            }
        }
    }

    #[test]
    fn every_decision_is_the_one_the_task_calls_for() {
        use Decision::{Class, Labels};
        let ex = |key: &str| (row(key).unwrap().example)(&Settings::default()).unwrap();
        let classes = |d: Vec<u32>| d.into_iter().map(Class).collect::<Vec<_>>();
        assert_eq!(ex("regression").decisions[3], Decision::Value(8.0));
        assert_eq!(ex("binary").decisions, classes(vec![1, 0, 1, 0]));
        // the tuned threshold catches the second positive, 0.5 would not
        assert_eq!(
            ex("imbalanced").decisions,
            classes(vec![1, 1, 0, 0, 0, 0, 1, 0])
        );
        assert_eq!(ex("multi-class").decisions, classes(vec![0, 1, 0]));
        assert_eq!(ex("sequence").decisions, classes(vec![0, 2, 1, 1]));
        let labels = ex("multi-label").decisions;
        assert_eq!(labels[1], Labels(vec![0, 1, 1]));
        let cal = ex("probabilistic").calibration.unwrap();
        assert_eq!(cal.accuracy, 0.75);
        // softmax rows are probabilities
        for p in ex("probabilistic").probabilities {
            assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn matched_pairs_have_gradient_prediction_minus_target() {
        for key in ["binary", "multi-label", "multi-class", "sequence"] {
            let ex = (row(key).unwrap().example)(&Settings::default()).unwrap();
            let g = &ex.losses[0].grad_of_sum;
            for (i, p) in ex.probabilities.iter().enumerate() {
                for (j, &pj) in p.iter().enumerate() {
                    let y = match ex.targets[i].as_slice() {
                        [c] if p.len() > 1 => f64::from(u8::from(*c as usize == j)),
                        t => t[j],
                    };
                    assert!((g[i][j] - (pj - y)).abs() < 1e-12, "{key} [{i}][{j}]");
                }
            }
        }
        // Huber's gradient is the error clipped at delta: the outlier pulls with 1, not 24.
        let ex = (row("outliers").unwrap().example)(&Settings::default()).unwrap();
        assert_eq!(ex.losses[0].grad_of_sum[3], vec![-1.0]);
    }
}
