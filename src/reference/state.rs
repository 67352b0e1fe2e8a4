//! What the reference remembers: every family's resources in the generic store, the account,
//! and the counters its ids come from. Operations are answered in `operations`: plain CRUD from
//! the spec (`crud.rs`), the rest by named behaviours; requests reach them only after the
//! validator found nothing wrong with them.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::error::ApiError;
use super::faults::Faults;
use super::sandbox::Sandbox;
use super::store::Store;
use crate::case::stable_hash;
use crate::spec::Spec;

pub(super) type Reply = Result<Value, ApiError>;

/// Everything the reference remembers.
#[derive(Debug)]
pub struct State {
    /// The table it answers by.
    pub(super) spec: Arc<Spec>,
    /// Every family's resources.
    pub(super) store: Store,
    pub(super) account_details: Value,
    pub(super) sent: u64,
    pub(super) next_id: u64,
    pub(super) clock: f64,
    pub(super) faults: Faults,
    /// In the real-SES sandbox mode: the quota, and what was spent and done.
    pub sandbox: Option<Sandbox>,
}

/// The string member `name` of a request, empty when absent.
pub(super) fn text<'r>(request: &'r Map<String, Value>, name: &str) -> &'r str {
    request
        .get(name)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

impl State {
    /// A fresh state: no resources, an account with production access requested.
    pub fn new(spec: Arc<Spec>, faults: Faults) -> State {
        Self::with_sandbox(spec, faults, false)
    }

    /// A fresh state, in the real-SES sandbox mode when `sandbox`.
    pub fn with_sandbox(spec: Arc<Spec>, faults: Faults, sandbox: bool) -> State {
        State {
            spec,
            store: Store::default(),
            account_details: json!({
                "MailType": "TRANSACTIONAL",
                "WebsiteURL": "https://example.com",
                "ContactLanguage": "EN",
                "UseCaseDescription": "ses-conformance reference account",
                "AdditionalContactEmailAddresses": [],
                "ReviewDetails": {"Status": "GRANTED", "CaseId": "reference-case"}
            }),
            sent: 0,
            next_id: 0,
            clock: 1_700_000_000.0,
            faults,
            sandbox: sandbox.then(Sandbox::default),
        }
    }

    /// The reference's clock, one second further.
    pub(super) fn tick(&mut self) -> f64 {
        self.clock += 1.0;
        self.clock
    }

    /// A new id in the shape SES gives MessageIds (`0100...-uuid-000000`).
    pub(super) fn message_id(&mut self) -> String {
        self.next_id += 1;
        let h = stable_hash(&format!("message-{}", self.next_id));
        format!(
            "010001{:010x}-{:08x}-{:04x}-{:04x}-{:04x}-{:012x}-000000",
            h >> 24,
            (h >> 32) as u32,
            (h >> 16) as u16,
            h as u16,
            (h >> 48) as u16,
            h & 0xffff_ffff_ffff
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_look_like_ses_ones() {
        let spec = Arc::new(Spec::load_default().unwrap_or_else(|e| panic!("{e}")));
        let mut s = State::new(spec, Faults::default());
        let id = s.message_id();
        assert!(id.starts_with("010001") && id.ends_with("-000000"), "{id}");
        assert_ne!(id, s.message_id());
    }
}
