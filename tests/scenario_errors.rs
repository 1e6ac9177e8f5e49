//! Each malformed scenario is refused with exit code 3 and a message naming the file, line,
//! column and key, and a hint where one helps.

mod common;

use common::run;

fn check(name: &str) -> String {
    let path = format!("tests/fixtures/scenarios/malformed/{name}.toml");
    let (code, stdout, stderr) = run(&["validate", &path]);
    assert_eq!(code, 3, "{name}: stdout={stdout} stderr={stderr}");
    assert!(
        stdout.is_empty(),
        "{name}: nothing on stdout for a refused scenario: {stdout}"
    );
    assert!(
        stderr.starts_with(&format!("error: {path}:")),
        "{name}: {stderr}"
    );
    stderr
}

#[test]
fn unknown_key_suggests_the_right_one() {
    insta::assert_snapshot!("unknown-key", check("unknown-key"));
}

#[test]
fn wrong_type_names_the_key() {
    insta::assert_snapshot!("wrong-type", check("wrong-type"));
}

#[test]
fn bad_duration_names_the_unit() {
    insta::assert_snapshot!("bad-duration", check("bad-duration"));
}

#[test]
fn out_of_range_value() {
    insta::assert_snapshot!("bad-range", check("bad-range"));
}

#[test]
fn target_without_driver() {
    insta::assert_snapshot!("no-driver", check("no-driver"));
}

#[test]
fn bad_placeholder_in_template() {
    insta::assert_snapshot!("bad-placeholder", check("bad-placeholder"));
}

#[test]
fn unsafe_scenario_name() {
    insta::assert_snapshot!("bad-name", check("bad-name"));
}

#[test]
fn rate_needs_open_loop() {
    insta::assert_snapshot!("rate-in-closed-loop", check("rate-in-closed-loop"));
}

#[test]
fn competitor_in_internal_scenario() {
    insta::assert_snapshot!("competitor-in-internal", check("competitor-in-internal"));
}

#[test]
fn toml_syntax_error() {
    insta::assert_snapshot!("not-toml", check("not-toml"));
}

#[test]
fn run_refuses_before_running_anything() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (code, _, stderr) = run(&[
        "run",
        "tests/fixtures/scenarios/malformed/bad-range.toml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 3);
    assert!(
        stderr.contains("concurrency must be in 1..=10000"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is written for a refused suite");
}

#[test]
fn every_example_scenario_is_valid() {
    let (code, stdout, stderr) = run(&["validate", "scenarios"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.lines().count() >= 4, "{stdout}");
}

#[test]
fn a_search_needs_a_way_to_read_its_ids() {
    insta::assert_snapshot!("recall-without-ids", check("recall-without-ids"));
}

#[test]
fn query_placeholders_need_a_vector_dataset() {
    insta::assert_snapshot!("query-without-vectors", check("query-without-vectors"));
}

#[test]
fn a_corrupt_vector_file_is_named_with_its_line() {
    let e = check("bad-vector-file");
    assert!(
        e.contains("bad-vectors.csv:3: `oops` is not a number"),
        "{e}"
    );
}

#[test]
fn ingest_fields_must_belong_to_the_rows() {
    insta::assert_snapshot!("ingest-unknown-field", check("ingest-unknown-field"));
}

#[test]
fn bare_threshold_says_what_it_would_mean() {
    let e = check("bare-threshold");
    assert!(
        e.contains("would mean 1000%") && e.contains("\"10%\""),
        "{e}"
    );
    insta::assert_snapshot!("bare-threshold", e);
}

#[test]
fn threshold_above_100_percent_is_refused() {
    let e = check("threshold-above-100");
    assert!(e.contains("above 100%") && e.contains("\"1.5%\""), "{e}");
    insta::assert_snapshot!("threshold-above-100", e);
}

#[test]
fn settings_that_cannot_work_are_refused() {
    for (name, want) in [
        ("zero-timeout", "positive timeout"),
        ("zero-ready-timeout", "cannot be ready in no time"),
        ("empty-expect-status", "no status would count as success"),
        ("bad-port", "is not a TCP port"),
        ("unknown-run-time-placeholder", "`{{prot}}`"),
        ("sql-dollar-zero", "`$0` does not name a parameter"),
    ] {
        let e = check(name);
        assert!(e.contains(want), "{name}: {e}");
        insta::assert_snapshot!(name, e);
    }
}
