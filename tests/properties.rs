//! No input makes benchbot panic: every parser (scenario files, run records, tool outputs,
//! event payloads) either reads the input or says what is wrong with it. Inputs are real files
//! with random edits (bytes replaced, inserted, cut), which reach deeper than random text.

mod common;

use std::path::Path;

use proptest::prelude::*;
use proptest::strategy::ValueTree as _;

/// An edit of a text: at a fraction of its length, replace a byte, insert bytes, or cut.
#[derive(Clone, Debug)]
enum Edit {
    Replace(f64, u8),
    Insert(f64, Vec<u8>),
    Cut(f64, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0.0..1.0f64, any::<u8>()).prop_map(|(at, b)| Edit::Replace(at, b)),
        (0.0..1.0f64, prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, b)| Edit::Insert(at, b)),
        (0.0..1.0f64, 1..64usize).prop_map(|(at, n)| Edit::Cut(at, n)),
    ]
}

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    reason = "a position inside a small file"
)]
fn apply(text: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut t = text.to_vec();
    for e in edits {
        let at = |f: f64| ((t.len() as f64) * f) as usize;
        match e {
            Edit::Replace(f, b) if !t.is_empty() => {
                let i = at(*f).min(t.len() - 1);
                t[i] = *b;
            }
            Edit::Insert(f, bytes) => {
                let i = at(*f);
                t.splice(i..i, bytes.iter().copied());
            }
            Edit::Cut(f, n) => {
                let i = at(*f);
                let j = (i + n).min(t.len());
                t.drain(i..j);
            }
            Edit::Replace(..) => {}
        }
    }
    t
}

fn mutated(dir: &Path, name: &str, original: &[u8], edits: &[Edit]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, apply(original, edits)).unwrap();
    p
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn scenario_files(edits in prop::collection::vec(edit(), 1..6)) {
        let dir = tempfile::tempdir().unwrap();
        for f in ["scenarios/internal/http-kv.toml", "scenarios/competitive/vectors-10k.toml"] {
            let original = std::fs::read(common::root().join(f)).unwrap();
            let p = mutated(dir.path(), "s.toml", &original, &edits);
            // Ok or an error with a message; never a panic.
            if let Err(e) = benchbot::scenario::Scenario::load(&p) {
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    #[test]
    fn run_records(edits in prop::collection::vec(edit(), 1..6)) {
        let dir = tempfile::tempdir().unwrap();
        let original = std::fs::read(common::fixture("records/v1-http-kv.json")).unwrap();
        let p = mutated(dir.path(), "r.json", &original, &edits);
        if let Err(e) = benchbot::record::RunRecord::read(&p) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn tool_outputs(edits in prop::collection::vec(edit(), 1..6)) {
        use benchbot::ingest::{parse, Format};
        let dir = tempfile::tempdir().unwrap();
        for (f, format) in [
            ("hyperfine/two-commands.json", Format::Hyperfine),
            ("go/count5.txt", Format::Go),
            ("google-benchmark/repetitions.json", Format::GoogleBenchmark),
            ("catch2/report.xml", Format::Catch2),
            ("benchmarkdotnet/full.json", Format::Benchmarkdotnet),
            ("custom/benchbot.json", Format::Custom),
            ("custom/github-action-benchmark-bigger.json", Format::Auto),
        ] {
            let original = std::fs::read(common::fixture(f)).unwrap();
            let name = Path::new(f).file_name().unwrap().to_str().unwrap();
            let p = mutated(dir.path(), name, &original, &edits);
            if let Err(e) = parse(&p, format) {
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    #[test]
    fn event_payloads(edits in prop::collection::vec(edit(), 1..6)) {
        let dir = tempfile::tempdir().unwrap();
        for (f, event) in [
            ("github/pull_request.opened.json", "pull_request"),
            ("github/workflow_dispatch.json", "workflow_dispatch"),
            ("github/workflow_run.completed.json", "workflow_run"),
            ("github/push.json", "push"),
        ] {
            let original = std::fs::read(common::fixture(f)).unwrap();
            let p = mutated(dir.path(), "event.json", &original, &edits);
            if let Err(e) = benchbot::github::context::parse_event(event, &p) {
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }
}

/// Through the binary, a few edited inputs of each kind: exit 0 or 3, never a crash (101) and
/// never a signal.
#[test]
fn the_binary_answers_every_damaged_input_with_0_or_3() {
    let dir = tempfile::tempdir().unwrap();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let scenario = std::fs::read(common::root().join("scenarios/internal/http-kv.toml")).unwrap();
    let record = std::fs::read(common::fixture("records/v1-http-kv.json")).unwrap();
    let tool = std::fs::read(common::fixture("hyperfine/two-commands.json")).unwrap();
    for case in 0..15 {
        let edits = prop::collection::vec(edit(), 1..6)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let s = mutated(dir.path(), "s.toml", &scenario, &edits);
        let r = mutated(dir.path(), "r.json", &record, &edits);
        let t = mutated(dir.path(), "t.json", &tool, &edits);
        for args in [
            vec!["validate".to_owned(), s.display().to_string()],
            vec![
                "compare".to_owned(),
                r.display().to_string(),
                "--baseline".to_owned(),
                common::fixture("records/v1-http-kv.json")
                    .display()
                    .to_string(),
                "--out".to_owned(),
                dir.path().join("out").display().to_string(),
            ],
            vec![
                "ingest".to_owned(),
                t.display().to_string(),
                "--out".to_owned(),
                dir.path().join("out").display().to_string(),
            ],
        ] {
            let o = common::benchbot_std().args(&args).output().unwrap();
            let code = o.status.code();
            prop_assert_code(case, &args, code, &o.stderr);
        }
    }
}

fn prop_assert_code(case: usize, args: &[String], code: Option<i32>, stderr: &[u8]) {
    let stderr = String::from_utf8_lossy(stderr);
    assert!(
        matches!(code, Some(0..=3)),
        "case {case}: {args:?} ended with {code:?}:\n{stderr}"
    );
    if code == Some(3) {
        assert!(
            stderr.contains("error"),
            "case {case}: {args:?}: no message:\n{stderr}"
        );
    }
}

#[test]
fn long_names_of_multibyte_characters_are_refused_not_a_panic() {
    for s in [
        "é".repeat(40),
        format!("{}ü{}", "a".repeat(31), "b".repeat(40)),
        "日本".repeat(30),
    ] {
        let e = benchbot::util::Name::parse(&s).unwrap_err();
        assert!(e.contains("longer than 64"), "{e}");
    }
}
