//! The ledger: every resource the harness is about to create is written here first (and synced
//! to disk), proven when the answer shows it exists (identities), and marked when removed. After
//! a crash, `ses-conformance cleanup` removes whatever is still pending, and only what `admit`
//! shows the run named, at the endpoint the user chose.
//!
//! * [`file`]: the line format, appending durably;
//! * [`read`]: reading back (torn lines tolerated), and what is still pending;
//! * [`admit`]: what cleanup may delete, taking nothing in the ledger on trust, and the proof of
//!   who made a run ([`Proof`]: the installation key, or what the user vouches for);
//! * [`run_names`]: the names a run gives what it creates, and the checks that recognise them;
//! * [`gone`]: the one rule for marking a resource removed;
//! * [`state_dir`]: where ledgers live by default, and which are unfinished.

pub mod admit;
pub mod file;
pub mod gone;
pub mod read;
pub mod refusal;
pub mod run_names;
pub mod state_dir;

pub use admit::{admit, Admitted, Proof, Refusal, Refused};
pub use file::{
    Ledger, LedgerEntry, LedgerError, Line, ResourceEvent, UnknownEvent, IDENTITY_KIND,
};
pub use gone::{gone, Deleter};
pub use read::{
    parse, pending, read, LineProblem, LineWarning, Numbered, Pending, ReadLedger, Recorded,
};
pub use run_names::{
    is_run_id, is_run_simulator_address, names_run_resource, run_prefix, starts_with_run_prefix,
};
pub use state_dir::{default_ledger_path, ledger_dir, unfinished_ledgers};
