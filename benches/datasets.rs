//! Dataset generation and exact ground truth, measured (`cargo bench --bench datasets`).
//!
//! Prints, for clustered vectors of two shapes: generation on one core (vectors/s), the
//! content digest on every core, and brute-force top-10 of 1,000 queries on every core; then
//! the same ground truth computed by `NumPy` (BLAS matrix products and `argpartition`) as the
//! reference, with how far the two agree. `NumPy` comes from the services virtual environment
//! (`scripts/services`), or `BENCHBOT_PYTHON`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use benchbot::dataset::truth::brute_force;
use benchbot::dataset::{Distance, Synthetic, Vectors};

fn spec(count: u64, dim: usize) -> Synthetic {
    Synthetic {
        seed: 1,
        count,
        dim,
        clusters: 64,
        spread: 0.1,
        normalize: false,
        queries: 1000,
    }
}

fn write_fvecs(path: &Path, rows: impl Iterator<Item = Vec<f32>>) {
    let mut out = Vec::new();
    for r in rows {
        out.extend(i32::try_from(r.len()).unwrap().to_le_bytes());
        for x in r {
            out.extend(x.to_le_bytes());
        }
    }
    std::fs::write(path, out).unwrap();
}

fn python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("BENCHBOT_PYTHON") {
        return Some(PathBuf::from(p));
    }
    let venv = std::env::var_os("BENCHBOT_SERVICES_VENV").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/services/venv"),
        PathBuf::from,
    );
    let p = venv.join("bin/python");
    p.exists().then_some(p)
}

fn main() {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    println!("cores: {cores}");
    for (count, dim) in [(100_000u64, 128usize), (20_000, 768)] {
        let v = Vectors::generated(spec(count, dim), Distance::L2, 10);
        let mut row = vec![0f32; dim];
        let t = Instant::now();
        for i in 0..count {
            v.row(i, &mut row);
        }
        let gen = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let digest = v.digest().to_owned();
        let dig = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let truth = brute_force(&v);
        let gt = t.elapsed().as_secs_f64();
        println!(
            "{count} × {dim}: generate {:.0} vectors/s (1 core); digest {:.0} vectors/s ({cores} cores, {}…)",
            count as f64 / gen,
            count as f64 / dig,
            &digest[..12]
        );
        println!(
            "  ground truth, 1,000 queries, top 10: benchbot {gt:.2} s ({:.0} vectors/s, {:.2e} distances/s)",
            count as f64 / gt,
            count as f64 * 1000.0 / gt
        );
        let Some(py) = python() else {
            println!("  reference: no NumPy (run scripts/services or set BENCHBOT_PYTHON)");
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let (base, queries) = (dir.path().join("base.fvecs"), dir.path().join("q.fvecs"));
        write_fvecs(
            &base,
            (0..count).map(|i| {
                let mut r = vec![0f32; dim];
                v.row(i, &mut r);
                r
            }),
        );
        write_fvecs(&queries, (0..1000).map(|q| v.query(q).to_vec()));
        let ids = dir.path().join("ids.bin");
        let out = std::process::Command::new(&py)
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/benches/truth_reference.py"
            ))
            .args([&base, &queries, &ids])
            .arg("10")
            .output()
            .unwrap();
        if !out.status.success() {
            println!(
                "  reference failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            continue;
        }
        let secs: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
        let theirs: Vec<u64> = std::fs::read(&ids)
            .unwrap()
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
            .collect();
        let same = (0..1000)
            .map(|q| {
                let mine = truth.of(q);
                theirs[q * 10..(q + 1) * 10]
                    .iter()
                    .filter(|id| mine.contains(id))
                    .count()
            })
            .sum::<usize>();
        println!(
            "  ground truth, NumPy reference: {secs:.2} s ({:.0} vectors/s); benchbot ÷ NumPy time {:.2}; same ids {:.2}%",
            count as f64 / secs,
            gt / secs,
            same as f64 / 100.0
        );
    }
}
