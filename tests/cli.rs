//! The command-line conventions: `--version` names the commit, completions and the man page
//! come from the same definitions as the parser, `--quiet` leaves warnings and data alone.

mod common;

use std::process::Command;

use common::{fixture, run};

#[test]
fn the_definitions_are_consistent() {
    <benchbot::cli::Cli as clap::CommandFactory>::command().debug_assert();
}

#[test]
fn version_names_the_commit() {
    let (code, stdout, _) = run(&["--version"]);
    assert_eq!(code, 0);
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(common::root())
        .output()
        .unwrap();
    let head = String::from_utf8_lossy(&head.stdout).trim().to_owned();
    assert!(
        stdout.starts_with(&format!("benchbot {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{stdout}"
    );
    if head.len() == 40 {
        assert!(stdout.contains(&head[..12]), "{stdout} vs HEAD {head}");
    }
}

#[test]
fn completions_and_the_man_page() {
    let (code, bash, _) = run(&["completions", "bash"]);
    assert_eq!(code, 0);
    assert!(
        bash.contains("ingest") && bash.contains("--bigger-is-better"),
        "{bash}"
    );
    let dir = tempfile::tempdir().unwrap();
    let f = common::write(dir.path(), "benchbot.bash", &bash);
    let st = Command::new("bash").arg("-n").arg(&f).status().unwrap();
    assert!(st.success(), "the bash completion script parses");
    let (_, zsh, _) = run(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef benchbot"), "{zsh}");
    let (_, fish, _) = run(&["completions", "fish"]);
    assert!(fish.contains("complete -c benchbot"), "{fish}");
    let (code, man, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(
        man.contains(".TH benchbot 1") && man.contains("ingest"),
        "{man}"
    );
    let (code, _, stderr) = run(&["completions", "tcsh"]);
    assert_eq!(code, 3, "{stderr}");
}

#[test]
fn quiet_keeps_data_and_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let f = fixture("luau/bench.txt");
    let (code, stdout, stderr) = run(&[
        "ingest",
        f.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("benchmark(s) from luau output"), "{stderr}");
    let (code, quiet_stdout, quiet_stderr) = run(&[
        "-q",
        "ingest",
        f.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(quiet_stderr.is_empty(), "{quiet_stderr}");
    assert_eq!(quiet_stdout, stdout, "the data is the same");
    // Warnings stay: an ingest that leaves something out says so even when quiet.
    let (code, _, stderr) = run(&[
        "ingest",
        "--quiet",
        "--format",
        "google-benchmark",
        fixture("google-benchmark/repetitions.json")
            .to_str()
            .unwrap(),
        "--bigger-is-better",
        "x",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("warning: --bigger-is-better `x` names no value"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["-q", "validate", "/nonexistent.toml"]);
    assert_eq!(code, 3);
    assert!(stderr.contains("error"), "errors are never quiet: {stderr}");
}

/// `(exit code, stdout, stderr)` of benchbot with `env` set and `NO_COLOR` removed unless
/// given.
fn run_env(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = common::benchbot_std();
    cmd.args(args).env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every escape in `text` is one of benchbot's colours.
fn only_our_colours(text: &str) -> bool {
    text.split('\u{1b}').skip(1).all(|rest| {
        ["[1;31m", "[1;33m", "[32m", "[0m"]
            .iter()
            .any(|c| rest.starts_with(c))
    })
}

#[test]
fn colour_marks_verdicts_only_when_wanted() {
    let dir = tempfile::tempdir().unwrap();
    // A benchmark named like a status, with escapes of its own: neither gets a colour.
    let name = "REGRESSION \u{1b}[2J\u{1b}]0;title\u{7}";
    let ingest = |file: &str, scale: f64| {
        let data: Vec<f64> = (0..40)
            .map(|i| scale * (1.0e-3 + f64::from(i % 7) * 1.0e-6))
            .collect();
        common::ingest_pytest(dir.path(), file, name, &data)
    };
    let (base, head) = (ingest("a.json", 1.0), ingest("b.json", 1.5));
    let compare = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec![
            "compare",
            head.to_str().unwrap(),
            "--baseline",
            base.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let (code, stdout, _) = run_env(&args, env);
        assert_eq!(code, 1, "+50%: {stdout}");
        stdout
    };
    let coloured = compare(&["--color", "always"], &[("NO_COLOR", "1")]);
    assert!(
        coloured.contains("\u{1b}[1;31mREGRESSION\u{1b}[0m"),
        "the status cell is red: {coloured:?}"
    );
    assert!(only_our_colours(&coloured), "{coloured:?}");
    assert!(
        !coloured.contains("\u{1b}[1;31mREGRESSION \u{fffd}"),
        "the name is not coloured: {coloured:?}"
    );
    // `auto` in a pipe, `never`, and `NO_COLOR` under `auto`: no escapes at all.
    for (extra, env) in [
        (&[][..], &[][..]),
        (&["--color", "never"][..], &[][..]),
        (&["--color", "auto"][..], &[("NO_COLOR", "1")][..]),
    ] {
        let plain = compare(extra, env);
        assert!(!plain.contains('\u{1b}'), "{extra:?} {env:?}: {plain:?}");
        assert!(plain.contains("REGRESSION"), "{plain}");
    }
    // Errors on stderr: the word `error:` coloured, the rest neutralised.
    let (code, _, stderr) = run_env(&["--color", "always", "validate", "/nonexistent.toml"], &[]);
    assert_eq!(code, 3);
    assert!(
        stderr.starts_with("\u{1b}[1;31merror:\u{1b}[0m "),
        "{stderr:?}"
    );
    assert!(only_our_colours(&stderr), "{stderr:?}");
    let (_, _, stderr) = run_env(&["validate", "/nonexistent.toml"], &[]);
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
}

#[test]
fn verbose_says_what_each_phase_measured() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = common::root().join("scenarios/internal/command-sort.toml");
    let run = |extra: &[&str]| {
        common::Run::new(&scenario, &dir.path().join("out"), dir.path())
            .args(["--repetitions", "2"])
            .args(extra)
            .output()
    };
    let (code, _, stderr) = run(&["--verbose"]);
    assert!(code == 0 || code == 1, "{stderr}");
    assert!(
        stderr.contains("scenario `command-sort` (internal) from ")
            && stderr.contains("targets coreutils-sort"),
        "{stderr}"
    );
    for phase in ["warmup", "rep 1/2", "rep 2/2"] {
        let line = stderr
            .lines()
            .find(|l| l.contains(&format!("command-sort/coreutils-sort {phase}: ")))
            .unwrap_or_else(|| panic!("no line for {phase}: {stderr}"));
        assert!(
            line.contains(" operations in ") && line.ends_with("/s)"),
            "{line}"
        );
    }
    assert!(
        stderr.contains("rep 1/2: 25 operations in "),
        "every planned operation counted: {stderr}"
    );
    let (_, _, plain) = run(&[]);
    assert!(!plain.contains(" operations in "), "{plain}");
    let (code, _, stderr) = run_env(&["-q", "-v", "validate", "scenarios"], &[]);
    assert_eq!(code, 3, "--quiet and --verbose together: {stderr}");
}
