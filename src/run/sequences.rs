//! Sequences inside a run: they send through the session, so every call passes the same gate
//! (prefix, budget, pacing) as a case's, throttling is retried the same way, and what they
//! create goes to the run's ledger.

use serde_json::Value;

use super::ledger::{gone, Deleter, ResourceEvent};
use super::session::{Session, SessionError};
use crate::case::{Call, RequestPath, Resource};
use crate::check::{DivergenceClass, Observation};
use crate::sequence::verify::inconclusive;
use crate::sequence::{
    run_sequence, sequence_id, sequence_seed, Called, Caller, SequenceConfig, SequenceResult,
};

impl Caller for Session {
    async fn call(&self, operation: &str, request: &Value) -> Called {
        let (exchange, observation) =
            Session::call(self, operation, request, RequestPath::Sdk, None).await;
        Called {
            observation,
            fate: exchange.fate(),
        }
    }

    fn creating(&self, resource: &Resource, delete: &Call) {
        self.note_resource(resource, delete, ResourceEvent::Creating);
    }

    fn not_made(&self, resource: &Resource, delete: &Call) {
        // The create made nothing: it closes its own `creating` line, never another's.
        self.note_resource(resource, delete, ResourceEvent::NotCreated);
    }

    fn deleted(&self, resource: &Resource, delete: &Call, answer: &Observation) {
        let proven = gone(
            self.spec(),
            &delete.operation,
            &delete.request,
            answer,
            Deleter::Run,
        ) && inconclusive(answer).is_none();
        if proven {
            self.note_resource(resource, delete, ResourceEvent::Removed);
        } else {
            // Still pending in the ledger: the run's summary says so, and `cleanup` removes it.
            self.note_left();
        }
    }

    fn recorded(&self, operation: &str, answer: &Observation) -> Observation {
        self.recorded_answer(operation, answer).0
    }

    fn may_fill_policies(&self) -> bool {
        !self.target().real_aws
    }

    fn may_create_identities(&self) -> bool {
        let target = self.target();
        !target.real_aws && target.profile.identity == crate::profile::IdentityMode::Create
    }

    fn known_step(
        &self,
        operation: &str,
        class: DivergenceClass,
        expected: &str,
    ) -> Option<String> {
        let profile = &self.target().profile;
        profile
            .known_step(operation, class, expected)
            .map(|k| k.what.clone())
    }
}

/// Which sequences a run runs: `count` of them, or only the one named.
#[derive(Debug, Clone, Default)]
pub struct SequencePlan {
    /// How many (`sequence::0` .. `sequence::<count-1>`).
    pub count: usize,
    /// Only this one (`sequence::<n>`), to reproduce it.
    pub only: Option<String>,
    /// The run's seed.
    pub seed: u64,
    /// Drawing and shrinking.
    pub config: SequenceConfig,
}

impl SequencePlan {
    /// The ids to run.
    pub fn ids(&self) -> Vec<String> {
        match &self.only {
            Some(id) => vec![id.clone()],
            None => (0..self.count).map(sequence_id).collect(),
        }
    }
}

impl Session {
    /// Make sure the run's identity exists before sequences use it (cases do this themselves).
    /// Says why not, when it could not be made.
    pub async fn prepare_identity(&self) -> Result<(), SessionError> {
        self.ensure_identity().await.map(|_| ())
    }

    /// Note a resource in the run's ledger (no-op without a ledger): before it is created, or
    /// once it is proven gone. Sequences use this for what they create.
    pub fn note_resource(&self, resource: &Resource, delete: &Call, event: ResourceEvent) {
        let _ = self.record(resource, delete, event);
    }

    /// Run one sequence while no case runs (cases in flight hold the session's shared lock): the
    /// limit step counts the identity's policies, which a concurrent case would change. For
    /// harnesses that mix sequences with cases, such as the libtest suite.
    pub async fn run_sequence_alone(
        &self,
        id: &str,
        global_seed: u64,
        config: &SequenceConfig,
    ) -> SequenceResult {
        let seed = sequence_seed(id, global_seed);
        if let Err(detail) = self.prepare_identity().await {
            return SequenceResult::not_run(id, seed, &detail.to_string());
        }
        let _alone = self.exclusive.write().await;
        run_sequence(self.spec(), self, id, seed, config).await
    }

    /// Run the plan's sequences one after another (each reads listings and the identity, which
    /// other work would disturb), after making sure the run's identity exists.
    pub async fn run_sequences(
        &self,
        plan: &SequencePlan,
        mut on_result: impl FnMut(&SequenceResult),
    ) -> Vec<SequenceResult> {
        let mut results = Vec::new();
        if let Err(error) = self.prepare_identity().await {
            let detail = error.to_string();
            for id in plan.ids() {
                let result = SequenceResult::not_run(&id, sequence_seed(&id, plan.seed), &detail);
                on_result(&result);
                results.push(result);
            }
            return results;
        }
        for id in plan.ids() {
            let seed = sequence_seed(&id, plan.seed);
            let result = if self.is_interrupted() {
                SequenceResult::not_run(&id, seed, "the run was interrupted")
            } else {
                run_sequence(self.spec(), self, &id, seed, &plan.config).await
            };
            on_result(&result);
            results.push(result);
        }
        results
    }
}
