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
