//! Draws the chapter's plot from its report; computes nothing.

use book_kit::plot::{LineChart, Plot, Series};
use candle_core::Result;

use crate::Report;

/// How far each of Candle's GELU backward passes is from the exact derivative.
pub fn plots(r: &Report) -> Result<Vec<Plot>> {
    let chart = LineChart::new(
        "GELU: Candle's derivative minus the exact one (f64)",
        "z",
        "error",
    )
    .series(Series::new("Tensor::gelu_erf()", r.gelu.erf_error.clone()))
    .series(Series::new("Tensor::gelu()", r.gelu.tanh_error.clone()))
    .x_range(-6.0, 6.0);
    Ok(vec![Plot::new("gelu-derivative-error", &chart)?])
}
