//! Redaction in one place: what a run prints or writes (console, `--json`, JUnit, snapshots,
//! baselines, the ledger printouts) holds no credential, no signature and no account id. Every
//! answer is read through its target's [`Redactor`].
//!
//! * [`accounts`]: what an account id is, and where it stands in an ARN;
//! * [`decode`]: text as a reader decodes it (percent-encoding, JSON escapes);
//! * [`policy`]: the accounts a policy document names bare;
//! * [`secrets`]: the run's credentials and SigV4 signature material;
//! * [`redactor`]: the target's redactor, which learns ids and masks them, and scrubs secrets.

pub mod accounts;
pub mod decode;
pub mod policy;
pub mod redactor;
pub mod secrets;

pub use redactor::{mask_account_ids, Redactor, ACCOUNT_TOKEN};
pub use secrets::{Secrets, CREDENTIAL_TOKEN, SIGNATURE_TOKEN};

/// The former name of [`Redactor`], from when it masked account ids only.
pub type AccountMask = Redactor;
