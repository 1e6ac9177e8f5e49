//! The composite action's command line: the `Run benchbot` step of `action.yml`, executed by
//! bash with the step's environment as Actions would set it, against the real benchbot (told
//! `--dry-run`, so clap checks every flag the step passes and nothing is measured).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

/// The action's inputs and their defaults.
fn inputs(yml: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut in_inputs = false;
    let mut current: Option<String> = None;
    for line in yml.lines() {
        if !line.starts_with(' ') && !line.is_empty() {
            in_inputs = line == "inputs:";
            continue;
        }
        if !in_inputs {
            continue;
        }
        if let Some(name) = line
            .strip_prefix("  ")
            .filter(|l| !l.starts_with(' '))
            .and_then(|l| l.strip_suffix(':'))
        {
            current = Some(name.to_owned());
            out.insert(name.to_owned(), String::new());
        } else if let (Some(name), Some(d)) = (&current, line.strip_prefix("    default: ")) {
            out.insert(name.clone(), d.trim_matches('"').to_owned());
        }
    }
    out
}

/// The step's `env:` (name → expression) and its `run:` script.
fn step(yml: &str) -> (Vec<(String, String)>, String) {
    let start = yml.find("      id: run\n").expect("the run step");
    let rest = &yml[start..];
    let mut env = Vec::new();
    let mut script = String::new();
    let mut section = "";
    for line in rest.lines() {
        match line.trim_end() {
            "      env:" => section = "env",
            "      run: |" => section = "run",
            l if section == "env" && l.starts_with("        ") => {
                let (k, v) = l.trim().split_once(": ").unwrap();
                env.push((k.to_owned(), v.to_owned()));
            }
            l if section == "run" && (l.starts_with("        ") || l.is_empty()) => {
                script.push_str(l.strip_prefix("        ").unwrap_or(""));
                script.push('\n');
            }
            _ if section == "run" => break,
            _ => {}
        }
    }
    (env, script)
}

/// Runs the step with `given` inputs (the rest default); returns (exit code, benchbot's argv,
/// the step's outputs, stdout).
fn run_step(given: &[(&str, &str)], base_ref: &str) -> (i32, Vec<String>, String, String) {
    let yml = std::fs::read_to_string(common::root().join("action.yml")).unwrap();
    let mut values = inputs(&yml);
    for (k, v) in given {
        assert!(values.contains_key(*k), "no input `{k}` in action.yml");
        values.insert((*k).to_owned(), (*v).to_owned());
    }
    let (env, script) = step(&yml);
    let dir = tempfile::tempdir().unwrap();
    let action = dir.path().join("action");
    std::fs::create_dir_all(action.join("target/release")).unwrap();
    let argv = dir.path().join("argv");
    let fake = action.join("target/release/benchbot");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nexec '{}' \"$@\" --dry-run\n",
            argv.display(),
            env!("CARGO_BIN_EXE_benchbot")
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let outputs = dir.path().join("outputs");
    std::fs::write(&outputs, "").unwrap();
    let mut cmd = std::process::Command::new("bash");
    cmd.args([
        "--noprofile",
        "--norc",
        "-e",
        "-o",
        "pipefail",
        "-c",
        &script,
    ])
    .current_dir(common::root())
    .env_clear()
    .env("PATH", std::env::var_os("PATH").unwrap())
    .env("HOME", dir.path())
    .env("GITHUB_OUTPUT", &outputs);
    for (k, expr) in env {
        let value = resolve(&expr, &values, &action, base_ref);
        cmd.env(k, value);
    }
    let o = cmd.output().unwrap();
    let args = std::fs::read_to_string(&argv)
        .map(|s| s.lines().map(str::to_owned).collect())
        .unwrap_or_default();
    (
        o.status.code().unwrap_or(-1),
        args,
        std::fs::read_to_string(&outputs).unwrap(),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
    )
}

/// The value Actions gives `${{ … }}` here.
fn resolve(expr: &str, inputs: &BTreeMap<String, String>, action: &Path, base_ref: &str) -> String {
    let inner = expr
        .trim()
        .strip_prefix("${{")
        .and_then(|e| e.strip_suffix("}}"))
        .map_or_else(|| panic!("not an expression: {expr}"), str::trim);
    match inner {
        "github.action_path" => action.display().to_string(),
        "github.base_ref" => base_ref.to_owned(),
        i => {
            let name = i
                .strip_prefix("inputs.")
                .unwrap_or_else(|| panic!("unexpected expression {i}"));
            if name == "github-token" {
                String::new()
            } else {
                inputs
                    .get(name)
                    .unwrap_or_else(|| panic!("no input {name}"))
                    .clone()
            }
        }
    }
}

#[test]
fn every_input_reaches_the_step() {
    let yml = std::fs::read_to_string(common::root().join("action.yml")).unwrap();
    let (env, _) = step(&yml);
    // The one input of the install step (tests/install.rs), not benchbot's.
    for name in inputs(&yml).keys().filter(|k| *k != "build-from-source") {
        assert!(
            env.iter()
                .any(|(_, e)| e.contains(&format!("inputs.{name} "))),
            "input `{name}` is never passed to benchbot"
        );
    }
}

#[test]
fn run_mode_with_defaults_is_accepted_by_benchbot() {
    let (code, args, outputs, log) = run_step(&[("tiers", "small")], "");
    assert_eq!(code, 0, "{log}");
    assert_eq!(args[0], "run", "{args:?}");
    for flag in [
        "--on-no-baseline",
        "--on-inconclusive",
        "--accept-label",
        "--publish",
    ] {
        assert!(args.iter().any(|a| a == flag), "{flag} in {args:?}");
    }
    assert!(outputs.contains("exit-code=0"), "{outputs}");
}

#[test]
fn ab_mode_takes_the_pull_requests_base_branch() {
    let (code, args, _, log) = run_step(
        &[
            ("mode", "ab"),
            ("tiers", "small"),
            ("build", "make -j2 all"),
            ("blocks", "auto"),
        ],
        "main",
    );
    assert_eq!(code, 0, "{log}");
    assert_eq!(&args[..3], ["ab", "--base", "origin/main"], "{args:?}");
    // A build command with spaces stays one argument.
    let i = args.iter().position(|a| a == "--build").unwrap();
    assert_eq!(args[i + 1], "make -j2 all");
    let i = args.iter().position(|a| a == "--blocks").unwrap();
    assert_eq!(args[i + 1], "auto");

    let (code, args, _, log) =
        run_step(&[("mode", "ab"), ("base", "v1.2"), ("tiers", "small")], "");
    assert_eq!(code, 0, "{log}");
    assert_eq!(&args[..3], ["ab", "--base", "v1.2"]);
}

#[test]
fn bad_modes_fail_with_exit_3() {
    let (code, args, outputs, log) = run_step(&[("mode", "ab")], "");
    assert_eq!(code, 3, "{log}");
    assert!(args.is_empty(), "benchbot never ran: {args:?}");
    assert!(log.contains("::error") && log.contains("base"), "{log}");
    assert!(outputs.contains("exit-code=3"), "{outputs}");

    let (code, _, _, log) = run_step(&[("mode", "sideways")], "");
    assert_eq!(code, 3, "{log}");
    assert!(log.contains("mode must be run, ab or accept"), "{log}");

    // A value benchbot refuses: its exit code (3) is the step's.
    let (code, _, outputs, log) = run_step(&[("on-inconclusive", "maybe")], "");
    assert_eq!(code, 3, "{log}");
    assert!(outputs.contains("exit-code=3"), "{outputs}");
}
