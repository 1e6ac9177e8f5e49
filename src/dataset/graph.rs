//! Seeded graphs and key spaces.
//!
//! Graph (algorithm version 1): `nodes` nodes, each with `degree` out-edges, so edge `e` starts
//! at node `e / degree`. Its other end is drawn from `Rng::for_index(seed, EDGES, e)`:
//! uniformly (`distribution = "uniform"`), or zipfian over ranks then scrambled over ids
//! (`"power-law"`: a few hubs receive most edges, as in social and web graphs). Self-loops are
//! redrawn. Duplicate edges are possible and kept; at 8 edges per node over 10,000 nodes they
//! are about 0.1% for uniform targets.
//!
//! Key space: `count` keys; an access draws a key index uniformly or zipfian (scrambled the
//! same way, so the hot keys are spread over the space as in YCSB).

use crate::util::Rng;
use crate::util::Zipf;

const EDGES: u64 = 0x4752_4150; // "GRAP"
const ACCESS: u64 = 0x4b45_5953; // "KEYS"
const VALUES: u64 = 0x5641_4c53; // "VALS"

/// A prime above every supported size: `rank × P mod n` is a bijection on `0..n`.
const SCRAMBLE: u64 = 1_000_000_007;

/// Maps rank `r` in `0..n` to a key or node id in `0..n` (a bijection for `n < SCRAMBLE`).
#[expect(
    clippy::cast_possible_truncation,
    reason = "the value is below the bound it was drawn under"
)]
fn scramble(r: u64, n: u64) -> u64 {
    ((u128::from(r) * u128::from(SCRAMBLE)) % u128::from(n)) as u64
}

/// How a drawn node or key is chosen.
#[derive(Clone, Debug, PartialEq)]
pub enum Access {
    Uniform,
    Zipf(Zipf),
}

impl Access {
    fn draw(&self, rng: &mut Rng, n: u64) -> u64 {
        match self {
            Access::Uniform => rng.below(n),
            Access::Zipf(z) => scramble(z.sample(rng) - 1, n),
        }
    }
}

/// A seeded graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Graph {
    pub seed: u64,
    pub nodes: u64,
    pub degree: u32,
    pub targets: Access,
}

impl Graph {
    /// Number of edges.
    #[must_use]
    pub fn edges(&self) -> u64 {
        self.nodes * u64::from(self.degree)
    }

    /// Edge `e` as `(from, to)`.
    #[must_use]
    pub fn edge(&self, e: u64) -> (u64, u64) {
        let from = e / u64::from(self.degree);
        let mut rng = Rng::for_index(self.seed, EDGES, e);
        loop {
            let to = self.targets.draw(&mut rng, self.nodes);
            if to != from || self.nodes == 1 {
                return (from, to);
            }
        }
    }

    /// The ends of `node`'s out-edges, in edge order (repeated edges repeated).
    #[must_use]
    pub fn out_neighbours(&self, node: u64) -> Vec<u64> {
        let d = u64::from(self.degree);
        (node * d..(node + 1) * d).map(|e| self.edge(e).1).collect()
    }

    /// How many distinct nodes are reachable from `node` in one or two hops (`node` itself
    /// when a cycle leads back to it), as `MATCH (n)-[*1..2]->(m) RETURN count(DISTINCT m)`.
    #[must_use]
    pub fn two_hop_count(&self, node: u64) -> u64 {
        let first = self.out_neighbours(node);
        let mut all: Vec<u64> = first.clone();
        for a in &first {
            all.extend(self.out_neighbours(*a));
        }
        all.sort_unstable();
        all.dedup();
        all.len() as u64
    }

    /// A node drawn uniformly, e.g. the start of a traversal.
    #[must_use]
    pub fn node(&self, rng: &mut Rng) -> u64 {
        rng.below(self.nodes)
    }
}

/// A seeded key space.
#[derive(Clone, Debug, PartialEq)]
pub struct Keys {
    pub seed: u64,
    pub count: u64,
    pub access: Access,
    pub value_size: usize,
}

impl Keys {
    /// The key index of one access.
    #[must_use]
    pub fn draw(&self, rng: &mut Rng) -> u64 {
        self.access.draw(rng, self.count)
    }

    /// The value stored under key `i` (alphanumeric, `value_size` bytes), appended to `out`.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "node and row indices fit usize on the 64-bit targets benchbot runs on"
    )]
    pub fn value(&self, i: u64, out: &mut String) {
        const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        let mut rng = Rng::for_index(self.seed, VALUES, i);
        out.reserve(self.value_size);
        for _ in 0..self.value_size {
            out.push(char::from(ALNUM[rng.below(ALNUM.len() as u64) as usize]));
        }
    }

    /// The access pattern's stream for operation `index` (independent of the operation mix).
    #[must_use]
    pub fn rng(&self, index: u64) -> Rng {
        Rng::for_index(self.seed, ACCESS, index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scramble_is_a_bijection() {
        for n in [1u64, 2, 7, 1000, 4096] {
            let mut seen: Vec<u64> = (0..n).map(|r| scramble(r, n)).collect();
            seen.sort_unstable();
            assert_eq!(seen, (0..n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn traversal_answers_match_a_search_over_the_edge_list() {
        let g = Graph {
            seed: 3,
            nodes: 300,
            degree: 3,
            targets: Access::Zipf(Zipf::new(300, 0.7).unwrap()),
        };
        let edges: Vec<(u64, u64)> = (0..g.edges()).map(|e| g.edge(e)).collect();
        for start in [0u64, 1, 17, 299] {
            let mut hop1: Vec<u64> = edges
                .iter()
                .filter(|(a, _)| *a == start)
                .map(|e| e.1)
                .collect();
            let mut got = g.out_neighbours(start);
            got.sort_unstable();
            hop1.sort_unstable();
            assert_eq!(got, hop1);
            let mut reach: std::collections::BTreeSet<u64> = hop1.iter().copied().collect();
            for (a, b) in &edges {
                if hop1.contains(a) {
                    reach.insert(*b);
                }
            }
            assert_eq!(g.two_hop_count(start), reach.len() as u64, "from {start}");
        }
    }

    #[test]
    #[expect(
        clippy::cast_possible_truncation,
        reason = "node and row indices fit usize on the 64-bit targets benchbot runs on"
    )]
    fn power_law_graphs_have_hubs_and_uniform_ones_do_not() {
        let indegree = |targets: Access| {
            let g = Graph {
                seed: 5,
                nodes: 2000,
                degree: 8,
                targets,
            };
            let mut d = vec![0u32; 2000];
            for e in 0..g.edges() {
                let (from, to) = g.edge(e);
                assert_eq!(from, e / 8);
                assert_ne!(from, to);
                d[to as usize] += 1;
            }
            d.into_iter().max().unwrap()
        };
        let uniform = indegree(Access::Uniform);
        let power = indegree(Access::Zipf(Zipf::new(2000, 0.9).unwrap()));
        // Mean in-degree is 8: a uniform graph's maximum stays near it, a power-law hub does not.
        assert!(uniform < 30, "{uniform}");
        assert!(power > 500, "{power}");
    }
}
