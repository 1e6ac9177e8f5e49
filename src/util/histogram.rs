//! Latency histograms: one shape for every recorder, and their compact text encoding.

use base64::Engine as _;
use hdrhistogram::serialization::{Deserializer, Serializer, V2DeflateSerializer};
use hdrhistogram::Histogram;

/// A latency histogram in nanoseconds covering 1 ns to 1 hour at 3 significant figures.
///
/// # Panics
/// Never: the bounds are constants that hdrhistogram accepts.
#[must_use]
pub fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000_000, 3).expect("constant bounds are valid")
}

/// Base64 of the V2 + DEFLATE encoding.
#[must_use]
pub fn encode_histogram(h: &Histogram<u64>) -> String {
    let mut buf = Vec::new();
    // Serializing into a Vec cannot fail for a valid histogram.
    if V2DeflateSerializer::new().serialize(h, &mut buf).is_err() {
        buf.clear();
    }
    base64::engine::general_purpose::STANDARD.encode(buf)
}

/// Base64 of the plain V2 encoding (no DEFLATE), for histograms of few distinct values
/// (ingested benchmarks): V2 already writes runs of empty buckets as one number, and starting a
/// DEFLATE stream costs more than such a histogram. [`decode_histogram`] reads both.
#[must_use]
pub fn encode_histogram_plain(h: &Histogram<u64>) -> String {
    let mut buf = Vec::new();
    if hdrhistogram::serialization::V2Serializer::new()
        .serialize(h, &mut buf)
        .is_err()
    {
        buf.clear();
    }
    base64::engine::general_purpose::STANDARD.encode(buf)
}

/// Inverse of [`encode_histogram`] and [`encode_histogram_plain`].
///
/// # Errors
/// A message naming what failed.
pub fn decode_histogram(s: &str) -> Result<Histogram<u64>, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|e| format!("not base64: {e}"))?;
    Deserializer::new()
        .deserialize(&mut bytes.as_slice())
        .map_err(|e| format!("not an HdrHistogram: {e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_round_trip_and_merge() {
        let mut a = new_histogram();
        let mut b = new_histogram();
        for v in 1..=1000u64 {
            a.record(v * 1000).unwrap();
            b.record(v * 2000).unwrap();
        }
        let a2 = decode_histogram(&encode_histogram(&a)).unwrap();
        assert_eq!(a2.len(), 1000);
        assert_eq!(a2.value_at_quantile(0.5), a.value_at_quantile(0.5));
        let mut merged = a2;
        merged
            .add(decode_histogram(&encode_histogram(&b)).unwrap())
            .unwrap();
        assert_eq!(merged.len(), 2000);
        assert!(merged.max() >= 1_999_000);
    }
}
