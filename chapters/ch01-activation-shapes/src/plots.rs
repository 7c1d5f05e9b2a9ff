//! Draws the chapter's plots from its report; computes nothing.

use book_kit::plot::{LineChart, Plot, Series};
use candle_core::Result;
use shared::activations::Activation;

use crate::Report;
use crate::shapes::Curve;

fn points(x: &[f64], y: &[f64]) -> Vec<(f64, f64)> {
    x.iter().copied().zip(y.iter().copied()).collect()
}

/// f and f' on the same axes.
fn chart(act: Activation, c: &Curve) -> LineChart {
    LineChart::new(format!("{}: f and f'", act.name()), "z", "")
        .series(Series::new("f(z)", points(&c.z, &c.value)))
        .series(Series::new("f'(z)", points(&c.z, &c.grad)))
        .x_range(c.z[0], c.z[c.z.len() - 1])
}

/// One plot per activation, each zoomed on what matters, then GELU's
/// approximation error and softmax.
pub fn plots(r: &Report) -> Result<Vec<Plot>> {
    let slope = r.opts.slope.abs();
    let mut plots = Vec::new();
    for s in &r.shapes {
        let c = chart(s.activation, &s.curve);
        let c = match s.activation {
            Activation::Relu => c.y_range(-0.5, 3.0),
            // Zoomed on z < 0, where the slope lives: on a [-3, 3] square it is invisible.
            Activation::LeakyRelu { slope: a } => LineChart {
                title: format!("LeakyReLU (slope {a}), zoomed on z < 0"),
                ..c.y_range(-12.0 * slope, 6.0 * slope + 0.001)
            },
            Activation::Gelu => c.y_range(-0.3, 1.5),
            Activation::Sigmoid => c
                .series(Series::new(
                    "0.25, the largest f'",
                    vec![(-8.0, 0.25), (8.0, 0.25)],
                ))
                .y_range(-0.05, 1.05),
            Activation::Tanh => c.y_range(-1.1, 1.1),
            Activation::Silu => c.y_range(-0.4, 1.8),
            Activation::GeluTanh => c,
        };
        plots.push(Plot::new(s.plot_name, &c)?);
    }
    // The tanh approximation's error, far too small to see on the GELU plot.
    plots.push(Plot::new(
        "gelu-tanh-gap",
        &LineChart::new("GELU: tanh approximation minus exact", "z", "difference")
            .series(Series::new("tanh - exact", r.gelu_gap.clone())),
    )?);
    let c = &r.softmax_curve;
    plots.push(Plot::new(
        "softmax",
        &LineChart::new("Softmax of [t, 0, 0]: first probability", "t", "")
            .series(Series::new("p0", points(&c.z, &c.value)))
            .series(Series::new("dp0/dt", points(&c.z, &c.grad)))
            .y_range(-0.05, 1.05),
    )?);
    Ok(plots)
}
