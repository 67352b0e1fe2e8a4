//! The gate every request passes before it leaves: rules, budgets and pacing in one place.

pub mod budget;
pub mod checkpoint;
pub mod footprint;
pub mod pace;
pub mod read;
pub mod recipients;
pub mod refusal;
pub mod rules;

pub use checkpoint::{Fate, Gate, LastCheckFn, Limits, Outgoing, Scheduled, Ticket};
pub use footprint::{Footprint, ResourceKey};
pub use pace::{PaceSettings, Pacer, Wait};
pub use refusal::Refusal;
pub use rules::{Judged, Policy};
