//! The `--dry-run` plan of a scenario: targets, mix, load, estimates and the sequence digest.

use std::fmt::Write as _;
use std::path::Path;

use crate::driver::{DriverSpec, Rendered};
use crate::record::DatasetInfo;
use crate::scenario::{LoadMode, Scenario, Stop, Warmup};

/// The `--dry-run` plan of one scenario.
#[must_use]
pub fn plan(s: &Scenario) -> String {
    let mut out = String::new();
    targets_and_mix(s, &mut out);
    load_and_estimate(s, &mut out);
    dataset(s, &mut out);
    let _ = writeln!(
        out,
        "  sequence digest (first {} ops): {}",
        s.digest_len().min(crate::scenario::DIGEST_OPS),
        s.sequence_digest(s.digest_len().min(crate::scenario::DIGEST_OPS))
    );
    out
}

fn targets_and_mix(s: &Scenario, out: &mut String) {
    let _ = writeln!(
        out,
        "scenario {} ({}) — {}",
        s.name,
        s.kind,
        display_path(&s.path)
    );
    for t in &s.targets {
        let driver = match &t.driver {
            DriverSpec::Http(h) => format!("http {}", h.base_url),
            DriverSpec::Redis(r) => format!("redis {}", r.address),
            DriverSpec::Postgres(_) => "postgres".into(),
            DriverSpec::Command(_) => "command".into(),
        };
        let svc = t
            .service
            .as_ref()
            .map(|sv| format!(", service `{}`", sv.command.join(" ")))
            .unwrap_or_default();
        let _ = writeln!(out, "  target {} [{}] {driver}{svc}", t.name, t.role);
    }
    let total: u64 = s.ops.iter().map(|o| u64::from(o.weight)).sum();
    for o in &s.ops {
        let _ = writeln!(
            out,
            "  operation {} weight {} ({:.1}%)",
            o.name,
            o.weight,
            100.0 * f64::from(o.weight) / total as f64
        );
    }
}

fn load_and_estimate(s: &Scenario, out: &mut String) {
    let l = &s.load;
    let per_rep = match l.stop {
        Stop::Duration(d) => format!("{:.1}s", d.as_secs_f64()),
        Stop::Operations(n) => format!("{n} operations"),
    };
    let rate = match (l.mode, l.rate) {
        (LoadMode::Open, Some(r)) => format!(" at {r} ops/s"),
        (LoadMode::Open, None) => " at each sweep level".into(),
        _ => String::new(),
    };
    let levels = l.sweep.as_ref().map_or(1.0, |s| s.values.len() as f64);
    let _ = writeln!(
        out,
        "  load {} concurrency {}{rate}, {} × {per_rep}, seed {}",
        l.mode, l.concurrency, l.repetitions, s.seed
    );
    for st in &l.stages {
        let what = match (st.rate, st.concurrency) {
            (Some((a, b)), _) if (a - b).abs() < f64::EPSILON => format!("{a}/s"),
            (Some((a, b)), _) => format!("{a}/s → {b}/s"),
            (None, Some(c)) => format!("{c} workers"),
            _ => String::new(),
        };
        let _ = writeln!(out, "  stage {:.1}s at {what}", st.duration.as_secs_f64());
    }
    if let Some(sw) = &l.sweep {
        let levels: Vec<String> = sw.values.iter().map(|v| format!("{v}")).collect();
        let _ = writeln!(
            out,
            "  sweep over {}: {}{}",
            match sw.over {
                crate::scenario::SweepOver::Rate => "rate",
                crate::scenario::SweepOver::Concurrency => "concurrency",
            },
            levels.join(", "),
            sw.search.map_or_else(String::new, |p| format!(
                " (search between them, to {:.0}%)",
                p * 100.0
            ))
        );
    }
    let targets = s.file.targets.len() as f64;
    let reps = f64::from(l.repetitions);
    let warm = match l.warmup {
        Some(Warmup::Duration(d)) => d.get().as_secs_f64(),
        _ => 0.0,
    };
    let cooldown = l.cooldown.as_secs_f64();
    let estimate = match (l.stop, l.mode, l.rate) {
        (Stop::Duration(d), LoadMode::Open, Some(r)) => {
            format!("~{:.0} requests", r * d.as_secs_f64() * reps * targets)
        }
        (Stop::Operations(n), _, _) => format!("{} requests", n as f64 * reps * targets),
        _ => "requests depend on latency (closed loop)".into(),
    };
    let secs = match l.stop {
        Stop::Duration(d) => Some(levels * targets * (reps * (d.as_secs_f64() + cooldown) + warm)),
        Stop::Operations(n) => l
            .rate
            .map(|r| targets * (reps * (n as f64 / r + cooldown) + warm)),
    };
    let _ = writeln!(
        out,
        "  estimate: {}, {estimate}",
        secs.map_or_else(
            || "duration depends on latency".into(),
            |t| format!("~{t:.0}s of measurement")
        )
    );
}

fn dataset(s: &Scenario, out: &mut String) {
    if let Some(d) = &s.dataset {
        let info = DatasetInfo::of(d, false);
        for (what, t) in info.parts() {
            let _ = writeln!(out, "  dataset {what}: {t}");
        }
        let e = d.estimate();
        if let (Some(truth), Some(rate)) = (e.truth, e.rows_per_sec) {
            let size = |b: u64| {
                if b >= 1 << 30 {
                    format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64)
                } else {
                    format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64)
                }
            };
            let _ = writeln!(
                out,
                "  memory: {} of vectors per target (plus its index); benchbot holds {}",
                size(e.vector_bytes),
                size(e.resident_bytes)
            );
            let loads = s
                .targets
                .iter()
                .flat_map(|t| &t.load_phases)
                .filter(|p| p.rows == crate::dataset::RowKind::Vectors)
                .count();
            let _ = writeln!(
                out,
                "  estimate: exact ground truth ~{} on this machine (cached after the first run); generating the vectors for {loads} load phase(s) ≥ {} (the targets' load phases take longer)",
                human_secs(truth.as_secs_f64()),
                human_secs(loads as f64 * d.rows(crate::dataset::RowKind::Vectors) as f64 / rate)
            );
        }
    }
}

fn human_secs(s: f64) -> String {
    if s < 120.0 {
        format!("{s:.1}s")
    } else if s < 7200.0 {
        format!("{:.0} min", s / 60.0)
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}

fn display_path(p: &Path) -> String {
    p.display().to_string()
}

/// The first `n` requests of the measured sequence as each driver would send them, after the
/// `first` operations of a virtual user, and the thresholds in force. A virtual user's captured
/// values show as `{{vu.NAME}}`.
#[must_use]
pub fn requests(s: &Scenario, n: u64) -> String {
    let mut out = String::new();
    let firsts: Vec<Rendered<'_>> = s.first_ops().map(|op| s.render_first(op, 0)).collect();
    if !firsts.is_empty() {
        let _ = writeln!(
            out,
            "  first, once per virtual user (virtual user 0 shown):"
        );
        for r in &firsts {
            request(s, r, None, &mut out);
        }
    }
    let _ = writeln!(out, "  the first {n} request(s) of the measured sequence:");
    for i in 0..n {
        let r = s.render(crate::scenario::Stream::Measured, i);
        request(s, &r, Some(i), &mut out);
    }
    thresholds(s, &mut out);
    out
}

fn request(s: &Scenario, r: &Rendered<'_>, index: Option<u64>, out: &mut String) {
    let op = &s.ops[r.op];
    let shown = |v: &str| -> String {
        // Markers of virtual-user variables shown as the placeholder that made them.
        v.split(crate::template::VU_MARK)
            .enumerate()
            .map(|(k, p)| {
                if k % 2 == 1 {
                    format!("{{{{vu.{p}}}}}")
                } else {
                    p.to_owned()
                }
            })
            .collect()
    };
    let _ = writeln!(
        out,
        "  {}{}",
        index.map_or_else(String::new, |i| format!("#{i} ")),
        op.name
    );
    let p = &op.parts;
    if let Some(h) = &p.http {
        let _ = writeln!(out, "    http: {} {}", h.method, shown(r.value(h.path)));
        for (k, i) in &h.headers {
            let _ = writeln!(out, "      {k}: {}", shown(r.value(*i)));
        }
        if let Some(b) = h.body {
            let _ = writeln!(out, "      body: {}", clip(&shown(r.value(b))));
        }
        for c in &h.checks {
            let _ = writeln!(out, "      check: {}", c.text);
        }
    }
    if let Some(c) = &p.command {
        if !c.args.is_empty() {
            let args: Vec<String> = c.args.iter().map(|i| shown(r.value(*i))).collect();
            let _ = writeln!(out, "    command: extra arguments {args:?}");
        }
    }
    if let Some(pg) = &p.postgres {
        let params: Vec<String> = pg
            .params
            .iter()
            .map(|i| clip(&shown(r.value(*i))))
            .collect();
        let _ = writeln!(out, "    postgres: {} {params:?}", pg.sql);
    }
    if let Some(rd) = &p.redis {
        let words: Vec<String> = rd.words.iter().map(|i| clip(&shown(r.value(*i)))).collect();
        let _ = writeln!(out, "    redis: {}", words.join(" "));
    }
}

/// Long values (vectors, bodies) cut to a readable length, saying how long they were.
fn clip(v: &str) -> String {
    const MAX: usize = 200;
    if v.chars().count() <= MAX {
        v.to_owned()
    } else {
        let head: String = v.chars().take(MAX).collect();
        format!("{head}… ({} bytes)", v.len())
    }
}

fn thresholds(s: &Scenario, out: &mut String) {
    let t = &s.thresholds;
    let metrics: Vec<String> = t.metrics.iter().map(ToString::to_string).collect();
    let gate: Vec<String> = t.gate.as_ref().map_or_else(
        || metrics.clone(),
        |g| g.iter().map(ToString::to_string).collect(),
    );
    let _ = writeln!(
        out,
        "  thresholds: regression beyond {:.2}%, warning beyond {:.2}%, alpha {} (Holm across the gating rows); floors: latency {}, throughput {}/s, error rate {:.3}%",
        t.regression * 100.0,
        t.warn * 100.0,
        t.alpha,
        crate::util::format_ns(t.latency_floor.as_nanos() as f64),
        t.throughput_floor,
        t.error_rate_floor * 100.0
    );
    let _ = writeln!(
        out,
        "  compared: {}; gating: {}",
        metrics.join(", "),
        gate.join(", ")
    );
    for slo in &t.slos {
        let bound = |v: &crate::scenario::SloValue| match v {
            crate::scenario::SloValue::Duration(d) => {
                crate::util::format_ns(d.get().as_nanos() as f64)
            }
            crate::scenario::SloValue::Percent(p) => format!("{}%", p.fraction() * 100.0),
            crate::scenario::SloValue::Number(n) => format!("{n}"),
        };
        let _ = writeln!(
            out,
            "  objective: {} of {}{}{}",
            slo.metric,
            slo.operation
                .as_ref()
                .map_or_else(|| "every operation".to_owned(), |o| format!("`{o}`")),
            slo.max
                .as_ref()
                .map_or_else(String::new, |m| format!(" ≤ {}", bound(m))),
            slo.min
                .as_ref()
                .map_or_else(String::new, |m| format!(" ≥ {}", bound(m))),
        );
    }
}
