//! Validated value types used by the scenario format: names, durations, percentages.
//!
//! Each one deserializes from a string and validates on the way in, so a bad value is
//! reported by the TOML parser at the exact line and column of the value.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

/// A name that is safe as a path component and inside Markdown: `[A-Za-z0-9][A-Za-z0-9._-]{0,63}`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Name(String);

impl Name {
    /// Validates `s` as a name.
    ///
    /// # Errors
    /// A message describing which rule the text breaks.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut chars = s.chars();
        let Some(first) = chars.next() else {
            return Err("a name cannot be empty".into());
        };
        if s.len() > 64 {
            return Err(format!(
                "name `{}…` is longer than 64 characters",
                super::text::prefix(s, 32)
            ));
        }
        if !first.is_ascii_alphanumeric() {
            return Err(format!("name `{s}` must start with a letter or digit"));
        }
        if let Some(bad) =
            chars.find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        {
            return Err(format!(
                "name `{s}` contains `{bad}`; use letters, digits, `.`, `_` and `-` only"
            ));
        }
        if s.contains("..") {
            return Err(format!("name `{s}` must not contain `..`"));
        }
        Ok(Self(s.to_owned()))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Name {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<Name> for String {
    fn from(n: Name) -> String {
        n.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl JsonSchema for Name {
    fn schema_name() -> Cow<'static, str> {
        "Name".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
            "description": "letters, digits, `.`, `_`, `-`; starts with a letter or digit; at most 64 characters"
        })
    }
}

/// A duration written with a unit: `250us`, `20ms`, `1.5s`, `2m`, `1h`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Dur(pub Duration);

impl Dur {
    /// Parses a number followed by one of `ns`, `us`, `µs`, `ms`, `s`, `m`, `h`.
    ///
    /// # Errors
    /// A message naming what is wrong with the text.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| {
                format!("duration `{s}` has no unit; write e.g. `500ms`, `2s` or `1m`")
            })?;
        let (num, unit) = t.split_at(split);
        let value: f64 = num
            .parse()
            .map_err(|_| format!("duration `{s}` does not start with a number"))?;
        let nanos_per = match unit.trim() {
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" | "min" => 60e9,
            "h" => 3600e9,
            other => {
                return Err(format!(
                    "duration `{s}` has unknown unit `{other}`; use ns, us, ms, s, m or h"
                ))
            }
        };
        let nanos = value * nanos_per;
        if !nanos.is_finite() || nanos > 1e18 {
            return Err(format!("duration `{s}` is out of range"));
        }
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "checked finite, non-negative and below 1e18"
        )]
        Ok(Self(Duration::from_nanos(nanos.round() as u64)))
    }

    #[must_use]
    pub fn get(self) -> Duration {
        self.0
    }
}

impl TryFrom<String> for Dur {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<Dur> for String {
    fn from(d: Dur) -> String {
        format_duration(d.0)
    }
}

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_duration(self.0))
    }
}

impl JsonSchema for Dur {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[0-9.]+ ?(ns|us|µs|ms|s|m|min|h)$",
            "description": "a number with a unit, e.g. `500ms`, `2s`, `1m`"
        })
    }
}

/// Shortest exact rendering of a duration with the largest unit that keeps it readable.
#[must_use]
pub fn format_duration(d: Duration) -> String {
    let n = d.as_nanos();
    let units: [(u128, &str); 5] = [
        (3_600_000_000_000, "h"),
        (60_000_000_000, "m"),
        (1_000_000_000, "s"),
        (1_000_000, "ms"),
        (1_000, "us"),
    ];
    for (per, unit) in units {
        if n >= per && n % per == 0 {
            return format!("{}{unit}", n / per);
        }
    }
    for (per, unit) in [(1_000_000_000u128, "s"), (1_000_000, "ms"), (1_000, "us")] {
        if n >= per {
            #[expect(clippy::cast_precision_loss, reason = "display only")]
            return format!("{}{unit}", n as f64 / per as f64);
        }
    }
    format!("{n}ns")
}

/// A percentage written as `"5%"` (or a fraction written as a float, `0.05`).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize)]
#[serde(into = "String")]
pub struct Percent(pub f64);

impl Percent {
    /// The fraction this percentage stands for (5% → 0.05).
    #[must_use]
    pub fn fraction(self) -> f64 {
        self.0
    }

    fn checked(f: f64) -> Result<Self, String> {
        if !(0.0..=10.0).contains(&f) {
            return Err(format!("percentage {}% is outside 0%..1000%", f * 100.0));
        }
        Ok(Self(f))
    }

    /// A bare number is a fraction (0.05 is 5%); one of 1 or more is refused with what it
    /// would mean, since `10` almost always means 10%, not 1000%.
    fn bare(f: f64) -> Result<Self, String> {
        if f >= 1.0 {
            return Err(format!(
                "the bare number {f} is a fraction and would mean {}%; write \"{f}%\" for {f} percent (or {} as a fraction)",
                f * 100.0,
                f / 100.0
            ));
        }
        Self::checked(f)
    }

    /// Parses `"5%"`.
    ///
    /// # Errors
    /// A message when the text is not a number followed by `%` within 0%..1000%.
    pub fn parse(s: &str) -> Result<Self, String> {
        let num = s
            .trim()
            .strip_suffix('%')
            .ok_or_else(|| format!("percentage `{s}` must end with `%`, e.g. `5%`"))?;
        let value = num
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("percentage `{s}` is not a number followed by `%`"))?;
        Self::checked(value / 100.0)
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Percent;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a percentage such as \"5%\" or a fraction such as 0.05")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Percent, E> {
                Percent::parse(s).map_err(E::custom)
            }
            fn visit_f64<E: serde::de::Error>(self, f: f64) -> Result<Percent, E> {
                Percent::bare(f).map_err(E::custom)
            }
            #[expect(clippy::cast_precision_loss, reason = "percentages are small")]
            fn visit_i64<E: serde::de::Error>(self, i: i64) -> Result<Percent, E> {
                Percent::bare(i as f64).map_err(E::custom)
            }
            #[expect(clippy::cast_precision_loss, reason = "percentages are small")]
            fn visit_u64<E: serde::de::Error>(self, i: u64) -> Result<Percent, E> {
                Percent::bare(i as f64).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

impl From<Percent> for String {
    fn from(p: Percent) -> String {
        format!("{}%", (p.0 * 1e6).round() / 1e4)
    }
}

impl JsonSchema for Percent {
    fn schema_name() -> Cow<'static, str> {
        "Percent".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                {"type": "string", "pattern": "^ *[0-9.]+ *%$"},
                {"type": "number", "minimum": 0, "maximum": 10}
            ],
            "description": "a percentage such as `\"5%\"`, or a fraction such as `0.05`"
        })
    }
}

/// A size in bytes written with a unit: `512MiB`, `2GiB`, `1.5GB`, `4096`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Bytes(pub u64);

impl Bytes {
    /// # Errors
    /// A message when the text is not a number with a size unit.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let value: f64 = num
            .parse()
            .map_err(|_| format!("size `{s}` does not start with a number"))?;
        let mult: f64 = match unit.trim() {
            "" | "B" => 1.0,
            "KiB" => 1024.0,
            "MiB" => 1024.0 * 1024.0,
            "GiB" => 1024.0 * 1024.0 * 1024.0,
            "TiB" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
            "kB" | "KB" => 1e3,
            "MB" => 1e6,
            "GB" => 1e9,
            "TB" => 1e12,
            other => return Err(format!("size `{s}` has unknown unit `{other}`; use B, KiB, MiB, GiB, TiB, kB, MB, GB or TB")),
        };
        let bytes = value * mult;
        if !bytes.is_finite() || bytes > 1e18 {
            return Err(format!("size `{s}` is out of range"));
        }
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "checked finite, non-negative and below 1e18"
        )]
        Ok(Self(bytes.round() as u64))
    }
}

impl TryFrom<String> for Bytes {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<Bytes> for String {
    fn from(b: Bytes) -> String {
        b.0.to_string()
    }
}

impl JsonSchema for Bytes {
    fn schema_name() -> Cow<'static, str> {
        "Bytes".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[0-9.]+ ?(B|KiB|MiB|GiB|TiB|kB|KB|MB|GB|TB)?$",
            "description": "a size such as `512MiB` or `2GiB`"
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(Bytes::parse("2GiB").unwrap().0, 2 << 30);
        assert_eq!(Bytes::parse("1.5GB").unwrap().0, 1_500_000_000);
        assert!(Bytes::parse("3 parsecs")
            .unwrap_err()
            .contains("unknown unit"));
    }

    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(
            Dur::parse("250us").unwrap().get(),
            Duration::from_micros(250)
        );
        assert_eq!(
            Dur::parse("1.5s").unwrap().get(),
            Duration::from_millis(1500)
        );
        assert_eq!(Dur::parse("2m").unwrap().get(), Duration::from_secs(120));
        assert!(Dur::parse("10").unwrap_err().contains("no unit"));
        assert!(Dur::parse("10 fortnights")
            .unwrap_err()
            .contains("unknown unit"));
        assert_eq!(format_duration(Duration::from_millis(1500)), "1500ms");
        assert_eq!(format_duration(Duration::from_secs(120)), "2m");
    }

    #[test]
    fn names_are_path_safe() {
        assert!(Name::parse("http-demo_1.v2").is_ok());
        assert!(Name::parse("../etc").is_err());
        assert!(Name::parse("a/b").is_err());
        assert!(Name::parse("").is_err());
        assert!(Name::parse(&"x".repeat(65)).is_err());
        assert!(Name::parse("-flag").is_err());
    }

    #[test]
    fn percents_accept_both_spellings() {
        let p: Percent = serde_json::from_str("\"5%\"").unwrap();
        assert!((p.fraction() - 0.05).abs() < 1e-12);
        let p: Percent = serde_json::from_str("0.1").unwrap();
        assert!((p.fraction() - 0.1).abs() < 1e-12);
        assert!(serde_json::from_str::<Percent>("\"5\"").is_err());
    }
}
