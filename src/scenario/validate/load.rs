//! `[load]` and `[thresholds]`.

use std::time::Duration;

use super::Validator;
use crate::scenario::model::{
    Kind, Load, LoadMode, Metric, ScenarioFile, SloValue, SweepOver, SweepScale, SweepTable,
};
use crate::scenario::plan::{CompiledOp, LoadPlan, Stop, ThresholdPlan};
use crate::scenario::plan::{PlanStage, SweepPlan};
use crate::scenario::ScenarioError;
use crate::util::locate::Seg;
use crate::util::{Dur, Percent};

impl Validator<'_> {
    pub(super) fn load(&self, file: &ScenarioFile) -> Result<LoadPlan, ScenarioError> {
        let l = &file.load;
        let lat = |k: &'static str| [Seg::Key("load"), Seg::Key(k)];
        let stages = self.stages(l)?;
        let concurrency = match stages.iter().filter_map(|s| s.concurrency).max() {
            Some(c) => c,
            None => l.concurrency.unwrap_or(1),
        };
        if !(1..=10_000).contains(&concurrency) {
            return Err(self.err(
                &lat("concurrency"),
                format!("concurrency must be in 1..=10000, got {concurrency}"),
                None,
            ));
        }
        let profiled = !stages.is_empty();
        self.mode_rate(file, profiled)?;
        if profiled && (l.duration.is_some() || l.operations.is_some() || l.rate.is_some()) {
            return Err(self.err(
                &lat("stages"),
                "with `stages`, each stage says its duration (and rate): drop `duration`, `operations` and `rate`",
                None,
            ));
        }
        let stop = if profiled {
            Stop::Duration(stages.iter().map(|s| s.duration).sum())
        } else {
            self.stop(l)?
        };
        let repetitions = l.repetitions.unwrap_or(3);
        if !(1..=1000).contains(&repetitions) {
            return Err(self.err(
                &lat("repetitions"),
                format!("repetitions must be in 1..=1000, got {repetitions}"),
                None,
            ));
        }

        let rate = if profiled && l.mode == LoadMode::Open {
            let ops: f64 = stages
                .iter()
                .filter_map(|s| {
                    s.rate
                        .map(|(a, b)| f64::midpoint(a, b) * s.duration.as_secs_f64())
                })
                .sum();
            let secs: f64 = stages.iter().map(|s| s.duration.as_secs_f64()).sum();
            Some(ops / secs.max(1e-9))
        } else {
            l.rate
        };
        let interval = match (l.interval, stop) {
            (Some(i), _) if i.get() >= Duration::from_millis(100) => i.get(),
            (Some(_), _) => {
                return Err(self.err(
                    &lat("interval"),
                    "the interval must be at least 100ms",
                    None,
                ))
            }
            (None, Stop::Duration(d)) => (d / 300).max(Duration::from_secs(1)),
            (None, Stop::Operations(_)) => Duration::from_secs(1),
        };
        let sweep = file
            .sweep
            .as_ref()
            .map(|s| self.sweep(s, l.mode, profiled))
            .transpose()?;
        Ok(LoadPlan {
            mode: l.mode,
            concurrency,
            rate,
            stop,
            warmup: l.warmup,
            repetitions,
            cooldown: l.cooldown.map_or(Duration::ZERO, Dur::get),
            stages,
            interval,
            sweep,
            shard: None,
        })
    }

    /// The load mode against `rate`: an open loop needs a rate (from `rate`, `stages` or a
    /// rate sweep), a closed loop takes none.
    fn mode_rate(&self, file: &ScenarioFile, profiled: bool) -> Result<(), ScenarioError> {
        let l = &file.load;
        let lat = |k: &'static str| [Seg::Key("load"), Seg::Key(k)];
        match (l.mode, l.rate) {
            (LoadMode::Closed, Some(_)) => {
                return Err(self.err(
                    &lat("rate"),
                    "`rate` applies to open-loop load only",
                    Some("set load.mode = \"open\" for a constant arrival rate, or remove `rate`"),
                ))
            }
            (LoadMode::Open, None)
                if !profiled
                    && file
                        .sweep
                        .as_ref()
                        .is_none_or(|s| s.over != SweepOver::Rate) =>
            {
                return Err(self.err(
                    &[Seg::Key("load"), Seg::Key("mode")],
                    "open-loop load needs a `rate` (operations per second), or `stages`",
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
        Ok(())
    }

    /// `[sweep]`: levels over the rate of an open loop or the workers of a closed one.
    fn sweep(
        &self,
        s: &SweepTable,
        mode: LoadMode,
        profiled: bool,
    ) -> Result<SweepPlan, ScenarioError> {
        let at = |k: &'static str| [Seg::Key("sweep"), Seg::Key(k)];
        match (s.over, mode) {
            (SweepOver::Rate, LoadMode::Closed) => {
                return Err(self.err(&at("over"), "a rate sweep needs load.mode = \"open\"", None))
            }
            (SweepOver::Concurrency, LoadMode::Open) => {
                return Err(self.err(
                    &at("over"),
                    "a concurrency sweep needs a closed loop (load.mode = \"closed\")",
                    None,
                ))
            }
            _ => {}
        }
        if profiled {
            return Err(self.err(
                &at("over"),
                "a sweep measures constant levels: drop load.stages",
                None,
            ));
        }
        let max = match s.over {
            SweepOver::Rate => 10_000_000.0,
            SweepOver::Concurrency => 10_000.0,
        };
        let ok = |v: f64| v > 0.0 && v <= max;
        let values = if s.values.is_empty() {
            let (Some(a), Some(b)) = (s.from, s.to) else {
                return Err(self.err(
                    &[Seg::Key("sweep")],
                    "give `values`, or `from` and `to`",
                    Some("values = [1, 2, 4, 8, 16], or from = 100, to = 2000, steps = 8"),
                ));
            };
            if !(ok(a) && ok(b) && a < b) {
                return Err(self.err(
                    &at("to"),
                    format!("need 0 < from < to ≤ {max}, got {a} and {b}"),
                    None,
                ));
            }
            let n = s.steps.unwrap_or(6);
            if !(2..=50).contains(&n) {
                return Err(self.err(
                    &at("steps"),
                    format!("steps must be in 2..=50, got {n}"),
                    None,
                ));
            }
            let f = |i: u32| {
                let t = f64::from(i) / f64::from(n - 1);
                match s.scale {
                    SweepScale::Linear => a + (b - a) * t,
                    SweepScale::Geometric => a * (b / a).powf(t),
                }
            };
            if s.search {
                vec![a, b]
            } else {
                (0..n).map(f).collect()
            }
        } else {
            if s.search || s.from.is_some() || s.to.is_some() {
                return Err(self.err(
                    &at("values"),
                    "`values` is a list of levels: drop from/to/search",
                    None,
                ));
            }
            if let Some(bad) = s.values.iter().find(|v| !ok(**v)) {
                return Err(self.err(
                    &at("values"),
                    format!("{bad} is not a level in (0, {max}]"),
                    None,
                ));
            }
            if s.values.windows(2).any(|w| w[0] >= w[1]) {
                return Err(self.err(&at("values"), "levels must increase", None));
            }
            if s.values.len() < 2 {
                return Err(self.err(&at("values"), "a curve needs at least two levels", None));
            }
            s.values.clone()
        };
        let precision = s.precision.map_or(0.05, Percent::fraction);
        if s.search && !(0.001..=0.5).contains(&precision) {
            return Err(self.err(&at("precision"), "precision must be in 0.1%..=50%", None));
        }
        Ok(SweepPlan {
            over: s.over,
            values,
            search: s.search.then_some(precision),
        })
    }

    /// `duration` or `operations`.
    fn stop(&self, l: &Load) -> Result<Stop, ScenarioError> {
        let lat = |k: &'static str| [Seg::Key("load"), Seg::Key(k)];
        Ok(match (l.duration, l.operations) {
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
                    Some("add duration = \"10s\" or operations = 1000 under [load], or `stages`"),
                ))
            }
        })
    }

    /// `[[load.stages]]`: open-loop stages have a rate (and a ramp end), closed-loop ones a
    /// concurrency; every stage a positive duration.
    fn stages(&self, l: &Load) -> Result<Vec<PlanStage>, ScenarioError> {
        let mut out = Vec::new();
        for (i, s) in l.stages.iter().enumerate() {
            let at = |k: &'static str| {
                [
                    Seg::Key("load"),
                    Seg::Key("stages"),
                    Seg::Index(i),
                    Seg::Key(k),
                ]
            };
            if s.duration.get().is_zero() {
                return Err(self.err(&at("duration"), "a stage lasts more than no time", None));
            }
            let ok_rate = |r: f64| (0.0..=10_000_000.0).contains(&r);
            let stage = match l.mode {
                LoadMode::Open => {
                    let (Some(a), None) = (s.rate, s.concurrency) else {
                        return Err(self.err(
                            &at("rate"),
                            "an open-loop stage has a `rate` (and optionally `to`), not `concurrency`",
                            Some("{ duration = \"30s\", rate = 1000, to = 5000 }"),
                        ));
                    };
                    let b = s.to.unwrap_or(a);
                    if !ok_rate(a) || !ok_rate(b) || (a == 0.0 && b == 0.0) {
                        return Err(self.err(
                            &at("rate"),
                            format!(
                                "rates must be in 0..=10000000 and not both zero, got {a} → {b}"
                            ),
                            None,
                        ));
                    }
                    PlanStage {
                        duration: s.duration.get(),
                        rate: Some((a, b)),
                        concurrency: None,
                    }
                }
                LoadMode::Closed => {
                    let (Some(c), None, None) = (s.concurrency, s.rate, s.to) else {
                        return Err(self.err(
                            &at("concurrency"),
                            "a closed-loop stage has a `concurrency`, not a rate",
                            Some("{ duration = \"1m\", concurrency = 8 }"),
                        ));
                    };
                    if !(1..=10_000).contains(&c) {
                        return Err(self.err(
                            &at("concurrency"),
                            format!("concurrency must be in 1..=10000, got {c}"),
                            None,
                        ));
                    }
                    PlanStage {
                        duration: s.duration.get(),
                        rate: None,
                        concurrency: Some(c),
                    }
                }
            };
            out.push(stage);
        }
        Ok(out)
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
