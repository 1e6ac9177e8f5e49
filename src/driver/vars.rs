//! Placeholders filled into target and service settings when a target starts: `{{port}}`,
//! `{{benchbot}}`, `{{scenario-dir}}`, `{{tree}}` and the values HTTP setup requests captured.

/// The run-time values of a target's placeholders.
#[derive(Clone, Debug, Default)]
pub struct Vars {
    /// A free loopback port for the managed service.
    pub port: String,
    /// This benchbot executable.
    pub exe: String,
    /// The scenario file's directory.
    pub dir: String,
    /// The source tree of the variant under test (A/B runs build base and head in trees of
    /// their own); the repository's top level otherwise.
    pub tree: String,
    /// Values captured from HTTP setup responses.
    pub captures: Vec<(String, String)>,
}

impl Vars {
    /// `s` with every known placeholder replaced.
    #[must_use]
    pub fn fill(&self, s: &str) -> String {
        fill_captures(
            &s.replace("{{port}}", &self.port)
                .replace("{{benchbot}}", &self.exe)
                .replace("{{scenario-dir}}", &self.dir)
                .replace("{{tree}}", &self.tree),
            &self.captures,
        )
    }
}

/// `s` with `{{name}}` replaced by each captured value.
#[must_use]
pub fn fill_captures(s: &str, captures: &[(String, String)]) -> String {
    captures.iter().fold(s.to_owned(), |s, (k, v)| {
        s.replace(&format!("{{{{{k}}}}}"), v)
    })
}

/// The run-time placeholders of target and service settings.
pub const RUN_TIME: [&str; 4] = ["port", "benchbot", "scenario-dir", "tree"];

/// Every `{{…}}` in `texts` is a run-time placeholder.
///
/// # Errors
/// A message naming the first unknown placeholder.
pub fn check_placeholders<'a>(texts: impl Iterator<Item = &'a String>) -> Result<(), String> {
    check_placeholders_with(texts, &[])
}

/// Every `{{…}}` in `texts` is a run-time placeholder or one of `captured`.
///
/// # Errors
/// A message naming the first unknown placeholder.
pub fn check_placeholders_with<'a>(
    texts: impl Iterator<Item = &'a String>,
    captured: &[&str],
) -> Result<(), String> {
    for t in texts {
        let mut rest = t.as_str();
        while let Some(open) = rest.find("{{") {
            let after = &rest[open + 2..];
            let Some(close) = after.find("}}") else {
                return Err(format!("unclosed `{{{{` in `{t}`"));
            };
            let name = after[..close].trim();
            if !RUN_TIME.contains(&name) && !captured.contains(&name) {
                return Err(format!(
                    "`{{{{{name}}}}}` in `{t}` is not known here: use {}{}",
                    RUN_TIME.map(|n| format!("{{{{{n}}}}}")).join(", "),
                    if captured.is_empty() {
                        String::new()
                    } else {
                        format!(" or a setup capture ({})", captured.join(", "))
                    }
                ));
            }
            rest = &after[close + 2..];
        }
    }
    Ok(())
}
