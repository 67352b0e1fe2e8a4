//! Reports, all built from the runner's events: the console, a JSON result file, JUnit XML and
//! the conformance matrix.

pub mod console;
pub mod json;
pub mod junit;
pub mod matrix;
pub mod plan;
pub mod record;

pub use record::{Observed, Record};
