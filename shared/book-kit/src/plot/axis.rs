//! Axis ranges and tick labels.

/// An axis tick: at most four significant digits, trailing zeros trimmed,
/// scientific notation for very small or large magnitudes (log axes), and
/// never "-0". `span` is the axis range on a linear axis (0 on a log axis):
/// a tick that is zero up to rounding prints as 0.
pub(super) fn tick_label(v: f64, span: f64) -> String {
    if v == 0.0 || v.abs() < span.abs() * 1e-9 {
        return "0".to_string();
    }
    let a = v.abs();
    if !(1e-3..1e4).contains(&a) {
        let s = format!("{v:.2e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return format!("{mantissa}e{exp}");
    }
    crate::table::g(v, 4)
}

/// Tick values for a log axis from `lo` to `hi`: 1, 2 and 5 times each power
/// of ten when the range spans few decades, powers of ten when it spans many.
pub(super) fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    if !(lo > 0.0 && hi.is_finite()) {
        return Vec::new();
    }
    let decades = (hi / lo).log10();
    let steps: &[f64] = if decades <= 4.0 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0]
    };
    let stride = (decades / 8.0).ceil().max(1.0) as i32;
    let first = lo.log10().floor() as i32;
    let last = hi.log10().ceil() as i32;
    (first..=last)
        .filter(|k| (k - first) % stride == 0)
        .flat_map(|k| steps.iter().map(move |m| m * 10f64.powi(k)))
        .filter(|v| (lo..=hi).contains(v))
        .collect()
}

/// The range of `values`, widened by 5% on each side when `pad` is set;
/// `(0, 1)` when there are none.
pub(super) fn bounds(values: impl Iterator<Item = f64>, pad: bool) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if lo == hi {
        return (lo - 1.0, hi + 1.0);
    }
    if pad {
        let m = 0.05 * (hi - lo);
        (lo - m, hi + m)
    } else {
        (lo, hi)
    }
}
