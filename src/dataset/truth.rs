//! Exact nearest neighbours by brute force: every query against every base row, in parallel
//! over row ranges, each range keeping a bounded max-heap per query; the heaps are merged at
//! the end. Ties are broken by the smaller row id, so the result is the same on any number of
//! threads. Results are cached on disk under the dataset digest.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::path::{Path, PathBuf};

use super::vectors::Vectors;
use super::{parallel_chunks, DatasetError};

/// The `k` nearest base rows of every query, nearest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Truth {
    pub k: usize,
    /// `queries × k` row ids.
    pub ids: Vec<u64>,
}

impl Truth {
    /// The nearest rows of query `q`, nearest first.
    #[must_use]
    pub fn of(&self, q: usize) -> &[u64] {
        &self.ids[q * self.k..(q + 1) * self.k]
    }
}

#[derive(Clone, Copy, PartialEq)]
struct Hit {
    dist: f32,
    id: u64,
}

impl Eq for Hit {}

impl Ord for Hit {
    fn cmp(&self, o: &Self) -> Ordering {
        self.dist.total_cmp(&o.dist).then(self.id.cmp(&o.id))
    }
}

impl PartialOrd for Hit {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// At most this many rows per unit of parallel work.
const CHUNK: u64 = 16_384;
/// Rows held together while every query passes over them: 64 rows of 768 `f32` are 192 KiB,
/// so they stay in cache while the queries stream by once per block instead of once per row.
const BLOCK: usize = 64;

/// Offers every row of `range` to every query's bounded heap (the `k` nearest so far).
fn scan(v: &Vectors, range: std::ops::Range<u64>, k: usize, heaps: &mut [BinaryHeap<Hit>]) {
    let dim = v.dim();
    let mut block = vec![0f32; BLOCK * dim];
    let mut start = range.start;
    while start < range.end {
        let n = usize::try_from(range.end - start).map_or(BLOCK, |r| r.min(BLOCK));
        for (j, row) in block.chunks_exact_mut(dim).take(n).enumerate() {
            v.row(start + j as u64, row);
        }
        for (q, heap) in heaps.iter_mut().enumerate() {
            let query = v.query(q);
            for (j, row) in block.chunks_exact(dim).take(n).enumerate() {
                let hit = Hit {
                    dist: v.distance.between(query, row),
                    id: start + j as u64,
                };
                if heap.len() < k {
                    heap.push(hit);
                } else if heap.peek().is_some_and(|worst| hit < *worst) {
                    heap.pop();
                    heap.push(hit);
                }
            }
        }
        start += n as u64;
    }
}

fn heaps(queries: usize, k: usize) -> Vec<BinaryHeap<Hit>> {
    (0..queries)
        .map(|_| BinaryHeap::with_capacity(k + 1))
        .collect()
}

/// The time brute force will take on every core of this machine, from a sample of `rows`
/// rows through the same code.
#[must_use]
pub fn estimate(v: &Vectors, rows: u64) -> std::time::Duration {
    let rows = rows.min(v.count()).max(1);
    let k = v.k.min(usize::try_from(v.count()).unwrap_or(usize::MAX));
    let mut h = heaps(v.query_count(), k);
    let t = std::time::Instant::now();
    scan(v, 0..rows, k, &mut h);
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    t.elapsed()
        .mul_f64(v.count() as f64 / rows as f64 / cores as f64)
}

/// Computes the exact top-`k` of every query.
#[must_use]
pub fn brute_force(v: &Vectors) -> Truth {
    let k = v.k.min(usize::try_from(v.count()).unwrap_or(usize::MAX));
    let nq = v.query_count();
    // Small datasets still use every core: four chunks per core, at least one block each.
    // (The result does not depend on the chunking: heaps are merged, ties broken by id.)
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get) as u64;
    let chunk = v.count().div_ceil(4 * cores).clamp(BLOCK as u64, CHUNK);
    let chunks = v.count().div_ceil(chunk);
    let partial = parallel_chunks(chunks, |c| {
        let mut h = heaps(nq, k);
        scan(v, c * chunk..((c + 1) * chunk).min(v.count()), k, &mut h);
        h
    });
    let mut ids = Vec::with_capacity(nq * k);
    let mut merged: Vec<Vec<Hit>> = vec![Vec::new(); nq];
    for heaps in partial {
        for (q, h) in heaps.into_iter().enumerate() {
            merged[q].extend(h.into_vec());
        }
    }
    for mut hits in merged {
        hits.sort_unstable();
        ids.extend(hits.iter().take(k).map(|h| h.id));
    }
    Truth { k, ids }
}

/// The cache file of a dataset's ground truth.
#[must_use]
pub fn cache_path(dir: &Path, v: &Vectors) -> PathBuf {
    dir.join(format!("truth-{}-k{}.bin", &v.digest()[..32], v.k))
}

const MAGIC: &[u8; 8] = b"BBTRUTH1";

/// Ground truth from the cache in `dir` when present and intact, otherwise computed and
/// written there (atomically). Returns whether it came from the cache.
///
/// # Errors
/// When the cache directory cannot be written.
pub fn cached(dir: &Path, v: &Vectors) -> Result<(Truth, bool), DatasetError> {
    let path = cache_path(dir, v);
    if let Ok(bytes) = std::fs::read(&path) {
        if let Some(t) = decode(&bytes, v.query_count()) {
            return Ok((t, true));
        }
    }
    let t = brute_force(v);
    std::fs::create_dir_all(dir)
        .map_err(|e| DatasetError::new(dir, None, format!("cannot create cache: {e}")))?;
    let mut out = Vec::with_capacity(24 + t.ids.len() * 8);
    out.extend_from_slice(MAGIC);
    out.extend((v.query_count() as u64).to_le_bytes());
    out.extend((t.k as u64).to_le_bytes());
    for id in &t.ids {
        out.extend(id.to_le_bytes());
    }
    crate::util::write_atomic(&path, &out)
        .map_err(|e| DatasetError::new(&path, None, format!("cannot write cache: {e}")))?;
    Ok((t, false))
}

fn decode(bytes: &[u8], queries: usize) -> Option<Truth> {
    let word = |i: usize| -> Option<u64> {
        let b = bytes.get(i..i + 8)?;
        Some(u64::from_le_bytes(b.try_into().ok()?))
    };
    if bytes.get(..8)? != MAGIC || word(8)? != queries as u64 {
        return None;
    }
    let k = usize::try_from(word(16)?).ok()?;
    if bytes.len() != 24 + queries * k * 8 {
        return None;
    }
    let ids = (0..queries * k)
        .map(|i| word(24 + i * 8))
        .collect::<Option<Vec<_>>>()?;
    Some(Truth { k, ids })
}

#[cfg(test)]
mod tests {
    use super::super::vectors::{Distance, Synthetic};
    use super::*;

    fn naive(v: &Vectors, k: usize) -> Vec<Vec<u64>> {
        let mut row = vec![0f32; v.dim()];
        (0..v.query_count())
            .map(|q| {
                let mut all: Vec<(f64, u64)> = (0..v.count())
                    .map(|id| {
                        v.row(id, &mut row);
                        let d: f64 = match v.distance {
                            Distance::L2 => v
                                .query(q)
                                .iter()
                                .zip(&row)
                                .map(|(a, b)| f64::from(a - b).powi(2))
                                .sum(),
                            Distance::Ip | Distance::Cosine => -v
                                .query(q)
                                .iter()
                                .zip(&row)
                                .map(|(a, b)| f64::from(*a) * f64::from(*b))
                                .sum::<f64>(),
                        };
                        (d, id)
                    })
                    .collect();
                all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                all.iter().take(k).map(|h| h.1).collect()
            })
            .collect()
    }

    #[test]
    fn brute_force_matches_a_naive_sort_in_double_precision() {
        for (distance, normalize) in [
            (Distance::L2, false),
            (Distance::Ip, true),
            (Distance::Cosine, false),
        ] {
            // 40,000 rows: more than two chunks, so the merge across threads is exercised.
            let v = Vectors::generated(
                Synthetic {
                    seed: 11,
                    count: 40_000,
                    dim: 12,
                    clusters: 8,
                    spread: 0.2,
                    normalize,
                    queries: 20,
                },
                distance,
                10,
            );
            let t = brute_force(&v);
            let want = naive(&v, 10);
            let mut same = 0;
            for (q, w) in want.iter().enumerate() {
                // f32 and f64 sums may order two nearly equal distances differently:
                // allow a swap at the boundary, never a different set beyond it.
                let got: std::collections::BTreeSet<_> = t.of(q).iter().collect();
                same += w.iter().filter(|id| got.contains(id)).count();
            }
            assert!(same >= 20 * 10 - 2, "{distance:?}: {same} of 200");
            assert_eq!(t.of(0)[..5], want[0][..5], "{distance:?}");
        }
    }

    #[test]
    fn the_cache_is_reused_and_a_damaged_one_recomputed() {
        let dir = tempfile::tempdir().unwrap();
        let v = Vectors::generated(
            Synthetic {
                seed: 2,
                count: 500,
                dim: 8,
                clusters: 2,
                spread: 0.3,
                normalize: false,
                queries: 5,
            },
            Distance::L2,
            7,
        );
        let (a, hit) = cached(dir.path(), &v).unwrap();
        assert!(!hit);
        let (b, hit) = cached(dir.path(), &v).unwrap();
        assert!(hit);
        assert_eq!(a, b);
        let p = cache_path(dir.path(), &v);
        std::fs::write(&p, b"BBTRUTH1 garbage").unwrap();
        let (c, hit) = cached(dir.path(), &v).unwrap();
        assert!(!hit);
        assert_eq!(a, c);
    }
}
