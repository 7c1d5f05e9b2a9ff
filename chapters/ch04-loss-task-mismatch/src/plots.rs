//! Draws the chapter's plots from its report; computes nothing.

use book_kit::plot::{LineChart, Plot, Series};
use book_kit::table::fixed;
use candle_core::Result;

use crate::Report;
use crate::multiclass::{MaskingCurve, MultiLoss};

/// The constant scan, the gradients, a reliability diagram, and what each
/// multi-class model outputs along the line of the three classes.
pub fn plots(r: &Report) -> Result<Vec<Plot>> {
    let s = &r.constant;
    let constant = LineChart::new(
        "Loss of a constant prediction c",
        "c",
        "loss on the training labels",
    )
    .series(Series::new(
        "MSE(c)",
        s.grid.iter().map(|g| (g.c, g.mse)).collect(),
    ))
    .series(Series::new(
        "log-loss(c)",
        s.grid.iter().map(|g| (g.c, g.log_loss)).collect(),
    ))
    .series(Series::new(
        format!("positive rate {}", fixed(s.rate, 3)),
        vec![(s.rate, 0.0), (s.rate, 1.5)],
    ))
    .x_range(0.0, 1.0)
    .y_range(0.0, 1.5);

    let g = &r.gradients;
    let mut grads = LineChart::new("Gradient on one example with label 1", "output z", "dL/dz")
        .x_range(-8.0, 8.0)
        .y_range(-2.5, 2.5);
    for curve in &g.curves {
        grads = grads.series(Series::new(
            curve.loss.name(),
            g.grid
                .iter()
                .copied()
                .zip(curve.grad.iter().copied())
                .collect(),
        ));
    }

    let mut diagram = LineChart::new(
        "Reliability on the easy test set",
        "mean predicted probability in bin",
        "observed share of positives",
    )
    .x_range(0.0, 1.0)
    .y_range(0.0, 1.0)
    .series(Series::new(
        "perfect calibration",
        vec![(0.0, 0.0), (1.0, 1.0)],
    ));
    for t in &r.easy.results {
        let points = t
            .scores
            .reliability
            .iter()
            .filter(|b| b.count > 0)
            .map(|b| (b.mean_prob, b.positive_rate))
            .collect();
        diagram = diagram.series(Series::new(t.loss.name(), points));
    }

    let mut plots = vec![
        Plot::new("constant", &constant)?,
        Plot::new("gradients", &grads)?,
        Plot::new("reliability", &diagram)?,
    ];
    for curve in &r.multiclass.masking {
        plots.push(masking(curve)?);
    }
    Ok(plots)
}

/// A three-in-a-row model's outputs along the diagonal x0 = x1 = t, where the
/// three classes' centres lie.
fn masking(c: &MaskingCurve) -> Result<Plot> {
    let (y_label, file) = match c.loss {
        MultiLoss::MseOneHot => ("raw output", "masking-mse"),
        MultiLoss::CrossEntropy => ("softmax probability", "masking-ce"),
    };
    let mut chart = LineChart::new(
        format!("Three in a row, {}: outputs at x0 = x1 = t", c.loss.name()),
        "t",
        y_label,
    )
    .x_range(-7.0, 7.0)
    // Both charts share one range, with room at the top for the legend: the
    // raw outputs run above 1.4 at the edges, and probabilities up to 1.
    .y_range(-0.8, 2.4);
    for (k, values) in c.classes.iter().enumerate() {
        let pts = c.t.iter().copied().zip(values.iter().copied()).collect();
        chart = chart.series(Series::new(format!("class {k}"), pts));
    }
    Ok(Plot::new(file, &chart)?)
}
