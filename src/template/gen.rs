//! Value generators: what a `{{…}}` placeholder draws.

use std::fmt::Write as _;

use crate::dataset::{Dataset, Vectors};
use crate::util::{Rng, Zipf};

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
                "unknown generator `{other}`; use int, float, zipf, choice, seq, string, vector, vectors.query, vectors.query-id, graph.node, keys.key, vu.NAME (a captured value) or a name from [params]"
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
    pub(super) fn render(&self, ctx: &mut Draw<'_>, out: &mut String) {
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

/// What generators draw from: the operation's random stream and the datasets.
pub(super) struct Draw<'a> {
    pub(super) rng: Rng,
    pub(super) index: u64,
    pub(super) dataset: Option<&'a Dataset>,
    /// The operation's query, once drawn.
    pub(super) query: Option<u32>,
    /// The first graph node drawn for this operation.
    pub(super) node: Option<u64>,
}
