//! A static site from the history: an index of every scenario and run, a page per scenario
//! with each metric's trend and its change points, a page per run with its tables and charts,
//! and the competitive standings by quarter. Self-contained: inline CSS and SVG, no script, no
//! request anywhere; it opens from `file://` as from GitHub Pages.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::Datelike as _;

use super::charts::{record_charts, trend_chart};
use super::{format_ns, series, sig3};
use crate::record::RunRecord;
use crate::scenario::{Kind, Metric};
use crate::util::file_part;

/// One file of the site: its path relative to the site's root, and its contents.
pub struct Page {
    pub path: String,
    pub html: String,
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222}\
table{border-collapse:collapse;margin:1rem 0;font-size:14px}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}\
th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}svg{max-width:100%;height:auto}\
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}.muted{color:#666}nav a{margin-right:1rem}";

/// Untrusted text as HTML.
fn h(s: &str) -> String {
    crate::chart::xml_text(s)
}

/// The mean of `metric` over an operation's repetitions.
fn mean_of(reps: &[crate::record::Repetition], metric: Metric) -> f64 {
    let v: Vec<f64> = reps
        .iter()
        .map(|x| x.metric(metric))
        .filter(|v| v.is_finite())
        .collect();
    crate::stats::mean(&v)
}

fn page(title: &str, root: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{t}</title><style>{STYLE}</style></head>\
<body><nav><a href=\"{root}index.html\">All scenarios and runs</a></nav><h1>{t}</h1>\n{body}</body></html>\n",
        t = h(title)
    )
}

fn scenario_href(name: &str) -> String {
    format!("scenario/{}.html", file_part(name))
}

/// A run's page: one suite run (one run id) records several scenarios.
fn run_href(r: &RunRecord) -> String {
    format!(
        "run/{}/{}.html",
        file_part(&r.scenario.name),
        file_part(&r.run_id)
    )
}

fn commit(r: &RunRecord) -> String {
    r.git
        .as_ref()
        .map_or_else(String::new, |g| g.sha.chars().take(12).collect())
}

fn runner(r: &RunRecord) -> String {
    r.environment
        .runner
        .clone()
        .unwrap_or_else(|| r.environment.hostname.clone())
}

/// The site of `runs` (any order; shown by start time) from history branch `branch`.
#[must_use]
pub fn site(runs: &[&RunRecord], branch: &str, max_p: f64, min_segment: usize) -> Vec<Page> {
    let mut runs: Vec<&RunRecord> = runs.to_vec();
    runs.sort_by(|a, b| (a.started_at, &a.run_id).cmp(&(b.started_at, &b.run_id)));
    let mut by_scenario: BTreeMap<&str, Vec<&RunRecord>> = BTreeMap::new();
    for r in &runs {
        by_scenario.entry(&r.scenario.name).or_default().push(r);
    }
    let mut pages = vec![Page {
        path: "index.html".into(),
        html: index(&runs, &by_scenario, branch),
    }];
    for (name, rs) in &by_scenario {
        pages.push(Page {
            path: scenario_href(name),
            html: scenario_page(name, rs, max_p, min_segment),
        });
    }
    for r in &runs {
        pages.push(Page {
            path: run_href(r),
            html: run_page(r),
        });
    }
    pages
}

fn index(runs: &[&RunRecord], by: &BTreeMap<&str, Vec<&RunRecord>>, branch: &str) -> String {
    let mut b = format!(
        "<p class=\"muted\">{} run(s) of {} scenario(s) from the history branch <code>{}</code>.</p>\n<h2>Scenarios</h2>\n<table><tr><th>Scenario</th><th>Kind</th><th>Tier</th><th>What it measures</th><th>Runs</th><th>Latest</th><th>Commit</th></tr>\n",
        runs.len(),
        by.len(),
        h(branch)
    );
    for (name, rs) in by {
        let last = rs[rs.len() - 1];
        let _ = writeln!(
            b,
            "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td><a href=\"{}\">{}</a></td><td><code>{}</code></td></tr>",
            scenario_href(name),
            h(name),
            last.scenario.kind,
            h(last.scenario.tier.as_deref().unwrap_or("")),
            h(&last.scenario.description),
            rs.len(),
            run_href(last),
            last.started_at.format("%Y-%m-%d %H:%M"),
            h(&commit(last))
        );
    }
    b.push_str("</table>\n");
    standings(&mut b, by);
    b.push_str("<h2>Runs</h2>\n<table><tr><th>Run</th><th>Started (UTC)</th><th>Scenario</th><th>Commit</th><th>Branch</th><th>Trigger</th><th>Runner</th></tr>\n");
    for r in runs.iter().rev() {
        let _ = writeln!(
            b,
            "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            run_href(r),
            h(&r.run_id),
            r.started_at.format("%Y-%m-%d %H:%M"),
            h(&r.scenario.name),
            h(&commit(r)),
            h(r.git
                .as_ref()
                .and_then(|g| g.reference.as_deref())
                .unwrap_or("")),
            h(r.trigger.as_deref().unwrap_or("")),
            h(&runner(r))
        );
    }
    b.push_str("</table>\n");
    page("benchbot results", "", &b)
}

/// Competitive scenarios: per quarter, the last run's p50 and throughput of every target.
fn standings(b: &mut String, by: &BTreeMap<&str, Vec<&RunRecord>>) {
    let mut rows = Vec::new();
    for (name, rs) in by {
        let mut last_of_quarter: BTreeMap<String, &RunRecord> = BTreeMap::new();
        for r in rs.iter().filter(|r| r.scenario.kind == Kind::Competitive) {
            let d = r.started_at;
            last_of_quarter.insert(format!("{}-Q{}", d.year(), d.month0() / 3 + 1), r);
        }
        for (quarter, r) in last_of_quarter {
            for t in &r.targets {
                for op in &t.operations {
                    let reps = &op.repetitions;
                    if reps.is_empty() {
                        continue;
                    }
                    let p50 = mean_of(reps, Metric::P50);
                    let tput = mean_of(reps, Metric::Throughput);
                    rows.push(format!(
                        "<tr><td>{quarter}</td><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}/s</td></tr>",
                        scenario_href(name),
                        h(name),
                        h(&op.name),
                        h(&t.name),
                        t.role,
                        format_ns(p50),
                        sig3(tput)
                    ));
                }
            }
        }
    }
    if rows.is_empty() {
        return;
    }
    b.push_str("<h2>Competitive standings by quarter</h2>\n<p class=\"muted\">The last run of each quarter, measured on the same runner for every target.</p>\n<table><tr><th>Quarter</th><th>Scenario</th><th>Operation</th><th>Target</th><th>Role</th><th>p50</th><th>Throughput</th></tr>\n");
    for r in rows {
        b.push_str(&r);
        b.push('\n');
    }
    b.push_str("</table>\n");
}

fn scenario_page(name: &str, rs: &[&RunRecord], max_p: f64, min_segment: usize) -> String {
    let last = rs[rs.len() - 1];
    let mut b = format!(
        "<p>{}</p><p class=\"muted\">{} · {} run(s), {} to {}</p>\n",
        h(&last.scenario.description),
        last.scenario.kind,
        rs.len(),
        rs[0].started_at.format("%Y-%m-%d"),
        last.started_at.format("%Y-%m-%d")
    );
    if last.scenario.kind == Kind::Competitive {
        standings_charts(&mut b, rs);
    }
    for metric in [Metric::P50, Metric::P99, Metric::Throughput] {
        let _ = writeln!(b, "<h2>{metric}</h2>");
        for ((target, op), vs) in series(rs, metric) {
            let values: Vec<f64> = vs.iter().map(|v| v.1).collect();
            let cps = if values.len() >= 2 * min_segment.max(1) {
                crate::stats::e_divisive(&values, min_segment, max_p)
            } else {
                Vec::new()
            };
            let chart = trend_chart(
                format!("{metric} of {target} / {op}"),
                metric,
                &values,
                &cps,
            );
            b.push_str(&crate::chart::svg(&chart));
            for cp in &cps {
                let at = rs[vs[cp.index].0];
                let _ = writeln!(
                    b,
                    "<p>Change point at run {} (<a href=\"../{}\">{}</a>, commit <code>{}</code>): {} → {} ({:+.1}%, p {:.1e}).</p>",
                    cp.index + 1,
                    run_href(at),
                    h(&at.run_id),
                    h(&commit(at)),
                    super::format_value(metric, cp.before),
                    super::format_value(metric, cp.after),
                    cp.change() * 100.0,
                    cp.p
                );
            }
        }
    }
    b.push_str("<h2>Runs</h2>\n<table><tr><th>#</th><th>Run</th><th>Started (UTC)</th><th>Commit</th><th>Runner</th></tr>\n");
    for (i, r) in rs.iter().enumerate() {
        let _ = writeln!(
            b,
            "<tr><td class=\"n\">{}</td><td><a href=\"../{}\">{}</a></td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
            i + 1,
            run_href(r),
            h(&r.run_id),
            r.started_at.format("%Y-%m-%d %H:%M"),
            h(&commit(r)),
            h(&runner(r))
        );
    }
    b.push_str("</table>\n");
    page(&format!("Scenario {name}"), "../", &b)
}

/// Competitive scenarios: per operation, every target's p50 over the runs on one chart.
fn standings_charts(b: &mut String, rs: &[&RunRecord]) {
    let all = series(rs, Metric::P50);
    let mut ops: Vec<&str> = Vec::new();
    for ((_, op), _) in &all {
        if !ops.contains(&op.as_str()) {
            ops.push(op);
        }
    }
    if ops.is_empty() {
        return;
    }
    b.push_str("<h2>Ours against the competitors</h2>\n");
    for op in ops {
        let mut chart = crate::chart::Chart::new(
            format!("p50 of {op} by run, every target"),
            crate::chart::Axis::new(
                "run (oldest first)",
                crate::chart::Scale::Linear,
                crate::chart::Unit::Plain,
            ),
            crate::chart::Axis::new(
                "p50",
                crate::chart::Scale::Linear,
                crate::chart::Unit::Nanos,
            ),
        );
        for ((target, o), vs) in &all {
            if o == op {
                #[expect(clippy::cast_precision_loss, reason = "run positions")]
                chart.series.push(crate::chart::Series::new(
                    target.clone(),
                    vs.iter().map(|(i, v)| ((i + 1) as f64, *v)).collect(),
                ));
            }
        }
        b.push_str(&crate::chart::svg(&chart));
    }
}

fn run_page(r: &RunRecord) -> String {
    let mut b = format!(
        "<p class=\"muted\"><a href=\"../../{}\">{}</a> · started {} · commit <code>{}</code> · runner {} · {} ({} logical cores)</p>\n",
        scenario_href(&r.scenario.name),
        h(&r.scenario.name),
        r.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
        h(&commit(r)),
        h(&runner(r)),
        h(&r.environment.cpu_model),
        r.environment.logical_cores
    );
    if r.incomplete {
        b.push_str("<p><strong>Incomplete:</strong> the run was interrupted.</p>\n");
    }
    b.push_str("<table><tr><th>Target</th><th>Operation</th><th>Repetitions</th><th>Operations</th><th>Errors</th><th>Throughput</th><th>p50</th><th>p99</th><th>p99.9</th><th>max</th></tr>\n");
    for t in &r.targets {
        for op in &t.operations {
            let reps = &op.repetitions;
            if reps.is_empty() {
                continue;
            }

            let _ = writeln!(
                b,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}/s</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                h(&t.name),
                h(&op.name),
                reps.len(),
                reps.iter().map(|x| x.count).sum::<u64>(),
                reps.iter().map(crate::record::Repetition::error_count).sum::<u64>(),
                sig3(mean_of(reps, Metric::Throughput)),
                format_ns(mean_of(reps, Metric::P50)),
                format_ns(mean_of(reps, Metric::P99)),
                format_ns(mean_of(reps, Metric::P999)),
                format_ns(mean_of(reps, Metric::Max)),
            );
        }
    }
    b.push_str("</table>\n<p class=\"muted\">Means over the repetitions; latencies from the intended start of each operation.</p>\n");
    for c in record_charts(r, None) {
        b.push_str(&crate::chart::svg(&c.chart));
    }
    page(
        &format!("Run {} of {}", r.run_id, r.scenario.name),
        "../../",
        &b,
    )
}
