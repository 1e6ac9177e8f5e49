//! Untrusted text, made safe for where it goes: cut on character boundaries (never inside a
//! UTF-8 sequence), and neutralised for logs (no terminal escapes, no Actions workflow
//! commands). Markdown has its own escaping (`report::escape_md`).

use std::borrow::Cow;

/// The first `n` characters of `s`.
#[must_use]
pub fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// `s` for a log line: control characters (terminal escapes, carriage returns…) become `�`,
/// and a line that would start an Actions workflow command (`::warning …`, `::add-mask::`,
/// `::stop-commands::`) is broken with a zero-width space so the runner prints it instead.
/// Newlines and tabs are kept.
#[must_use]
pub fn log_safe(s: &str) -> Cow<'_, str> {
    let risky = s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
        || s.lines().any(|l| l.trim_start().starts_with("::"));
    if !risky {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let clean: String = line
            .chars()
            .map(|c| {
                if c.is_control() && c != '\t' {
                    '\u{fffd}'
                } else {
                    c
                }
            })
            .collect();
        let lead = clean.len() - clean.trim_start().len();
        if clean[lead..].starts_with("::") {
            out.push_str(&clean[..lead]);
            out.push_str(":\u{200b}:");
            out.push_str(&clean[lead + 2..]);
        } else {
            out.push_str(&clean);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_never_split_a_character() {
        let s = "é".repeat(40);
        assert_eq!(prefix(&s, 32).chars().count(), 32);
        assert_eq!(prefix("abc", 12), "abc");
        assert_eq!(prefix("", 3), "");
        // A 12-character "sha" of multibyte characters from an event payload.
        assert_eq!(
            prefix("日本語のコミットハッシュですよね", 12)
                .chars()
                .count(),
            12
        );
    }

    #[test]
    fn workflow_commands_and_escapes_are_neutralised() {
        let evil = "op\n::warning title=injected::gotcha\n  ::add-mask::x\n\u{1b}[31mred\r";
        let safe = log_safe(evil);
        for line in safe.lines() {
            assert!(!line.trim_start().starts_with("::"), "{line:?}");
            assert!(!line.contains('\u{1b}') && !line.contains('\r'), "{line:?}");
        }
        assert!(
            safe.contains("warning title=injected"),
            "kept readable: {safe}"
        );
        assert!(matches!(
            log_safe("plain text\n\twith tab"),
            Cow::Borrowed(_)
        ));
        assert_eq!(log_safe("a :: b"), "a :: b");
    }
}
