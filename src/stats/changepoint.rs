//! Change-point detection: E-divisive means with a t-test significance step, as in Apache
//! Otava (formerly DataStax Hunter).
//!
//! 1. In every segment (initially the whole series), find the split maximizing the
//!    E-divisive statistic Q̂ (Matteson & James 2014, α = 1), at least `min_segment`
//!    points from either end.
//! 2. Test the split with Student's t-test (pooled variance) between the two sides — Welch's
//!    test lets a short segment with a tiny variance by chance look significant, and the split
//!    was chosen to maximize the difference, so the test must not be anti-conservative; a split is a candidate when
//!    p ≤ `max_p`. Accept the candidate with the largest Q̂ over all segments, split there,
//!    and repeat until no segment has a candidate.
//! 3. Merge step: recompute each change point's p-value against its neighbouring segments and
//!    remove the weakest while any p exceeds `max_p`.
//!
//! No random permutations: the same series always gives the same answer.

use super::{mean, student_p, Summary};

/// A detected step: the series changes level at `index` (the first point of the new level).
#[derive(Clone, Debug, PartialEq)]
pub struct ChangePoint {
    pub index: usize,
    /// Student's t-test p-value between the segments on either side.
    pub p: f64,
    /// Mean of the segment before and after.
    pub before: f64,
    pub after: f64,
}

impl ChangePoint {
    /// Relative size of the step, `(after − before) / before`.
    #[must_use]
    pub fn change(&self) -> f64 {
        if self.before == 0.0 {
            0.0
        } else {
            (self.after - self.before) / self.before.abs()
        }
    }
}

/// Best split of `y` by Q̂, among positions `min..=len−min`: (position, Q̂).
#[expect(
    clippy::cast_precision_loss,
    reason = "series lengths are far below 2^53"
)]
fn best_split(y: &[f64], min: usize) -> Option<(usize, f64)> {
    let n = y.len();
    if n < 2 * min || min == 0 {
        return None;
    }
    // Incremental sums as element k moves from the right part to the left part.
    let mut within_right: f64 = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            within_right += (y[i] - y[j]).abs();
        }
    }
    let (mut within_left, mut between) = (0.0f64, 0.0f64);
    let mut best: Option<(usize, f64)> = None;
    for k in 0..n - min {
        // Move y[k] to the left part.
        let to_left: f64 = y[..k].iter().map(|v| (y[k] - v).abs()).sum();
        let to_right: f64 = y[k + 1..].iter().map(|v| (y[k] - v).abs()).sum();
        within_left += to_left;
        within_right -= to_right;
        between = between - to_left + to_right;
        let split = k + 1;
        if split < min {
            continue;
        }
        let (l, r) = (split as f64, (n - split) as f64);
        let pairs = |m: f64| if m < 2.0 { 1.0 } else { m * (m - 1.0) / 2.0 };
        let e = 2.0 * between / (l * r) - within_left / pairs(l) - within_right / pairs(r);
        let q = l * r / (l + r) * e;
        if best.is_none_or(|(_, bq)| q > bq) {
            best = Some((split, q));
        }
    }
    best
}

fn p_between(a: &[f64], b: &[f64]) -> f64 {
    student_p(Summary::of(a), Summary::of(b)).unwrap_or(1.0)
}

/// Change points of `x`; see the module documentation.
#[must_use]
pub fn e_divisive(x: &[f64], min_segment: usize, max_p: f64) -> Vec<ChangePoint> {
    let min = min_segment.max(2);
    let mut cps: Vec<usize> = Vec::new();
    loop {
        let mut bounds = vec![0];
        bounds.extend(&cps);
        bounds.push(x.len());
        let mut candidate: Option<(usize, f64)> = None;
        for w in bounds.windows(2) {
            let (s, e) = (w[0], w[1]);
            if let Some((split, q)) = best_split(&x[s..e], min) {
                let at = s + split;
                if p_between(&x[s..at], &x[at..e]) <= max_p
                    && candidate.is_none_or(|(_, bq)| q > bq)
                {
                    candidate = Some((at, q));
                }
            }
        }
        match candidate {
            Some((at, _)) => {
                cps.push(at);
                cps.sort_unstable();
            }
            None => break,
        }
    }
    // Merge step: drop the weakest change point while any is not significant.
    loop {
        let ps: Vec<f64> = (0..cps.len())
            .map(|i| {
                let s = if i == 0 { 0 } else { cps[i - 1] };
                let e = cps.get(i + 1).copied().unwrap_or(x.len());
                p_between(&x[s..cps[i]], &x[cps[i]..e])
            })
            .collect();
        match ps.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)) {
            Some((i, p)) if *p > max_p => {
                cps.remove(i);
            }
            _ => {
                return cps
                    .iter()
                    .enumerate()
                    .map(|(i, &at)| {
                        let s = if i == 0 { 0 } else { cps[i - 1] };
                        let e = cps.get(i + 1).copied().unwrap_or(x.len());
                        ChangePoint {
                            index: at,
                            p: ps[i],
                            before: mean(&x[s..at]),
                            after: mean(&x[at..e]),
                        }
                    })
                    .collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::Rng;

    /// Standard normal by Box–Muller from the portable generator.
    fn normal(rng: &mut Rng) -> f64 {
        let (u1, u2) = (rng.unit().max(1e-300), rng.unit());
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    fn series(seed: u64, n: usize, steps: &[(usize, f64)]) -> Vec<f64> {
        let mut rng = Rng::new(seed);
        (0..n)
            .map(|i| {
                100.0
                    + steps
                        .iter()
                        .filter(|(at, _)| i >= *at)
                        .map(|(_, d)| d)
                        .sum::<f64>()
                    + normal(&mut rng)
            })
            .collect()
    }

    #[test]
    fn finds_a_clear_step_exactly() {
        let x = series(1, 60, &[(30, 5.0)]);
        let cps = e_divisive(&x, 3, 0.001);
        assert_eq!(cps.len(), 1, "{cps:?}");
        assert_eq!(cps[0].index, 30);
        assert!((cps[0].change() - 0.05).abs() < 0.01);
    }

    #[test]
    fn a_flat_noisy_series_has_no_change_point() {
        for seed in 0..20 {
            let x = series(seed, 100, &[]);
            assert!(e_divisive(&x, 3, 0.001).is_empty(), "seed {seed}");
        }
    }

    /// Precision, recall and detection delay over 50 synthetic series, each with three steps
    /// of ±3σ..±6σ at seeded positions. Printed for docs/performance.md.
    #[test]
    #[expect(clippy::cast_precision_loss, reason = "small counts")]
    #[expect(clippy::cast_possible_truncation, reason = "test data: small indices")]
    fn precision_recall_and_delay_on_synthetic_steps() {
        let (mut tp, mut fp, mut fn_, mut delay) = (0usize, 0usize, 0usize, 0usize);
        for seed in 0..50u64 {
            let mut rng = Rng::new(1000 + seed);
            let positions = [
                40 + rng.below(20) as usize,
                100 + rng.below(20) as usize,
                160 + rng.below(20) as usize,
            ];
            let steps: Vec<(usize, f64)> = positions
                .iter()
                .map(|p| {
                    (
                        *p,
                        (3.0 + 3.0 * rng.unit()) * if rng.below(2) == 0 { 1.0 } else { -1.0 },
                    )
                })
                .collect();
            let x = series(seed, 220, &steps);
            let found = e_divisive(&x, 3, 0.001);
            for (at, _) in &steps {
                match found.iter().find(|c| c.index.abs_diff(*at) <= 3) {
                    Some(c) => {
                        tp += 1;
                        delay += c.index.abs_diff(*at);
                    }
                    None => fn_ += 1,
                }
            }
            fp += found
                .iter()
                .filter(|c| !steps.iter().any(|(at, _)| c.index.abs_diff(*at) <= 3))
                .count();
        }
        let precision = tp as f64 / (tp + fp) as f64;
        let recall = tp as f64 / (tp + fn_) as f64;
        let mean_delay = delay as f64 / tp as f64;
        eprintln!("change points: precision {precision:.3} recall {recall:.3} mean |delay| {mean_delay:.2} points (tp {tp} fp {fp} fn {fn_})");
        assert!(precision >= 0.95, "precision {precision}");
        assert!(recall >= 0.95, "recall {recall}");
        assert!(mean_delay <= 1.0, "delay {mean_delay}");
    }

    #[test]
    fn respects_the_minimum_segment() {
        // A single outlier is not a step.
        let mut x = series(3, 40, &[]);
        x[20] += 50.0;
        assert!(e_divisive(&x, 3, 0.001).is_empty());
    }
}
