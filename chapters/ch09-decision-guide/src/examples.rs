//! Every row of the guide at work: its own functions on its own tiny batch,
//! checked against the names the row prints and against the rule that a
//! matched output layer and loss have the gradient `p − y`.

use candle_core::Result;
use shared::guide::{Example, GUIDE, Row, Settings};

/// One row of the guide and what its example did.
pub struct RowRun {
    pub row: &'static Row,
    pub example: Example,
    /// Whether the paths the row prints are those of the functions called.
    pub names_match: bool,
    /// The largest |library − formula| over the row's losses.
    pub formula_gap: f64,
    /// Probability minus target per output (one-hot for a class index);
    /// empty where the output is not a probability.
    pub residual: Vec<Vec<f64>>,
    /// For each loss: the largest |gradient of the sum − residual|.
    pub residual_gap: Vec<Option<f64>>,
}

// ANCHOR: run
/// Runs every row's example and checks it.
pub fn run_guide(settings: &Settings) -> Result<Vec<RowRun>> {
    GUIDE
        .iter()
        .map(|row| {
            let example = (row.example)(settings)?;
            let called: Vec<&str> = example.losses.iter().map(|l| l.function).collect();
            let names_match = called == row.functions
                && example.inference_called.as_slice() == row.inference_functions;
            let formula_gap = example
                .losses
                .iter()
                .map(|l| (l.value - l.by_hand).abs())
                .fold(0.0, f64::max);
            let residual = residuals(&example);
            let residual_gap = example
                .losses
                .iter()
                .map(|l| (!residual.is_empty()).then(|| largest_gap(&l.grad_of_sum, &residual)))
                .collect();
            Ok(RowRun {
                row,
                example,
                names_match,
                formula_gap,
                residual,
                residual_gap,
            })
        })
        .collect()
}

/// `p − y` for every output: the target is a 0/1 per output, or a class
/// index that stands for a one-hot row.
fn residuals(ex: &Example) -> Vec<Vec<f64>> {
    ex.probabilities
        .iter()
        .zip(&ex.targets)
        .map(|(p, t)| {
            p.iter()
                .enumerate()
                .map(|(j, &pj)| {
                    let y = match t.as_slice() {
                        [c] if p.len() > 1 => f64::from(u8::from(*c as usize == j)),
                        t => t[j],
                    };
                    pj - y
                })
                .collect()
        })
        .collect()
}
// ANCHOR_END: run

fn largest_gap(a: &[Vec<f64>], b: &[Vec<f64>]) -> f64 {
    a.concat()
        .iter()
        .zip(b.concat())
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}
