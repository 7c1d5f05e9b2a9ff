//! The charts' own tests: ticks, clipping, dashes, alt text, the SVG.

use std::collections::BTreeSet;

use super::axis::{log_ticks, tick_label};
use super::clip::Clip;
use super::*;

#[test]
fn log_ticks_add_two_and_five_within_a_few_decades() {
    assert_eq!(log_ticks(0.05, 2.0), vec![0.05, 0.1, 0.2, 0.5, 1.0, 2.0]);
    assert_eq!(log_ticks(1e-12, 1.0).len(), 7);
    assert!(log_ticks(0.0, 1.0).is_empty());
}

fn sampled(f: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    linspace(-6.0, 6.0, 50)
        .into_iter()
        .map(|x| (x, f(x)))
        .collect()
}

#[test]
fn draws_the_same_bytes_twice_with_title_and_legend() {
    let chart = LineChart::new("Sigmoid", "z", "f(z)")
        .series(Series::new("f", sampled(|z| 1.0 / (1.0 + (-z).exp()))))
        .series(Series::new(
            "f'",
            sampled(|z| {
                let s = 1.0 / (1.0 + (-z).exp());
                s * (1.0 - s)
            }),
        ));
    let a = chart.to_svg().unwrap();
    assert_eq!(a, chart.to_svg().unwrap());
    assert!(a.starts_with("<svg"));
    for text in [">\nSigmoid\n<", ">\nf(z)\n<", ">\nf&apos;\n<", ">\nz\n<"] {
        assert!(a.contains(text), "{text} missing from the SVG:\n{a}");
    }
}

#[test]
fn lines_are_cut_at_the_edge_of_the_visible_range() {
    let clip = Clip {
        x: (0.0, 10.0),
        y: (0.0, 1.0),
        log_y: false,
    };
    // up from (0, 0) to (2, 2): leaves the chart at (1, 1); comes back down later
    let segs = clip.segments(&[(0.0, 0.0), (2.0, 2.0), (4.0, 2.0), (6.0, 0.0), (8.0, 0.0)]);
    assert_eq!(
        segs,
        vec![
            vec![(0.0, 0.0), (1.0, 1.0)],
            vec![(5.0, 1.0), (6.0, 0.0), (8.0, 0.0)]
        ]
    );
    // a NaN breaks the line
    let segs = clip.segments(&[(0.0, 0.5), (1.0, f64::NAN), (2.0, 0.5), (3.0, 0.5)]);
    assert_eq!(segs, vec![vec![(2.0, 0.5), (3.0, 0.5)]]);
}

#[test]
fn tick_labels_are_short_and_never_minus_zero() {
    assert_eq!(tick_label(-0.0, 1.0), "0");
    assert_eq!(tick_label(-5.551115123125783e-17, 2.0), "0");
    assert_eq!(tick_label(0.25, 1.0), "0.25");
    assert_eq!(tick_label(3.0, 6.0), "3");
    assert_eq!(tick_label(9.99999999e-5, 0.0), "1e-4");
    assert_eq!(tick_label(2.5e-7, 0.0), "2.5e-7");
    assert_eq!(tick_label(100000.0, 0.0), "1e5");
    assert_eq!(tick_label(10000.0, 0.0), "1e4");
    assert_eq!(tick_label(2500.0, 0.0), "2500");
}

#[test]
fn the_description_names_title_series_axes_and_ranges() {
    let chart = LineChart::new("Sigmoid and its derivative", "z", "f(z)")
        .series(Series::new("f", sampled(|z| 1.0 / (1.0 + (-z).exp()))))
        .series(Series::new("f'", sampled(|z| z / 12.0)))
        .series(Series::new("f''", sampled(|_| 0.25)))
        .y_range(-0.5, 1.0);
    assert_eq!(
        chart.describe(),
        "Sigmoid and its derivative. A line chart of 3 curves: f, f' and f''. \
         x axis: z, from -6 to 6; y axis: f(z), from -0.5 to 1."
    );
    let log = LineChart::new("Loss", "step", "loss")
        .series(Series::new("", vec![(0.0, 1e-3), (10.0, 2.0)]))
        .y_range(1e-4, 10.0)
        .log_y();
    assert_eq!(
        log.describe(),
        "Loss. A line chart of one curve. \
         x axis: step, from 0 to 10; y axis: loss, from 1e-4 to 10, log scale."
    );
    // the data's range when none is set
    let fitted =
        LineChart::new("t", "x", "y").series(Series::new("a", vec![(1.0, 2.0), (3.0, 4.0)]));
    assert!(
        fitted
            .describe()
            .contains("x axis: x, from 1 to 3; y axis: y, from 1.9 to 4.1.")
    );
    // labels with commas are kept apart by semicolons; no y label, no colon
    let commas = LineChart::new("F1", "threshold", "")
        .series(Series::new("BCE", vec![(0.0, 0.0), (1.0, 1.0)]))
        .series(Series::new(
            "BCE, pos_weight 18",
            vec![(0.0, 0.0), (1.0, 1.0)],
        ))
        .y_range(0.0, 1.0);
    assert_eq!(
        commas.describe(),
        "F1. A line chart of 2 curves: BCE; and BCE, pos_weight 18. \
         x axis: threshold, from 0 to 1; y axis from 0 to 1."
    );
}

#[test]
fn alt_text_is_escaped_for_markdown_on_one_line() {
    let plot = Plot {
        name: "n".into(),
        svg: String::new(),
        alt: "Softmax of [t, 0, 0]: p_t * 2 {{#x}}\n<b>".into(),
    };
    assert_eq!(
        plot.alt_markdown(),
        r"Softmax of \[t, 0, 0\]: p\_t \* 2 \{\{\#x\}\} \<b\>"
    );
    assert_eq!(
        plot.markdown("ch01-x"),
        "![{{#include plots/ch01-x/n.alt.txt}}](plots/ch01-x/n.svg)"
    );
}

#[test]
fn each_series_and_its_legend_sample_have_their_own_dash_pattern() {
    let mut chart = LineChart::new("dashes", "x", "y");
    for i in 0..DASHES.len() {
        chart = chart.series(Series::new(format!("s{i}"), sampled(|z| z + i as f64)));
    }
    let svg = chart.to_svg().unwrap();
    for (i, dash) in DASHES.iter().enumerate() {
        let (r, g, b) = COLORS[i];
        let stroke = format!("stroke=\"#{r:02X}{g:02X}{b:02X}\"");
        let lines: Vec<&str> = svg
            .split("<polyline")
            .filter(|p| p.contains(&stroke))
            .collect();
        // the curve and the legend's sample
        assert_eq!(lines.len(), 2, "series {i}: {} lines", lines.len());
        for l in lines {
            match dash {
                None => assert!(!l.contains("stroke-dasharray"), "series {i} is solid"),
                Some(d) => assert!(
                    l.contains(&format!("stroke-dasharray=\"{d}\"")),
                    "series {i} ({}) is not dashed {d}: {l}",
                    DASH_NAMES[i]
                ),
            }
        }
    }
    let distinct: BTreeSet<_> = DASHES.iter().collect();
    assert_eq!(
        distinct.len(),
        DASHES.len(),
        "two series share a dash pattern"
    );
    // nothing else is dashed: axes, ticks and the legend's frame stay solid
    assert_eq!(
        svg.matches("stroke-dasharray").count(),
        2 * (DASHES.len() - 1)
    );
}

#[test]
fn log_scale_skips_non_positive_and_nan() {
    let chart = LineChart::new("norms", "layer", "norm")
        .series(Series::new(
            "g",
            vec![(0.0, 1.0), (1.0, 0.0), (2.0, f64::NAN), (3.0, 1e-6)],
        ))
        .log_y();
    let svg = chart.to_svg().unwrap();
    assert!(!svg.contains("NaN"));
}
