//! The exit code: the one owner of the mapping from what a command found to 0, 1, 2 or 3
//! (the contract in `docs/exit-codes.md`).

/// The process exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: nothing regressed (and, for a run, every scenario was judged or is reported as not
    /// judged).
    Success = 0,
    /// 1: an internal regression (or a missed objective).
    InternalRegression = 1,
    /// 2: a competitive regression.
    CompetitiveRegression = 2,
    /// 3: a fatal error, bad input, or a scenario that failed.
    Failure = 3,
}

/// What a command found, accumulated as it goes; [`Outcome::status`] is the exit code.
///
/// Precedence: a failure (3) beats an internal regression (1), which beats a competitive
/// regression (2): a broken run must never look like a mere regression, and a regression of
/// our own system matters more than a change in the standings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    failed: bool,
    internal: bool,
    competitive: bool,
}

impl Outcome {
    /// Something failed: a scenario that could not run, an unreadable input, a history or
    /// publishing error, an interrupted run.
    pub fn fail(&mut self) {
        self.failed = true;
    }

    /// An internal regression or a missed objective.
    pub fn internal_regression(&mut self) {
        self.internal = true;
    }

    /// A competitive regression.
    pub fn competitive_regression(&mut self) {
        self.competitive = true;
    }

    /// What one comparison concluded.
    pub fn verdict(&mut self, v: crate::verdict::Verdict) {
        use crate::verdict::Verdict;
        match v {
            // An accepted regression was intended: reported, not failing.
            Verdict::Ok | Verdict::Accepted | Verdict::NotJudged => {}
            Verdict::InternalRegression => self.internal_regression(),
            Verdict::CompetitiveRegression => self.competitive_regression(),
            Verdict::Failed => self.fail(),
        }
    }

    /// The outcome of a set of comparisons.
    #[must_use]
    pub fn of(comparisons: &[crate::verdict::Comparison]) -> Self {
        let mut o = Self::default();
        for c in comparisons {
            o.verdict(c.verdict);
        }
        o
    }

    /// Whether anything failed.
    #[must_use]
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// The exit status.
    #[must_use]
    pub fn status(&self) -> ExitStatus {
        if self.failed {
            ExitStatus::Failure
        } else if self.internal {
            ExitStatus::InternalRegression
        } else if self.competitive {
            ExitStatus::CompetitiveRegression
        } else {
            ExitStatus::Success
        }
    }
}

/// The exit status of a command line clap refused: help and version are successes, every
/// usage error is bad input (3), never clap's own 2, which means a competitive regression here.
#[must_use]
pub fn for_usage(e: &clap::Error) -> ExitStatus {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => ExitStatus::Success,
        _ => ExitStatus::Failure,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_beats_internal_beats_competitive() {
        let mut o = Outcome::default();
        assert_eq!(o.status(), ExitStatus::Success);
        o.competitive_regression();
        assert_eq!(o.status(), ExitStatus::CompetitiveRegression);
        o.internal_regression();
        assert_eq!(o.status(), ExitStatus::InternalRegression);
        o.fail();
        assert_eq!(o.status(), ExitStatus::Failure);
        let mut only_internal = Outcome::default();
        only_internal.internal_regression();
        assert_eq!(only_internal.status() as u8, 1);
        let mut failed_then_nothing = Outcome::default();
        failed_then_nothing.fail();
        assert_eq!(failed_then_nothing.status() as u8, 3);
    }

    #[test]
    fn usage_errors_are_bad_input_help_is_not() {
        use clap::Parser as _;
        let parse = |args: &[&str]| crate::cli::Cli::try_parse_from(args).map(|_| ());
        let e = parse(&["benchbot", "run", "--no-such-flag"]).unwrap_err();
        assert_eq!(for_usage(&e), ExitStatus::Failure);
        let e = parse(&["benchbot", "frobnicate"]).unwrap_err();
        assert_eq!(for_usage(&e), ExitStatus::Failure);
        let e = parse(&["benchbot", "--help"]).unwrap_err();
        assert_eq!(for_usage(&e), ExitStatus::Success);
        let e = parse(&["benchbot", "--version"]).unwrap_err();
        assert_eq!(for_usage(&e), ExitStatus::Success);
    }
}
