//! How an interleaved A/B run is planned: blocks, confirmation, reruns, and the seeded order.

use crate::util::Rng;

/// Which variant runs first in a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    BaseFirst,
    HeadFirst,
}

impl Order {
    /// The order of block `id` for `seed`: a fair coin, the same on every machine.
    #[must_use]
    pub fn of(seed: u64, id: u32) -> Self {
        if Rng::for_index(seed, 0xAB, u64::from(id)).below(2) == 0 {
            Order::BaseFirst
        } else {
            Order::HeadFirst
        }
    }

    /// `base,head` or `head,base`, as records store it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Order::BaseFirst => "base,head",
            Order::HeadFirst => "head,base",
        }
    }
}

/// The plan of an A/B run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plan {
    /// Blocks of the first stage (each: one repetition of base and one of head).
    pub blocks: u32,
    /// A suspected regression is confirmed with `blocks × (confirm − 1)` more blocks, judged
    /// on their own too; `1.0` (or less) turns confirmation off.
    pub confirm: f64,
    /// Blocks measured on a busy machine are run again, at most this many times in all.
    pub reruns: u32,
    pub seed: u64,
    /// When the first stage cannot settle a gating row (inconclusive) and the blocks that would
    /// settle it are at most `blocks × extend` in all, the missing blocks are run before
    /// judging; `1.0` (or less) turns extension off.
    pub extend: f64,
}

impl Plan {
    /// Blocks of the confirmation stage.
    #[must_use]
    pub fn confirmation_blocks(&self) -> u32 {
        if self.confirm <= 1.0 {
            return 0;
        }
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a small positive count"
        )]
        let n = (f64::from(self.blocks) * (self.confirm - 1.0)).ceil() as u32;
        n.max(2)
    }

    /// The blocks to add to an inconclusive first stage whose rows would need about `needed`
    /// blocks in all: at least two, at most the cap, and none when the need is beyond twice
    /// the cap (an estimate from a few blocks is rough, but not that rough).
    #[must_use]
    pub fn extension_for(&self, needed: u32) -> u32 {
        let more = needed.saturating_sub(self.blocks).max(2);
        let cap = self.extension_cap();
        if cap > 0 && more <= 2 * cap {
            more.min(cap)
        } else {
            0
        }
    }

    /// The most blocks an inconclusive first stage may be extended by.
    #[must_use]
    pub fn extension_cap(&self) -> u32 {
        if self.extend <= 1.0 {
            return 0;
        }
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a small positive count"
        )]
        let n = (f64::from(self.blocks) * (self.extend - 1.0)).floor() as u32;
        n
    }
}

/// Parses `--confirm`: `off`, or a factor of the first stage's blocks such as `2x`.
///
/// # Errors
/// A message naming the accepted forms.
pub fn parse_confirm(s: &str) -> Result<f64, String> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("off") {
        return Ok(1.0);
    }
    t.strip_suffix(['x', 'X'])
        .and_then(|n| n.trim().parse::<f64>().ok())
        .filter(|f| f.is_finite() && (1.0..=10.0).contains(f))
        .ok_or_else(|| {
            format!("`{s}` is not a confirmation factor; write `off` or e.g. `2x` (1x to 10x)")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_are_seeded_and_mixed() {
        let a: Vec<Order> = (1..=40).map(|i| Order::of(7, i)).collect();
        let b: Vec<Order> = (1..=40).map(|i| Order::of(7, i)).collect();
        assert_eq!(a, b, "the same seed, the same order");
        let first = a.iter().filter(|o| **o == Order::BaseFirst).count();
        assert!(
            (10..=30).contains(&first),
            "both orders occur: {first} of 40"
        );
        let c: Vec<Order> = (1..=40).map(|i| Order::of(8, i)).collect();
        assert_ne!(a, c);
    }

    #[test]
    fn confirmation_is_a_factor_of_the_blocks() {
        assert_eq!(parse_confirm("2x"), Ok(2.0));
        assert_eq!(parse_confirm("off"), Ok(1.0));
        assert!(parse_confirm("2").is_err());
        let p = Plan {
            blocks: 6,
            confirm: 2.0,
            reruns: 3,
            seed: 1,
            extend: 1.0,
        };
        assert_eq!(p.confirmation_blocks(), 6);
        assert_eq!(Plan { confirm: 1.0, ..p }.confirmation_blocks(), 0);
        assert_eq!(Plan { confirm: 1.5, ..p }.confirmation_blocks(), 3);
        assert_eq!(p.extension_cap(), 0);
        assert_eq!(Plan { extend: 2.0, ..p }.extension_cap(), 6);
        assert_eq!(Plan { extend: 1.5, ..p }.extension_cap(), 3);
        let e = Plan { extend: 2.0, ..p };
        assert_eq!(e.extension_for(7), 2, "at least two");
        assert_eq!(e.extension_for(10), 4);
        assert_eq!(e.extension_for(15), 6, "at most the cap");
        assert_eq!(e.extension_for(19), 0, "beyond twice the cap");
        assert_eq!(p.extension_for(8), 0, "off");
    }
}
