//! Recall@k and precision of a search's answer against the ground truth.

/// Recall@k and precision of `returned` against the true nearest `truth` (at least `k` long).
///
/// Recall@k: the share of the true `k` nearest found among the first `k` returned.
/// Precision: the share of everything returned that is among the true `k` nearest.
#[must_use]
pub fn recall_precision(returned: &[u64], truth: &[u64], k: usize) -> (f64, f64) {
    let truth = &truth[..k.min(truth.len())];
    let hit = |id: &u64| truth.contains(id);
    let found = returned.iter().take(k).filter(|id| hit(id)).count();
    let relevant = returned.iter().filter(|id| hit(id)).count();
    #[expect(clippy::cast_precision_loss, reason = "k is small")]
    let recall = found as f64 / truth.len().max(1) as f64;
    #[expect(clippy::cast_precision_loss, reason = "result lists are small")]
    let precision = if returned.is_empty() {
        0.0
    } else {
        relevant as f64 / returned.len() as f64
    };
    (recall, precision)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recall_and_precision_count_what_they_should() {
        let truth = [1, 2, 3, 4];
        assert_eq!(recall_precision(&[1, 2, 3, 4], &truth, 4), (1.0, 1.0));
        assert_eq!(recall_precision(&[4, 3, 9, 8], &truth, 4), (0.5, 0.5));
        // Two results only: recall counts the misses, precision does not.
        assert_eq!(recall_precision(&[1, 2], &truth, 4), (0.5, 1.0));
        assert_eq!(recall_precision(&[], &truth, 4), (0.0, 0.0));
    }
}
