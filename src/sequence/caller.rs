//! What a sequence needs from the runner: a way to send one call (through the gate, paced and
//! retried like every case's call) and a ledger to note what it creates.

use std::future::Future;

use serde_json::Value;

use crate::case::{Call, Resource};
use crate::check::{DivergenceClass, Observation};
use crate::gate::Fate;

/// One call's answer, and whether it left at all.
#[derive(Debug, Clone)]
pub struct Called {
    /// The answer as read (a refusal, when the gate kept the call back).
    pub observation: Observation,
    /// How the call fared at the gate: never sent, unanswered, or answered.
    pub fate: Fate,
}

impl Called {
    /// Whether the call was sent.
    pub fn sent(&self) -> bool {
        self.fate != Fate::NotSent
    }
}

/// Sends a sequence's calls and keeps the ledger.
pub trait Caller: Sync {
    /// Send one call (placeholders unbound in `request`) and read the answer.
    fn call(&self, operation: &str, request: &Value) -> impl Future<Output = Called> + Send;

    /// Note, before it is created, a resource and the call that deletes it (the run's ledger on
    /// real SES, so that `cleanup` can remove it if the run is stopped).
    fn creating(&self, resource: &Resource, delete: &Call);

    /// The call that might have created a resource noted by [`Caller::creating`] made nothing:
    /// it never left (the budget or the gate refused it), or the target refused it with a 4xx.
    /// No delete is sent for it.
    fn not_made(&self, resource: &Resource, delete: &Call);

    /// Take in the answer to the delete of a resource noted by [`Caller::creating`]: the runner
    /// decides, by its one rule, whether the answer proves it gone, and notes that in the ledger.
    fn deleted(&self, resource: &Resource, delete: &Call, answer: &Observation);

    /// The answer to a call of `operation` as the runner records it, once the step has judged
    /// it (against real SES, only the run's entries of a listing: see `check::recorded`).
    fn recorded(&self, operation: &str, answer: &Observation) -> Observation;

    /// Whether the limit step may run: it makes 21 policies on the identity, which real SES is
    /// not asked to do (the user's identity may hold policies of its own, and each call is paced).
    fn may_fill_policies(&self) -> bool;

    /// Whether the identity step may create an email address identity: never on real SES, and
    /// only on targets whose profile lets the harness create identities.
    fn may_create_identities(&self) -> bool;

    /// The target profile's word on a departure inside a sequence: what the target is known to
    /// do, when its profile declares this departure.
    fn known_step(&self, operation: &str, class: DivergenceClass, expected: &str)
        -> Option<String>;
}
