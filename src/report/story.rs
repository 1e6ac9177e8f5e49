//! The story of a comparison: rows grouped by (target, operation), the operation with the
//! largest confirmed change first, so a reader sees where the change is before its echoes.

use crate::scenario::Role;
use crate::verdict::{Comparison, Row, Status};

/// The rows of one (target, operation).
pub struct Group<'a> {
    pub target: &'a str,
    pub role: Role,
    pub operation: &'a str,
    pub rows: Vec<&'a Row>,
    /// The most severe status of its rows.
    pub status: Status,
    /// Its largest worsening among gating rows that changed (regression or warning).
    pub worst: f64,
}

/// The groups of `c`: ours before competitors, then by severity, then by the largest change.
#[must_use]
pub fn groups(c: &Comparison) -> Vec<Group<'_>> {
    let mut out: Vec<Group<'_>> = Vec::new();
    // Each (target, operation)'s group, found through an index: a search per row made a
    // report of thousands of benchmarks quadratic.
    let mut index: std::collections::HashMap<(&str, &str), usize> =
        std::collections::HashMap::new();
    for r in &c.rows {
        let key = (r.target.as_str(), r.operation.as_str());
        let g = if let Some(&i) = index.get(&key) {
            &mut out[i]
        } else {
            index.insert(key, out.len());
            out.push(Group {
                target: &r.target,
                role: r.role,
                operation: &r.operation,
                rows: Vec::new(),
                status: Status::Incomparable,
                worst: f64::NEG_INFINITY,
            });
            out.last_mut()
                .unwrap_or_else(|| unreachable!("just pushed"))
        };
        g.rows.push(r);
        g.status = g.status.min(r.status);
        if matches!(r.status, Status::Regression | Status::Warning) {
            g.worst = g.worst.max(r.worsening());
        }
    }
    out.sort_by(|a, b| {
        (a.role, a.status)
            .cmp(&(b.role, b.status))
            .then(b.worst.total_cmp(&a.worst))
    });
    out
}
