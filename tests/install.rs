//! The action's install step (`scripts/install-benchbot`) against a stand-in of GitHub's release
//! downloads on 127.0.0.1: a verified binary is installed and runs; a wrong checksum is refused
//! before anything runs; a missing release or asset falls back to building from source.

mod common;

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "x86_64-unknown-linux-gnu";
const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

/// Serves the files under `root` at `/<path>` (404 for anything else) until the test ends.
fn serve(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            // The rest of the head.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let file = root.join(path.trim_start_matches('/'));
            let mut out = &stream;
            let _ = match std::fs::read(&file).ok().filter(|_| !path.contains("..")) {
                Some(body) => out
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .as_bytes(),
                    )
                    .and_then(|()| out.write_all(&body)),
                None => out.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                ),
            };
        }
    });
    format!("http://{addr}")
}

/// A release `tag` under `root`: a tarball whose `benchbot` says it was built from `commit`,
/// and SHA256SUMS (as the release workflow writes it).
fn release(root: &Path, tag: &str, commit: &str) -> PathBuf {
    let dir = root.join(tag);
    let stage = root.join(format!("stage-{tag}"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&stage).unwrap();
    let bin = stage.join("benchbot");
    std::fs::write(
        &bin,
        format!(
            "#!/bin/sh\necho 'benchbot 0.1.0 (commit {})'\n",
            &commit[..12]
        ),
    )
    .unwrap();
    sh(&format!("chmod +x '{}'", bin.display()));
    let asset = format!("benchbot-{TARGET}.tar.gz");
    sh(&format!(
        "tar -C '{}' -czf '{}' benchbot && cd '{}' && sha256sum '{asset}' > SHA256SUMS",
        stage.display(),
        dir.join(&asset).display(),
        dir.display()
    ));
    dir
}

fn sh(script: &str) {
    let st = Command::new("sh").arg("-c").arg(script).status().unwrap();
    assert!(st.success(), "{script}");
}

/// Runs the install script for `git_ref`; returns (exit code, stderr, the installed binary).
fn install(base: &str, git_ref: &str, dest: &Path) -> (i32, String, PathBuf) {
    let o = Command::new("bash")
        .arg(common::root().join("scripts/install-benchbot"))
        .arg(dest)
        .env("BENCHBOT_REF", git_ref)
        .env("BENCHBOT_REPO", "owner/benchbot")
        .env("BENCHBOT_RELEASES", base)
        .env("BENCHBOT_VERSION", "0.1.0")
        .env("BENCHBOT_TARGET", TARGET)
        .env("NO_PROXY", "127.0.0.1")
        .env("no_proxy", "127.0.0.1")
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        dest.join("benchbot"),
    )
}

#[test]
fn a_verified_release_is_installed_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path(), "v0.1.0", COMMIT);
    let base = serve(dir.path().to_owned());
    let (code, stderr, bin) = install(&base, "v0.1.0", &dir.path().join("bin"));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("verified"), "{stderr}");
    let out = Command::new(&bin).arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("0.1.0"));
    // A commit ref takes its version's release when that was built from this very commit…
    let (code, stderr, _) = install(&base, COMMIT, &dir.path().join("bin2"));
    assert_eq!(code, 0, "{stderr}");
    // …and builds from source when it was built from another.
    let other = "fedcba9876543210fedcba9876543210fedcba98";
    let (code, stderr, bin) = install(&base, other, &dir.path().join("bin3"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("another commit") && stderr.contains("building from source"),
        "{stderr}"
    );
    assert!(!bin.exists());
}

#[test]
fn a_wrong_checksum_is_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let rel = release(dir.path(), "v0.1.0", COMMIT);
    let base = serve(dir.path().to_owned());
    // The tarball replaced after its checksum was written (a tampered download).
    let tampered = release(dir.path(), "tampered", COMMIT);
    std::fs::write(
        tampered.join(format!("benchbot-{TARGET}.tar.gz")),
        b"not what was released",
    )
    .unwrap();
    let (code, stderr, bin) = install(&base, "tampered", &dir.path().join("bin"));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("refused") && stderr.contains("SHA256SUMS says"),
        "{stderr}"
    );
    assert!(!bin.exists(), "nothing installed");
    // A checksum file that does not list the asset is refused too.
    std::fs::write(rel.join("SHA256SUMS"), "00  benchbot-other.tar.gz\n").unwrap();
    let (code, stderr, bin) = install(&base, "v0.1.0", &dir.path().join("bin2"));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("does not list"), "{stderr}");
    assert!(!bin.exists());
}

#[test]
fn no_release_falls_back_to_building() {
    let dir = tempfile::tempdir().unwrap();
    let rel = release(dir.path(), "v0.1.0", COMMIT);
    let base = serve(dir.path().to_owned());
    // No release for this tag at all.
    let (code, stderr, _) = install(&base, "v9.9.9", &dir.path().join("bin"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("no SHA256SUMS in release v9.9.9"),
        "{stderr}"
    );
    // A release without this machine's asset.
    std::fs::remove_file(rel.join(format!("benchbot-{TARGET}.tar.gz"))).unwrap();
    let (code, stderr, _) = install(&base, "v0.1.0", &dir.path().join("bin"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("no benchbot-{TARGET}.tar.gz")),
        "{stderr}"
    );
    // A ref that is not a tag name is never put into a URL.
    let (code, stderr, _) = install(&base, "v1/../../x", &dir.path().join("bin"));
    assert_eq!(code, 2, "{stderr}");
}

/// The action's install step hands these outcomes to the build steps.
#[test]
fn the_action_builds_only_when_no_release_was_installed() {
    let yml = std::fs::read_to_string(common::root().join("action.yml")).unwrap();
    let install = yml.find("id: install").expect("an install step");
    let build = yml.find("- name: Build benchbot").expect("a build step");
    let run = yml.find("id: run").expect("the run step");
    assert!(install < build && build < run);
    assert!(yml[build..run].contains("if: steps.install.outputs.build == 'true'"));
    assert!(yml[install..build].contains("scripts/install-benchbot"));
    assert!(yml[install..build].contains("2) echo \"build=true\""));
    assert!(yml[install..build].contains("*) exit 1"));
}
