//! When each operation is due, and how many workers may run: the load profile as time.
//!
//! Open loop: operation `i` is due when the profile's cumulative count reaches `i`. Within a
//! stage whose rate goes linearly from `a` to `b` over `D` seconds, the count after `t`
//! seconds is `a·t + (b − a)·t² / (2D)`, so operation `x` of the stage is due at the root of
//! that quadratic; a constant stage is the familiar `x / a`. Closed loop: each stage says how
//! many workers are active.

use std::time::Duration;

use crate::scenario::{LoadMode, LoadPlan, PlanStage, Stop};

/// The due times of an open loop, or the active workers of a closed one.
#[derive(Clone, Debug)]
pub struct Schedule {
    stages: Vec<Segment>,
    /// Operations planned in all (open loop with a bounded profile).
    planned: Option<u64>,
}

#[derive(Clone, Copy, Debug)]
struct Segment {
    start: f64,
    secs: f64,
    /// Operations due before the segment.
    before: f64,
    rate: (f64, f64),
    concurrency: Option<u32>,
}

impl Schedule {
    /// The schedule of `load`; `None` for a closed loop without stages (workers run freely).
    #[must_use]
    pub fn of(load: &LoadPlan) -> Option<Self> {
        match (load.mode, load.stages.is_empty(), load.rate) {
            (LoadMode::Open, true, Some(r)) => {
                let secs = match load.stop {
                    Stop::Duration(d) => d.as_secs_f64(),
                    Stop::Operations(_) => f64::INFINITY,
                };
                Some(Self::from_stages(&[(secs, (r, r), None)]))
            }
            (_, false, _) => Some(Self::from_stages(
                &load
                    .stages
                    .iter()
                    .map(|s: &PlanStage| {
                        (
                            s.duration.as_secs_f64(),
                            s.rate.unwrap_or((0.0, 0.0)),
                            s.concurrency,
                        )
                    })
                    .collect::<Vec<_>>(),
            )),
            _ => None,
        }
    }

    fn from_stages(stages: &[(f64, (f64, f64), Option<u32>)]) -> Self {
        let mut out = Vec::new();
        let (mut start, mut before) = (0.0, 0.0);
        for &(secs, rate, concurrency) in stages {
            out.push(Segment {
                start,
                secs,
                before,
                rate,
                concurrency,
            });
            start += secs;
            before += f64::midpoint(rate.0, rate.1) * secs;
        }
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a finite, non-negative count"
        )]
        let planned = before.is_finite().then(|| before.floor() as u64);
        Self {
            stages: out,
            planned,
        }
    }

    /// Open loop: when operation `i` is due, from the start; `None` past the profile.
    #[must_use]
    #[expect(clippy::cast_precision_loss, reason = "indices stay far below 2^53")]
    pub fn due(&self, i: u64) -> Option<Duration> {
        let x = i as f64;
        for s in &self.stages {
            let (a, b) = s.rate;
            let n = f64::midpoint(a, b) * s.secs;
            if x < s.before + n || s.secs.is_infinite() {
                let k = x - s.before;
                let t = if (b - a).abs() < 1e-12 {
                    k / a
                } else {
                    // (b − a)/(2D)·t² + a·t − k = 0, the root in [0, D].
                    let c = (b - a) / s.secs;
                    (-a + (a * a + 2.0 * c * k).max(0.0).sqrt()) / c
                };
                if !t.is_finite() {
                    return None;
                }
                return Some(Duration::from_secs_f64(
                    (s.start + t.clamp(0.0, s.secs)).max(0.0),
                ));
            }
        }
        None
    }

    /// Open loop: the intended rate at `t` from the start.
    #[must_use]
    pub fn rate_at(&self, t: Duration) -> f64 {
        let t = t.as_secs_f64();
        self.segment(t).map_or(0.0, |s| {
            let f = if s.secs.is_finite() && s.secs > 0.0 {
                (t - s.start) / s.secs
            } else {
                0.0
            };
            s.rate.0 + (s.rate.1 - s.rate.0) * f.clamp(0.0, 1.0)
        })
    }

    /// Closed loop: the workers active at `t`, and when that may change.
    #[must_use]
    pub fn workers_at(&self, t: Duration) -> Option<(u32, Duration)> {
        let ts = t.as_secs_f64();
        let s = self.segment(ts)?;
        Some((
            s.concurrency?,
            Duration::from_secs_f64(s.start + s.secs - ts),
        ))
    }

    /// Operations the profile plans in all (open loop, bounded).
    #[must_use]
    pub fn planned(&self) -> Option<u64> {
        self.planned
    }

    fn segment(&self, t: f64) -> Option<&Segment> {
        self.stages
            .iter()
            .find(|s| t >= s.start && t < s.start + s.secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(stages: &[(f64, f64, f64)]) -> Schedule {
        Schedule::from_stages(
            &stages
                .iter()
                .map(|&(secs, a, b)| (secs, (a, b), None))
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn a_constant_rate_is_evenly_spaced() {
        let s = open(&[(10.0, 100.0, 100.0)]);
        assert_eq!(s.due(0), Some(Duration::ZERO));
        assert_eq!(s.due(250), Some(Duration::from_millis(2500)));
        assert_eq!(s.planned(), Some(1000));
        assert_eq!(s.due(1000), None, "past the profile");
    }

    #[test]
    fn a_ramp_sends_what_its_rate_integrates_to() {
        // 0 → 200/s over 10 s: 1,000 operations, the 250th when a·t + c·t²/2 = 250, t = 5 s.
        let s = open(&[(10.0, 0.0, 200.0)]);
        assert_eq!(s.planned(), Some(1000));
        let t = s.due(250).unwrap().as_secs_f64();
        assert!((t - 5.0).abs() < 1e-9, "{t}");
        // Due times increase, and the gaps shrink as the rate grows.
        let gap = |i: u64| s.due(i + 1).unwrap().as_secs_f64() - s.due(i).unwrap().as_secs_f64();
        assert!(gap(100) > gap(900));
        assert!((s.rate_at(Duration::from_secs(5)) - 100.0).abs() < 1e-9);
    }

    #[test]
    fn a_spike_between_two_plateaus() {
        // 7,000/s for 10 s, 15,000/s for 1 s, 7,000/s for 9 s.
        let s = open(&[
            (10.0, 7000.0, 7000.0),
            (1.0, 15000.0, 15000.0),
            (9.0, 7000.0, 7000.0),
        ]);
        assert_eq!(s.planned(), Some(70_000 + 15_000 + 63_000));
        let t = s.due(70_000 + 7_500).unwrap().as_secs_f64();
        assert!((t - 10.5).abs() < 1e-9, "{t}");
        assert!((s.rate_at(Duration::from_millis(10_500)) - 15000.0).abs() < 1e-9);
    }

    #[test]
    fn closed_stages_say_how_many_workers_run() {
        let s = Schedule::from_stages(&[(5.0, (0.0, 0.0), Some(1)), (5.0, (0.0, 0.0), Some(4))]);
        assert_eq!(
            s.workers_at(Duration::from_secs(1)),
            Some((1, Duration::from_secs(4)))
        );
        assert_eq!(s.workers_at(Duration::from_secs(7)).map(|w| w.0), Some(4));
        assert_eq!(s.workers_at(Duration::from_secs(11)), None);
    }
}
