//! `[load]` and `[thresholds]`.

use std::time::Duration;

use super::Validator;
use crate::scenario::model::{Kind, LoadMode, Metric, ScenarioFile, SloValue};
use crate::scenario::plan::{CompiledOp, LoadPlan, Stop, ThresholdPlan};
use crate::scenario::ScenarioError;
use crate::util::locate::Seg;
use crate::util::{Dur, Percent};

impl Validator<'_> {
    pub(super) fn load(&self, file: &ScenarioFile) -> Result<LoadPlan, ScenarioError> {
        let l = &file.load;
        let lat = |k: &'static str| [Seg::Key("load"), Seg::Key(k)];
        let concurrency = l.concurrency.unwrap_or(1);
        if !(1..=10_000).contains(&concurrency) {
            return Err(self.err(
                &lat("concurrency"),
                format!("concurrency must be in 1..=10000, got {concurrency}"),
                None,
            ));
        }
        match (l.mode, l.rate) {
            (LoadMode::Closed, Some(_)) => {
                return Err(self.err(
                    &lat("rate"),
                    "`rate` applies to open-loop load only",
                    Some("set load.mode = \"open\" for a constant arrival rate, or remove `rate`"),
                ))
            }
            (LoadMode::Open, None) => {
                return Err(self.err(
                    &[Seg::Key("load"), Seg::Key("mode")],
                    "open-loop load needs a `rate` (operations per second)",
                    None,
                ))
            }
            (LoadMode::Open, Some(r)) if !(r > 0.0 && r <= 10_000_000.0) => {
                return Err(self.err(
                    &lat("rate"),
                    format!("rate must be above 0 and at most 10000000, got {r}"),
                    None,
                ))
            }
            _ => {}
        }
        let stop = match (l.duration, l.operations) {
            (Some(d), None) if d.get() > Duration::ZERO => Stop::Duration(d.get()),
            (None, Some(n)) if n > 0 => Stop::Operations(n),
            (Some(_), None) => {
                return Err(self.err(&lat("duration"), "duration must be above zero", None))
            }
            (None, Some(_)) => {
                return Err(self.err(&lat("operations"), "operations must be above zero", None))
            }
            (Some(_), Some(_)) => {
                return Err(self.err(
                    &lat("operations"),
                    "give `duration` or `operations`, not both",
                    None,
                ))
            }
            (None, None) => {
                return Err(self.err(
                    &[Seg::Key("load")],
                    "say how long each repetition measures",
                    Some("add duration = \"10s\" or operations = 1000 under [load]"),
                ))
            }
        };
        let repetitions = l.repetitions.unwrap_or(3);
        if !(1..=1000).contains(&repetitions) {
            return Err(self.err(
                &lat("repetitions"),
                format!("repetitions must be in 1..=1000, got {repetitions}"),
                None,
            ));
        }

        Ok(LoadPlan {
            mode: l.mode,
            concurrency,
            rate: l.rate,
            stop,
            warmup: l.warmup,
            repetitions,
            cooldown: l.cooldown.map_or(Duration::ZERO, Dur::get),
        })
    }

    #[expect(clippy::too_many_lines, reason = "one linear list of checks")]
    pub(super) fn thresholds(
        &self,
        file: &ScenarioFile,
        ops: &[CompiledOp],
    ) -> Result<ThresholdPlan, ScenarioError> {
        let kind = file.scenario.kind;
        let th = &file.thresholds;
        let tat = |k: &'static str| [Seg::Key("thresholds"), Seg::Key(k)];
        let regression = th.regression.map_or(
            match kind {
                Kind::Internal => 0.05,
                Kind::Competitive => 0.10,
            },
            Percent::fraction,
        );
        for (key, value) in [("regression", th.regression), ("warn", th.warn)] {
            if let Some(v) = value.filter(|v| v.fraction() > 1.0) {
                return Err(self.err(
                    &tat(key),
                    format!(
                        "{key} = {}% is above 100%: a throughput can never fall that far, so its gate would be off, and a latency would have to grow {:.1}×",
                        v.fraction() * 100.0,
                        1.0 + v.fraction()
                    ),
                    Some(&format!(
                        "if you meant {}%, write \"{}%\"",
                        v.fraction(),
                        v.fraction()
                    )),
                ));
            }
        }
        let warn = th.warn.map_or(regression / 2.0, Percent::fraction);
        if warn > regression {
            return Err(self.err(
                &tat("warn"),
                format!(
                    "warn ({:.4}%) is above regression ({:.4}%)",
                    warn * 100.0,
                    regression * 100.0
                ),
                None,
            ));
        }
        let alpha = th.alpha.unwrap_or(0.05);
        if !(alpha > 0.0 && alpha <= 0.5) {
            return Err(self.err(
                &tat("alpha"),
                format!("alpha must be in (0, 0.5], got {alpha}"),
                None,
            ));
        }
        let throughput_floor = th.throughput_floor.unwrap_or(1.0);
        if !(throughput_floor >= 0.0 && throughput_floor.is_finite()) {
            return Err(self.err(
                &tat("throughput-floor"),
                "throughput-floor must be a non-negative number",
                None,
            ));
        }
        if let Some(m) = &th.metrics {
            if m.is_empty() {
                return Err(self.err(&tat("metrics"), "list at least one metric to compare", None));
            }
        }
        if let Some(g) = &th.gate {
            let compared = th.metrics.as_deref().unwrap_or(&Metric::DEFAULT_COMPARED);
            if let Some(m) = g
                .iter()
                .find(|m| !compared.contains(m) && **m != Metric::Recall)
            {
                return Err(self.err(
                    &tat("gate"),
                    format!("`{m}` gates but is not compared"),
                    Some("list it in `metrics` too"),
                ));
            }
        }
        for (i, slo) in th.slo.iter().enumerate() {
            let at = |k: &'static str| {
                [
                    Seg::Key("thresholds"),
                    Seg::Key("slo"),
                    Seg::Index(i),
                    Seg::Key(k),
                ]
            };
            if let Some(op) = &slo.operation {
                if !ops.iter().any(|o| &o.name == op) {
                    return Err(self.err(
                        &at("operation"),
                        format!("no operation named `{op}`"),
                        None,
                    ));
                }
            }
            let ok = match slo.metric {
                Metric::Throughput => {
                    slo.max.is_none() && matches!(slo.min, Some(SloValue::Number(n)) if n >= 0.0)
                }
                Metric::ErrorRate => {
                    slo.min.is_none() && matches!(slo.max, Some(SloValue::Percent(_)))
                }
                _ => slo.min.is_none() && matches!(slo.max, Some(SloValue::Duration(_))),
            };
            if !ok {
                let hint = match slo.metric {
                    Metric::Throughput => {
                        "write { metric = \"throughput\", min = 500 } (operations per second)"
                    }
                    Metric::ErrorRate => "write { metric = \"error-rate\", max = \"1%\" }",
                    _ => "write e.g. { metric = \"p99\", max = \"20ms\" }",
                };
                return Err(self.err(
                    &at("metric"),
                    format!("bad bound for the `{}` objective", slo.metric),
                    Some(hint),
                ));
            }
        }
        let recall_margin = th.recall_margin.map_or(0.02, Percent::fraction);
        if recall_margin > 1.0 {
            return Err(self.err(&tat("recall-margin"), "recall-margin is at most 100%", None));
        }
        Ok(ThresholdPlan {
            recall_margin,
            regression,
            warn,
            latency_floor: th.latency_floor.map_or(Duration::from_micros(50), Dur::get),
            throughput_floor,
            error_rate_floor: th.error_rate_floor.map_or(0.001, Percent::fraction),
            alpha,
            metrics: th.metrics.clone().unwrap_or_else(|| {
                let mut m = Metric::DEFAULT_COMPARED.to_vec();
                if ops.iter().any(|o| o.recall.is_some()) {
                    m.push(Metric::Recall);
                }
                m
            }),
            gate: th.gate.clone(),
            slos: th.slo.clone(),
        })
    }
}
