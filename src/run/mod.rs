//! The runner: drives cases through the pipeline against one target and emits events. It
//! orchestrates only: verdicts are built in `check`, every request is judged, counted and paced
//! at the target's gate, and reporters read the events.

pub mod call_plan;
pub mod config;
pub mod outcome;
pub mod pacing;
mod quota;
pub mod recording;
pub mod resources;
pub mod sequences;
pub mod session;
pub mod signals;
pub mod suite;

pub use call_plan::{CasePlan, PlannedCall, Planner, Role};
pub use config::RunConfig;
pub use outcome::{CaseResult, Event, Outcome, Totals};
pub use pacing::SendAllowance;
pub use resources::cleanup::{
    Backoff, Cleaned, Cleanup, CleanupError, CleanupStep, CleanupTarget, Tally,
};
pub use resources::{cleanup, fixtures, ledger};
pub use session::{Session, SessionError};
