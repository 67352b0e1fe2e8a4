//! Baselines: the normalised answers of one target (real SES in practice), recorded once per
//! case as plain JSON files a person can review in a pull request, then used to judge emulators
//! (`diff`) and to replay real answers through the SDK (`sdk-check`).
//!
//! Layout: `<dir>/baseline.json` (what, where, with which settings) and
//! `<dir>/cases/<case id with :: as __>.json`, one per case.

pub mod compare;
pub mod files;
pub mod into;

pub use compare::BaselineMatch;
pub use files::{
    case_file, entry, older_than, read_entries, read_entry, read_meta, rfc3339, write_entry,
    write_meta, BaselineError, Meta, RecordedCase, META_FILE,
};
pub use into::{may_record_into, RecordIntoError};
