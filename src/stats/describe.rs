//! Descriptive statistics: mean, median, variance, standard deviation, coefficient of
//! variation.

/// Arithmetic mean; `NaN` for an empty slice.
#[must_use]
pub fn mean(xs: &[f64]) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "sample counts are small")]
    let n = xs.len() as f64;
    xs.iter().sum::<f64>() / n
}

/// Median (the mean of the middle two for an even count); `NaN` for an empty slice.
#[must_use]
pub fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => f64::midpoint(v[n / 2 - 1], v[n / 2]),
    }
}

/// Sample variance (n − 1 denominator); 0 for fewer than two samples.
#[must_use]
pub fn variance(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    let m = mean(xs);
    #[expect(clippy::cast_precision_loss, reason = "sample counts are small")]
    let d = (xs.len() - 1) as f64;
    xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / d
}

/// Sample standard deviation.
#[must_use]
pub fn stdev(xs: &[f64]) -> f64 {
    variance(xs).sqrt()
}

/// Coefficient of variation (stdev / |mean|); 0 when the mean is 0.
#[must_use]
pub fn cv(xs: &[f64]) -> f64 {
    let m = mean(xs);
    if m == 0.0 {
        0.0
    } else {
        stdev(xs) / m.abs()
    }
}

/// Summary statistics of one group: what Welch's test needs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub mean: f64,
    pub var: f64,
    pub n: usize,
}

impl Summary {
    #[must_use]
    pub fn of(xs: &[f64]) -> Self {
        Self {
            mean: mean(xs),
            var: variance(xs),
            n: xs.len(),
        }
    }
}

#[cfg(test)]
mod median_tests {
    use super::median;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert!((median(&[3.0, 1.0, 2.0]) - 2.0).abs() < 1e-12);
        assert!((median(&[4.0, 1.0, 3.0, 2.0]) - 2.5).abs() < 1e-12);
        assert!(median(&[]).is_nan());
    }
}
