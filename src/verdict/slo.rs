//! Absolute objectives (`[[thresholds.slo]]`), checked on every run.

use super::types::SloCheck;
use crate::record::RunRecord;
use crate::scenario::{Role, SloValue};
use crate::stats;

pub(super) fn slo_checks(record: &RunRecord) -> Vec<SloCheck> {
    let mut out = Vec::new();
    for slo in &record.scenario.thresholds.slo {
        for s in record
            .samples(slo.metric)
            .into_iter()
            .filter(|s| s.role == Role::Ours && !s.values.is_empty())
        {
            if slo
                .operation
                .as_ref()
                .is_some_and(|o| o.as_str() != s.operation)
            {
                continue;
            }
            let value = stats::mean(&s.values);
            #[expect(
                clippy::cast_precision_loss,
                reason = "nanoseconds fit f64 well enough"
            )]
            let (bound, passed) = match (slo.max, slo.min) {
                (Some(SloValue::Duration(d)), _) => {
                    (format!("≤ {d}"), value <= d.get().as_nanos() as f64)
                }
                (Some(SloValue::Percent(p)), _) => (
                    format!("≤ {}%", p.fraction() * 100.0),
                    value <= p.fraction(),
                ),
                (_, Some(SloValue::Number(n))) => (format!("≥ {n}/s"), value >= n),
                _ => continue,
            };
            out.push(SloCheck {
                target: s.target.to_owned(),
                operation: s.operation.to_owned(),
                metric: slo.metric,
                bound,
                value,
                passed,
            });
        }
    }
    out
}
