//! Draws the chapter's plots from its report; computes nothing.

use book_kit::plot::{Legend, LineChart, Plot, Series};
use book_kit::table::f4;
use candle_core::Result;

use crate::Report;
use crate::scan::{Check, threshold};

/// The loss against the logit for both targets, and the two training runs.
pub fn plots(r: &Report) -> Result<Vec<Plot>> {
    // Where σ(z) rounds to exactly 1 and to exactly 0 in f32.
    let sat = |check| threshold(&r.thresholds, check).and_then(|t| t.f32);
    let hi = sat(Check::SigmoidIs(1.0)).unwrap_or(f64::NAN);
    let lo = sat(Check::SigmoidIs(0.0)).unwrap_or(f64::NAN);
    let mut out = Vec::new();
    for c in &r.loss_curves {
        let (y, z) = (c.y, &c.naive.z);
        let name = if y == 1.0 {
            "bce-vs-logit-y1"
        } else {
            "bce-vs-logit-y0"
        };
        let pts = |v: &[f64]| z.iter().copied().zip(v.iter().copied()).collect::<Vec<_>>();
        // A bar under the curves wherever the naive loss is NaN or inf.
        let broken = z
            .iter()
            .zip(&c.naive.value)
            .map(|(&z, v)| (z, if v.is_finite() { f64::NAN } else { -6.0 }))
            .collect();
        // Left to right: the bar's left part, then its right part.
        let what = if y == 1.0 { "inf, NaN" } else { "NaN, inf" };
        out.push(Plot::new(
            name,
            &LineChart::new(
                format!("BCE against the logit, f32, target y = {y}"),
                "logit z",
                "loss",
            )
            // The stable curve first, so the naive one covers it wherever it works.
            .series(Series::new(
                "stable (bce_with_logits)",
                pts(&c.stable.value),
            ))
            .series(Series::new(
                "naive (sigmoid, then log)",
                pts(&c.naive.value),
            ))
            .series(Series::new(
                format!("naive {what} (z <= {}, z >= {})", f4(lo), f4(hi)),
                broken,
            ))
            .x_range(-120.0, 120.0)
            .y_range(-10.0, 130.0)
            // The loss is high on the side where the label is wrong: the
            // legend goes in the other upper corner, which is empty.
            .legend(if y == 1.0 {
                Legend::UpperRight
            } else {
                Legend::UpperLeft
            }),
        )?);
    }
    out.push(training_loss(r)?);
    Ok(out)
}

/// Both runs' loss on a log scale, with a line where the naive one turned NaN.
fn training_loss(r: &Report) -> Result<Plot> {
    let (naive, stable) = (&r.training.naive, &r.training.stable);
    let curve = |h: &[f64]| h.iter().enumerate().map(|(i, &l)| (i as f64, l)).collect();
    let finite = || {
        naive
            .history
            .iter()
            .chain(&stable.history)
            .copied()
            .filter(|l| l.is_finite() && *l > 0.0)
    };
    // Whole decades around the finite losses (a run may have none).
    let (lo, hi) = (finite().fold(1.0, f64::min), finite().fold(1.0, f64::max));
    let y0 = 10f64.powf(lo.log10().floor().max(-30.0));
    let y1 = 10f64.powf(hi.log10().ceil().min(30.0)).max(10.0 * y0);
    let mut chart = LineChart::new(
        "Training loss, same model, data and steps",
        "step",
        "loss (log scale)",
    )
    .series(Series::new("bce_with_logits", curve(&stable.history)))
    .series(Series::new("naive_bce", curve(&naive.history)));
    if let Some(s) = naive.nan_step() {
        let s = s as f64;
        chart = chart.series(Series::new(
            format!("naive_bce is NaN at step {s}"),
            vec![(s, y0), (s, y1)],
        ));
    }
    Ok(Plot::new(
        "training-loss",
        &chart
            .x_range(0.0, r.opts.steps as f64)
            .y_range(y0, y1)
            .log_y()
            // the curves start high on the left: keep the legend clear of them
            .legend(Legend::UpperRight),
    )?)
}
