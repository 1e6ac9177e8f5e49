//! Finding where in the TOML source a key or value lives, for error messages.

use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// One step of a path into the document.
#[derive(Clone, Copy, Debug)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// One step of a path owned by an error made away from the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// A check that failed, at a path relative to the table it checked (see [`Invalid::under`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    pub at: Vec<Step>,
    pub message: String,
    pub hint: Option<String>,
}

impl Invalid {
    /// A failure at `at`, with an optional hint.
    #[must_use]
    pub fn new(at: &[Seg<'_>], message: impl Into<String>, hint: Option<&str>) -> Self {
        Self {
            at: at.iter().map(Step::from).collect(),
            message: message.into(),
            hint: hint.map(str::to_owned),
        }
    }

    /// The same failure seen from an enclosing table at `prefix`.
    #[must_use]
    pub fn under(mut self, prefix: &[Seg<'_>]) -> Self {
        let mut at: Vec<Step> = prefix.iter().map(Step::from).collect();
        at.append(&mut self.at);
        self.at = at;
        self
    }

    /// The path as segments for [`Doc::span`].
    #[must_use]
    pub fn segs(&self) -> Vec<Seg<'_>> {
        self.at
            .iter()
            .map(|s| match s {
                Step::Key(k) => Seg::Key(k),
                Step::Index(i) => Seg::Index(*i),
            })
            .collect()
    }
}

impl From<&Seg<'_>> for Step {
    fn from(s: &Seg<'_>) -> Self {
        match s {
            Seg::Key(k) => Step::Key((*k).to_owned()),
            Seg::Index(i) => Step::Index(*i),
        }
    }
}

/// 1-based line and column of a byte offset.
#[must_use]
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The parsed document with spans, if the source parses at all.
pub struct Doc<'i> {
    root: Option<Spanned<DeTable<'i>>>,
}

impl<'i> Doc<'i> {
    #[must_use]
    pub fn parse(src: &'i str) -> Self {
        Self {
            root: DeTable::parse(src).ok(),
        }
    }

    /// Span of the value at `path`, or of the nearest existing ancestor.
    #[must_use]
    pub fn span(&self, path: &[Seg<'_>]) -> Option<Range<usize>> {
        let root = self.root.as_ref()?;
        let mut best = root.span();
        let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
        let mut value: Option<&Spanned<DeValue<'_>>> = None;
        for seg in path {
            let next = match (seg, table, value.map(Spanned::get_ref)) {
                (Seg::Key(k), Some(t), _) => {
                    t.iter()
                        .find(|(key, _)| key.get_ref() == k)
                        .map(|(key, v)| {
                            // Point at the key itself, which is where a reader looks first.
                            best = key.span();
                            v
                        })
                }
                (Seg::Index(i), _, Some(DeValue::Array(a))) => a.get(*i),
                _ => None,
            };
            let Some(v) = next else { break };
            if matches!(seg, Seg::Index(_)) {
                best = v.span();
            }
            value = Some(v);
            table = match v.get_ref() {
                DeValue::Table(t) => Some(t),
                _ => None,
            };
        }
        Some(best)
    }

    /// Dotted path (`target[1].http.base-url`) of the key, or the scalar value, at `offset`.
    #[must_use]
    pub fn path_at(&self, offset: usize) -> Option<String> {
        let root = self.root.as_ref()?;
        let mut path = Vec::new();
        find_in_table(root.get_ref(), offset, &mut path).then(|| {
            path.iter().fold(String::new(), |mut s, p: &String| {
                if !s.is_empty() && !p.starts_with('[') {
                    s.push('.');
                }
                s.push_str(p);
                s
            })
        })
    }
}

fn contains(span: &Range<usize>, offset: usize) -> bool {
    span.start <= offset && offset < span.end.max(span.start + 1)
}

// Container spans do not always cover their bodies (a `[table]` header's value spans the
// header only), so search depth-first over keys and leaf values.
fn find_in_table(t: &DeTable<'_>, offset: usize, path: &mut Vec<String>) -> bool {
    for (k, v) in t {
        path.push(k.get_ref().to_string());
        if contains(&k.span(), offset) || find_in_value(v, offset, path) {
            return true;
        }
        path.pop();
    }
    false
}

fn find_in_value(v: &Spanned<DeValue<'_>>, offset: usize, path: &mut Vec<String>) -> bool {
    match v.get_ref() {
        DeValue::Table(t) => find_in_table(t, offset, path),
        DeValue::Array(a) => {
            for (i, item) in a.iter().enumerate() {
                path.push(format!("[{i}]"));
                if find_in_value(item, offset, path) {
                    return true;
                }
                path.pop();
            }
            contains(&v.span(), offset)
        }
        _ => contains(&v.span(), offset),
    }
}

/// Closest candidate by edit distance, for "did you mean" hints.
#[must_use]
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "[scenario]\nname = \"x\"\n\n[[target]]\nname = \"a\"\n\n[[target]]\nname = \"b\"\n[target.http]\nbase-url = \"u\"\n";

    #[test]
    fn spans_point_at_keys_inside_arrays_of_tables() {
        let doc = Doc::parse(SRC);
        let span = doc
            .span(&[
                Seg::Key("target"),
                Seg::Index(1),
                Seg::Key("http"),
                Seg::Key("base-url"),
            ])
            .unwrap();
        assert_eq!(line_col(SRC, span.start), (10, 1));
        let span = doc
            .span(&[Seg::Key("target"), Seg::Index(1), Seg::Key("name")])
            .unwrap();
        assert_eq!(line_col(SRC, span.start), (8, 1));
    }

    #[test]
    fn path_at_names_the_dotted_key() {
        let doc = Doc::parse(SRC);
        let offset = SRC.find("base-url").unwrap();
        assert_eq!(doc.path_at(offset).unwrap(), "target[1].http.base-url");
    }

    #[test]
    fn closest_suggests_near_misses_only() {
        assert_eq!(
            closest("duraton", ["mode", "duration", "rate"]),
            Some("duration")
        );
        assert_eq!(closest("zzzz", ["mode", "duration"]), None);
    }
}
