//! The charts of a run: its latency spectrum and time series (from the record), its sweep
//! curves (from the comparison), a metric's trend over runs (from the history).

use std::fmt::Write as _;

use hdrhistogram::Histogram;

use crate::chart::{Axis, Chart, Marker, Scale, Series, Unit};
use crate::record::RunRecord;
use crate::scenario::Metric;
use crate::util::file_part;
use crate::verdict::{CapacityReport, TargetCurve};

/// A chart and the file name it is written under (`[A-Za-z0-9._-]` only).
#[derive(Clone, Debug)]
pub struct NamedChart {
    pub file: String,
    pub chart: Chart,
}

/// Percentiles drawn on a spectrum: the body and every nine of the tail the count supports.
const SPECTRUM: [f64; 12] = [
    0.0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99999,
];

/// Every repetition's histogram of one operation, added (exact).
fn pooled(op: &crate::record::OperationRecord) -> Option<Histogram<u64>> {
    let mut all: Option<Histogram<u64>> = None;
    for r in &op.repetitions {
        let Ok(h) = r.latency.histogram() else {
            continue;
        };
        match &mut all {
            None => all = Some(h),
            Some(a) => {
                a.add(&h).ok()?;
            }
        }
    }
    all.filter(|h| !h.is_empty())
}

/// The charts drawn from a record: per target, the latency spectrum of its operations (with
/// the baseline's, or an A/B record's base, dashed) and, when the record has time series, latency
/// and throughput over the first repetition.
#[must_use]
pub fn record_charts(r: &RunRecord, baseline: Option<&RunRecord>) -> Vec<NamedChart> {
    let mut out = Vec::new();
    let scenario = &r.scenario.name;
    // An interleaved A/B record holds its base: head against base, on one chart.
    let (base_targets, base_word) = match (baseline, &r.ab) {
        (Some(b), _) => (Some(b.targets.as_slice()), "baseline"),
        (None, Some(ab)) => (Some(ab.base_targets.as_slice()), "base"),
        (None, None) => (None, ""),
    };
    for t in &r.targets {
        let mut spectrum = Chart::new(
            format!("Latency by percentile: {scenario} / {}", t.name),
            Axis::new("percentile", Scale::Nines, Unit::Percent),
            Axis::new("latency (from the intended start)", Scale::Log, Unit::Nanos),
        );
        for op in &t.operations {
            let Some(points) = pooled(op).map(|h| spectrum_points(&h)) else {
                continue;
            };
            spectrum.series.push(Series::new(op.name.clone(), points));
            let base = base_targets
                .and_then(|b| b.iter().find(|bt| bt.name == t.name))
                .and_then(|bt| bt.operations.iter().find(|bo| bo.name == op.name))
                .and_then(pooled);
            if let Some(h) = base {
                spectrum.series.push(
                    Series::new(format!("{} ({base_word})", op.name), spectrum_points(&h)).dashed(),
                );
            }
        }
        if !spectrum.is_empty() {
            out.push(NamedChart {
                file: format!(
                    "{}-{}-spectrum.svg",
                    file_part(scenario),
                    file_part(&t.name)
                ),
                chart: spectrum,
            });
        }
        out.extend(timeline(scenario, t));
    }
    if r.scenario.kind == crate::scenario::Kind::Competitive {
        out.extend(standings_spectra(r));
    }
    out
}

/// Competitive runs: per operation, every target's spectrum on one chart (ours first).
fn standings_spectra(r: &RunRecord) -> Vec<NamedChart> {
    let mut names: Vec<&str> = Vec::new();
    for t in &r.targets {
        for op in &t.operations {
            if !names.contains(&op.name.as_str()) {
                names.push(&op.name);
            }
        }
    }
    let mut targets: Vec<&crate::record::TargetRecord> = r.targets.iter().collect();
    targets.sort_by_key(|t| t.role != crate::scenario::Role::Ours);
    names
        .into_iter()
        .filter_map(|name| {
            let mut chart = Chart::new(
                format!("{name}: ours against the competitors ({})", r.scenario.name),
                Axis::new("percentile", Scale::Nines, Unit::Percent),
                Axis::new("latency (from the intended start)", Scale::Log, Unit::Nanos),
            );
            for t in &targets {
                let Some(h) = t
                    .operations
                    .iter()
                    .find(|o| o.name == name)
                    .and_then(pooled)
                else {
                    continue;
                };
                chart.series.push(Series::new(
                    format!("{} ({})", t.name, t.role),
                    spectrum_points(&h),
                ));
            }
            (chart.series.len() >= 2).then(|| NamedChart {
                file: format!(
                    "{}-{}-standings-spectrum.svg",
                    file_part(&r.scenario.name),
                    file_part(name)
                ),
                chart,
            })
        })
        .collect()
}

/// The spectrum's points: a percentile is drawn where at least ten observations lie beyond it.
fn spectrum_points(h: &Histogram<u64>) -> Vec<(f64, f64)> {
    #[expect(clippy::cast_precision_loss, reason = "counts below 2^53")]
    let n = h.len() as f64;
    SPECTRUM
        .iter()
        .filter(|&&p| p == 0.0 || (1.0 - p) * n >= 10.0)
        .map(|&p| {
            #[expect(clippy::cast_precision_loss, reason = "nanoseconds below 2^53")]
            let v = h.value_at_quantile(p) as f64;
            (p, v)
        })
        .collect()
}

/// p99 and throughput over the first repetition with a time series.
fn timeline(scenario: &str, t: &crate::record::TargetRecord) -> Vec<NamedChart> {
    let mut latency = Chart::new(
        format!("p99 over time: {scenario} / {}", t.name),
        Axis::new("seconds from the start", Scale::Linear, Unit::Seconds),
        Axis::new("p99 per interval", Scale::Linear, Unit::Nanos),
    );
    let mut rate = Chart::new(
        format!("Throughput over time: {scenario} / {}", t.name),
        Axis::new("seconds from the start", Scale::Linear, Unit::Seconds),
        Axis::new("operations per second", Scale::Linear, Unit::PerSecond),
    );
    for op in &t.operations {
        let Some(rep) = op.repetitions.iter().find(|r| !r.series.is_empty()) else {
            continue;
        };
        #[expect(
            clippy::cast_precision_loss,
            reason = "milliseconds and counts below 2^53"
        )]
        let (width, at) = (rep.interval_ms as f64 / 1000.0, |i: usize| {
            i as f64 * rep.interval_ms as f64 / 1000.0
        });
        if width <= 0.0 {
            continue;
        }
        let series = |f: &dyn Fn(&crate::record::IntervalPoint) -> f64| -> Vec<(f64, f64)> {
            rep.series
                .iter()
                .enumerate()
                .map(|(i, p)| (at(i), f(p)))
                .collect()
        };
        #[expect(clippy::cast_precision_loss, reason = "nanoseconds below 2^53")]
        latency
            .series
            .push(Series::new(op.name.clone(), series(&|p| p.p99_ns as f64)));
        #[expect(clippy::cast_precision_loss, reason = "counts below 2^53")]
        rate.series.push(Series::new(
            op.name.clone(),
            series(&|p| p.ok as f64 / width),
        ));
        if rep.series.iter().any(|p| p.target_rate.is_some()) {
            rate.series.push(
                Series::new(
                    format!("{} intended", op.name),
                    series(&|p| p.target_rate.unwrap_or(f64::NAN)),
                )
                .dashed(),
            );
        }
    }
    let mut out = Vec::new();
    for (chart, kind) in [(latency, "p99-over-time"), (rate, "throughput-over-time")] {
        if !chart.is_empty() {
            out.push(NamedChart {
                file: format!("{}-{}-{kind}.svg", file_part(scenario), file_part(&t.name)),
                chart,
            });
        }
    }
    out
}

/// One target's sweep: p50, p99 and the p99's upper confidence bound against the load,
/// and throughput against the load; the knee, the saturation point and the operating range
/// marked.
#[must_use]
pub fn sweep_charts(scenario: &str, c: &CapacityReport, t: &TargetCurve) -> [Chart; 2] {
    let x_unit = if c.over == "rate" {
        Unit::PerSecond
    } else {
        Unit::Plain
    };
    let x = Axis::new(c.over.clone(), Scale::Linear, x_unit);
    let mut latency = Chart::new(
        format!("Latency against {}: {scenario} / {}", c.over, t.target),
        x.clone(),
        Axis::new("latency", Scale::Linear, Unit::Nanos),
    );
    latency.series = vec![
        Series::new("p99", t.rows.iter().map(|r| (r.level, r.p99_ns)).collect()),
        Series::new("p50", t.rows.iter().map(|r| (r.level, r.p50_ns)).collect()),
        Series::new(
            "p99 (95% high)",
            t.rows.iter().map(|r| (r.level, r.p99_hi_ns)).collect(),
        )
        .dashed(),
    ];
    let mut throughput = Chart::new(
        format!("Throughput against {}: {scenario} / {}", c.over, t.target),
        x,
        Axis::new("throughput", Scale::Linear, Unit::PerSecond),
    );
    throughput.series = vec![Series::new(
        "throughput",
        t.rows.iter().map(|r| (r.level, r.throughput)).collect(),
    )];
    for chart in [&mut latency, &mut throughput] {
        if let Some((level, _)) = t.knee {
            chart.vertical.push(Marker {
                at: level,
                label: "knee".into(),
            });
        }
        if let Some((level, _)) = t.saturation {
            chart.vertical.push(Marker {
                at: level,
                label: "saturation".into(),
            });
        }
        if let Some((lo, hi)) = t.range {
            chart.band = Some((lo, hi, format!("within {}", c.objectives.join(", "))));
        }
    }
    [latency, throughput]
}

/// The sweep charts of every target, named for files.
#[must_use]
pub fn capacity_charts(scenario: &str, c: &CapacityReport) -> Vec<NamedChart> {
    c.targets
        .iter()
        .flat_map(|t| {
            let [latency, throughput] = sweep_charts(scenario, c, t);
            let stem = format!("{}-{}", file_part(scenario), file_part(&t.target));
            [
                NamedChart {
                    file: format!("{stem}-sweep-latency.svg"),
                    chart: latency,
                },
                NamedChart {
                    file: format!("{stem}-sweep-throughput.svg"),
                    chart: throughput,
                },
            ]
        })
        .collect()
}

/// A metric over runs (x: the run's position, oldest first), change points marked.
#[must_use]
pub fn trend_chart(
    title: String,
    metric: Metric,
    values: &[f64],
    change_points: &[crate::stats::ChangePoint],
) -> Chart {
    let unit = metric_unit(metric);
    let mut chart = Chart::new(
        title,
        Axis::new("run (oldest first)", Scale::Linear, Unit::Plain),
        Axis::new(metric.to_string(), Scale::Linear, unit),
    );
    #[expect(clippy::cast_precision_loss, reason = "run positions")]
    chart.series.push(Series::new(
        metric.to_string(),
        values
            .iter()
            .enumerate()
            .map(|(i, v)| ((i + 1) as f64, *v))
            .collect(),
    ));
    for cp in change_points {
        #[expect(clippy::cast_precision_loss, reason = "run positions")]
        chart.vertical.push(Marker {
            at: (cp.index + 1) as f64,
            label: format!("{:+.1}%", cp.change() * 100.0),
        });
    }
    chart
}

/// How a metric's values are written on an axis.
pub(super) fn metric_unit(metric: Metric) -> Unit {
    match metric {
        Metric::Throughput => Unit::PerSecond,
        Metric::ErrorRate => Unit::Percent,
        Metric::Recall | Metric::Precision => Unit::Plain,
        _ => Unit::Nanos,
    }
}

/// Mermaid trends of a scenario's regressed rows judged against several runs (at most three):
/// the metric in each baseline run and in this one.
pub(super) fn regression_trends(out: &mut String, rows: &[&crate::verdict::Row]) {
    for r in rows
        .iter()
        .filter(|r| r.status == crate::verdict::Status::Regression && r.trend.len() >= 3)
        .take(3)
    {
        let unit = if r.unit.is_some() {
            Unit::Plain
        } else {
            metric_unit(r.metric)
        };
        let points: Vec<(String, f64)> =
            r.trend.iter().map(|p| (p.label.clone(), p.value)).collect();
        if let Some(m) = crate::chart::mermaid_categories(
            &format!("{} of {} / {} by run", r.metric, r.target, r.operation),
            "run (commit)",
            &points,
            &format!(
                "{}{}",
                r.metric,
                r.unit
                    .as_deref()
                    .map_or(String::new(), |u| format!(" ({u})"))
            ),
            unit,
        ) {
            out.push_str(&m);
            out.push('\n');
        }
    }
}

/// Mermaid blocks of a sweep, for Markdown (the comment, the step summary): what the
/// markers would say, in words, under them.
pub(super) fn sweep_mermaid(out: &mut String, scenario: &str, c: &CapacityReport, t: &TargetCurve) {
    if t.rows.len() < 2 {
        return;
    }
    for chart in sweep_charts(scenario, c, t) {
        if let Some(m) = crate::chart::mermaid(&chart) {
            out.push_str(&m);
        }
    }
    let mut marks = Vec::new();
    if let Some((level, _)) = t.knee {
        marks.push(format!("knee at {}", super::sig3(level)));
    }
    if let Some((level, _)) = t.saturation {
        marks.push(format!("saturation at {}", super::sig3(level)));
    }
    if !marks.is_empty() {
        let _ = writeln!(out, "\n_{} ({})._\n", marks.join(", "), c.over);
    }
}
