//! Verdict rules on synthetic records, and snapshots of the rendered reports.

mod common;

use benchbot::report;
use benchbot::scenario::{Kind, Metric, Role};
use benchbot::verdict::{compare, Method, Status, Unjudged, Verdict};
use common::{ab_record, pooled, record};

fn status(c: &benchbot::verdict::Comparison, target: &str, op: &str, metric: Metric) -> Status {
    c.rows
        .iter()
        .find(|r| r.target == target && r.operation == op && r.metric == metric)
        .unwrap()
        .status
}

/// Session offsets of five baseline runs: the noise between sessions (±1%).
const DRIFT: [f64; 5] = [0.0, 0.01, -0.008, 0.004, -0.006];

#[test]
fn a_run_beyond_the_spread_of_five_baseline_runs_is_a_regression() {
    let base = pooled(
        Kind::Internal,
        &[(
            "api",
            Role::Ours,
            "get",
            &[10.0, 10.1, 9.9],
            &[100.0, 101.0, 99.0],
        )],
        &DRIFT,
    );
    let cur = record(
        Kind::Internal,
        "c",
        &[(
            "api",
            Role::Ours,
            "get",
            &[11.0, 11.1, 10.9],
            &[91.0, 90.0, 92.0],
        )],
    );
    let c = compare(&cur, Some(&base));
    assert_eq!(status(&c, "api", "get", Metric::P50), Status::Regression);
    assert_eq!(
        status(&c, "api", "get", Metric::Throughput),
        Status::Regression
    );
    assert_eq!(c.verdict, Verdict::InternalRegression);
    assert_eq!(c.basis.method, Method::Runs);
    assert_eq!(c.basis.baseline.len(), 5, "the five pooled runs are named");
    let row = c.rows.iter().find(|r| r.metric == Metric::P50).unwrap();
    // +10% against a baseline whose runs average 10.0 × (1 + 0.0002).
    assert!((row.change.unwrap() - 0.0998).abs() < 0.001, "{row:?}");
    let (lo, hi) = row.ci.unwrap();
    assert!(lo > 0.05 && lo < 0.1 && hi > 0.1, "{lo} {hi}");
    assert!(
        row.p_adjusted.unwrap() >= row.p.unwrap(),
        "Holm never lowers a p-value"
    );
    // Its trend: each of the five runs, oldest first, then this one, about 10% higher.
    assert_eq!(row.trend.len(), 6, "{:?}", row.trend);
    let last = row.trend[5].value;
    assert!(
        row.trend[..5].iter().all(|p| last / p.value > 1.08),
        "{:?}",
        row.trend
    );
    assert!(
        row.trend[5].label.ends_with("(this run)"),
        "{:?}",
        row.trend
    );
    // Drawn in the Markdown (the comment): one Mermaid line per regressed row, six points.
    let md = benchbot::report::markdown(std::slice::from_ref(&c));
    let block = md
        .split("```mermaid\n")
        .nth(1)
        .unwrap_or_else(|| panic!("a trend chart: {md}"));
    assert!(
        block.starts_with("xychart-beta\n    title \"p50 of api / get by run\""),
        "{block}"
    );
    let line = block
        .lines()
        .find(|l| l.trim_start().starts_with("line ["))
        .unwrap();
    assert_eq!(line.matches(',').count(), 5, "{line}");
}

#[test]
fn one_baseline_run_is_never_enough_to_call_a_regression() {
    // The README's false alarm: +40% against one stored run, repetitions tight on both sides.
    // One session's repetitions say nothing about the noise between sessions: not judged.
    let base = record(
        Kind::Internal,
        "b",
        &[(
            "api",
            Role::Ours,
            "get",
            &[10.0, 10.1, 9.9],
            &[100.0, 101.0, 99.0],
        )],
    );
    let cur = record(
        Kind::Internal,
        "c",
        &[(
            "api",
            Role::Ours,
            "get",
            &[14.0, 14.1, 13.9],
            &[71.0, 72.0, 70.0],
        )],
    );
    let c = compare(&cur, Some(&base));
    assert!(
        c.rows.iter().all(|r| r.status != Status::Regression),
        "{:?}",
        c.rows
    );
    assert_eq!(status(&c, "api", "get", Metric::P50), Status::Inconclusive);
    assert_eq!(c.verdict, Verdict::NotJudged);
    assert!(
        c.not_judged
            .iter()
            .any(|n| n.reason == Unjudged::Inconclusive
                && n.detail.contains("the baseline holds 1 run(s)")),
        "{:?}",
        c.not_judged
    );
    // The numbers are still shown.
    let row = c.rows.iter().find(|r| r.metric == Metric::P50).unwrap();
    assert!((row.change.unwrap() - 0.4).abs() < 1e-9);
}

#[test]
fn a_change_the_data_cannot_settle_is_inconclusive_not_ok() {
    // +10% on average, but the baseline's runs scatter ±15%: the interval covers both no
    // change and a regression of the threshold's size.
    let base = pooled(
        Kind::Internal,
        &[("api", Role::Ours, "get", &[10.0, 10.0, 10.0], &[100.0; 3])],
        &[0.0, 0.15, -0.12, 0.08, -0.1],
    );
    let cur = record(
        Kind::Internal,
        "c",
        &[("api", Role::Ours, "get", &[11.0, 11.0, 11.0], &[100.0; 3])],
    );
    let c = compare(&cur, Some(&base));
    let row = c.rows.iter().find(|r| r.metric == Metric::P50).unwrap();
    assert!(row.p.unwrap() > 0.05, "{row:?}");
    assert_eq!(row.status, Status::Inconclusive);
    assert!(
        row.needed.unwrap() > 5,
        "more baseline runs would settle it: {row:?}"
    );
    assert_eq!(c.verdict, Verdict::NotJudged);
}

#[test]
fn a_significant_change_below_the_threshold_or_the_floor_is_not_a_regression() {
    let rows = |p: &'static [f64]| [("api", Role::Ours, "get", p, &[100.0; 3][..])];
    let tight = [0.0, 0.001, -0.001, 0.0005, -0.0005];
    let base = pooled(Kind::Internal, &rows(&[10.0, 10.0, 10.0]), &tight);
    // +1%: significant, below warn (2.5%) and clearly below the threshold.
    let cur = record(Kind::Internal, "c", &rows(&[10.1, 10.1, 10.1]));
    assert_eq!(
        status(&compare(&cur, Some(&base)), "api", "get", Metric::P50),
        Status::Unchanged
    );
    // +3.5%: a warning, not a failure.
    let cur = record(Kind::Internal, "c", &rows(&[10.35, 10.35, 10.35]));
    let c = compare(&cur, Some(&base));
    assert_eq!(status(&c, "api", "get", Metric::P50), Status::Warning);
    assert_eq!(c.verdict, Verdict::Ok);
    // +20% of 0.1 ms = 20 µs: below the 50 µs noise floor.
    let base = pooled(Kind::Internal, &rows(&[0.1, 0.1, 0.1]), &tight);
    let cur = record(Kind::Internal, "c", &rows(&[0.12, 0.12, 0.12]));
    assert_eq!(
        status(&compare(&cur, Some(&base)), "api", "get", Metric::P50),
        Status::Unchanged
    );
}

#[test]
fn improvements_are_shown() {
    let base = pooled(
        Kind::Internal,
        &[(
            "api",
            Role::Ours,
            "get",
            &[10.0, 10.1, 9.9],
            &[100.0, 101.0, 99.0],
        )],
        &DRIFT,
    );
    let cur = record(
        Kind::Internal,
        "c",
        &[(
            "api",
            Role::Ours,
            "get",
            &[8.0, 8.1, 7.9],
            &[120.0, 121.0, 119.0],
        )],
    );
    let c = compare(&cur, Some(&base));
    assert_eq!(status(&c, "api", "get", Metric::P50), Status::Improvement);
    assert_eq!(
        status(&c, "api", "get", Metric::Throughput),
        Status::Improvement
    );
    assert_eq!(c.verdict, Verdict::Ok);
}

#[test]
fn interleaved_blocks_are_judged_pair_by_pair_and_confirmed() {
    // Block-to-block drift of ±3% moves base and head together; head is 10% slower in every
    // block. Unpaired, the drift would hide it; paired, each block's ratio is 1.10.
    let base: [f64; 6] = [10.0, 10.3, 9.7, 10.2, 9.8, 10.1];
    let head: Vec<f64> = base.iter().map(|b| b * 1.10).collect();
    let c = compare(&ab_record(&[("get", &base)], &[("get", &head)], None), None);
    assert_eq!(c.basis.method, Method::Interleaved);
    assert_eq!(status(&c, "api", "get", Metric::P50), Status::Regression);
    let row = c.rows.iter().find(|r| r.metric == Metric::P50).unwrap();
    assert!((row.change.unwrap() - 0.10).abs() < 1e-9);
    assert_eq!(row.n_baseline, 6);
    // With confirmation blocks that agree: confirmed, and both stages are shown.
    let base12: Vec<f64> = base.iter().chain(base.iter()).copied().collect();
    let head12: Vec<f64> = base12.iter().map(|b| b * 1.10).collect();
    let c = compare(
        &ab_record(&[("get", &base12)], &[("get", &head12)], Some(7)),
        None,
    );
    let row = c.rows.iter().find(|r| r.metric == Metric::P50).unwrap();
    assert_eq!(row.status, Status::Regression);
    assert_eq!(row.first.unwrap().n, 6);
    assert_eq!(row.confirming.unwrap().n, 6);
    assert_eq!(c.verdict, Verdict::InternalRegression);
    // Confirmation blocks that show nothing: not confirmed, so not a regression.
    let head_unconfirmed: Vec<f64> = base12
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if i < 6 {
                b * 1.10
            } else {
                b * (1.0 + 0.001 * (i % 2) as f64)
            }
        })
        .collect();
    let c = compare(
        &ab_record(&[("get", &base12)], &[("get", &head_unconfirmed)], Some(7)),
        None,
    );
    assert_ne!(status(&c, "api", "get", Metric::P50), Status::Regression);
    assert_ne!(c.verdict, Verdict::InternalRegression);
}

#[test]
fn an_a_a_run_is_ok_and_says_what_it_compared() {
    let base: [f64; 6] = [10.0, 10.3, 9.7, 10.2, 9.8, 10.1];
    let head: [f64; 6] = [10.02, 10.28, 9.71, 10.19, 9.82, 10.09];
    let c = compare(&ab_record(&[("get", &base)], &[("get", &head)], None), None);
    assert!(
        c.rows.iter().all(|r| r.status == Status::Unchanged),
        "{:?}",
        c.rows
    );
    assert_eq!(c.verdict, Verdict::Ok);
    assert_eq!(c.basis.source, "interleaved A/B on this runner");
    assert_eq!(
        c.basis.baseline[0].sha.as_deref(),
        Some("b".repeat(40).as_str())
    );
    assert_eq!(
        c.basis.current.sha.as_deref(),
        Some("h".repeat(40).as_str())
    );
    assert!(
        c.basis.thresholds.contains("Holm"),
        "{}",
        c.basis.thresholds
    );
}

#[test]
fn holm_keeps_a_scenario_of_many_rows_from_crying_wolf() {
    // Eight operations, each +8% with block-to-block scatter: alone, every row would be a
    // regression (p ≈ 0.018 < 0.05, +8% > 5%). As one family of 16 gating rows (p50 and
    // throughput of eight operations), none is significant.
    let base: [f64; 6] = [10.0, 10.3, 9.7, 10.2, 9.8, 10.1];
    let head: Vec<f64> = base
        .iter()
        .enumerate()
        .map(|(i, b)| b * 1.08 * (if i % 2 == 0 { 0.05f64 } else { -0.05 }).exp())
        .collect();
    let names = ["a", "b", "c", "d", "e", "f", "g", "h"];
    let b: Vec<(&str, &[f64])> = names.iter().map(|n| (*n, &base[..])).collect();
    let h: Vec<(&str, &[f64])> = names.iter().map(|n| (*n, head.as_slice())).collect();
    let c = compare(&ab_record(&b, &h, None), None);
    let rows: Vec<_> = c.rows.iter().filter(|r| r.metric == Metric::P50).collect();
    assert_eq!(rows.len(), 8);
    for r in &rows {
        // SciPy 1.17.1: stats.ttest_1samp(np.log(head / base), 0).pvalue = 0.018399557022530218
        assert!(
            (r.p.unwrap() - 0.018_399_557_022_530_218).abs() < 1e-6,
            "{r:?}"
        );
        assert!((r.change.unwrap() - 0.08).abs() < 1e-6);
        assert!(r.p_adjusted.unwrap() > 0.05, "{r:?}");
        assert_eq!(r.status, Status::Inconclusive);
    }
    // The same operation alone is a regression.
    let c = compare(&ab_record(&b[..1], &h[..1], None), None);
    assert_eq!(status(&c, "api", "a", Metric::P50), Status::Regression);
}

#[test]
fn busy_repetitions_are_left_out() {
    let mut cur = record(
        Kind::Internal,
        "c",
        &[("api", Role::Ours, "get", &[10.0, 10.1, 9.9], &[100.0; 3])],
    );
    for r in &mut cur.targets[0].operations[0].repetitions {
        r.busy = Some("other processes used 1.0 cores".into());
    }
    let base = pooled(
        Kind::Internal,
        &[("api", Role::Ours, "get", &[10.0, 10.1, 9.9], &[100.0; 3])],
        &DRIFT,
    );
    let c = compare(&cur, Some(&base));
    assert_eq!(c.verdict, Verdict::NotJudged);
    assert!(
        c.not_judged.iter().any(|n| n.reason == Unjudged::Busy),
        "{:?}",
        c.not_judged
    );
}

#[test]
fn another_machine_is_incomparable_never_a_regression() {
    let rows = [(
        "api",
        Role::Ours,
        "get",
        &[10.0, 10.1, 9.9][..],
        &[100.0; 3][..],
    )];
    let base = pooled(Kind::Internal, &rows, &DRIFT);
    let mut cur = record(
        Kind::Internal,
        "c",
        &[("api", Role::Ours, "get", &[20.0, 20.1, 19.9], &[50.0; 3])],
    );
    cur.environment.cpu_model = "Other CPU".into();
    let c = compare(&cur, Some(&base));
    assert!(c.rows.iter().all(|r| r.status == Status::Incomparable));
    assert_eq!(
        c.verdict,
        Verdict::NotJudged,
        "not green: nothing was judged"
    );
    assert!(c.notes[0].contains("incomparable environment"));
    // A kernel update is only noted: judged as usual.
    let mut cur = record(
        Kind::Internal,
        "c",
        &[("api", Role::Ours, "get", &[20.0, 20.1, 19.9], &[50.0; 3])],
    );
    cur.environment.kernel = "6.2".into();
    let c = compare(&cur, Some(&base));
    assert_eq!(status(&c, "api", "get", Metric::P50), Status::Regression);
    assert!(
        c.notes.iter().any(|n| n.contains("kernel 6.1 vs 6.2")),
        "{:?}",
        c.notes
    );
}

#[test]
fn no_baseline_is_not_judged_and_objectives_still_count() {
    let cur = record(
        Kind::Internal,
        "c",
        &[("api", Role::Ours, "get", &[10.0, 10.1, 9.9], &[100.0; 3])],
    );
    let c = compare(&cur, None);
    assert_eq!(c.verdict, Verdict::NotJudged);
    assert_eq!(c.not_judged[0].reason, Unjudged::NoBaseline);
    assert!(report::headline(&[c]).starts_with("benchbot: not judged — synthetic: no baseline"));
}

fn competitive(ours: &[f64], theirs: &[f64], run: &str) -> benchbot::record::RunRecord {
    let t = |v: &[f64]| v.iter().map(|p| 1000.0 / p).collect::<Vec<_>>();
    let (to, tt) = (t(ours), t(theirs));
    record(
        Kind::Competitive,
        run,
        &[
            ("ours", Role::Ours, "search", ours, &to),
            ("rival", Role::Competitor, "search", theirs, &tt),
        ],
    )
}

#[test]
fn competitive_gap_to_the_leader_and_its_regression() {
    let base = competitive(&[10.0, 10.1, 9.9], &[9.0, 9.1, 8.9], "b");
    let c = compare(&base, None);
    let s = c
        .standings
        .iter()
        .find(|s| s.metric == Metric::P50)
        .unwrap();
    assert_eq!(s.leader, "rival");
    assert!((s.gap - (10.0 - 9.0) / 9.0).abs() < 1e-9, "{}", s.gap);
    assert_eq!(c.verdict, Verdict::NotJudged, "no baseline yet");
    // Ours slows to 11.5 ms while the rival holds: the gap grows from 11% to 28% (> 10 points).
    let cur = competitive(&[11.5, 11.6, 11.4], &[9.0, 9.1, 8.9], "c");
    let c = compare(&cur, Some(&base));
    assert!(c
        .standings
        .iter()
        .any(|s| s.regressed && s.metric == Metric::P50));
    assert_eq!(c.verdict, Verdict::CompetitiveRegression);
    // The rival's own change is shown, never gating.
    assert_eq!(
        status(&c, "rival", "search", Metric::P50),
        Status::Unchanged
    );
    let cur = competitive(&[10.0, 10.1, 9.9], &[7.0, 7.1, 6.9], "d");
    let c = compare(&cur, Some(&base));
    assert_eq!(status(&c, "rival", "search", Metric::P50), Status::Changed);
}

#[test]
fn reports_render_stably() {
    let mut base = pooled(
        Kind::Internal,
        &[
            (
                "api",
                Role::Ours,
                "get",
                &[10.0, 10.1, 9.9],
                &[100.0, 101.0, 99.0],
            ),
            (
                "api",
                Role::Ours,
                "put",
                &[20.0, 20.2, 19.8],
                &[50.0, 50.5, 49.5],
            ),
        ],
        &DRIFT,
    );
    for (i, p) in base.pooled.iter_mut().enumerate() {
        p.git = Some(benchbot::record::GitInfo {
            sha: format!("{i}").repeat(40),
            reference: Some("main".into()),
        });
    }
    let cur = record(
        Kind::Internal,
        "20261102T000000Z-bbbbbbbb",
        &[
            (
                "api",
                Role::Ours,
                "get",
                &[11.5, 11.6, 11.4],
                &[87.0, 86.0, 88.0],
            ),
            (
                "api",
                Role::Ours,
                "put",
                &[20.1, 20.0, 19.9],
                &[50.0, 50.2, 49.8],
            ),
        ],
    );
    let comp = vec![
        compare(&cur, Some(&base)),
        compare(
            &competitive(
                &[10.0, 10.1, 9.9],
                &[9.0, 9.1, 8.9],
                "20261102T000000Z-cccccccc",
            ),
            None,
        ),
    ];
    insta::assert_snapshot!("terminal", report::terminal(&comp));
    insta::assert_snapshot!("markdown", report::markdown(&comp));
}

#[test]
fn hostile_names_come_out_inert_in_markdown() {
    let cur = record(
        Kind::Internal,
        "r",
        &[(
            "</details><img src=x onerror=alert(1)>",
            Role::Ours,
            "@org/team `x` | #1",
            &[1.0, 1.0, 1.0],
            &[1.0; 3],
        )],
    );
    let md = report::markdown(&[compare(&cur, None)]);
    assert!(!md.contains("<img"), "{md}");
    assert!(!md.contains("</details><"), "{md}");
    assert!(!md.contains("@org"), "{md}");
    // One table row per metric: the pipe in the name did not add columns.
    let row = md.lines().find(|l| l.contains("onerror")).unwrap();
    let unescaped = row.matches('|').count() - row.matches("\\|").count();
    assert_eq!(unescaped, 9, "8 columns: {row}");
}

#[test]
fn the_quarterly_review_sets_ours_beside_the_published_figures() {
    use benchbot::record::published::Published;
    let figures = Published::load(&common::root().join("baselines/published.toml"))
        .unwrap()
        .figures;
    // A competitive run that names the Qdrant figure (and one id that does not exist).
    let mut rec = competitive(&[5.0, 5.0, 5.0], &[6.0, 6.0, 6.0], "r");
    rec.scenario.thresholds.metrics = vec![Metric::P50, Metric::P99, Metric::Throughput];
    let mut c = compare(&rec, None);
    c.published = vec!["qdrant-vdbbench-768d1m".into(), "no-such-figure".into()];
    let md = report::quarterly_markdown("2026-Q4", &[c], &[], &[], &figures);
    assert!(
        md.contains("### Published figures (context, not proof)"),
        "{md}"
    );
    let p99 = md
        .lines()
        .find(|l| l.contains("Qdrant VectorDBBench Performance768D1M p99"))
        .unwrap();
    // Synthetic p99 is 2 × p50 = 10 ms against the published 6.4 ms.
    assert!(
        p99.contains("6.40ms")
            && p99.contains("10.0ms")
            && p99.contains("×1.56")
            && p99.contains("2025-06-02"),
        "{p99}"
    );
    assert!(
        md.contains("Qdrant VectorDBBench Performance768D1M recall | 0.947"),
        "{md}"
    );
    assert!(md.contains("unknown figure id"), "{md}");
}
