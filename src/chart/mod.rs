//! Charts as plain data, drawn as SVG (report files, the static site) or as a Mermaid
//! `xychart-beta` block (what GitHub renders inside a comment or an issue).
//!
//! The SVG is written by hand rather than through a plotting library: the charts are a few
//! lines, markers and bands; writing them directly keeps the output byte-for-byte the same for
//! the same input (snapshot-testable), needs no font files (the viewer lays out the text), and
//! adds no dependency to the build. Every text that reaches a chart (names, units, labels) is
//! escaped for XML or Mermaid here, once.

mod mermaid;
mod svg;

pub use mermaid::{mermaid, mermaid_categories};
pub use svg::svg;

/// How an axis maps values to positions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    Linear,
    /// Powers of ten apart (values must be positive).
    Log,
    /// Percentiles as fractions in `[0, 1)`, spread by their nines: 0, 0.9, 0.99, 0.999…
    /// equally spaced (the tail of a latency distribution, where the trouble is).
    Nines,
}

/// How an axis writes its values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Plain,
    /// Nanoseconds, written as ns, µs, ms or s.
    Nanos,
    /// Per second.
    PerSecond,
    /// A fraction written as a percentage.
    Percent,
    /// Seconds from the start (time series).
    Seconds,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub label: String,
    pub scale: Scale,
    pub unit: Unit,
}

impl Axis {
    #[must_use]
    pub fn new(label: impl Into<String>, scale: Scale, unit: Unit) -> Self {
        Self {
            label: label.into(),
            scale,
            unit,
        }
    }
}

/// One line of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// Drawn dashed (a target, a baseline).
    pub dashed: bool,
}

impl Series {
    #[must_use]
    pub fn new(name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Self {
            name: name.into(),
            points,
            dashed: false,
        }
    }

    #[must_use]
    pub fn dashed(mut self) -> Self {
        self.dashed = true;
        self
    }
}

/// A labelled line across the chart: vertical at an x value (a knee, a change point) or
/// horizontal at a y value (an objective).
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    pub at: f64,
    pub label: String,
}

/// A chart: lines over two axes, with markers and an optional shaded x range.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub title: String,
    pub x: Axis,
    pub y: Axis,
    pub series: Vec<Series>,
    pub vertical: Vec<Marker>,
    pub horizontal: Vec<Marker>,
    /// A shaded x range and its label (an operating range).
    pub band: Option<(f64, f64, String)>,
}

impl Chart {
    #[must_use]
    pub fn new(title: impl Into<String>, x: Axis, y: Axis) -> Self {
        Self {
            title: title.into(),
            x,
            y,
            series: Vec::new(),
            vertical: Vec::new(),
            horizontal: Vec::new(),
            band: None,
        }
    }

    /// Whether there is anything to draw: at least one finite point.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        !self
            .series
            .iter()
            .flat_map(|s| &s.points)
            .any(|&(x, y)| x.is_finite() && y.is_finite())
    }
}

/// Untrusted text as XML or HTML character data (and attribute values): markup escaped,
/// control characters but the line feed replaced.
#[must_use]
pub fn xml_text(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if c.is_control() && c != '\n' => o.push('\u{fffd}'),
            c => o.push(c),
        }
    }
    o
}

/// A value written for an axis: three significant figures in its unit.
#[must_use]
pub fn format(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Plain => sig(v),
        Unit::PerSecond => format!("{}/s", sig(v)),
        Unit::Percent => format!("{}%", sig(v * 100.0)),
        Unit::Seconds => format!("{}s", sig(v)),
        Unit::Nanos => {
            let a = v.abs();
            if a >= 1e9 {
                format!("{}s", sig(v / 1e9))
            } else if a >= 1e6 {
                format!("{}ms", sig(v / 1e6))
            } else if a >= 1e3 {
                format!("{}µs", sig(v / 1e3))
            } else {
                format!("{}ns", sig(v))
            }
        }
    }
}

/// Three significant figures, thousands as `k` and millions as `M`, no trailing zeros.
fn sig(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let (v, suffix) = if v.abs() >= 1e6 {
        (v / 1e6, "M")
    } else if v.abs() >= 1e4 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let digits = if v == 0.0 {
        0
    } else {
        #[expect(clippy::cast_possible_truncation, reason = "a small exponent")]
        let e = v.abs().log10().floor() as i32;
        usize::try_from((2 - e).max(0)).unwrap_or(0)
    };
    let s = format!("{v:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    format!("{s}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_in_their_unit() {
        assert_eq!(format(Unit::Nanos, 1_500_000.0), "1.5ms");
        assert_eq!(format(Unit::Nanos, 850.0), "850ns");
        assert_eq!(format(Unit::Nanos, 12_345.0), "12.3µs");
        assert_eq!(format(Unit::PerSecond, 15_000.0), "15k/s");
        assert_eq!(format(Unit::Percent, 0.999), "99.9%");
        assert_eq!(format(Unit::Plain, 0.0), "0");
        assert_eq!(format(Unit::Plain, 2_500_000.0), "2.5M");
        assert_eq!(format(Unit::Plain, f64::NAN), "—");
    }
}
