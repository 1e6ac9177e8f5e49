//! Numbers for people: three significant figures, durations with their unit.

/// Nanoseconds as a human duration with 3 significant figures.
#[must_use]
pub fn format_ns(ns: f64) -> String {
    let a = ns.abs();
    let (v, unit) = if a >= 1e9 {
        (ns / 1e9, "s")
    } else if a >= 1e6 {
        (ns / 1e6, "ms")
    } else if a >= 1e3 {
        (ns / 1e3, "µs")
    } else {
        (ns, "ns")
    };
    format!("{}{unit}", sig3(v))
}

/// Three significant figures, without exponent.
#[must_use]
pub fn sig3(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "log10 of a finite f64 is small"
    )]
    let digits = (2 - v.abs().log10().floor() as i32).clamp(0, 6);
    format!("{v:.*}", usize::try_from(digits).unwrap_or(0))
}
