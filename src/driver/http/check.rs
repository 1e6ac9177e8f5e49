//! Checks of the HTTP driver's tables, and their compiled plans.

use super::config::{HttpOperation, HttpTarget, LoadHttp};
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
    if url.starts_with("https://") {
        return Err(Invalid::new(
            &at,
            "https is not supported by the http driver yet",
            Some("benchmark the plain-HTTP listener, or put the TLS terminator in a `command` target"),
        ));
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return Err(Invalid::new(
            &at,
            format!("`{url}` is not an http:// URL"),
            Some("write e.g. \"http://127.0.0.1:8080\""),
        ));
    };
    if rest.is_empty() || rest.starts_with('/') {
        return Err(Invalid::new(&at, format!("`{url}` has no host"), None));
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
    Ok(OpPlan {
        method,
        path,
        headers,
        body,
        expect_status: h.expect_status.clone(),
        ids: h.ids.clone(),
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
