//! Checks: read each answer the way the protocol says, and judge it against the case.

pub mod known;
pub mod observe;
pub mod recorded;
pub mod semantic;
pub mod shape;
pub mod verdict;

pub use crate::redact::{mask_account_ids, AccountMask, Redactor};
pub use known::{classify, Known};
pub use observe::{observe, Observation};
pub use recorded::{only_the_runs, Withheld};
pub use verdict::{judge, DivergenceClass, Verdict, VerdictName};
