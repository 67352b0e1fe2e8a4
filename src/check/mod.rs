//! Checks: read each answer the way the protocol says, and judge it against the case.

pub mod observe;
pub mod shape;
pub mod verdict;

pub use observe::{Observation, observe};
pub use verdict::{DivergenceClass, Verdict, judge};
