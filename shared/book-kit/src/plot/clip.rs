//! Lines cut at the edge of the visible rectangle.

/// The visible rectangle: lines leaving it are cut at its edge, so a curve
/// that runs off the chart does not appear to level off along the border.
pub(super) struct Clip {
    pub(super) x: (f64, f64),
    pub(super) y: (f64, f64),
    pub(super) log_y: bool,
}

impl Clip {
    /// y in the space where lines are straight: log10(y) on a log axis.
    pub(super) fn fy(&self, y: f64) -> f64 {
        if self.log_y { y.log10() } else { y }
    }
    pub(super) fn inv_fy(&self, y: f64) -> f64 {
        if self.log_y { 10f64.powf(y) } else { y }
    }

    /// The visible pieces of a polyline. Non-finite points (and non-positive
    /// ones on a log axis) break the line.
    pub(super) fn segments(&self, points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
        let usable =
            |(x, y): (f64, f64)| x.is_finite() && y.is_finite() && (!self.log_y || y > 0.0);
        let (y0, y1) = (self.fy(self.y.0), self.fy(self.y.1));
        let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut current: Vec<(f64, f64)> = Vec::new();
        let mut flush = |current: &mut Vec<(f64, f64)>| {
            if current.len() > 1 {
                out.push(std::mem::take(current));
            } else {
                current.clear();
            }
        };
        for w in points.windows(2) {
            let (p, q) = (w[0], w[1]);
            if !usable(p) || !usable(q) {
                flush(&mut current);
                continue;
            }
            let a = (p.0, self.fy(p.1));
            let b = (q.0, self.fy(q.1));
            match clip_segment(a, b, self.x, (y0.min(y1), y0.max(y1))) {
                None => flush(&mut current),
                Some((c, d)) => {
                    let c = (c.0, self.inv_fy(c.1));
                    let d = (d.0, self.inv_fy(d.1));
                    if current.last() != Some(&c) {
                        flush(&mut current);
                        current.push(c);
                    }
                    current.push(d);
                }
            }
        }
        flush(&mut current);
        out
    }
}

/// Liang–Barsky: the part of segment `a`–`b` inside the rectangle, if any.
/// Endpoints inside are returned unchanged, so consecutive pieces join exactly.
pub(super) fn clip_segment(
    a: (f64, f64),
    b: (f64, f64),
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.0 - x0),
        (dx, x1 - a.0),
        (-dy, a.1 - y0),
        (dy, y1 - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| {
        if t == 0.0 {
            a
        } else if t == 1.0 {
            b
        } else {
            (a.0 + t * dx, a.1 + t * dy)
        }
    };
    Some((at(t0), at(t1)))
}
