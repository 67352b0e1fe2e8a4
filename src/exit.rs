//! Process exit codes, documented in the README.

/// Every case conformed (or, for `list` and `report`, the command did its job).
pub const OK: i32 = 0;
/// At least one case diverged from the contract, or a known divergence stopped happening.
pub const DIVERGED: i32 = 1;
/// Bad usage, or a spec or profile file that does not load.
pub const USAGE_OR_SPEC: i32 = 2;
/// The target could not be reached.
pub const UNREACHABLE: i32 = 3;
/// A run was interrupted (Ctrl-C); what it created was cleaned up.
pub const INTERRUPTED: i32 = 130;
