//! Welch's unequal-variance t-test with its confidence interval, and Student's pooled test,
//! from the textbook formulas with Student's t distribution from `statrs`; checked against
//! SciPy in the tests below.

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::describe::Summary;

/// Result of Welch's test of `current − baseline`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Welch {
    /// Difference of means, current − baseline.
    pub diff: f64,
    pub t: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub df: f64,
    /// Two-sided p-value.
    pub p: f64,
    /// Confidence interval of the difference of means.
    pub ci: (f64, f64),
}

/// Welch's t-test of `current` against `baseline` with a `(1 − alpha)` confidence interval.
///
/// Returns `None` when either group has fewer than two samples. When both groups have zero
/// variance the test is degenerate: equal means give p = 1, different means p = 0, and the
/// interval collapses to the observed difference.
#[must_use]
pub fn welch(baseline: Summary, current: Summary, alpha: f64) -> Option<Welch> {
    if baseline.n < 2 || current.n < 2 {
        return None;
    }
    #[expect(clippy::cast_precision_loss, reason = "sample counts are small")]
    let (nb, nc) = (baseline.n as f64, current.n as f64);
    let diff = current.mean - baseline.mean;
    let (sb, sc) = (baseline.var / nb, current.var / nc);
    let se2 = sb + sc;
    if se2 <= 0.0 || !se2.is_finite() {
        let p = if diff == 0.0 { 1.0 } else { 0.0 };
        return Some(Welch {
            diff,
            t: if diff == 0.0 {
                0.0
            } else {
                diff.signum() * f64::INFINITY
            },
            df: nb + nc - 2.0,
            p,
            ci: (diff, diff),
        });
    }
    let se = se2.sqrt();
    let t = diff / se;
    let df = se2 * se2 / (sb * sb / (nb - 1.0) + sc * sc / (nc - 1.0));
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    let p = (2.0 * (1.0 - dist.cdf(t.abs()))).clamp(0.0, 1.0);
    let q = dist.inverse_cdf(1.0 - alpha / 2.0);
    Some(Welch {
        diff,
        t,
        df,
        p,
        ci: (diff - q * se, diff + q * se),
    })
}

/// Two-sided p-value of Student's t-test with pooled variance (equal variances assumed).
///
/// Returns `None` with fewer than two samples in either group.
#[must_use]
pub fn student_p(a: Summary, b: Summary) -> Option<f64> {
    if a.n < 2 || b.n < 2 {
        return None;
    }
    #[expect(clippy::cast_precision_loss, reason = "sample counts are small")]
    let (na, nb) = (a.n as f64, b.n as f64);
    let df = na + nb - 2.0;
    let pooled = ((na - 1.0) * a.var + (nb - 1.0) * b.var) / df;
    let diff = b.mean - a.mean;
    let se = (pooled * (1.0 / na + 1.0 / nb)).sqrt();
    if se <= 0.0 || !se.is_finite() {
        return Some(if diff == 0.0 { 1.0 } else { 0.0 });
    }
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    Some((2.0 * (1.0 - dist.cdf((diff / se).abs()))).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{cv, mean, variance};
    use approx::assert_relative_eq;

    #[test]
    fn student_matches_scipy() {
        // stats.ttest_ind([10.9, 11.2, 11.0, 10.8, 11.3], [10.1, 10.3, 9.9, 10.2, 10.0]).pvalue
        let p = student_p(Summary::of(&A), Summary::of(&B)).unwrap();
        assert_relative_eq!(p, REF_STUDENT_P, max_relative = 1e-6);
    }

    // Reference values from SciPy 1.17.1 (independent implementation):
    //   from scipy import stats
    //   a = [10.1, 10.3, 9.9, 10.2, 10.0]; b = [10.9, 11.2, 11.0, 10.8, 11.3]
    //   r = stats.ttest_ind(b, a, equal_var=False)   # statistic, pvalue, df
    //   r.confidence_interval(0.95)
    const A: [f64; 5] = [10.1, 10.3, 9.9, 10.2, 10.0];
    const B: [f64; 5] = [10.9, 11.2, 11.0, 10.8, 11.3];

    const REF_T: f64 = 8.060_433_501_697_931;
    const REF_P: f64 = 6.054_848_409_901_228e-5;
    const REF_DF: f64 = 7.476_151_980_598_225_5;
    const REF_LO: f64 = 0.667_760_507_226_057_1;
    const REF_HI: f64 = 1.212_239_492_773_945_5;
    // stats.ttest_ind([20.0, 21.5, 19.0], [18.0, 18.5, 17.9, 18.2, 18.4, 18.1, 18.3], equal_var=False)
    // stats.ttest_ind(B, A).pvalue (Student, pooled variance)
    const REF_STUDENT_P: f64 = 4.136_386_009_500_669_4e-5;
    const REF2_T: f64 = 2.690_168_440_266_566_7;
    const REF2_P: f64 = 0.111_863_382_027_668_84;
    const REF2_DF: f64 = 2.050_736_359_728_236_6;

    #[test]
    fn welch_matches_scipy() {
        let w = welch(Summary::of(&A), Summary::of(&B), 0.05).unwrap();
        assert_relative_eq!(w.diff, 0.94, epsilon = 1e-12);
        assert_relative_eq!(w.t, REF_T, max_relative = 1e-9);
        assert_relative_eq!(w.df, REF_DF, max_relative = 1e-9);
        assert_relative_eq!(w.p, REF_P, max_relative = 1e-6);
        assert_relative_eq!(w.ci.0, REF_LO, max_relative = 1e-6);
        assert_relative_eq!(w.ci.1, REF_HI, max_relative = 1e-6);
    }

    #[test]
    fn welch_with_unequal_sizes_matches_scipy() {
        let b = [20.0, 21.5, 19.0];
        let a = [18.0, 18.5, 17.9, 18.2, 18.4, 18.1, 18.3];
        let w = welch(Summary::of(&a), Summary::of(&b), 0.05).unwrap();
        assert_relative_eq!(w.t, REF2_T, max_relative = 1e-9);
        assert_relative_eq!(w.df, REF2_DF, max_relative = 1e-9);
        assert_relative_eq!(w.p, REF2_P, max_relative = 1e-6);
    }

    #[test]
    fn degenerate_cases_are_explicit() {
        assert!(welch(Summary::of(&[1.0]), Summary::of(&[1.0, 2.0]), 0.05).is_none());
        let same = welch(Summary::of(&[2.0, 2.0]), Summary::of(&[2.0, 2.0]), 0.05).unwrap();
        assert!((same.p - 1.0).abs() < f64::EPSILON);
        let moved = welch(Summary::of(&[2.0, 2.0]), Summary::of(&[3.0, 3.0]), 0.05).unwrap();
        assert!(moved.p.abs() < f64::EPSILON);
        assert_eq!(moved.ci, (1.0, 1.0));
    }

    #[test]
    fn descriptive_statistics() {
        assert_relative_eq!(mean(&A), 10.1, epsilon = 1e-12);
        assert_relative_eq!(variance(&A), 0.025, epsilon = 1e-12);
        assert_relative_eq!(cv(&[1.0, 3.0]), 2f64.sqrt() / 2.0, epsilon = 1e-12);
    }
}
