//! A chart as a Mermaid `xychart-beta` block: GitHub draws it inside a comment or an issue.

use std::fmt::Write as _;

use super::{Chart, Unit};

/// At most this many points per line: a comment stays small and the chart readable.
const MAX_POINTS: usize = 40;

/// The chart as a fenced `mermaid` block, or `None` when there is nothing to draw. The x
/// values of the first line are the categories; other lines are drawn when they have the
/// same x values (Mermaid's x axis is shared). Markers are not drawn (Mermaid has no
/// annotations); say them in the text beside the block.
#[must_use]
pub fn mermaid(chart: &Chart) -> Option<String> {
    let first = chart.series.first()?;
    let keep = |pts: &[(f64, f64)]| -> Vec<(f64, f64)> {
        let pts: Vec<_> = pts
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        if pts.len() <= MAX_POINTS {
            return pts;
        }
        // Evenly spaced, first and last kept.
        (0..MAX_POINTS)
            .map(|i| pts[i * (pts.len() - 1) / (MAX_POINTS - 1)])
            .collect()
    };
    let xs: Vec<f64> = keep(&first.points).iter().map(|p| p.0).collect();
    if xs.is_empty() {
        return None;
    }
    let lines: Vec<Vec<f64>> = chart
        .series
        .iter()
        .map(|s| keep(&s.points))
        .filter(|pts| pts.iter().map(|p| p.0).eq(xs.iter().copied()))
        .map(|pts| pts.iter().map(|p| p.1).collect())
        .collect();
    let categories: Vec<String> = xs.iter().map(|&x| super::format(chart.x.unit, x)).collect();
    Some(block(
        &chart.title,
        &chart.x.label,
        &categories,
        &chart.y.label,
        chart.y.unit,
        &lines,
    ))
}

/// A line over named categories (runs, commits): the trend of one value.
#[must_use]
pub fn mermaid_categories(
    title: &str,
    x_label: &str,
    points: &[(String, f64)],
    y_label: &str,
    unit: Unit,
) -> Option<String> {
    if points.len() < 2 {
        return None;
    }
    let start = points.len().saturating_sub(MAX_POINTS);
    let points = &points[start..];
    let categories: Vec<String> = points.iter().map(|p| p.0.clone()).collect();
    let values: Vec<f64> = points.iter().map(|p| p.1).collect();
    Some(block(title, x_label, &categories, y_label, unit, &[values]))
}

fn block(
    title: &str,
    x_label: &str,
    categories: &[String],
    y_label: &str,
    unit: Unit,
    lines: &[Vec<f64>],
) -> String {
    let top = lines.iter().flatten().fold(0f64, |a, &b| a.max(b.abs()));
    let (div, suffix) = scale(unit, top);
    let mut o = String::from("```mermaid\nxychart-beta\n");
    let _ = writeln!(o, "    title \"{}\"", label(title));
    let _ = writeln!(
        o,
        "    x-axis \"{}\" [{}]",
        label(x_label),
        categories
            .iter()
            .map(|c| format!("\"{}\"", label(c)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(o, "    y-axis \"{}{suffix}\"", label(y_label));
    for l in lines {
        let _ = writeln!(
            o,
            "    line [{}]",
            l.iter()
                .map(|v| number(v / div))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    o.push_str("```\n");
    o
}

/// The divisor and unit suffix of the y values (Mermaid writes plain numbers).
fn scale(unit: Unit, top: f64) -> (f64, &'static str) {
    match unit {
        Unit::Nanos if top >= 1e9 => (1e9, " (s)"),
        Unit::Nanos if top >= 1e6 => (1e6, " (ms)"),
        Unit::Nanos if top >= 1e3 => (1e3, " (µs)"),
        Unit::Nanos => (1.0, " (ns)"),
        Unit::PerSecond => (1.0, " (/s)"),
        Unit::Percent => (0.01, " (%)"),
        Unit::Seconds => (1.0, " (s)"),
        Unit::Plain => (1.0, ""),
    }
}

/// Four significant figures, plain decimal notation.
fn number(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return "0".into();
    }
    #[expect(clippy::cast_possible_truncation, reason = "a small exponent")]
    let e = v.abs().log10().floor() as i32;
    let digits = usize::try_from((3 - e).max(0)).unwrap_or(0);
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// Untrusted text inside a Mermaid string: quotes, brackets, markup, backticks and line
/// breaks would end the string, the block or the fence; they become spaces.
fn label(s: &str) -> String {
    let t: String = crate::util::prefix(s, 100)
        .chars()
        .map(|c| {
            if c.is_control() || "\"`[]<>%;#{}\\".contains(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::super::{Axis, Scale, Series};
    use super::*;

    #[test]
    fn a_block_github_renders_with_hostile_names_neutralised() {
        let mut c = Chart::new(
            "p99 of \"x\"]\n```\n<img src=x>",
            Axis::new("rate", Scale::Linear, Unit::PerSecond),
            Axis::new("p99", Scale::Linear, Unit::Nanos),
        );
        c.series.push(Series::new(
            "p99",
            vec![(500.0, 1.2e6), (1000.0, 1.5e6), (2000.0, 8.25e6)],
        ));
        c.series.push(Series::new(
            "other x",
            vec![(1.0, 1.0), (2.0, 2.0), (3.0, 3.0)],
        ));
        let m = mermaid(&c).unwrap();
        assert_eq!(
            m,
            "```mermaid\nxychart-beta\n    title \"p99 of x img src=x\"\n    x-axis \"rate\" [\"500/s\", \"1000/s\", \"2000/s\"]\n    y-axis \"p99 (ms)\"\n    line [1.2, 1.5, 8.25]\n```\n"
        );
    }

    #[test]
    fn long_lines_are_thinned_to_forty_points() {
        let mut c = Chart::new(
            "t",
            Axis::new("s", Scale::Linear, Unit::Seconds),
            Axis::new("ok", Scale::Linear, Unit::PerSecond),
        );
        c.series.push(Series::new(
            "ok",
            (0..3600).map(|i| (f64::from(i), 100.0)).collect(),
        ));
        let m = mermaid(&c).unwrap();
        let line = m.lines().find(|l| l.contains("line [")).unwrap();
        assert_eq!(line.matches(',').count(), 39, "{line}");
        assert!(m.contains("\"0s\"") && m.contains("\"3599s\""), "{m}");
        assert!(mermaid(&Chart::new("e", c.x.clone(), c.y.clone())).is_none());
    }
}
