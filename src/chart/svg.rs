//! A chart as a standalone SVG document.

use std::fmt::Write as _;

use super::{format, Axis, Chart, Scale};

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 380.0;
const LEFT: f64 = 78.0;
const RIGHT: f64 = 170.0;
const TOP: f64 = 42.0;
const BOTTOM: f64 = 52.0;
/// Line colours, in series order (distinguishable in colour-blind palettes: Okabe–Ito).
const COLORS: [&str; 6] = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9",
];

/// The plot area and the two axes' domains.
struct Frame {
    xs: Domain,
    ys: Domain,
    pw: f64,
    ph: f64,
}

impl Frame {
    fn of(chart: &Chart) -> Self {
        let points = || {
            chart
                .series
                .iter()
                .flat_map(|s| &s.points)
                .filter(|(x, y)| x.is_finite() && y.is_finite())
        };
        let xs = Domain::of(
            &chart.x,
            points()
                .map(|p| p.0)
                .chain(chart.vertical.iter().map(|m| m.at))
                .chain(chart.band.iter().flat_map(|b| [b.0, b.1])),
            false,
        );
        let ys = Domain::of(
            &chart.y,
            points()
                .map(|p| p.1)
                .chain(chart.horizontal.iter().map(|m| m.at)),
            true,
        );
        Self {
            xs,
            ys,
            pw: WIDTH - LEFT - RIGHT,
            ph: HEIGHT - TOP - BOTTOM,
        }
    }

    fn px(&self, x: f64) -> f64 {
        LEFT + self.xs.unit(x) * self.pw
    }

    fn py(&self, y: f64) -> f64 {
        TOP + (1.0 - self.ys.unit(y)) * self.ph
    }
}

/// The chart as an SVG document, the same bytes for the same chart.
#[must_use]
pub fn svg(chart: &Chart) -> String {
    let f = Frame::of(chart);
    let mut o = String::with_capacity(4096);
    let _ = write!(
        o,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="system-ui, sans-serif" font-size="12" role="img">
<title>{title}</title>
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="{LEFT}" y="24" font-size="15" font-weight="600" fill="#222">{title}</text>
"##,
        title = text(&chart.title)
    );
    grid(&mut o, chart, &f);
    markers(&mut o, chart, &f);
    lines(&mut o, chart, &f);
    if chart.is_empty() {
        let _ = writeln!(
            o,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#888">no data</text>"##,
            LEFT + f.pw / 2.0,
            TOP + f.ph / 2.0
        );
    }
    o.push_str("</svg>\n");
    o
}

/// The band, the grid with its tick labels, the frame and the axis labels.
fn grid(o: &mut String, chart: &Chart, f: &Frame) {
    let (pw, ph) = (f.pw, f.ph);
    if let Some((a, b, label)) = &chart.band {
        let (x0, x1) = (f.px(*a).min(f.px(*b)), f.px(*a).max(f.px(*b)));
        let _ = writeln!(
            o,
            r##"<rect class="band" x="{x0:.1}" y="{TOP}" width="{:.1}" height="{ph}" fill="#009e73" fill-opacity="0.12"><title>{}</title></rect>"##,
            (x1 - x0).max(1.0),
            text(label)
        );
    }
    for t in f.xs.ticks() {
        let x = f.px(t);
        let _ = writeln!(
            o,
            r##"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{:.1}" stroke="#e5e5e5"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="#444">{}</text>"##,
            TOP + ph,
            TOP + ph + 16.0,
            text(&format(chart.x.unit, t))
        );
    }
    for t in f.ys.ticks() {
        let y = f.py(t);
        let _ = writeln!(
            o,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#e5e5e5"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#444">{}</text>"##,
            LEFT + pw,
            LEFT - 6.0,
            y + 4.0,
            text(&format(chart.y.unit, t))
        );
    }
    let _ = writeln!(
        o,
        r##"<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>
<text class="x-label" x="{:.1}" y="{:.1}" text-anchor="middle" fill="#222">{}</text>
<text class="y-label" transform="translate(16 {:.1}) rotate(-90)" text-anchor="middle" fill="#222">{}</text>"##,
        LEFT + pw / 2.0,
        HEIGHT - 12.0,
        text(&chart.x.label),
        TOP + ph / 2.0,
        text(&chart.y.label)
    );
}

/// Vertical markers (knees, change points) and horizontal ones (objectives).
fn markers(o: &mut String, chart: &Chart, f: &Frame) {
    for m in &chart.vertical {
        let x = f.px(m.at);
        let _ = writeln!(
            o,
            r##"<g class="marker"><line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{:.1}" stroke="#555" stroke-dasharray="4 3"/><text x="{:.1}" y="{:.1}" fill="#333" font-size="11">{}</text></g>"##,
            TOP + f.ph,
            x + 3.0,
            TOP + 12.0,
            text(&m.label)
        );
    }
    for m in &chart.horizontal {
        let y = f.py(m.at);
        let _ = writeln!(
            o,
            r##"<g class="objective"><line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#c00" stroke-dasharray="6 3"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#c00" font-size="11">{}</text></g>"##,
            LEFT + f.pw,
            LEFT + f.pw - 4.0,
            y - 4.0,
            text(&m.label)
        );
    }
}

/// The series' lines (points marked when there are few) and the legend on the right.
fn lines(o: &mut String, chart: &Chart, f: &Frame) {
    for (i, s) in chart.series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let pts: Vec<String> = s
            .points
            .iter()
            .filter(|(x, y)| f.xs.contains(*x) && f.ys.contains(*y))
            .map(|&(x, y)| format!("{:.1},{:.1}", f.px(x), f.py(y)))
            .collect();
        let dash = if s.dashed {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let _ = writeln!(
            o,
            r#"<g class="series"><title>{}</title><polyline fill="none" stroke="{color}" stroke-width="2"{dash} points="{}"/>"#,
            text(&s.name),
            pts.join(" ")
        );
        if pts.len() <= 40 {
            for p in &pts {
                let (x, y) = p.split_once(',').unwrap_or(("0", "0"));
                let _ = write!(o, r#"<circle cx="{x}" cy="{y}" r="2.5" fill="{color}"/>"#);
            }
        }
        o.push_str("</g>\n");
        #[expect(clippy::cast_precision_loss, reason = "a handful of series")]
        let ly = TOP + 8.0 + i as f64 * 18.0;
        let _ = writeln!(
            o,
            r##"<g class="legend"><line x1="{:.1}" y1="{ly:.1}" x2="{:.1}" y2="{ly:.1}" stroke="{color}" stroke-width="2"{dash}/><text x="{:.1}" y="{:.1}" fill="#222">{}</text></g>"##,
            LEFT + f.pw + 10.0,
            LEFT + f.pw + 30.0,
            LEFT + f.pw + 35.0,
            ly + 4.0,
            text(&short(&s.name, 20))
        );
    }
}

/// An axis' range of values and how they map to `[0, 1]`.
struct Domain {
    scale: Scale,
    lo: f64,
    hi: f64,
    step: f64,
}

impl Domain {
    /// The range covering `values`, widened to round ticks (and to zero for a linear y axis
    /// of positive values: bars and latencies read against zero).
    fn of(axis: &Axis, values: impl Iterator<Item = f64>, from_zero: bool) -> Self {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        // Counts and positions (runs, levels of workers) get whole-number ticks.
        let mut whole = true;
        for v in values.filter(|v| v.is_finite()) {
            whole &= v.fract() == 0.0;
            if axis.scale != Scale::Linear && v <= 0.0 && axis.scale == Scale::Log {
                continue;
            }
            lo = lo.min(v);
            hi = hi.max(v);
        }
        match axis.scale {
            Scale::Linear => {
                if !lo.is_finite() {
                    (lo, hi) = (0.0, 1.0);
                }
                if from_zero && lo > 0.0 {
                    lo = 0.0;
                }
                if (hi - lo).abs() < f64::EPSILON * hi.abs().max(1.0) {
                    hi = lo + lo.abs().max(1.0);
                }
                let step = nice((hi - lo) / 5.0);
                let step = if whole { step.max(1.0) } else { step };
                Self {
                    scale: Scale::Linear,
                    lo: (lo / step).floor() * step,
                    hi: (hi / step).ceil() * step,
                    step,
                }
            }
            Scale::Log => {
                if !lo.is_finite() {
                    (lo, hi) = (1.0, 10.0);
                }
                let (a, mut b) = (lo.log10().floor(), hi.log10().ceil());
                if b <= a {
                    b = a + 1.0;
                }
                Self {
                    scale: Scale::Log,
                    lo: a,
                    hi: b,
                    step: 1.0,
                }
            }
            Scale::Nines => {
                let top = if hi.is_finite() {
                    nines(hi).ceil()
                } else {
                    3.0
                };
                Self {
                    scale: Scale::Nines,
                    lo: 0.0,
                    hi: top.max(1.0),
                    step: 1.0,
                }
            }
        }
    }

    /// Where `v` falls, 0 at the low end and 1 at the high end.
    fn unit(&self, v: f64) -> f64 {
        let t = match self.scale {
            Scale::Linear => v,
            Scale::Log => v.max(f64::MIN_POSITIVE).log10(),
            Scale::Nines => nines(v),
        };
        ((t - self.lo) / (self.hi - self.lo)).clamp(-0.02, 1.02)
    }

    fn contains(&self, v: f64) -> bool {
        v.is_finite()
            && match self.scale {
                Scale::Log => v > 0.0,
                Scale::Nines => (0.0..1.0).contains(&v),
                Scale::Linear => true,
            }
    }

    /// Tick values (in the axis' own values, not positions).
    fn ticks(&self) -> Vec<f64> {
        let mut t = Vec::new();
        let mut k = 0.0;
        loop {
            let raw = self.lo + k * self.step;
            if raw > self.hi + self.step * 1e-9 || t.len() > 20 {
                break;
            }
            if self.scale == Scale::Log && self.hi - self.lo <= 2.0 && raw < self.hi {
                // Two decades or fewer: 2 and 5 between the powers of ten.
                t.push(10f64.powf(raw));
                t.push(2.0 * 10f64.powf(raw));
                t.push(5.0 * 10f64.powf(raw));
                k += 1.0;
                continue;
            }
            t.push(match self.scale {
                // Rounded so that 0.30000000000000004 is written 0.3.
                Scale::Linear => {
                    let scale = 10f64.powf((-self.step.log10().floor()).max(0.0) + 1.0);
                    (raw * scale).round() / scale
                }
                Scale::Log => 10f64.powf(raw),
                Scale::Nines => 1.0 - 10f64.powf(-raw),
            });
            k += 1.0;
        }
        t
    }
}

/// How many nines `p` has: 0.9 → 1, 0.99 → 2.
fn nines(p: f64) -> f64 {
    -(1.0 - p.clamp(0.0, 1.0 - 1e-9)).log10()
}

/// A round step near `raw`: 1, 2 or 5 times a power of ten.
fn nice(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    let m = raw / p;
    p * if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    }
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// Untrusted text of a chart (at most 200 bytes, on one line) as XML character data.
fn text(s: &str) -> String {
    super::xml_text(crate::util::prefix(s, 200)).replace('\n', "\u{fffd}")
}

#[cfg(test)]
mod tests {
    use super::super::{Marker, Series, Unit};
    use super::*;

    fn chart() -> Chart {
        let mut c = Chart::new(
            "latency <&> \"spectrum\"\u{1b}[2J",
            Axis::new("percentile", Scale::Nines, Unit::Percent),
            Axis::new("latency", Scale::Log, Unit::Nanos),
        );
        c.series.push(Series::new(
            "head</title><script>alert(1)</script>",
            vec![
                (0.0, 1e6),
                (0.9, 2e6),
                (0.99, 5e6),
                (0.999, 9e6),
                (1.0, 1e7),
            ],
        ));
        c.horizontal.push(Marker {
            at: 8e6,
            label: "p99 ≤ 8ms".into(),
        });
        c
    }

    #[test]
    fn the_same_chart_gives_the_same_bytes_and_escapes_every_text() {
        let a = svg(&chart());
        assert_eq!(a, svg(&chart()));
        assert!(a.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(!a.contains("<script"), "{a}");
        assert!(a.contains("&lt;/title&gt;&lt;script&gt;"), "{a}");
        assert!(!a.contains('\u{1b}'));
        // Percentile ticks by their nines, latency ticks by powers of ten.
        for label in [">90%<", ">99%<", ">99.9%<", ">1ms<", ">10ms<"] {
            assert!(a.contains(label), "{label} in {a}");
        }
        // p = 1 cannot be placed on a nines axis: left out, not drawn at infinity.
        assert_eq!(a.matches("<circle").count(), 4, "{a}");
    }

    #[test]
    fn linear_ticks_are_round_and_start_at_zero() {
        let axis = Axis::new("rate", Scale::Linear, Unit::PerSecond);
        let d = Domain::of(&axis, [120.0, 980.0].into_iter(), true);
        assert_eq!(
            d.ticks(),
            vec![0.0, 200.0, 400.0, 600.0, 800.0, 1000.0],
            "0 to 1000 in steps of 200"
        );
        let d = Domain::of(&axis, [0.1, 0.3].into_iter(), false);
        assert!(d.ticks().contains(&0.3), "{:?}", d.ticks());
        let runs = Axis::new("run", Scale::Linear, Unit::Plain);
        let d = Domain::of(&runs, [1.0, 2.0, 3.0].into_iter(), false);
        assert_eq!(d.ticks(), vec![1.0, 2.0, 3.0], "runs are whole");
    }
}
