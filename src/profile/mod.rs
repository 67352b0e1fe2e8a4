//! Target profiles (`specs/targets/<name>.json`): what a target does not implement, how the
//! harness gets an identity there, and what it is known to do differently (known divergences,
//! baseline mismatches, sequence divergences), in the classes of outcome (`classes.rs`) that
//! `check`'s verdicts use. `check` classifies a verdict against a profile.

pub mod classes;
pub mod load;

pub use classes::{DivergenceClass, KnownClass};
pub use load::*;
