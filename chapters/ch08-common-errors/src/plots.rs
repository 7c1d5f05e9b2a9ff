//! Draws the chapter's plots from its report; computes nothing.

use book_kit::plot::{Legend, LineChart, Plot, Series};
use candle_core::Result;

use crate::Report;
use crate::train::Run;

/// A run's loss against the step (a non-finite loss ends the line).
fn curve(run: &Run) -> Vec<(f64, f64)> {
    run.loss
        .iter()
        .enumerate()
        .map(|(i, &l)| (i as f64, l))
        .collect()
}

pub fn plots(r: &Report) -> Result<Vec<Plot>> {
    let steps = r.opts.steps as f64;
    let mut lr = LineChart::new(
        "SGD on MSE: four learning rates, one also clipped",
        "step",
        "loss (log scale)",
    );
    for run in &r.lr.runs {
        let clip = run.clip.map_or(String::new(), |c| format!(", clip {c}"));
        lr = lr.series(Series::new(format!("lr {}{clip}", run.lr), curve(&run.run)));
    }
    let lr = lr
        .x_range(0.0, steps)
        .y_range(1.0, 1e30)
        .log_y()
        .legend(Legend::UpperLeft);
    let mut nan = LineChart::new(
        "A big initialisation, with and without clipping",
        "step",
        "loss (log scale)",
    );
    for n in r.nan.runs.iter().filter(|n| !n.naive_loss) {
        let clip = n.clip.map_or(String::new(), |c| format!(", clip {c}"));
        let label = format!("init x{}{clip}", n.init_scale);
        nan = nan.series(Series::new(label, curve(&n.run)));
    }
    let nan = nan
        .x_range(0.0, steps)
        .y_range(1e-10, 1e6)
        .log_y()
        .legend(Legend::UpperRight);
    Ok(vec![
        Plot::new("learning-rate", &lr)?,
        Plot::new("big-init", &nan)?,
    ])
}
