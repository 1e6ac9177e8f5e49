//! The house as built: every module imports only modules below it (no circle, nothing reaching
//! back up the data flow). The layers are the module map of `src/lib.rs` and
//! `docs/architecture.md`; this test reads every source file and checks each `crate::…` path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Lowest first. A module may use modules of lower layers only.
const LAYERS: &[&[&str]] = &[
    &["util"],
    &["stats", "system", "dataset", "chart"],
    &["template"],
    &["driver"],
    &["scenario"],
    &["record"],
    &["engine", "ingest", "history"],
    &["verdict"],
    &["gate"],
    &["report"],
    &["github"],
    &["cli", "printer", "demo"],
    &["exit"],
    &["cmd"],
];

fn layer(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|l| l.contains(&module))
        .unwrap_or_else(|| {
            panic!("module `{module}` is in no layer: add it to LAYERS and to docs/architecture.md")
        })
}

/// Every `crate::<module>` a source file names, outside comments and test modules.
fn imports(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut out = BTreeSet::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or("");
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            let name: String = rest[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name.chars().next().is_some_and(char::is_lowercase) {
                out.insert(name);
            }
            rest = &rest[i + 7..];
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module → the top-level modules it uses.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_owned();
        if module == "lib" || module == "main" {
            continue;
        }
        let uses = imports(&std::fs::read_to_string(&f).unwrap());
        g.entry(module.clone())
            .or_default()
            .extend(uses.into_iter().filter(|u| *u != module));
    }
    g
}

#[test]
fn imports_only_go_down_the_layers() {
    let mut wrong = Vec::new();
    for (module, uses) in graph() {
        for u in uses {
            if layer(&u) >= layer(&module) {
                wrong.push(format!("{module} → {u}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports across or up the layers: {wrong:?}"
    );
}

/// Depth-first search for a back edge: the circle, if any.
fn visit(
    m: &str,
    g: &BTreeMap<String, BTreeSet<String>>,
    stack: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(i) = stack.iter().position(|s| s == m) {
        let mut circle = stack[i..].to_vec();
        circle.push(m.to_owned());
        return Some(circle);
    }
    if done.contains(m) {
        return None;
    }
    stack.push(m.to_owned());
    for u in g.get(m).into_iter().flatten() {
        if let Some(c) = visit(u, g, stack, done) {
            return Some(c);
        }
    }
    stack.pop();
    done.insert(m.to_owned());
    None
}

#[test]
fn the_module_graph_has_no_circle() {
    let g = graph();
    let mut done = BTreeSet::new();
    for m in g.keys() {
        if let Some(c) = visit(m, &g, &mut Vec::new(), &mut done) {
            panic!("a circle: {}", c.join(" → "));
        }
    }
}

#[test]
fn the_checker_sees_an_upward_import() {
    // The checker itself: a file naming a higher module is caught.
    let uses = imports("use crate::verdict::compare;\n// crate::github in a comment\nlet x = crate::report::json(&c);\n");
    assert_eq!(uses.into_iter().collect::<Vec<_>>(), ["report", "verdict"]);
    assert!(layer("report") > layer("record"));
}
