//! YCSB's zipfian generator, shared by templates (`{{zipf N THETA}}`) and datasets.

use super::rng::Rng;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
