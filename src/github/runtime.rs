//! Actions runtime files and workflow commands: outputs, step summary, annotations, masks.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// Escapes the message of a workflow command (as the Actions toolkit does).
#[must_use]
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
#[must_use]
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::warning title=…::message` or `::error …`.
#[must_use]
pub fn annotation(level: &str, title: &str, message: &str) -> String {
    format!(
        "::{level} title={}::{}\n",
        escape_property(title),
        escape_data(message)
    )
}

/// `::add-mask::value`: the runner replaces the value with `***` in logs.
#[must_use]
pub fn add_mask(secret: &str) -> String {
    format!("::add-mask::{}\n", escape_data(secret))
}

/// Appends `name=value` outputs to the `GITHUB_OUTPUT` file; multi-line values use a heredoc
/// with a delimiter that does not occur in the value.
///
/// # Errors
/// I/O errors.
pub fn write_outputs(path: &Path, outputs: &[(&str, String)]) -> std::io::Result<()> {
    let mut text = String::new();
    for (name, value) in outputs {
        if value.contains('\n') || value.contains('\r') {
            let mut n = 0u32;
            let delim = loop {
                let d = format!("ghadelimiter_benchbot_{n}");
                if !value.contains(&d) {
                    break d;
                }
                n += 1;
            };
            let _ = write!(text, "{name}<<{delim}\n{value}\n{delim}\n");
        } else {
            let _ = writeln!(text, "{name}={value}");
        }
    }
    append(path, &text)
}

/// Appends Markdown to the step summary.
///
/// # Errors
/// I/O errors.
pub fn append_summary(path: &Path, markdown: &str) -> std::io::Result<()> {
    append(path, markdown)
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_escaped() {
        assert_eq!(
            annotation("error", "p99: a,b", "line1\nline2 100%"),
            "::error title=p99%3A a%2Cb::line1%0Aline2 100%25\n"
        );
        assert_eq!(add_mask("se\ncret"), "::add-mask::se%0Acret\n");
    }

    #[test]
    fn multiline_outputs_use_a_heredoc() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out");
        write_outputs(
            &p,
            &[
                ("verdict", "ok".into()),
                ("body", "a\nghadelimiter_benchbot_0\nb".into()),
            ],
        )
        .unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text, "verdict=ok\nbody<<ghadelimiter_benchbot_1\na\nghadelimiter_benchbot_0\nb\nghadelimiter_benchbot_1\n");
    }
}
