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

use std::fmt::Write as _;

use super::rng::Rng;
use crate::dataset::{Dataset, Vectors};

/// One value generator.
#[derive(Clone, Debug, PartialEq)]
pub enum Gen {
    Int {
        lo: i64,
        hi: i64,
    },
    Float {
        lo: f64,
        hi: f64,
    },
    Zipf(Zipf),
    Choice(Vec<String>),
    Seq {
        start: i64,
    },
    Str {
        len: usize,
    },
    Vector {
        dim: usize,
    },
    /// The operation's query vector.
    Query,
    /// The index of the operation's query vector.
    QueryId,
    /// A node of the graph.
    Node,
    /// A key of the key space.
    Key,
}

/// Which dataset a generator needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    Vectors,
    Graph,
    Keys,
}

impl Gen {
    /// The dataset this generator draws from, if any.
    #[must_use]
    pub fn needs(&self) -> Option<Needs> {
        match self {
            Gen::Query | Gen::QueryId => Some(Needs::Vectors),
            Gen::Node => Some(Needs::Graph),
            Gen::Key => Some(Needs::Keys),
            _ => None,
        }
    }
}

/// YCSB's zipfian generator (Gray et al., "Quickly generating billion-record synthetic databases").
#[derive(Clone, Debug, PartialEq)]
pub struct Zipf {
    n: u64,
    theta: f64,
    zetan: f64,
    alpha: f64,
    eta: f64,
}

impl Zipf {
    /// # Errors
    /// When `n` is 0 or above 10^7, or `theta` is not in `(0, 1)`.
    #[expect(clippy::cast_precision_loss, reason = "n is at most 10^7")]
    pub fn new(n: u64, theta: f64) -> Result<Self, String> {
        if n == 0 || n > 10_000_000 {
            return Err(format!("zipf N must be in 1..=10000000, got {n}"));
        }
        if !(theta > 0.0 && theta < 1.0) {
            return Err(format!(
                "zipf THETA must be between 0 and 1 (exclusive), got {theta}"
            ));
        }
        let zeta = |k: u64| {
            (1..=k)
                .map(|i| 1.0 / libm::pow(i as f64, theta))
                .sum::<f64>()
        };
        let zetan = zeta(n);
        let zeta2 = zeta(2.min(n));
        let nf = n as f64;
        let eta = if n < 2 {
            0.0
        } else {
            (1.0 - libm::pow(2.0 / nf, 1.0 - theta)) / (1.0 - zeta2 / zetan)
        };
        Ok(Self {
            n,
            theta,
            zetan,
            alpha: 1.0 / (1.0 - theta),
            eta,
        })
    }

    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "bounded by n"
    )]
    /// A value in `1..=n`.
    pub fn sample(&self, rng: &mut Rng) -> u64 {
        let u = rng.unit();
        let uz = u * self.zetan;
        if uz < 1.0 || self.n == 1 {
            return 1;
        }
        if uz < 1.0 + libm::pow(0.5, self.theta) {
            return 2;
        }
        let v = 1 + (self.n as f64 * libm::pow(self.eta * u - self.eta + 1.0, self.alpha)) as u64;
        v.min(self.n)
    }
}

impl Gen {
    /// Parses the inside of a placeholder, e.g. `int 1 100`.
    ///
    /// # Errors
    /// A message naming the generator and what is wrong with its arguments.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut words = spec.split_whitespace();
        let kind = words.next().ok_or("empty placeholder `{{}}`")?;
        let args: Vec<&str> = words.collect();
        let want = |n: usize| -> Result<(), String> {
            if args.len() == n {
                Ok(())
            } else {
                Err(format!(
                    "`{kind}` takes {n} argument(s), got {}: `{spec}`",
                    args.len()
                ))
            }
        };
        let int = |s: &str| {
            s.parse::<i64>()
                .map_err(|_| format!("`{s}` is not an integer in `{spec}`"))
        };
        let float = |s: &str| {
            s.parse::<f64>()
                .map_err(|_| format!("`{s}` is not a number in `{spec}`"))
        };
        let size = |s: &str| {
            s.parse::<usize>()
                .map_err(|_| format!("`{s}` is not a size in `{spec}`"))
        };
        match kind {
            "int" => {
                want(2)?;
                let (lo, hi) = (int(args[0])?, int(args[1])?);
                if lo > hi {
                    return Err(format!("`{spec}`: LO must not exceed HI"));
                }
                Ok(Gen::Int { lo, hi })
            }
            "float" => {
                want(2)?;
                let (lo, hi) = (float(args[0])?, float(args[1])?);
                if lo >= hi || !lo.is_finite() || !hi.is_finite() {
                    return Err(format!("`{spec}`: need finite LO < HI"));
                }
                Ok(Gen::Float { lo, hi })
            }
            "zipf" => {
                want(2)?;
                let n = args[0].parse::<u64>().map_err(|_| format!("`{}` is not a count in `{spec}`", args[0]))?;
                Ok(Gen::Zipf(Zipf::new(n, float(args[1])?)?))
            }
            "choice" => {
                if args.is_empty() {
                    return Err(format!("`{spec}`: `choice` needs at least one word"));
                }
                Ok(Gen::Choice(args.iter().map(|s| (*s).to_owned()).collect()))
            }
            "seq" => match args.len() {
                0 => Ok(Gen::Seq { start: 0 }),
                1 => Ok(Gen::Seq { start: int(args[0])? }),
                _ => Err(format!("`seq` takes at most one argument: `{spec}`")),
            },
            "string" => {
                want(1)?;
                let len = size(args[0])?;
                if len == 0 || len > 1 << 20 {
                    return Err(format!("`{spec}`: LEN must be in 1..=1048576"));
                }
                Ok(Gen::Str { len })
            }
            "vectors.query" => want(0).map(|()| Gen::Query),
            "vectors.query-id" => want(0).map(|()| Gen::QueryId),
            "graph.node" => want(0).map(|()| Gen::Node),
            "keys.key" => want(0).map(|()| Gen::Key),
            "vector" => {
                want(1)?;
                let dim = size(args[0])?;
                if dim == 0 || dim > 65_536 {
                    return Err(format!("`{spec}`: DIM must be in 1..=65536"));
                }
                Ok(Gen::Vector { dim })
            }
            other => Err(format!(
                "unknown generator `{other}`; use int, float, zipf, choice, seq, string, vector, vectors.query, vectors.query-id, graph.node, keys.key or a name from [params]"
            )),
        }
    }

    /// Appends one value to `out`.
    #[expect(
        clippy::cast_possible_wrap,
        clippy::cast_sign_loss,
        clippy::cast_possible_truncation,
        reason = "ranges are checked"
    )]
    fn render(&self, ctx: &mut Draw<'_>, out: &mut String) {
        let (rng, index) = (&mut ctx.rng, ctx.index);
        match self {
            Gen::Int { lo, hi } => {
                let span = hi.wrapping_sub(*lo) as u64;
                let v = if span == u64::MAX {
                    rng.next_u64()
                } else {
                    rng.below(span + 1)
                };
                let _ = write!(out, "{}", lo.wrapping_add(v as i64));
            }
            Gen::Float { lo, hi } => {
                let _ = write!(out, "{:.6}", lo + (hi - lo) * rng.unit());
            }
            Gen::Zipf(z) => {
                let _ = write!(out, "{}", z.sample(rng));
            }
            Gen::Choice(words) => out.push_str(&words[rng.below(words.len() as u64) as usize]),
            Gen::Seq { start } => {
                let _ = write!(out, "{}", start.wrapping_add(index as i64));
            }
            Gen::Str { len } => {
                const ALNUM: &[u8] =
                    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
                out.reserve(*len);
                for _ in 0..*len {
                    out.push(char::from(ALNUM[rng.below(ALNUM.len() as u64) as usize]));
                }
            }
            Gen::Vector { dim } => {
                out.reserve(dim * 10 + 2);
                out.push('[');
                for i in 0..*dim {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "{:.6}", rng.unit() * 2.0 - 1.0);
                }
                out.push(']');
            }
            Gen::Query | Gen::QueryId => {
                let Some(v) = ctx.dataset.and_then(|d| d.vectors.as_ref()) else {
                    return;
                };
                let q = *ctx
                    .query
                    .get_or_insert_with(|| rng.below(v.query_count() as u64) as u32);
                if matches!(self, Gen::Query) {
                    Vectors::write_json(v.query(q as usize), out);
                } else {
                    let _ = write!(out, "{q}");
                }
            }
            Gen::Node => {
                if let Some(g) = ctx.dataset.and_then(|d| d.graph.as_ref()) {
                    let n = g.node(rng);
                    ctx.node.get_or_insert(n);
                    let _ = write!(out, "{n}");
                }
            }
            Gen::Key => {
                if let Some(k) = ctx.dataset.and_then(|d| d.keys.as_ref()) {
                    let _ = write!(out, "{}", k.draw(rng));
                }
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Lit(String),
    Inline(Gen),
    Param(usize),
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

/// What generators draw from: the operation's random stream and the datasets.
struct Draw<'a> {
    rng: Rng,
    index: u64,
    dataset: Option<&'a Dataset>,
    /// The operation's query, once drawn.
    query: Option<u32>,
    /// The first graph node drawn for this operation.
    node: Option<u64>,
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

/// A template over a fixed set of named fields (ingest rows and batches), e.g. `item:{{id}}`.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldTemplate {
    pieces: Vec<FieldPiece>,
}

#[derive(Clone, Debug, PartialEq)]
enum FieldPiece {
    Lit(String),
    Field(usize),
}

impl FieldTemplate {
    /// Parses `text`; every `{{name}}` must be one of `fields`.
    ///
    /// # Errors
    /// A message naming the unknown field and the allowed ones.
    pub fn parse(text: &str, fields: &[&str]) -> Result<Self, String> {
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                pieces.push(FieldPiece::Lit(rest[..open].to_owned()));
            }
            let after = &rest[open + 2..];
            let close = after
                .find("}}")
                .ok_or_else(|| format!("unclosed `{{{{` in `{text}`"))?;
            let name = after[..close].trim();
            let i = fields.iter().position(|f| *f == name).ok_or_else(|| {
                format!(
                    "`{{{{{name}}}}}` is not available here; use {}",
                    fields
                        .iter()
                        .map(|f| format!("{{{{{f}}}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            pieces.push(FieldPiece::Field(i));
            rest = &after[close + 2..];
        }
        if !rest.is_empty() {
            pieces.push(FieldPiece::Lit(rest.to_owned()));
        }
        Ok(Self { pieces })
    }

    /// Whether field `i` appears.
    #[must_use]
    pub fn uses(&self, i: usize) -> bool {
        self.pieces.contains(&FieldPiece::Field(i))
    }

    /// Renders into `out`, writing field `i` with `field(i, out)`.
    pub fn render(&self, out: &mut String, mut field: impl FnMut(usize, &mut String)) {
        for p in &self.pieces {
            match p {
                FieldPiece::Lit(s) => out.push_str(s),
                FieldPiece::Field(i) => field(*i, out),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn zipf_favours_small_keys() {
        let z = Zipf::new(1000, 0.99).unwrap();
        let mut rng = Rng::new(9);
        let samples: Vec<u64> = (0..20_000).map(|_| z.sample(&mut rng)).collect();
        assert!(samples.iter().all(|v| (1..=1000).contains(v)));
        let ones = samples.iter().filter(|v| **v == 1).count();
        // P(1) = 1/zeta(1000, 0.99) ≈ 0.129 (computed in Python: sum(1/i**0.99 for i in 1..=1000)).
        assert!((2_200..3_200).contains(&ones), "{ones}");
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
