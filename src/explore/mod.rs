//! Exploration: proptest's search and shrinking against a live target.
//!
//! The pipeline is the suite's, with a search in front of it:
//!
//! ```text
//! spec ──> strategy (members, breaks) ──> case ──> target (session, gate) ──> check
//!                 ^                                                            │
//!                 └──────────── shrink (ValueTree) on a divergence ────────────┘
//! ```
//!
//! * [`strategy`]: per operation, a class of valid requests and one per invalid variant, each a
//!   proptest `Strategy` derived from the table (`members`, `breaks`), filtered so shrinking
//!   keeps the class;
//! * [`case`]: a drawn request as a case of the suite;
//! * [`run`]: the loop, with shrinking driven from async code, every step a real request;
//! * [`findings`]: what a search found; [`regressions`]: findings kept and replayed.
//!
//! What a search says (its console text, `--json`, the constraints its requests reached) is
//! `report`'s: the loop hands every request to its caller as an [`ExploreEvent`].

pub mod breaks;
pub mod case;
pub mod findings;
pub mod members;
pub mod regressions;
pub mod run;
pub mod strategy;

pub use findings::{ExploreReport, Finding, Stop};
pub use regressions::{
    default_path, keep_findings, regression_cases, Regression, RegressionError, Regressions,
};
pub use run::{run_exploration, ExploreEvent, ExploreOptions, DEFAULT_BUDGET};
