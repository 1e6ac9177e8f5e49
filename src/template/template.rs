//! Request templates with `{{…}}` placeholders filled from the seeded generator.
//!
//! Placeholders (documented in `docs/scenarios.md`):
//! - `{{int LO HI}}` uniform integer in `LO..=HI`
//! - `{{float LO HI}}` uniform real in `[LO, HI)`, six decimals
//! - `{{zipf N THETA}}` zipfian integer in `1..=N` (YCSB's generator, `0 < THETA < 1`)
//! - `{{choice A B C}}` one of the words
//! - `{{seq}}` / `{{seq START}}` the operation's index in the sequence, plus START
//! - `{{string LEN}}` `LEN` random alphanumerics
//! - `{{vector DIM}}` a JSON array of `DIM` reals in `[-1, 1)`, six decimals
//! - `{{vectors.query}}` the operation's query vector from `[dataset.vectors]` (JSON array),
//!   and `{{vectors.query-id}}` its index; one query per operation however often it appears
//! - `{{graph.node}}` a node of `[dataset.graph]`, drawn uniformly
//! - `{{keys.key}}` a key index of `[dataset.keys]`, drawn by its access distribution
//! - `{{NAME}}` the value of `[params] NAME = "…"`, drawn once per operation
//! - `{{vu.NAME}}` the value the virtual user captured from an earlier response (HTTP
//!   `capture`): rendered as a marker ([`VU_MARK`] NAME [`VU_MARK`]) that the HTTP driver
//!   replaces when it sends the request

use super::gen::{Draw, Gen};
use crate::dataset::Dataset;
use crate::util::Rng;

/// Brackets a virtual user's variable in a rendered value: a control character, which no
/// request may contain literally (the HTTP driver refuses them), so the marker is unambiguous.
pub const VU_MARK: char = '\u{1}';

#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Lit(String),
    Inline(Gen),
    Param(usize),
    /// `{{vu.NAME}}`.
    Vu(String),
}

/// A parsed template string.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    pieces: Vec<Piece>,
}

impl Template {
    /// Parses `text`; `{{NAME}}` resolves against `param_names`.
    ///
    /// # Errors
    /// A message naming the faulty placeholder.
    pub fn parse(text: &str, param_names: &[String]) -> Result<Self, String> {
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                pieces.push(Piece::Lit(rest[..open].to_owned()));
            }
            let after = &rest[open + 2..];
            let close = after
                .find("}}")
                .ok_or_else(|| format!("unclosed `{{{{` in `{text}`"))?;
            let spec = after[..close].trim();
            if let Some(i) = param_names.iter().position(|p| p == spec) {
                pieces.push(Piece::Param(i));
            } else if let Some(name) = spec.strip_prefix("vu.") {
                if !valid_var(name) {
                    return Err(format!(
                        "`{{{{{spec}}}}}`: a virtual user's variable is named with letters, digits, `-` and `_`"
                    ));
                }
                pieces.push(Piece::Vu(name.to_owned()));
            } else {
                pieces.push(Piece::Inline(Gen::parse(spec)?));
            }
            rest = &after[close + 2..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Lit(rest.to_owned()));
        }
        Ok(Self { pieces })
    }

    /// The text when the template has no placeholder.
    #[must_use]
    pub fn as_static(&self) -> Option<&str> {
        match self.pieces.as_slice() {
            [] => Some(""),
            [Piece::Lit(s)] => Some(s),
            _ => None,
        }
    }

    /// Whether rendering draws from the generator.
    #[must_use]
    pub fn is_static(&self) -> bool {
        self.as_static().is_some()
    }

    /// The named params this template uses, by index.
    pub fn param_refs(&self) -> impl Iterator<Item = usize> + '_ {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Param(i) => Some(*i),
            _ => None,
        })
    }

    /// The virtual-user variables (`{{vu.NAME}}`) this template uses.
    pub fn vu_vars(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Vu(n) => Some(n.as_str()),
            _ => None,
        })
    }

    /// The inline generators of this template (named params are checked where declared).
    pub fn generators(&self) -> impl Iterator<Item = &Gen> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Inline(g) => Some(g),
            _ => None,
        })
    }

    /// Renders into `out`, drawing values from `ctx`.
    pub fn render(&self, ctx: &mut RenderCtx<'_>, out: &mut String) {
        for piece in &self.pieces {
            match piece {
                Piece::Lit(s) => out.push_str(s),
                Piece::Inline(g) => g.render(&mut ctx.draw, out),
                Piece::Vu(n) => {
                    out.push(VU_MARK);
                    out.push_str(n);
                    out.push(VU_MARK);
                }
                Piece::Param(i) => {
                    if ctx.cache[*i].is_none() {
                        let mut v = String::new();
                        ctx.params[*i].render(&mut ctx.draw, &mut v);
                        ctx.cache[*i] = Some(v);
                    }
                    if let Some(v) = &ctx.cache[*i] {
                        out.push_str(v);
                    }
                }
            }
        }
    }
}

/// A capture or virtual-user variable name: letters, digits, `-` and `_`.
#[must_use]
pub fn valid_var(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Replaces every `{{vu.NAME}}` marker in `value` with the virtual user's value; `Err(NAME)`
/// for the first one it has not captured.
///
/// # Errors
/// The name of a variable `lookup` does not know.
pub fn expand_vu<'a>(
    value: &'a str,
    lookup: impl Fn(&str) -> Option<&'a str>,
) -> Result<std::borrow::Cow<'a, str>, String> {
    if !value.contains(VU_MARK) {
        return Ok(std::borrow::Cow::Borrowed(value));
    }
    let mut out = String::with_capacity(value.len());
    let mut parts = value.split(VU_MARK);
    out.push_str(parts.next().unwrap_or_default());
    while let Some(name) = parts.next() {
        out.push_str(lookup(name).ok_or_else(|| name.to_owned())?);
        out.push_str(parts.next().unwrap_or_default());
    }
    Ok(std::borrow::Cow::Owned(out))
}

/// Per-operation rendering state: the generator and the values of named params drawn so far.
pub struct RenderCtx<'a> {
    draw: Draw<'a>,
    params: &'a [Gen],
    cache: Vec<Option<String>>,
}

impl<'a> RenderCtx<'a> {
    #[must_use]
    pub fn new(rng: Rng, index: u64, params: &'a [Gen], dataset: Option<&'a Dataset>) -> Self {
        Self {
            draw: Draw {
                rng,
                index,
                dataset,
                query: None,
                node: None,
            },
            params,
            cache: vec![None; params.len()],
        }
    }

    /// The first node drawn for this operation, if a template used `{{graph.node}}`.
    #[must_use]
    pub fn node(&self) -> Option<u64> {
        self.draw.node
    }

    /// The query drawn for this operation, if a template used `{{vectors.query}}` or
    /// `{{vectors.query-id}}`.
    #[must_use]
    pub fn query(&self) -> Option<u32> {
        self.draw.query
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::Rng;

    fn render(t: &Template, params: &[Gen], seed: u64, index: u64) -> String {
        let mut ctx = RenderCtx::new(Rng::for_index(seed, 0, index), index, params, None);
        let mut s = String::new();
        t.render(&mut ctx, &mut s);
        s
    }

    #[test]
    fn placeholders_render_deterministically() {
        let t = Template::parse("/kv/{{int 1 100}}?q={{choice a b}}&i={{seq 10}}", &[]).unwrap();
        let a = render(&t, &[], 42, 3);
        assert_eq!(a, render(&t, &[], 42, 3));
        assert!(a.starts_with("/kv/"));
        assert!(a.ends_with("&i=13"), "{a}");
        assert_ne!(a, render(&t, &[], 43, 3));
    }

    #[test]
    fn named_params_are_drawn_once_per_operation() {
        let names = vec!["key".to_owned()];
        let gens = vec![Gen::parse("int 1 1000000").unwrap()];
        let t = Template::parse("{{key}}={{key}}", &names).unwrap();
        let s = render(&t, &gens, 1, 0);
        let (l, r) = s.split_once('=').unwrap();
        assert_eq!(l, r);
    }

    #[test]
    fn vectors_have_the_requested_dimension() {
        let t = Template::parse("{{vector 8}}", &[]).unwrap();
        let v: Vec<f64> = serde_json::from_str(&render(&t, &[], 5, 0)).unwrap();
        assert_eq!(v.len(), 8);
        assert!(v.iter().all(|x| (-1.0..1.0).contains(x)));
    }

    #[test]
    fn virtual_user_variables_render_as_markers_and_expand() {
        let t = Template::parse("Bearer {{vu.token}} for {{vu.user-id}}", &[]).unwrap();
        assert_eq!(t.vu_vars().collect::<Vec<_>>(), ["token", "user-id"]);
        let s = render(&t, &[], 1, 0);
        let vars = [("token", "abc"), ("user-id", "7")];
        let find = |n: &str| vars.iter().find(|v| v.0 == n).map(|v| v.1);
        assert_eq!(expand_vu(&s, find).unwrap(), "Bearer abc for 7");
        assert_eq!(expand_vu(&s, |_| None).unwrap_err(), "token");
        assert!(matches!(
            expand_vu("/plain", |_| None).unwrap(),
            std::borrow::Cow::Borrowed("/plain")
        ));
        assert!(Template::parse("{{vu.no way}}", &[]).is_err());
    }

    #[test]
    fn bad_placeholders_say_what_is_wrong() {
        assert!(Template::parse("{{int 5 1}}", &[])
            .unwrap_err()
            .contains("LO must not exceed HI"));
        assert!(Template::parse("{{nope}}", &[])
            .unwrap_err()
            .contains("unknown generator `nope`"));
        assert!(Template::parse("{{int 1 2", &[])
            .unwrap_err()
            .contains("unclosed"));
        assert!(Template::parse("/static", &[]).unwrap().is_static());
    }
}
