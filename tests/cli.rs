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
