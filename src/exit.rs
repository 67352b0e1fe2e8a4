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
