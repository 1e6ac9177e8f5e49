//! Checks of the HTTP driver's tables, and their compiled plans.

use super::config::{HttpCheck, HttpOperation, HttpTarget, LoadHttp};
use crate::dataset::RowKind;
use crate::template::{FieldTemplate, Template};
use crate::util::locate::{Invalid, Seg};

/// Fields of an HTTP load-phase batch, each a JSON array over the batch's rows.
pub const BATCH_FIELDS: [&str; 7] = [
    "ids", "int-ids", "vectors", "keys", "values", "edges", "rows",
];

/// One operation's request, compiled: indices into the operation's rendered templates.
#[derive(Clone, Debug)]
pub struct OpPlan {
    pub method: String,
    /// Index of the path template.
    pub path: usize,
    /// Header names and the indices of their value templates.
    pub headers: Vec<(String, usize)>,
    /// Index of the body template.
    pub body: Option<usize>,
    pub expect_status: Option<Vec<u16>>,
    /// JSON pointer to the returned ids.
    pub ids: Option<String>,
    pub checks: Vec<CheckPlan>,
    /// Values taken into the virtual user's variables.
    pub captures: Vec<(String, Subject)>,
    /// Response headers the checks and captures read (lower case).
    pub want_headers: Vec<String>,
}

/// What part of a response a check or capture reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A JSON pointer into the body.
    Json(String),
    /// A header, by lower-case name.
    Header(String),
}

/// What a checked part must be.
#[derive(Clone, Debug)]
pub enum Predicate {
    Equals(serde_json::Value),
    Exists(bool),
    Matches(regex::Regex),
}

/// One check, compiled, with its text for messages.
#[derive(Clone, Debug)]
pub struct CheckPlan {
    pub subject: Subject,
    pub predicate: Predicate,
    pub text: String,
}

/// The load phase's request, compiled.
#[derive(Clone, Debug)]
pub struct LoadPlan {
    pub method: String,
    pub path: FieldTemplate,
    pub body: FieldTemplate,
    pub headers: Vec<(String, String)>,
}

/// `[target.http]`: the base URL, and the setup requests. Paths are relative to the target.
///
/// # Errors
/// The first problem found.
pub fn check_target(h: &HttpTarget) -> Result<(), Invalid> {
    let url = h.base_url.as_str();
    let at = [Seg::Key("http"), Seg::Key("base-url")];
    let Some(rest) = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    else {
        return Err(Invalid::new(
            &at,
            format!("`{url}` is not an http:// or https:// URL"),
            Some("write e.g. \"http://127.0.0.1:8080\""),
        ));
    };
    if (h.ca_file.is_some() || h.insecure) && !url.starts_with("https://") {
        return Err(Invalid::new(
            &[
                Seg::Key("http"),
                Seg::Key(if h.insecure { "insecure" } else { "ca-file" }),
            ],
            "only an https:// base-url uses TLS settings",
            None,
        ));
    }
    if h.ca_file.is_some() && h.insecure {
        return Err(Invalid::new(
            &[Seg::Key("http"), Seg::Key("insecure")],
            "`insecure = true` checks no certificate, so a `ca-file` beside it would mean nothing",
            Some("keep one of them"),
        ));
    }
    if rest.is_empty() || rest.starts_with('/') {
        return Err(Invalid::new(&at, format!("`{url}` has no host"), None));
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if let Some((_, port)) = authority.rsplit_once(':') {
        if !port.contains("{{") && !port.parse::<u16>().is_ok_and(|p| p > 0) {
            return Err(Invalid::new(
                &at,
                format!("port `{port}` of `{url}` is not a TCP port (1–65535)"),
                None,
            ));
        }
    }
    let captured: Vec<&str> = h
        .setup
        .iter()
        .flat_map(|s| s.capture.keys().map(String::as_str))
        .collect();
    crate::driver::vars::check_placeholders_with(
        std::iter::once(&h.base_url).chain(h.headers.values()),
        &captured,
    )
    .map_err(|m| Invalid::new(&at, m, None))?;
    if h.timeout.is_some_and(|d| d.get().is_zero()) {
        return Err(Invalid::new(
            &[Seg::Key("http"), Seg::Key("timeout")],
            "a request cannot answer in no time: give a positive timeout (default 30s)",
            None,
        ));
    }
    Ok(())
}

/// `[[target.http.setup]]`: paths and captures.
///
/// # Errors
/// The first problem found.
pub fn check_setup(h: &HttpTarget) -> Result<(), Invalid> {
    for (j, s) in h.setup.iter().enumerate() {
        let at = |k: &'static str| {
            [
                Seg::Key("http"),
                Seg::Key("setup"),
                Seg::Index(j),
                Seg::Key(k),
            ]
        };
        if !s.path.starts_with('/') {
            return Err(Invalid::new(
                &at("path"),
                format!("path `{}` must start with `/`", s.path),
                None,
            ));
        }
        for (name, pointer) in &s.capture {
            if name.is_empty()
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                || ["port", "benchbot", "scenario-dir"].contains(&name.as_str())
            {
                return Err(Invalid::new(
                    &at("capture"),
                    format!("`{name}` cannot be a capture name"),
                    Some("letters, digits, `-` and `_`; not port, benchbot or scenario-dir"),
                ));
            }
            if !(pointer.is_empty() || pointer.starts_with('/')) {
                return Err(Invalid::new(
                    &at("capture"),
                    format!("`{pointer}` is not a JSON pointer"),
                    Some("e.g. \"/id\""),
                ));
            }
        }
    }
    Ok(())
}

/// `[operation.http]`, compiled; its templates are appended to `templates`. Paths are
/// relative to the operation's `http` table.
///
/// # Errors
/// The first problem found.
pub fn compile_op(
    h: &HttpOperation,
    param_names: &[String],
    templates: &mut Vec<Template>,
) -> Result<OpPlan, Invalid> {
    let sub = |k: &'static str| [Seg::Key(k)];
    let method = h
        .method
        .clone()
        .unwrap_or_else(|| "GET".into())
        .to_ascii_uppercase();
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(Invalid::new(
            &sub("method"),
            format!("`{method}` is not an HTTP method"),
            None,
        ));
    }
    if !h.path.starts_with('/') {
        return Err(Invalid::new(
            &sub("path"),
            format!("path `{}` must start with `/`", h.path),
            None,
        ));
    }
    if h.expect_status.as_ref().is_some_and(Vec::is_empty) {
        return Err(Invalid::new(
            &sub("expect-status"),
            "an empty list: no status would count as success",
            Some("leave it out for any 2xx, or list the statuses, e.g. [200, 204]"),
        ));
    }
    if let Some(bad) = h
        .expect_status
        .iter()
        .flatten()
        .find(|s| !(100..=599).contains(*s))
    {
        return Err(Invalid::new(
            &sub("expect-status"),
            format!("{bad} is not an HTTP status"),
            None,
        ));
    }
    let parse = |s: &str, k: &'static str| {
        Template::parse(s, param_names).map_err(|m| Invalid::new(&sub(k), m, None))
    };
    // Checked in this order (headers, path, body); rendered path, headers, body.
    let mut header_templates = Vec::new();
    for (k, v) in &h.headers {
        header_templates.push((k.clone(), parse(v, "headers")?));
    }
    let path_template = parse(&h.path, "path")?;
    let body_template = h.body.as_deref().map(|b| parse(b, "body")).transpose()?;
    templates.push(path_template);
    let path = templates.len() - 1;
    let mut headers = Vec::new();
    for (k, t) in header_templates {
        templates.push(t);
        headers.push((k, templates.len() - 1));
    }
    let body = body_template.map(|t| {
        templates.push(t);
        templates.len() - 1
    });
    let checks = h
        .check
        .iter()
        .enumerate()
        .map(|(i, c)| compile_check(i, c))
        .collect::<Result<Vec<_>, _>>()?;
    let captures = compile_captures(h)?;
    let mut want_headers: Vec<String> = checks
        .iter()
        .map(|c| &c.subject)
        .chain(captures.iter().map(|c| &c.1))
        .filter_map(|s| match s {
            Subject::Header(h) => Some(h.clone()),
            Subject::Json(_) => None,
        })
        .collect();
    want_headers.sort();
    want_headers.dedup();
    Ok(OpPlan {
        method,
        path,
        headers,
        body,
        expect_status: h.expect_status.clone(),
        ids: h.ids.clone(),
        checks,
        captures,
        want_headers,
    })
}

/// `capture = { NAME = "/pointer" | "header:NAME" }`, compiled.
fn compile_captures(h: &HttpOperation) -> Result<Vec<(String, Subject)>, Invalid> {
    let mut captures = Vec::new();
    for (name, from) in &h.capture {
        let at = [Seg::Key("capture"), Seg::Key(name.as_str())];
        if !crate::template::valid_var(name) {
            return Err(Invalid::new(
                &at,
                format!("`{name}` cannot be a capture name"),
                Some("letters, digits, `-` and `_`"),
            ));
        }
        let subject = match from.strip_prefix("header:") {
            Some(hd) if !hd.trim().is_empty() => Subject::Header(hd.trim().to_ascii_lowercase()),
            _ if from.is_empty() || from.starts_with('/') => Subject::Json(from.clone()),
            _ => {
                return Err(Invalid::new(
                    &at,
                    format!("`{from}` is neither a JSON pointer nor `header:NAME`"),
                    Some("e.g. token = \"/token\" or token = \"header:X-Token\""),
                ))
            }
        };
        captures.push((name.clone(), subject));
    }
    Ok(captures)
}

/// One `[[operation.http.check]]`: exactly one subject and one predicate.
fn compile_check(i: usize, c: &HttpCheck) -> Result<CheckPlan, Invalid> {
    let at = [Seg::Key("check"), Seg::Index(i)];
    let subject = match (&c.json, &c.header) {
        (Some(p), None) if p.is_empty() || p.starts_with('/') => Subject::Json(p.clone()),
        (Some(p), None) => {
            return Err(Invalid::new(
                &at,
                format!("`{p}` is not a JSON pointer"),
                Some("JSON pointers start with `/`, e.g. \"/status\""),
            ))
        }
        (None, Some(h)) if !h.trim().is_empty() => Subject::Header(h.trim().to_ascii_lowercase()),
        _ => {
            return Err(Invalid::new(
                &at,
                "a check names exactly one of `json` (a JSON pointer) or `header`",
                Some("e.g. json = \"/status\", equals = \"ok\""),
            ))
        }
    };
    let predicate = match (&c.equals, c.exists, &c.matches) {
        (Some(v), None, None) => Predicate::Equals(v.clone()),
        (None, Some(e), None) => Predicate::Exists(e),
        (None, None, Some(re)) => Predicate::Matches(regex::Regex::new(re).map_err(|e| {
            Invalid::new(
                &at,
                format!("`{re}` is not a regular expression: {e}"),
                None,
            )
        })?),
        _ => {
            return Err(Invalid::new(
                &at,
                "a check has exactly one of `equals`, `exists` or `matches`",
                None,
            ))
        }
    };
    let what = match &subject {
        Subject::Json(p) => format!("json {p}"),
        Subject::Header(h) => format!("header {h}"),
    };
    let text = match &predicate {
        Predicate::Equals(v) => format!("{what} equals {v}"),
        Predicate::Exists(true) => format!("{what} exists"),
        Predicate::Exists(false) => format!("{what} is absent"),
        Predicate::Matches(re) => format!("{what} matches /{}/", re.as_str()),
    };
    Ok(CheckPlan {
        subject,
        predicate,
        text,
    })
}

/// `[target.ingest.http]` for rows of `rows`, compiled. Paths are relative to the load
/// phase's table.
///
/// # Errors
/// A bad path, template, or a field the rows do not have.
pub fn check_load(h: &LoadHttp, rows: RowKind) -> Result<LoadPlan, Invalid> {
    let at = [Seg::Key("http")];
    let f =
        |s: &str| FieldTemplate::parse(s, &BATCH_FIELDS).map_err(|m| Invalid::new(&at, m, None));
    if !h.path.starts_with('/') {
        return Err(Invalid::new(
            &at,
            format!("path `{}` must start with `/`", h.path),
            None,
        ));
    }
    let body = f(h.body.as_str())?;
    let offered: &[usize] = match rows {
        RowKind::Vectors => &[0, 1, 2, 6],
        RowKind::Keys => &[3, 4, 6],
        RowKind::Edges => &[5, 6],
    };
    if let Some(bad) = (0..BATCH_FIELDS.len()).find(|b| body.uses(*b) && !offered.contains(b)) {
        return Err(Invalid::new(
            &at,
            format!(
                "`{{{{{}}}}}` is not part of {} rows",
                BATCH_FIELDS[bad],
                rows.fields().join("/")
            ),
            None,
        ));
    }
    Ok(LoadPlan {
        method: h
            .method
            .clone()
            .unwrap_or_else(|| "POST".into())
            .to_ascii_uppercase(),
        path: f(h.path.as_str())?,
        body,
        headers: h
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    })
}
