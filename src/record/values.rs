//! Values of a metric from records: per repetition, per (target, operation); latency
//! summaries from histograms.

use hdrhistogram::Histogram;

use super::record::{Latency, OperationRecord, Repetition, RunRecord};
use crate::scenario::{Metric, Role};
use crate::util::{decode_histogram, encode_histogram};

impl RunRecord {
    /// The per-repetition values of `metric` for every (target, operation). Repetitions
    /// without a value (latency of a repetition where nothing succeeded) are left out.
    #[must_use]
    pub fn samples(&self, metric: Metric) -> Vec<Samples<'_>> {
        self.targets
            .iter()
            .flat_map(|t| {
                t.operations
                    .iter()
                    .filter(move |o| o.metrics.as_ref().is_none_or(|m| m.contains(&metric)))
                    .map(move |o| Samples {
                        target: &t.name,
                        role: t.role,
                        operation: &o.name,
                        values: o
                            .repetitions
                            .iter()
                            .map(|r| r.metric(metric))
                            .filter(|v| !v.is_nan())
                            .collect(),
                        summary: o.summary_of(metric),
                        unit: o.unit.as_deref(),
                    })
            })
            // Recall and precision exist for searches only.
            .filter(|s| {
                !(metric.is_fraction() && metric != Metric::ErrorRate && s.values.is_empty())
            })
            .collect()
    }
}

/// The values of one metric over the repetitions of one (target, operation).
#[derive(Clone, Debug, PartialEq)]
pub struct Samples<'a> {
    pub target: &'a str,
    pub role: Role,
    pub operation: &'a str,
    pub values: Vec<f64>,
    /// Summary statistics from the tool, used instead of `values` when it gave no samples.
    pub summary: Option<crate::stats::Summary>,
    /// Unit of an ingested value that is neither a time nor a rate.
    pub unit: Option<&'a str>,
}

impl OperationRecord {
    /// The summary that stands for this operation's samples under `metric` (the mean or the
    /// throughput an ingested benchmark is judged on): computed from every raw sample, or the
    /// tool's own when it gave one number (more repetitions than one, pooled from several
    /// runs, are judged by their own values instead).
    #[must_use]
    pub fn summary_of(&self, metric: Metric) -> Option<crate::stats::Summary> {
        self.summary
            .filter(|s| {
                (s.from_samples || self.repetitions.len() <= 1)
                    && matches!(metric, Metric::Mean | Metric::Throughput)
            })
            .map(|s| crate::stats::Summary {
                mean: s.mean,
                var: s.stdev * s.stdev,
                n: usize::try_from(s.n).unwrap_or(usize::MAX),
            })
    }
}

impl Repetition {
    /// Errors of every kind.
    #[must_use]
    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    /// The value of `metric`: latencies in nanoseconds, throughput in operations per second,
    /// error rate as a fraction of all attempts. Latencies are `NaN` when nothing succeeded.
    #[must_use]
    #[expect(
        clippy::cast_precision_loss,
        reason = "nanosecond latencies and counts fit f64 well enough"
    )]
    pub fn metric(&self, metric: Metric) -> f64 {
        let l = &self.latency;
        if self.count == 0 && metric.is_latency() {
            return f64::NAN;
        }
        match metric {
            Metric::P50 => l.p50_ns as f64,
            Metric::P90 => l.p90_ns as f64,
            Metric::P95 => l.p95_ns as f64,
            Metric::P99 => l.p99_ns as f64,
            Metric::P999 => l.p999_ns as f64,
            Metric::Max => l.max_ns as f64,
            Metric::Mean => l.mean_ns,
            Metric::Throughput => self.throughput,
            Metric::Recall => self.recall.unwrap_or(f64::NAN),
            Metric::Precision => self.precision.unwrap_or(f64::NAN),
            Metric::ErrorRate => {
                let errors = self.error_count();
                let total = self.count + errors;
                if total == 0 {
                    0.0
                } else {
                    errors as f64 / total as f64
                }
            }
        }
    }
}

impl Latency {
    /// Summarises and serializes a histogram of nanoseconds.
    #[must_use]
    pub fn from_histogram(h: &Histogram<u64>) -> Self {
        Self::from_histogram_encoded(h, encode_histogram)
    }

    /// [`Latency::from_histogram`] with the histogram encoded by `encode`.
    #[must_use]
    pub fn from_histogram_encoded(
        h: &Histogram<u64>,
        encode: fn(&Histogram<u64>) -> String,
    ) -> Self {
        if h.is_empty() {
            return Self {
                histogram: encode(h),
                ..Self::default()
            };
        }
        Self {
            min_ns: h.min(),
            p50_ns: h.value_at_quantile(0.50),
            p90_ns: h.value_at_quantile(0.90),
            p95_ns: h.value_at_quantile(0.95),
            p99_ns: h.value_at_quantile(0.99),
            p999_ns: h.value_at_quantile(0.999),
            max_ns: h.max(),
            mean_ns: h.mean(),
            stdev_ns: h.stdev(),
            histogram: encode(h),
        }
    }

    /// The histogram back from its serialized form.
    ///
    /// # Errors
    /// A message when the text is not base64 of a V2 histogram.
    pub fn histogram(&self) -> Result<Histogram<u64>, String> {
        decode_histogram(&self.histogram)
    }
}
