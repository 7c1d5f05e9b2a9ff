//! The chapter's plots, drawn from the same experiments as its text.

use candle_core::{D, Device, Result, Tensor};
use shared::activations::{softmax, to_f64_vec};
use shared::metrics;
use shared::plot::{LineChart, Plot, Series, linspace};
use shared::table::fixed;

use crate::setup::{N, collinear_classes};
use crate::{
    Loss, MultiLoss, Options, SPACING, compare, constant_scan, easy_data, fit_multi, gradient_at,
};

/// The constant scan, the gradients, a reliability diagram, and what each
/// multi-class model outputs along the line of the three classes.
pub fn plots(opts: &Options) -> Result<Vec<Plot>> {
    let s = constant_scan(opts)?;
    let constant = LineChart::new(
        "Loss of a constant prediction c",
        "c",
        "loss on the training labels",
    )
    .series(Series::new(
        "MSE(c)",
        s.grid.iter().map(|g| (g.0, g.1)).collect(),
    ))
    .series(Series::new(
        "log-loss(c)",
        s.grid.iter().map(|g| (g.0, g.2)).collect(),
    ))
    .series(Series::new(
        format!("positive rate {}", fixed(s.rate, 3)),
        vec![(s.rate, 0.0), (s.rate, 1.5)],
    ))
    .x_range(0.0, 1.0)
    .y_range(0.0, 1.5);

    let z = linspace(-8.0, 8.0, 321);
    let mut grads = LineChart::new("Gradient on one example with label 1", "output z", "dL/dz")
        .x_range(-8.0, 8.0)
        .y_range(-2.5, 2.5);
    for loss in Loss::ALL {
        grads = grads.series(Series::new(
            loss.name(),
            z.iter().copied().zip(gradient_at(loss, &z)?).collect(),
        ));
    }

    let (train_set, test) = easy_data(opts);
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
    for (loss, r) in compare(&train_set, &test, opts)? {
        let clipped: Vec<f64> = r.prob.iter().map(|p| p.clamp(0.0, 1.0)).collect();
        let bins = metrics::reliability(&clipped, &test.labels, opts.bins as usize);
        let points = bins
            .iter()
            .filter(|b| b.count > 0)
            .map(|b| (b.mean_prob, b.positive_rate))
            .collect();
        diagram = diagram.series(Series::new(loss.name(), points));
    }

    let mut plots = vec![
        Plot::new("constant", &constant)?,
        Plot::new("gradients", &grads)?,
        Plot::new("reliability", &diagram)?,
    ];
    // Outputs along the diagonal x0 = x1 = t, where the three classes' centres lie.
    let t = linspace(-7.0, 7.0, 141);
    let line: Vec<f32> = t.iter().flat_map(|&v| [v as f32, v as f32]).collect();
    let line = Tensor::from_vec(line, (t.len(), 2), &Device::Cpu)?;
    let (train_set, _) = collinear_classes(2 * N, 3, SPACING, opts.seed).split(N);
    for loss in [MultiLoss::MseOneHot, MultiLoss::CrossEntropy] {
        let (model, _) = fit_multi(loss, &train_set, &train_set, opts)?;
        let out = model.forward(&line)?;
        let (values, y_label, file) = match loss {
            MultiLoss::MseOneHot => (to_f64_vec(&out)?, "raw output", "masking-mse"),
            MultiLoss::CrossEntropy => (
                to_f64_vec(&softmax(&out, D::Minus1)?)?,
                "softmax probability",
                "masking-ce",
            ),
        };
        let mut chart = LineChart::new(
            format!(
                "Three classes in a row, {}: outputs at x0 = x1 = t",
                loss.name()
            ),
            "t",
            y_label,
        )
        .x_range(-7.0, 7.0)
        .y_range(-0.6, 1.6);
        for k in 0..3 {
            let pts = t
                .iter()
                .zip(values.chunks(3))
                .map(|(&ti, row)| (ti, row.get(k).copied().unwrap_or(f64::NAN)))
                .collect();
            chart = chart.series(Series::new(format!("class {k}"), pts));
        }
        plots.push(Plot::new(file, &chart)?);
    }
    Ok(plots)
}
