//! Stamps the binary with the commit it was built from (`benchbot --version`), so a released
//! binary can be matched to the action ref that installs it.

use std::process::Command;

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(&dir)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_owned())
    };
    // A packaged crate (`cargo install`) has no repository: cargo's `.cargo_vcs_info.json`
    // names the commit it was packaged from (or BENCHBOT_COMMIT says it).
    let packaged = || {
        let info = std::fs::read_to_string(std::path::Path::new(&dir).join(".cargo_vcs_info.json"))
            .ok()?;
        let at = info.find("\"sha1\"")?;
        let rest = &info[at + 6..];
        let start = rest.find('"')? + 1;
        let end = start + rest[start..].find('"')?;
        Some(rest[start..end].to_owned())
    };
    let commit = std::env::var("BENCHBOT_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| git(&["rev-parse", "HEAD"]))
        .or_else(packaged)
        .unwrap_or_else(|| "unknown".into());
    let short: String = commit.chars().take(12).collect();
    println!("cargo:rustc-env=BENCHBOT_COMMIT={short}");
    println!("cargo:rerun-if-env-changed=BENCHBOT_COMMIT");
    if let Some(git_dir) = git(&["rev-parse", "--git-dir"]) {
        let git_dir = std::path::Path::new(&dir).join(git_dir);
        println!("cargo:rerun-if-changed={}", git_dir.join("HEAD").display());
        if let Some(head_ref) = git(&["symbolic-ref", "-q", "HEAD"]) {
            println!(
                "cargo:rerun-if-changed={}",
                git_dir.join(head_ref).display()
            );
        }
    }
}
