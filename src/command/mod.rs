//! The commands behind the CLI, as library functions: `main.rs` only parses flags into these
//! option structs. Each returns the process exit code (see `exit`); commands print, the rest of
//! the library returns what happened.

mod cleanup;
mod diff;
pub mod durations;
mod execute;
mod explore;
mod import_model;
mod ledger;
mod list;
mod not_ses;
mod options;
mod outputs;
mod prepare;
mod record;
mod report;
mod run;
mod sdk_check;
mod serve;

pub use cleanup::{cleanup, CleanupOptions};
pub use diff::diff;
pub use execute::{DEFAULT_SEQUENCES, DEFAULT_SEQUENCES_REAL_SES};
pub use explore::{explore, ExploreFlags};
pub use import_model::{import_model, ImportOptions};
pub use list::list;
pub use options::{RunOptions, ALLOW_VALUES};
pub use prepare::{check_ops, UsageError};
pub use record::record;
pub use report::report;
pub use run::run;
pub use sdk_check::sdk_check;
pub use serve::serve;
