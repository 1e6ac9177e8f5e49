//! Verdict rules on synthetic records, and snapshots of the rendered reports.

mod common;

use benchbot::report;
use benchbot::scenario::{Kind, Metric, Role};
use benchbot::verdict::{compare, Status, Verdict};
use common::record;

fn status(c: &benchbot::verdict::Comparison, target: &str, op: &str, metric: Metric) -> Status {
    c.rows
        .iter()
        .find(|r| r.target == target && r.operation == op && r.metric == metric)
        .unwrap()
        .status
}

#[test]
fn a_significant_change_beyond_the_threshold_is_a_regression() {
    let base = record(
        Kind::Internal,
        "b",
        &[(
            "api",
            Role::Ours,
            "get",
            &[10.0, 10.1, 9.9, 10.05, 9.95],
            &[100.0, 101.0, 99.0, 100.0, 100.0],
        )],
    );
    let cur = record(
        Kind::Internal,
        "c",
        &[(
            "api",
            Role::Ours,
            "get",
            &[11.0, 11.1, 10.9, 11.05, 10.95],
            &[91.0, 90.0, 92.0, 91.0, 90.5],
        )],
    );
    let c = compare(&cur, Some(&base));
    assert_eq!(status(&c, "api", "get", Metric::P50), Status::Regression);
    assert_eq!(
        status(&c, "api", "get", Metric::Throughput),
        Status::Regression
    );
    assert_eq!(c.verdict, Verdict::InternalRegression);
    let row = c.rows.iter().find(|r| r.metric == Metric::P50).unwrap();
    assert!((row.change.unwrap() - 0.1).abs() < 1e-9);
    let (lo, hi) = row.ci.unwrap();
    assert!(lo < 0.1 && 0.1 < hi && lo > 0.05, "{lo} {hi}");
}

#[test]
fn a_large_but_noisy_change_is_not_a_regression() {
    // +10% on average but the repetitions scatter ±30%: not significant.
    let base = record(
        Kind::Internal,
        "b",
        &[(
            "api",
            Role::Ours,
            "get",
            &[7.0, 13.0, 10.0],
            &[100.0, 100.0, 100.0],
        )],
    );
    let cur = record(
        Kind::Internal,
        "c",
        &[(
            "api",
            Role::Ours,
            "get",
            &[14.0, 8.0, 11.0],
            &[100.0, 100.0, 100.0],
        )],
    );
    let c = compare(&cur, Some(&base));
    let row = c.rows.iter().find(|r| r.metric == Metric::P50).unwrap();
    assert!(row.p.unwrap() > 0.05);
    assert_eq!(row.status, Status::Unchanged);
    assert_eq!(c.verdict, Verdict::Ok);
}

#[test]
fn a_significant_change_below_the_threshold_or_the_floor_is_not_a_regression() {
    // +2%: significant, above warn? No: warn is 2.5%.
    let base = record(
        Kind::Internal,
        "b",
        &[("api", Role::Ours, "get", &[10.0, 10.0, 10.01], &[100.0; 3])],
    );
    let cur = record(
        Kind::Internal,
        "c",
        &[("api", Role::Ours, "get", &[10.2, 10.2, 10.21], &[100.0; 3])],
    );
    assert_eq!(
        status(&compare(&cur, Some(&base)), "api", "get", Metric::P50),
        Status::Unchanged
    );
    // +3%: a warning, not a failure.
    let cur = record(
        Kind::Internal,
        "c",
        &[("api", Role::Ours, "get", &[10.3, 10.3, 10.31], &[100.0; 3])],
    );
    let c = compare(&cur, Some(&base));
    assert_eq!(status(&c, "api", "get", Metric::P50), Status::Warning);
    assert_eq!(c.verdict, Verdict::Ok);
    // +20% of 0.1 ms = 20 µs: below the 50 µs noise floor.
    let base = record(
        Kind::Internal,
        "b",
        &[("api", Role::Ours, "get", &[0.1, 0.1, 0.1001], &[100.0; 3])],
    );
    let cur = record(
        Kind::Internal,
        "c",
        &[("api", Role::Ours, "get", &[0.12, 0.12, 0.1201], &[100.0; 3])],
    );
    assert_eq!(
        status(&compare(&cur, Some(&base)), "api", "get", Metric::P50),
        Status::Unchanged
    );
}

#[test]
fn improvements_are_shown() {
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
}

#[test]
fn fewer_than_three_repetitions_is_low_confidence_judged_by_threshold() {
    let base = record(
        Kind::Internal,
        "b",
        &[("api", Role::Ours, "get", &[10.0, 10.2], &[100.0, 100.0])],
    );
    let cur = record(
        Kind::Internal,
        "c",
        &[("api", Role::Ours, "get", &[11.0, 11.2], &[100.0, 100.0])],
    );
    let c = compare(&cur, Some(&base));
    assert!(c.low_confidence);
    assert_eq!(status(&c, "api", "get", Metric::P50), Status::Regression);
    assert!(c.notes.iter().any(|n| n.contains("low confidence")));
    assert!(report::terminal(&[c]).contains("REGRESSION (low confidence)"));
}

#[test]
fn another_machine_is_incomparable_never_a_regression() {
    let base = record(
        Kind::Internal,
        "b",
        &[("api", Role::Ours, "get", &[10.0, 10.1, 9.9], &[100.0; 3])],
    );
    let mut cur = record(
        Kind::Internal,
        "c",
        &[("api", Role::Ours, "get", &[20.0, 20.1, 19.9], &[50.0; 3])],
    );
    cur.environment.cpu_model = "Other CPU".into();
    let c = compare(&cur, Some(&base));
    assert!(c.rows.iter().all(|r| r.status == Status::Incomparable));
    assert_eq!(c.verdict, Verdict::Ok);
    assert!(c.notes[0].contains("incomparable environment"));
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
    assert_eq!(c.verdict, Verdict::Ok);
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
    let base = record(
        Kind::Internal,
        "20261101T000000Z-aaaaaaaa",
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
    );
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
    assert_eq!(unescaped, 11, "10 columns: {row}");
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
