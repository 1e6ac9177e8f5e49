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
            let (bound, limit, upper) = match (slo.max, slo.min) {
                (Some(SloValue::Duration(d)), _) => {
                    (format!("≤ {d}"), d.get().as_nanos() as f64, true)
                }
                (Some(SloValue::Percent(p)), _) => {
                    (format!("≤ {}%", p.fraction() * 100.0), p.fraction(), true)
                }
                (_, Some(SloValue::Number(n))) => (format!("≥ {n}/s"), n, false),
                _ => continue,
            };
            let passed = if upper {
                value <= limit
            } else {
                value >= limit
            };
            let margin = if limit == 0.0 {
                if passed {
                    1.0
                } else {
                    -1.0
                }
            } else if upper {
                (limit - value) / limit
            } else {
                (value - limit) / limit
            };
            out.push(SloCheck {
                target: s.target.to_owned(),
                operation: s.operation.to_owned(),
                metric: slo.metric,
                bound,
                value,
                passed,
                margin,
            });
        }
    }
    out
}
