//! The decision for one row: regression, warning, improvement, unchanged, or inconclusive when
//! the interval can neither confirm nor exclude a change of the threshold's size.

use super::estimate::Effect;
use super::types::Status;
use crate::scenario::Metric;

/// What a row is judged against.
#[derive(Clone, Copy, Debug)]
pub(super) struct Rule {
    /// A confirmed worsening beyond this fails (relative, or points for shares).
    pub fail: f64,
    /// A significant worsening beyond this warns.
    pub warn: f64,
    /// Absolute changes within this are noise whatever the statistics say (the metric's unit).
    pub floor: f64,
    pub alpha: f64,
}

/// The status of a row whose change is `c` (with `delta`, the change in the metric's unit) and
/// whose p-value after the family-wise correction is `p_adjusted`.
pub(super) fn decide(
    metric: Metric,
    c: &Effect,
    delta: f64,
    p_adjusted: f64,
    rule: &Rule,
) -> Status {
    let sign = if metric.higher_is_better() { -1.0 } else { 1.0 };
    let worse = sign * c.change;
    let worse_high = (sign * c.ci.0).max(sign * c.ci.1);
    let significant = p_adjusted <= rule.alpha;
    if delta.abs() <= rule.floor {
        Status::Unchanged
    } else if significant && worse > rule.fail {
        Status::Regression
    } else if significant && worse > rule.warn {
        Status::Warning
    } else if significant && -worse > rule.warn {
        Status::Improvement
    } else if worse_high > rule.fail {
        Status::Inconclusive
    } else {
        Status::Unchanged
    }
}

/// Estimates of the values needed stop here: beyond it, "more than 1000" is the honest answer.
pub const NEEDED_CAP: u32 = 1001;

/// `~n`, or `>1000` at the cap.
#[must_use]
pub fn needed_text(n: u32) -> String {
    if n >= NEEDED_CAP {
        format!(">{}", NEEDED_CAP - 1)
    } else {
        format!("~{n}")
    }
}

/// For an inconclusive row: about how many values per side (blocks, runs or samples) would
/// narrow the interval enough to settle it, from the current interval's half-width.
pub(super) fn needed(metric: Metric, c: &Effect, rule: &Rule) -> Option<u32> {
    let sign = if metric.higher_is_better() { -1.0 } else { 1.0 };
    let worse = sign * c.change;
    let half = (c.ci.1 - c.ci.0).abs() / 2.0;
    // Below the threshold: exclude it. At or above: tell the change from zero.
    let target = if worse < rule.fail {
        rule.fail - worse
    } else {
        worse
    };
    if !(half.is_finite() && target > 0.0) {
        return None;
    }
    let n = c.est.n.max(2);
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "bounded to 1..=100000 first"
    )]
    let need = ((n as f64) * (half / target).powi(2))
        .ceil()
        .clamp(n as f64 + 1.0, f64::from(NEEDED_CAP)) as u32;
    Some(need)
}
