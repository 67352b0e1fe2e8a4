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
//! * [`report`]: findings and the console text; [`regressions`]: findings kept and replayed;
//!   [`coverage`]: which constraints the requests reached.

pub mod breaks;
pub mod case;
pub mod coverage;
pub mod members;
pub mod regressions;
pub mod report;
pub mod run;
pub mod strategy;

pub use coverage::{Coverage, CoverageCounter};
pub use regressions::{
    default_path, keep_findings, regression_cases, Entry, RegressionError, Regressions,
};
pub use report::{render_console, ExploreReport, Finding, ReplayCommand, Stop};
pub use run::{run_exploration, ExploreEvent, ExploreOptions, DEFAULT_BUDGET};
