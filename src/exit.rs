//! Process exit codes, documented in the README.

/// Every case conformed (or, for `list` and `report`, the command did its job).
pub const OK: i32 = 0;
/// At least one case diverged from the contract, or a known divergence stopped happening.
pub const DIVERGED: i32 = 1;
/// Bad usage, or a spec, profile, baseline or ledger file that does not load.
pub const USAGE_OR_SPEC: i32 = 2;
/// The target could not be reached.
pub const UNREACHABLE: i32 = 3;
/// A file the run writes could not be written: `--json`, `--junit`, the ledger (mid-run, or when
/// `cleanup` marks what it removed), a baseline. Takes precedence over `DIVERGED`: the
/// record of the run is incomplete.
pub const IO_FAILURE: i32 = 4;
/// A run was interrupted (Ctrl-C); what it created was cleaned up.
pub const INTERRUPTED: i32 = 130;
/// Stdout's reader went away (`| head -1`) before a run, record, diff or explore ended: it was
/// stopped as on Ctrl-C (no new case; cases in flight finished and what it created was
/// removed). 128 + SIGPIPE, what a shell reports for a writer a closed pipe stopped.
pub const OUTPUT_CLOSED: i32 = 141;

/// How a run, record, diff or explore ended, in the terms its exit code is chosen by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ending {
    /// A stop signal, or stdout's reader going away, ended it early.
    pub interrupted: bool,
    /// Stdout's reader had gone away.
    pub stdout_closed: bool,
    /// A file it writes (the ledger, `--json`, `--junit`, the regressions file) was not written.
    pub write_failed: bool,
    /// A case diverged, or explore found something.
    pub diverged: bool,
    /// The run stopped itself: none of its first answers could come from SES.
    pub not_ses: bool,
}

/// The one precedence every command that sends requests uses: a stop first (stdout closed, the
/// run's own stop at a target that is not SES, then a signal: nothing after it is complete),
/// then a file that could not be written (the record of the run is incomplete), then a
/// divergence.
pub fn of(ending: Ending) -> i32 {
    if ending.interrupted && ending.stdout_closed {
        OUTPUT_CLOSED
    } else if ending.not_ses {
        UNREACHABLE
    } else if ending.interrupted {
        INTERRUPTED
    } else if ending.write_failed {
        IO_FAILURE
    } else if ending.diverged {
        DIVERGED
    } else {
        OK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_wins_then_a_failed_write_then_a_divergence() {
        let all = Ending {
            interrupted: true,
            stdout_closed: true,
            write_failed: true,
            diverged: true,
            not_ses: false,
        };
        assert_eq!(of(all), OUTPUT_CLOSED);
        assert_eq!(
            of(Ending {
                not_ses: true,
                ..all
            }),
            OUTPUT_CLOSED
        );
        // The run's own stop at a target that is not SES is a stop: it comes before a write.
        assert_eq!(
            of(Ending {
                stdout_closed: false,
                not_ses: true,
                ..all
            }),
            UNREACHABLE
        );
        assert_eq!(
            of(Ending {
                stdout_closed: false,
                ..all
            }),
            INTERRUPTED
        );
        assert_eq!(
            of(Ending {
                interrupted: false,
                ..all
            }),
            IO_FAILURE
        );
        let diverged = Ending {
            diverged: true,
            ..Ending::default()
        };
        assert_eq!(of(diverged), DIVERGED);
        assert_eq!(of(Ending::default()), OK);
        // A closed stdout that did not stop anything is no stop.
        let closed = Ending {
            stdout_closed: true,
            ..Ending::default()
        };
        assert_eq!(of(closed), OK);
    }
}
