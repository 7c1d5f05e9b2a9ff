//! The chapter's plots: focal loss against p_t, and for every rate the
//! precision–recall curves and F1 against the threshold.

use candle_core::{Device, Result, Tensor};
use shared::plot::{LineChart, Plot, Series, linspace};
use shared::table::pct;

use crate::Options;
use crate::runs::{self, RateResult};

/// Focal loss of one positive example at each probability `p` (α off),
/// through the logit `ln(p / (1 − p))`.
pub fn focal_at(p: &[f64], gamma: f64) -> Result<Vec<f64>> {
    let logits: Vec<f64> = p.iter().map(|&p| (p / (1.0 - p)).ln()).collect();
    let z = Tensor::new(logits.as_slice(), &Device::Cpu)?;
    let y = z.ones_like()?;
    shared::activations::to_f64_vec(&shared::losses::focal_loss_elementwise(
        &z, &y, -1.0, gamma,
    )?)
}

/// The focal-loss curves, and for every rate the precision–recall curves and
/// F1 against the threshold.
pub fn plots(opts: &Options) -> Result<Vec<Plot>> {
    let p = linspace(0.05, 0.999, 200);
    let mut chart = LineChart::new(
        "Focal loss of one example (α off)",
        "p_t, probability of the true class",
        "loss",
    )
    .x_range(0.0, 1.0)
    .y_range(0.0, 5.0);
    for &g in &opts.gammas {
        let l = focal_at(&p, g)?;
        chart = chart.series(Series::new(
            format!("γ = {g}"),
            p.iter().copied().zip(l).collect(),
        ));
    }
    let mut plots = vec![Plot::new("focal-loss", &chart)?];
    for r in &opts.experiment()?.rates {
        plots.push(Plot::new(
            format!("precision-recall-{}", rate_tag(r)),
            &pr_chart(r),
        )?);
        plots.push(Plot::new(
            format!("f1-threshold-{}", rate_tag(r)),
            &f1_chart(r),
        )?);
    }
    Ok(plots)
}

fn rate_tag(r: &RateResult) -> String {
    format!("{}pct", 100.0 * r.rate).replace('.', "_")
}

fn pr_chart(r: &RateResult) -> LineChart {
    let mut chart = LineChart::new(
        format!(
            "Precision-recall, {} positives (+: threshold 0.5)",
            pct(r.rate)
        ),
        "recall",
        "precision",
    )
    .x_range(0.0, 1.0)
    .y_range(0.0, 1.25);
    for run in &r.methods {
        let mut points = runs::pr_curve(&run.test_prob, &r.test_labels, 300);
        // Where threshold 0.5 lands on the curve: a cross, after a break in the line.
        let s = run.scores_at(&r.test_labels, 0.5);
        let (x, y, d) = (s.recall, s.precision, 0.03);
        let gap = (f64::NAN, f64::NAN);
        points.extend([gap, (x - d, y), (x + d, y), gap, (x, y - d), (x, y + d)]);
        chart = chart.series(Series::new(run.method.name(), points));
    }
    chart
}

fn f1_chart(r: &RateResult) -> LineChart {
    let t = linspace(0.005, 0.995, 199);
    let mut chart = LineChart::new(
        format!("F1 against the threshold, {} positives", pct(r.rate)),
        "threshold",
        "F1 of the minority class",
    )
    .x_range(0.0, 1.0)
    .y_range(0.0, 1.0);
    for run in &r.methods {
        let f1 = t
            .iter()
            .map(|&t| (t, run.scores_at(&r.test_labels, t).f1))
            .collect();
        chart = chart.series(Series::new(run.method.name(), f1));
    }
    chart
}
