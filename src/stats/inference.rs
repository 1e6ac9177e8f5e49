//! Tests for the comparisons benchbot gates on: a one-sample t-test of paired differences
//! (interleaved A/B blocks), a prediction-interval test of one new run against past runs, and
//! Holm–Bonferroni adjustment across a scenario's rows. Checked against SciPy and statsmodels.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use super::describe::{mean, stdev};

/// A mean difference with its test and confidence interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Number of values behind it (blocks, or past runs).
    pub n: usize,
    /// The estimated difference.
    pub diff: f64,
    /// Its standard error.
    pub se: f64,
    pub t: f64,
    pub df: f64,
    /// Two-sided p-value of "no difference".
    pub p: f64,
    /// `(1 − alpha)` confidence interval of the difference.
    pub ci: (f64, f64),
}

impl Estimate {
    /// Half the width of the interval.
    #[must_use]
    pub fn half_width(&self) -> f64 {
        (self.ci.1 - self.ci.0) / 2.0
    }

    /// The same estimate with its interval at another level (e.g. after a Holm adjustment).
    #[must_use]
    pub fn at_level(&self, alpha: f64) -> Self {
        let mut e = *self;
        if self.se > 0.0 && self.se.is_finite() {
            if let Some(q) = t_quantile(1.0 - alpha / 2.0, self.df) {
                e.ci = (self.diff - q * self.se, self.diff + q * self.se);
            }
        }
        e
    }
}

/// The `p` quantile of Student's t with `df` degrees of freedom.
#[must_use]
pub fn t_quantile(p: f64, df: f64) -> Option<f64> {
    StudentsT::new(0.0, 1.0, df).ok().map(|d| d.inverse_cdf(p))
}

fn two_sided(t: f64, df: f64) -> Option<f64> {
    let d = StudentsT::new(0.0, 1.0, df).ok()?;
    Some((2.0 * (1.0 - d.cdf(t.abs()))).clamp(0.0, 1.0))
}

/// An estimate from a difference, its standard error and degrees of freedom.
fn estimate(n: usize, diff: f64, se: f64, df: f64, alpha: f64) -> Option<Estimate> {
    if se <= 0.0 || !se.is_finite() {
        // No spread: the difference is exact.
        return Some(Estimate {
            n,
            diff,
            se: 0.0,
            t: if diff == 0.0 {
                0.0
            } else {
                diff.signum() * f64::INFINITY
            },
            df,
            p: if diff == 0.0 { 1.0 } else { 0.0 },
            ci: (diff, diff),
        });
    }
    let t = diff / se;
    let q = t_quantile(1.0 - alpha / 2.0, df)?;
    Some(Estimate {
        n,
        diff,
        se,
        t,
        df,
        p: two_sided(t, df)?,
        ci: (diff - q * se, diff + q * se),
    })
}

/// One-sample t-test of `d` against zero: paired differences (e.g. the log ratio head ÷ base
/// of each interleaved block). `None` with fewer than two values.
#[must_use]
#[expect(clippy::cast_precision_loss, reason = "sample counts are small")]
pub fn paired(d: &[f64], alpha: f64) -> Option<Estimate> {
    let n = d.len();
    if n < 2 {
        return None;
    }
    let se = stdev(d) / (n as f64).sqrt();
    estimate(n, mean(d), se, (n - 1) as f64, alpha)
}

/// How far one new value lies from past values, against the spread of the past values: the
/// prediction-interval t-test, `t = (new − mean) / (s · √(1 + 1/k))` with `k − 1` degrees of
/// freedom. The interval is that of the difference `new − mean` for one new run. `None` with
/// fewer than two past values.
#[must_use]
#[expect(clippy::cast_precision_loss, reason = "sample counts are small")]
pub fn prediction(past: &[f64], new: f64, alpha: f64) -> Option<Estimate> {
    let k = past.len();
    if k < 2 {
        return None;
    }
    let se = stdev(past) * (1.0 + 1.0 / k as f64).sqrt();
    estimate(k, new - mean(past), se, (k - 1) as f64, alpha)
}

/// Holm–Bonferroni adjusted p-values, in the order given: a family of rows where each is
/// declared significant when its adjusted p-value is at most alpha keeps the chance of any
/// false alarm at or below alpha.
#[must_use]
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|a, b| p[*a].total_cmp(&p[*b]));
    let mut adjusted = vec![0.0; m];
    let mut running: f64 = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        #[expect(clippy::cast_precision_loss, reason = "row counts are small")]
        let factor = (m - rank) as f64;
        running = running.max((p[i] * factor).min(1.0));
        adjusted[i] = running;
    }
    adjusted
}

/// The smallest true difference a two-sided test at `alpha` detects with probability `power`,
/// given a standard deviation of single differences `sd` and `n` of them.
#[must_use]
#[expect(clippy::cast_precision_loss, reason = "sample counts are small")]
pub fn minimum_detectable(sd: f64, n: usize, alpha: f64, power: f64) -> Option<f64> {
    if n < 2 {
        return None;
    }
    let df = (n - 1) as f64;
    Some((t_quantile(1.0 - alpha / 2.0, df)? + t_quantile(power, df)?) * sd / (n as f64).sqrt())
}

/// The Wilson score interval of a proportion: `k` events in `n` trials, at level `1 − alpha`.
/// Unlike the normal approximation it stays inside [0, 1] and is honest at `k = 0`.
#[must_use]
#[expect(clippy::cast_precision_loss, reason = "trial counts are small")]
pub fn wilson(k: u64, n: u64, alpha: f64) -> Option<(f64, f64)> {
    if n == 0 || k > n {
        return None;
    }
    let z = Normal::new(0.0, 1.0).ok()?.inverse_cdf(1.0 - alpha / 2.0);
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

#[cfg(test)]
mod tests {
    use approx::assert_relative_eq;

    use super::*;

    // Reference values from SciPy 1.17.1:
    //   d = np.log(np.array(HEAD) / np.array(BASE))
    //   r = stats.ttest_1samp(d, 0.0); r.confidence_interval(0.95)
    //   (stats.ttest_rel(np.log(HEAD), np.log(BASE)) gives the same t and p)
    const BASE: [f64; 6] = [10.21, 10.05, 10.33, 10.12, 10.40, 10.18];
    const HEAD: [f64; 6] = [11.02, 10.98, 11.30, 10.95, 11.41, 11.07];

    #[test]
    fn paired_log_ratios_match_scipy() {
        let d: Vec<f64> = HEAD.iter().zip(BASE).map(|(h, b)| (h / b).ln()).collect();
        let e = paired(&d, 0.05).unwrap();
        assert_relative_eq!(e.diff, 0.084_986_883_573_209_71, max_relative = 1e-12);
        assert_relative_eq!(e.t, 32.250_042_676_635_19, max_relative = 1e-9);
        assert_relative_eq!(e.p, 5.385_039_163_527_102e-7, max_relative = 1e-5);
        assert_relative_eq!(e.df, 5.0);
        assert_relative_eq!(e.ci.0, 0.078_212_761_089_988_72, max_relative = 1e-7);
        assert_relative_eq!(e.ci.1, 0.091_761_006_056_430_71, max_relative = 1e-7);
    }

    #[test]
    fn a_new_run_against_past_runs_matches_scipy() {
        // b = np.log([20.1, 19.7, 20.4, 20.0, 19.9]); c = np.log(21.3); k = 5
        // se = b.std(ddof=1) * sqrt(1 + 1/k); t = (c - b.mean()) / se
        // p = 2 * stats.t.sf(abs(t), k - 1); q = stats.t.ppf(0.975, k - 1)
        let past: Vec<f64> = [20.1f64, 19.7, 20.4, 20.0, 19.9]
            .iter()
            .map(|v| v.ln())
            .collect();
        let e = prediction(&past, 21.3f64.ln(), 0.05).unwrap();
        assert_relative_eq!(e.t, 4.388_513_306_650_508, max_relative = 1e-9);
        assert_relative_eq!(e.p, 0.011_796_280_848_864_244, max_relative = 1e-6);
        assert_relative_eq!(e.ci.0, 0.022_790_391_757_872_334, max_relative = 1e-6);
        assert_relative_eq!(e.ci.1, 0.101_293_610_895_453_97, max_relative = 1e-6);
    }

    #[test]
    fn holm_matches_statsmodels() {
        // multipletests([0.01, 0.04, 0.03, 0.005, 0.2], alpha=0.05, method="holm")
        // (statsmodels 0.15.0)
        let adj = holm(&[0.01, 0.04, 0.03, 0.005, 0.2]);
        for (a, want) in adj.iter().zip([0.04, 0.09, 0.09, 0.025, 0.2]) {
            assert_relative_eq!(*a, want, max_relative = 1e-12);
        }
        assert!(holm(&[]).is_empty());
    }

    #[test]
    fn degenerate_inputs_are_explicit() {
        assert!(paired(&[0.1], 0.05).is_none());
        let same = paired(&[0.0, 0.0, 0.0], 0.05).unwrap();
        assert!((same.p - 1.0).abs() < f64::EPSILON);
        let shifted = paired(&[0.5, 0.5, 0.5], 0.05).unwrap();
        assert!(shifted.p.abs() < f64::EPSILON);
        assert_eq!(shifted.ci, (0.5, 0.5));
        assert!(prediction(&[1.0], 2.0, 0.05).is_none());
    }

    #[test]
    fn detectable_effect_shrinks_with_more_blocks() {
        let a = minimum_detectable(0.05, 6, 0.05, 0.95).unwrap();
        let b = minimum_detectable(0.05, 24, 0.05, 0.95).unwrap();
        assert!(b < a / 2.0, "{a} {b}");
        // n = 6: (t.ppf(0.975, 5) + t.ppf(0.95, 5)) * 0.05 / sqrt(6), SciPy 1.17.1.
        let want = (2.570_581_835_636_314_6 + 2.015_048_373_333_023_3) * 0.05 / 6f64.sqrt();
        assert_relative_eq!(a, want, max_relative = 1e-6);
    }

    // Reference values from statsmodels 0.15.0:
    //   proportion_confint(k, n, alpha=0.05, method="wilson")
    #[test]
    fn wilson_matches_statsmodels() {
        let cases = [
            (0, 200, (0.0, 0.018_845_326_377_266_58)),
            (
                3,
                200,
                (0.005_114_237_793_258_307, 0.043_165_728_792_690_275),
            ),
            (7, 36, (0.097_530_954_189_287_28, 0.350_280_429_951_773_9)),
        ];
        for (k, n, (lo, hi)) in cases {
            let (a, b) = wilson(k, n, 0.05).unwrap();
            assert_relative_eq!(a, lo, epsilon = 1e-9);
            assert_relative_eq!(b, hi, epsilon = 1e-9);
        }
        assert!(wilson(1, 0, 0.05).is_none());
        assert!(wilson(3, 2, 0.05).is_none());
    }
}
