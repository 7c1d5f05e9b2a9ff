//! The chapter's plots.

use candle_core::{DType, Result};
use shared::plot::{Legend, LineChart, Plot, Series, linspace};
use shared::table::f4;

use crate::scan::{first_failure, sigmoid_is};
use crate::training::{Training, nan_step, train_both};
use crate::{Bce, Options};

/// The loss against the logit for both targets, and the two training runs.
pub fn plots(opts: &Options) -> Result<Vec<Plot>> {
    let z = linspace(-120.0, 120.0, 2401);
    let sat = |dir: f64, p: f64| -> Result<f64> {
        let at = first_failure(DType::F32, dir, &|z, d| sigmoid_is(z, d, p))?;
        Ok(at.unwrap_or(f64::NAN))
    };
    let (hi, lo) = (sat(1.0, 1.0)?, sat(-1.0, 0.0)?);
    let mut out = Vec::new();
    for (y, name) in [(1.0, "bce-vs-logit-y1"), (0.0, "bce-vs-logit-y0")] {
        let naive = Bce::Naive.eval(&z, y, DType::F32)?;
        let stable = Bce::Stable.eval(&z, y, DType::F32)?;
        let pts = |v: &[f64]| z.iter().copied().zip(v.iter().copied()).collect::<Vec<_>>();
        // A bar under the curves wherever the naive loss is NaN or inf.
        let broken = z
            .iter()
            .zip(&naive.value)
            .map(|(&z, v)| (z, if v.is_finite() { f64::NAN } else { -6.0 }))
            .collect();
        let what = if y == 1.0 {
            "NaN above, inf below"
        } else {
            "inf above, NaN below"
        };
        out.push(Plot::new(
            name,
            &LineChart::new(
                format!("BCE against the logit, f32, target y = {y}"),
                "logit z",
                "loss",
            )
            // The stable curve first, so the naive one covers it wherever it works.
            .series(Series::new("stable (bce_with_logits)", pts(&stable.value)))
            .series(Series::new("naive (sigmoid, then log)", pts(&naive.value)))
            .series(Series::new(
                format!("naive {what}: z >= {}, z <= {}", f4(hi), f4(lo)),
                broken,
            ))
            .x_range(-120.0, 120.0)
            .y_range(-10.0, 130.0),
        )?);
    }

    let Training { naive, stable, .. } = train_both(opts)?;
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
    if let Some(s) = nan_step(&naive) {
        let s = s as f64;
        chart = chart.series(Series::new(
            format!("naive_bce is NaN at step {s}"),
            vec![(s, y0), (s, y1)],
        ));
    }
    out.push(Plot::new(
        "training-loss",
        &chart
            .x_range(0.0, opts.steps as f64)
            .y_range(y0, y1)
            .log_y()
            // the curves start high on the left: keep the legend clear of them
            .legend(Legend::UpperRight),
    )?);
    Ok(out)
}
