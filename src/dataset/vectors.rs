//! Seeded vectors: clusters around seeded centroids, optionally normalised, or rows read from
//! a file. Any row can be produced on its own, so generation, ingest and ground truth stream
//! over datasets larger than memory.
//!
//! Algorithm (version 1, documented in `docs/datasets.md`):
//! - centroid `c` (`0 ≤ c < clusters`): `dim` uniform reals in `[-1, 1)` from
//!   `Rng::for_index(seed, CENTROIDS, c)`;
//! - row `i` of stream `s` (base rows: `BASE`, queries: `QUERIES`): `r = Rng::for_index(seed, s, i)`,
//!   cluster `r.below(clusters)`, then `dim` normal deviates (Box–Muller on `r.unit()`) times
//!   `spread` added to the centroid; divided by its Euclidean norm when `normalize`.

use std::sync::{Arc, OnceLock};

use sha2::{Digest, Sha256};

use super::{files, parallel_chunks, DatasetError};
use crate::util::Rng;

const CENTROIDS: u64 = 0x5645_4330; // "VEC0"
const BASE: u64 = 0x5645_4331;
const QUERIES: u64 = 0x5645_4332;

/// How nearness is measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Distance {
    /// Squared Euclidean distance.
    L2,
    /// One minus the cosine of the angle.
    Cosine,
    /// Negative inner product (larger products are nearer).
    Ip,
}

impl Distance {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Distance::L2 => "l2",
            Distance::Cosine => "cosine",
            Distance::Ip => "ip",
        }
    }

    /// The distance between `a` and `b` (smaller is nearer). Cosine expects both normalised.
    #[must_use]
    pub fn between(self, a: &[f32], b: &[f32]) -> f32 {
        match self {
            Distance::L2 => l2(a, b),
            Distance::Cosine => 1.0 - dot(a, b),
            Distance::Ip => -dot(a, b),
        }
    }
}

/// Eight independent sums so the loop vectorises; the order is fixed, so results are too.
fn l2(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for l in 0..8 {
            let d = x[l] - y[l];
            acc[l] += d * d;
        }
    }
    let mut s: f32 = acc.iter().sum();
    for (x, y) in ra.iter().zip(rb) {
        s += (x - y) * (x - y);
    }
    s
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for l in 0..8 {
            acc[l] += x[l] * y[l];
        }
    }
    let mut s: f32 = acc.iter().sum();
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// Divides `v` by its Euclidean norm (a zero vector stays zero).
pub fn normalize(v: &mut [f32]) {
    let n = dot(v, v).sqrt();
    if n > 0.0 {
        for x in v {
            *x /= n;
        }
    }
}

/// The parameters of generated vectors.
#[derive(Clone, Debug, PartialEq)]
pub struct Synthetic {
    pub seed: u64,
    pub count: u64,
    pub dim: usize,
    pub clusters: u32,
    pub spread: f32,
    pub normalize: bool,
    pub queries: usize,
}

/// Where the base rows come from.
#[derive(Debug)]
enum Base {
    Generated {
        spec: Synthetic,
        centroids: Vec<f32>,
    },
    File {
        rows: Arc<Vec<f32>>,
    },
}

/// A vector dataset: base rows, queries and (once computed) their exact nearest neighbours.
#[derive(Debug)]
pub struct Vectors {
    base: Base,
    count: u64,
    dim: usize,
    pub distance: Distance,
    /// Ground-truth depth: how many nearest neighbours are computed per query.
    pub k: usize,
    queries: Vec<f32>,
    digest: OnceLock<String>,
}

impl Vectors {
    /// Generated vectors; the queries are drawn at once (they are small), base rows on demand.
    #[must_use]
    #[expect(clippy::cast_possible_truncation, reason = "vectors are f32 by design")]
    #[expect(
        clippy::needless_pass_by_value,
        reason = "a spec is built for one call; taking it by value reads best at call sites"
    )]
    pub fn generated(spec: Synthetic, distance: Distance, k: usize) -> Self {
        let mut centroids = vec![0f32; spec.clusters as usize * spec.dim];
        for (c, chunk) in centroids.chunks_exact_mut(spec.dim).enumerate() {
            let mut rng = Rng::for_index(spec.seed, CENTROIDS, c as u64);
            for x in chunk {
                *x = (rng.unit() * 2.0 - 1.0) as f32;
            }
        }
        let mut v = Self {
            count: spec.count,
            dim: spec.dim,
            distance,
            k,
            queries: vec![0f32; spec.queries * spec.dim],
            base: Base::Generated {
                spec: spec.clone(),
                centroids,
            },
            digest: OnceLock::new(),
        };
        let mut queries = std::mem::take(&mut v.queries);
        for (i, q) in queries.chunks_exact_mut(spec.dim).enumerate() {
            v.synth(QUERIES, i as u64, q);
        }
        v.queries = queries;
        v
    }

    /// Vectors read from files (`.fvecs`, `.npy`, `.csv`, `.jsonl`).
    ///
    /// # Errors
    /// [`DatasetError`] naming the file and, for text formats, the line.
    pub fn from_files(
        base: &std::path::Path,
        queries: &std::path::Path,
        json_field: &str,
        distance: Distance,
        k: usize,
    ) -> Result<Self, DatasetError> {
        let b = files::read_vectors(base, json_field)?;
        let q = files::read_vectors(queries, json_field)?;
        if b.dim != q.dim {
            return Err(DatasetError::new(
                queries,
                None,
                format!(
                    "queries have dimension {}, the base vectors {} ({})",
                    q.dim,
                    b.dim,
                    base.display()
                ),
            ));
        }
        let (mut rows, mut qs) = (b.data, q.data);
        if distance == Distance::Cosine {
            rows.chunks_exact_mut(b.dim).for_each(normalize);
            qs.chunks_exact_mut(b.dim).for_each(normalize);
        }
        Ok(Self {
            count: (rows.len() / b.dim) as u64,
            dim: b.dim,
            distance,
            k,
            queries: qs,
            base: Base::File {
                rows: Arc::new(rows),
            },
            digest: OnceLock::new(),
        })
    }

    #[expect(
        clippy::cast_possible_truncation,
        reason = "row indices fit usize on the 64-bit targets benchbot runs on; vectors are f32 by design"
    )]
    fn synth(&self, stream: u64, i: u64, out: &mut [f32]) {
        let Base::Generated { spec, centroids } = &self.base else {
            unreachable!("synth is only called on generated vectors")
        };
        let mut rng = Rng::for_index(spec.seed, stream, i);
        let c = rng.below(u64::from(spec.clusters)) as usize;
        let centre = &centroids[c * spec.dim..(c + 1) * spec.dim];
        let mut spare = None;
        for (x, m) in out.iter_mut().zip(centre) {
            let z = spare.take().unwrap_or_else(|| {
                // Box–Muller: two uniform draws give two independent standard normals.
                let u1 = 1.0 - rng.unit(); // (0, 1]: the logarithm stays finite
                let u2 = rng.unit();
                // libm (a pure-Rust port of musl's) rather than the platform's: the same bits
                // on every operating system.
                let r = libm::sqrt(-2.0 * libm::log(u1));
                let t = std::f64::consts::TAU * u2;
                spare = Some(r * libm::sin(t));
                r * libm::cos(t)
            });
            *x = m + spec.spread * z as f32;
        }
        if spec.normalize || self.distance == Distance::Cosine {
            normalize(out);
        }
    }

    /// Number of base rows.
    #[must_use]
    pub fn count(&self) -> u64 {
        self.count
    }

    #[must_use]
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of queries.
    #[must_use]
    pub fn query_count(&self) -> usize {
        self.queries.len() / self.dim
    }

    /// Query `q`.
    #[must_use]
    pub fn query(&self, q: usize) -> &[f32] {
        &self.queries[q * self.dim..(q + 1) * self.dim]
    }

    /// Writes base row `i` into `out` (`out.len() == dim`).
    #[expect(
        clippy::cast_possible_truncation,
        reason = "row indices fit usize on the 64-bit targets benchbot runs on"
    )]
    pub fn row(&self, i: u64, out: &mut [f32]) {
        match &self.base {
            Base::Generated { .. } => self.synth(BASE, i, out),
            Base::File { rows } => {
                let i = i as usize;
                out.copy_from_slice(&rows[i * self.dim..(i + 1) * self.dim]);
            }
        }
    }

    /// Bytes the dataset holds in memory (queries, centroids or file rows).
    #[must_use]
    pub fn resident_bytes(&self) -> u64 {
        let held = match &self.base {
            Base::Generated { centroids, .. } => centroids.len(),
            Base::File { rows } => rows.len(),
        };
        ((held + self.queries.len()) * 4) as u64
    }

    /// SHA-256 over the dimension, the distance, every base row and every query (little-endian
    /// `f32`). Computed in parallel over fixed chunks of 65,536 rows, then hashed in order, so
    /// it does not depend on the number of threads.
    pub fn digest(&self) -> &str {
        self.digest.get_or_init(|| {
            const CHUNK: u64 = 65_536;
            let chunks = self.count.div_ceil(CHUNK);
            let hashes = parallel_chunks(chunks, |c| {
                let mut h = Sha256::new();
                let mut row = vec![0f32; self.dim];
                for i in c * CHUNK..((c + 1) * CHUNK).min(self.count) {
                    self.row(i, &mut row);
                    for x in &row {
                        h.update(x.to_le_bytes());
                    }
                }
                h.finalize()
            });
            let mut h = Sha256::new();
            h.update(b"benchbot.vectors.v1\0");
            h.update((self.dim as u64).to_le_bytes());
            h.update(self.count.to_le_bytes());
            h.update(self.distance.as_str().as_bytes());
            for c in hashes {
                h.update(c);
            }
            for x in &self.queries {
                h.update(x.to_le_bytes());
            }
            crate::util::hex(&h.finalize())
        })
    }

    /// Query `q` as a JSON array with enough digits to round-trip every `f32`.
    pub fn write_json(v: &[f32], out: &mut String) {
        use std::fmt::Write as _;
        out.reserve(v.len() * 12 + 2);
        out.push('[');
        for (i, x) in v.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{x}");
        }
        out.push(']');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(seed: u64) -> Synthetic {
        Synthetic {
            seed,
            count: 1000,
            dim: 16,
            clusters: 4,
            spread: 0.05,
            normalize: false,
            queries: 10,
        }
    }

    #[test]
    fn rows_are_clustered_and_reproducible() {
        let v = Vectors::generated(spec(7), Distance::L2, 10);
        let mut a = vec![0f32; 16];
        let mut b = vec![0f32; 16];
        v.row(5, &mut a);
        v.row(5, &mut b);
        assert_eq!(a, b);
        // With a spread of 0.05 every row lies close to one of the four centroids.
        let Base::Generated { centroids, .. } = &v.base else {
            panic!()
        };
        for i in 0..200 {
            v.row(i, &mut a);
            let nearest = centroids
                .chunks_exact(16)
                .map(|c| l2(c, &a))
                .fold(f32::INFINITY, f32::min);
            // E[squared distance] = dim × spread² = 0.04; 0.2 is five times that.
            assert!(nearest < 0.2, "row {i}: {nearest}");
        }
        assert_eq!(
            v.digest(),
            Vectors::generated(spec(7), Distance::L2, 10).digest()
        );
        assert_ne!(
            v.digest(),
            Vectors::generated(spec(8), Distance::L2, 10).digest()
        );
    }

    #[test]
    fn normalised_rows_have_unit_length() {
        let mut s = spec(3);
        s.normalize = true;
        let v = Vectors::generated(s, Distance::Ip, 10);
        let mut a = vec![0f32; 16];
        v.row(99, &mut a);
        assert!((dot(&a, &a) - 1.0).abs() < 1e-5);
        assert!((dot(v.query(3), v.query(3)) - 1.0).abs() < 1e-5);
    }

    #[test]
    fn distances_match_their_definitions() {
        let a = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0];
        let b = [0.5f32; 9];
        let naive: f32 = a.iter().zip(&b).map(|(x, y)| (x - y) * (x - y)).sum();
        assert!((Distance::L2.between(&a, &b) - naive).abs() < 1e-4);
        let naive_dot: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((Distance::Ip.between(&a, &b) + naive_dot).abs() < 1e-4);
    }
}
