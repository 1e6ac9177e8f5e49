//! Response checks and captures, after the status was as expected: a failed check is an
//! error of kind `check` naming the check and what was found; captures fill the virtual
//! user's variables.

use super::check::{CheckPlan, OpPlan, Predicate, Subject};
use super::client::Conn;
use crate::driver::driver::{tail, ErrorKind, OpError};

/// What a subject found in the response: `None` when absent.
fn find(
    subject: &Subject,
    json: Option<&serde_json::Value>,
    conn: &Conn,
) -> Option<serde_json::Value> {
    match subject {
        Subject::Json(p) => json?.pointer(p).cloned(),
        Subject::Header(h) => conn
            .headers
            .iter()
            .find(|(k, _)| k == h)
            .map(|(_, v)| serde_json::Value::String(v.clone())),
    }
}

/// A value as text: strings unquoted, anything else as JSON.
fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether `found` satisfies the check; `Err` says what was found instead.
fn holds(c: &CheckPlan, found: Option<&serde_json::Value>) -> Result<(), String> {
    let shown = || {
        found.map_or_else(
            || "nothing".to_owned(),
            |v| tail(&v.to_string(), 120).to_owned(),
        )
    };
    let ok = match (&c.predicate, found) {
        (Predicate::Exists(want), f) => f.is_some() == *want,
        (Predicate::Equals(want), Some(v)) => equal(want, v),
        (Predicate::Matches(re), Some(v)) => re.is_match(&text(v)),
        (_, None) => false,
    };
    if ok {
        Ok(())
    } else {
        Err(shown())
    }
}

/// JSON equality, numbers by value (`1` equals `1.0`).
fn equal(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        // Exact: a check of `1` must not pass `1.0000001`.
        #[expect(clippy::float_cmp, reason = "equality of JSON numbers is exact")]
        (Some(x), Some(y)) if a.is_number() && b.is_number() => x == y,
        _ => a == b,
    }
}

/// Runs the operation's checks, then its captures, against the response in `conn`.
///
/// # Errors
/// The first failed check, or a capture with nothing to take.
pub(super) fn apply(spec: &OpPlan, conn: &mut Conn) -> Result<(), OpError> {
    let needs_json = spec
        .checks
        .iter()
        .map(|c| &c.subject)
        .chain(spec.captures.iter().map(|c| &c.1))
        .any(|s| matches!(s, Subject::Json(_)));
    let json: Option<serde_json::Value> = if needs_json {
        serde_json::from_slice(&conn.body).ok()
    } else {
        None
    };
    if needs_json && json.is_none() {
        let body = String::from_utf8_lossy(&conn.body);
        return Err(OpError::new(
            ErrorKind::Check,
            format!("the response is not JSON: {}", tail(&body, 120)),
        ));
    }
    for c in &spec.checks {
        let found = find(&c.subject, json.as_ref(), conn);
        holds(c, found.as_ref()).map_err(|got| {
            OpError::new(
                ErrorKind::Check,
                format!("check `{}` failed: got {got}", c.text),
            )
        })?;
    }
    for (name, from) in &spec.captures {
        let v = find(from, json.as_ref(), conn).ok_or_else(|| {
            let what = match from {
                Subject::Json(p) => format!("no `{p}` in the response"),
                Subject::Header(h) => format!("no `{h}` header in the response"),
            };
            OpError::new(ErrorKind::Check, format!("capture `{name}`: {what}"))
        })?;
        conn.vars.insert(name.clone(), text(&v));
    }
    Ok(())
}
