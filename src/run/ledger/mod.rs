//! The ledger: every resource the harness is about to create is written here first (and synced
//! to disk), proven when the answer shows it exists (identities), and marked when removed. After
//! a crash, `ses-conformance cleanup` removes whatever is still pending, and only what `admit`
//! shows the run named, at the endpoint the user chose.
//!
//! * [`file`]: the line format, appending durably, reading back (torn lines tolerated);
//! * [`admit`]: what cleanup may delete, taking nothing in the ledger on trust;
//! * [`gone`]: the one rule for marking a resource removed;
//! * [`state_dir`]: where ledgers live by default, and which are unfinished.

pub mod admit;
pub mod file;
pub mod gone;
pub mod state_dir;

pub use admit::{
    admit, is_run_id, is_run_simulator_address, names_run_resource, run_prefix,
    starts_with_run_prefix, Admitted, Refusal, Refused,
};
pub use file::{
    parse, pending, read, Entry, Ledger, LedgerError, Line, LineProblem, LineWarning, Numbered,
    Pending, ReadLedger, Recorded, ResourceEvent, UnknownEvent, IDENTITY_KIND,
};
pub use gone::gone;
pub use state_dir::{default_ledger_path, ledger_dir, unfinished_ledgers};
