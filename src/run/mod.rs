//! The runner: drives cases through the pipeline against one target and emits events. It
//! orchestrates only: verdicts are built in `check`, every request is judged, counted and paced
//! at the target's gate, and reporters read the events.

pub mod config;
pub mod outcome;
pub mod pacing;
pub mod plan;
pub mod recording;
pub mod resources;
pub mod sequences;
pub mod session;
pub mod signals;
pub mod suite;

pub use config::RunConfig;
pub use outcome::{CaseResult, Event, Outcome, Totals};
pub use pacing::SendAllowance;
pub use plan::{CasePlan, PlannedCall, Planner, Role};
pub use resources::cleanup::{Backoff, Cleaned, Cleanup, CleanupError, CleanupTarget, Step, Tally};
pub use resources::{cleanup, fixtures, ledger};
pub use session::{Session, SessionError};
