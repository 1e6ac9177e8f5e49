//! Every crate in `Cargo.lock` is under a licence this project can ship in its released binary:
//! each package's SPDX expression must be satisfiable from the permissive licences below
//! (`OR`: one alternative allowed; `AND`: all). Read from `cargo metadata --offline`, so it needs
//! no network; a dependency under GPL, or with no licence at all, fails here.

use std::process::Command;

/// Licences benchbot's binaries may contain.
const ALLOWED: [&str; 15] = [
    "MIT",
    "MIT-0",
    "Apache-2.0",
    "Apache-2.0 WITH LLVM-exception",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "Zlib",
    "0BSD",
    "Unlicense",
    "CC0-1.0",
    "BSL-1.0",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "CDLA-Permissive-2.0",
];

/// Whether the SPDX expression `e` can be met with [`ALLOWED`] (`/` is the old spelling of
/// `OR`).
fn allowed(e: &str) -> bool {
    let spaced = e
        .replace('(', " ( ")
        .replace(')', " ) ")
        .replace('/', " OR ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut at = 0;
    let ok = or_expr(&tokens, &mut at);
    ok.is_some_and(|ok| ok && at == tokens.len())
}

fn or_expr(t: &[&str], at: &mut usize) -> Option<bool> {
    let mut ok = and_expr(t, at)?;
    while t.get(*at) == Some(&"OR") {
        *at += 1;
        ok |= and_expr(t, at)?;
    }
    Some(ok)
}

fn and_expr(t: &[&str], at: &mut usize) -> Option<bool> {
    let mut ok = term(t, at)?;
    while t.get(*at) == Some(&"AND") {
        *at += 1;
        ok &= term(t, at)?;
    }
    Some(ok)
}

fn term(t: &[&str], at: &mut usize) -> Option<bool> {
    if t.get(*at) == Some(&"(") {
        *at += 1;
        let ok = or_expr(t, at)?;
        (t.get(*at) == Some(&")")).then(|| *at += 1)?;
        return Some(ok);
    }
    let id = *t.get(*at)?;
    *at += 1;
    let mut name = id.to_owned();
    if t.get(*at) == Some(&"WITH") {
        name = format!("{id} WITH {}", t.get(*at + 1)?);
        *at += 2;
    }
    Some(ALLOWED.contains(&name.as_str()))
}

#[test]
fn the_expression_reader_follows_spdx() {
    assert!(allowed("MIT OR Apache-2.0"));
    assert!(allowed("MIT/Apache-2.0"));
    assert!(allowed("(MIT OR Apache-2.0) AND Unicode-3.0"));
    assert!(allowed("MIT OR Apache-2.0 OR LGPL-2.1-or-later"));
    assert!(allowed("Apache-2.0 WITH LLVM-exception OR MIT"));
    assert!(!allowed("GPL-3.0-only"));
    assert!(!allowed("MIT AND GPL-2.0-only"));
    assert!(!allowed("(MIT OR Apache-2.0"));
    assert!(!allowed(""));
}

#[test]
fn every_dependency_has_a_licence_this_project_may_ship() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}\n  hint: `cargo fetch --locked` first (scripts/test does)",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let packages = meta["packages"].as_array().unwrap();
    assert!(packages.len() > 100, "the whole lock file is read");
    let refused: Vec<String> = packages
        .iter()
        .filter(|p| !allowed(p["license"].as_str().unwrap_or("")))
        .map(|p| format!("{} {}: {}", p["name"], p["version"], p["license"]))
        .collect();
    assert!(refused.is_empty(), "licences not allowed: {refused:#?}");
}
