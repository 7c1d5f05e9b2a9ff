//! Draws the chapter's plots from its report; computes nothing.

use book_kit::plot::{LineChart, Plot, Series};
use candle_core::Result;
use shared::activations::Activation;
use shared::nn::Init;

use crate::Report;

/// One point per hidden layer: (layer, f(value)).
fn layer_series(label: String, values: &[f64], f: fn(f64) -> f64) -> Series {
    let points = values.iter().enumerate();
    Series::new(
        label,
        points.map(|(l, &v)| ((l + 1) as f64, f(v))).collect(),
    )
}

/// Fits the y axis to the data, with room at the top for the legend, which
/// shared's charts draw in the upper left corner.
fn room_for_legend(chart: LineChart, share: f64) -> LineChart {
    let ys = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1));
    let (lo, hi) = ys
        .filter(|y| y.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
            (a.min(y), b.max(y))
        });
    if !lo.is_finite() {
        return chart;
    }
    let (lo, hi) = (lo.floor(), hi.ceil().max(lo.floor() + 1.0));
    chart.y_range(lo, hi + (hi - lo) * share / (1.0 - share))
}

/// The gradient norm per layer for each activation and for the interesting
/// pairings, and the dead ReLU units per layer. Norms are drawn as log10 on a
/// linear axis, so a straight line is a constant factor per layer.
pub fn plots(r: &Report) -> Result<Vec<Plot>> {
    let depth = r.opts.depth as f64;
    let layers = "hidden layer (1 = nearest the input)";
    let log_norm = "log10 ||dLoss/dh||";
    let mut chart = LineChart::new(
        format!("Gradient per hidden layer, {} init", r.opts.init.name()),
        layers,
        log_norm,
    )
    .x_range(1.0, depth);
    for f in &r.main {
        chart = chart.series(layer_series(
            f.activation.name().into(),
            &f.grad,
            f64::log10,
        ));
    }
    let mut pairs =
        LineChart::new("Initialisation meets activation", layers, log_norm).x_range(1.0, depth);
    for (act, init) in [
        (Activation::Tanh, Init::XavierNormal),
        (Activation::Tanh, Init::KaimingNormal),
        (Activation::Relu, Init::KaimingNormal),
        (Activation::Relu, Init::XavierNormal),
        (Activation::Relu, Init::PytorchDefault),
    ] {
        let f = r.pairing(act, init)?;
        let label = format!("{}, {}", act.name(), init.name());
        pairs = pairs.series(layer_series(label, &f.grad, f64::log10));
    }
    let mut dead = LineChart::new(
        "Dead ReLU units per layer",
        layers,
        "dead on every input (%)",
    )
    .x_range(1.0, depth);
    for u in r.dying.iter().filter(|u| u.activation == Activation::Relu) {
        dead = dead.series(layer_series(u.start.label(), &u.dead, |v| 100.0 * v));
    }
    let tall = |c: LineChart| LineChart {
        size: (640, 520),
        ..c
    };
    Ok(vec![
        Plot::new("gradient-per-layer", &tall(room_for_legend(chart, 0.3)))?,
        Plot::new("init-pairings", &tall(room_for_legend(pairs, 0.3)))?,
        Plot::new("dead-units", &tall(room_for_legend(dead, 0.25)))?,
    ])
}
