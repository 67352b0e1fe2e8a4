//! Checks: read each answer the way the protocol says, and judge it against the case.

pub mod known;
pub mod mask;
pub mod observe;
pub mod semantic;
pub mod shape;
pub mod verdict;

pub use known::{classify, Known};
pub use mask::{mask_account_ids, AccountMask};
pub use observe::{observe, Observation};
pub use verdict::{judge, DivergenceClass, Verdict, VerdictName};
