//! A session: one run against one target. It drives each case through the pipeline (plan,
//! fixtures, the call, the check, removals) and emits one event per finished case. It decides
//! nothing about verdicts (that is `check`), renders nothing (that is `report`), and sends
//! nothing except through the target, whose gate judges, counts and paces every request.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::{OnceCell, RwLock};

use super::call_plan::{CasePlan, Planner};
use super::ledger::{gone, Deleter, Ledger, LedgerEntry, LedgerError, Line, ResourceEvent};
use super::outcome::{CaseResult, Outcome, Totals};
use super::quota::Room;
use super::resources::made::{deleted_by, identity_calls, not_created};
use super::{config::RunConfig, fixtures::SharedFixtures};
use crate::case::{Call, Case, Fixture, RequestPath, Resource};
use crate::check::verdict::{
    fixture_failure, is_missing_route, is_throttled, is_unknown_operation,
};
use crate::check::{judge, observe, Observation, Verdict};
use crate::client::exchange::Exchange;
use crate::client::Target;
use crate::gate::Fate;
use crate::profile::IdentityMode;
use crate::spec::Spec;

/// Why the session could not do something every case relies on.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SessionError {
    /// The account's sending quota could not be read (real SES).
    #[error("reading the account's sending quota (GetAccount): {answer}")]
    Quota {
        /// What came back instead, in short.
        answer: String,
    },
    /// The run's identity could not be created.
    #[error("{answer}")]
    Identity {
        /// The CreateEmailIdentity answer, in short.
        answer: String,
    },
    /// A resource could not be recorded in the ledger before its create, so it was not made.
    #[error(transparent)]
    Ledger(Arc<LedgerError>),
}

/// A run against one target: the shared state every case needs.
pub struct Session {
    spec: Arc<Spec>,
    target: Arc<Target>,
    config: RunConfig,
    ledger: Option<Ledger>,
    pub(super) exclusive: RwLock<()>,
    identity: OnceCell<Result<bool, SessionError>>,
    /// Against real SES, per family with a per-account quota: why the run may make none.
    room: Room,
    shared: SharedFixtures,
    interrupted: AtomicBool,
    budget_spent: AtomicBool,
    fixtures_made: AtomicU64,
    removals: AtomicU64,
    retries: AtomicU64,
    left: AtomicU64,
    ledger_failures: std::sync::Mutex<Vec<Arc<LedgerError>>>,
}

impl Session {
    /// A session; with a ledger path, every resource is recorded before it is created.
    pub fn new(
        spec: Arc<Spec>,
        target: Arc<Target>,
        config: RunConfig,
        ledger_path: Option<&Path>,
    ) -> Result<Session, LedgerError> {
        let ledger = ledger_path.map(Ledger::open).transpose()?;
        Ok(Session {
            spec,
            target,
            config,
            ledger,
            exclusive: RwLock::new(()),
            identity: OnceCell::new(),
            room: Room::default(),
            shared: SharedFixtures::default(),
            interrupted: AtomicBool::new(false),
            budget_spent: AtomicBool::new(false),
            fixtures_made: AtomicU64::new(0),
            removals: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            left: AtomicU64::new(0),
            ledger_failures: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// The spec.
    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// The target.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The run's settings.
    pub fn config(&self) -> &RunConfig {
        &self.config
    }

    /// The ledger, if the run keeps one.
    pub fn ledger(&self) -> Option<&Ledger> {
        self.ledger.as_ref()
    }

    /// The ledger writes that failed so far, taken: a case whose resource could not be recorded
    /// was not run (its verdict says so), and a removal that could not be recorded is still
    /// pending in the ledger; either way the ledger no longer says what the run did.
    pub fn take_ledger_failures(&self) -> Vec<Arc<LedgerError>> {
        std::mem::take(&mut *self.ledger_failures_lock())
    }

    fn ledger_failures_lock(&self) -> std::sync::MutexGuard<'_, Vec<Arc<LedgerError>>> {
        self.ledger_failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Requests sent so far (counted at the gate: cases, fixtures, removals, retries).
    pub fn requests(&self) -> u64 {
        self.target.gate.requests_sent()
    }

    /// What the run has spent so far.
    pub fn totals(&self) -> Totals {
        Totals {
            by_operation: self.target.gate.requests().by_operation(),
            throttled: self.target.gate.throttled(),
            requests: self.requests(),
            fixtures: self.fixtures_made.load(Ordering::Relaxed),
            removals: self.removals.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            recipients: self.target.gate.sends().committed(),
            left: self.left.load(Ordering::Relaxed),
        }
    }

    /// Count a resource the run could not remove: its ledger entry stays pending for `cleanup`.
    pub(super) fn note_left(&self) {
        self.left.fetch_add(1, Ordering::Relaxed);
    }

    /// Stop starting new cases; cases in flight stop at their next wait (for a paced turn or a
    /// backoff) and clean up, and removals still go.
    pub fn interrupt(&self) {
        self.interrupted.store(true, Ordering::SeqCst);
        self.target.gate.pacer().interrupt();
    }

    /// Whether a case was skipped because the request budget (`--max-requests`) could not pay
    /// for it: what is left of the budget is too little to go on with.
    pub fn request_budget_spent(&self) -> bool {
        self.budget_spent.load(Ordering::SeqCst)
    }

    /// Whether the run was interrupted.
    pub fn is_interrupted(&self) -> bool {
        self.interrupted.load(Ordering::SeqCst)
    }

    /// The planner of this session's target.
    pub fn planner(&self) -> Planner<'_> {
        Planner {
            spec: &self.spec,
            profile: &self.target.profile,
            bindings: &self.target.bindings,
            gate: &self.target.gate,
        }
    }

    /// Run one case through the whole pipeline.
    pub async fn run_case(&self, case: Arc<Case>) -> CaseResult {
        let started = Instant::now();
        let outcome = self.outcome(&case).await;
        CaseResult {
            case,
            outcome,
            duration: started.elapsed(),
        }
    }

    async fn outcome(&self, case: &Case) -> Outcome {
        if self.is_interrupted() {
            return skipped("the run was interrupted");
        }
        let plan = self.planner().plan(case);
        if let Some(reason) = plan.skip {
            return Outcome::Skipped { reason };
        }
        let gate = &self.target.gate;
        let requests = plan.requests();
        if !gate.requests().reserve(requests) {
            self.budget_spent.store(true, Ordering::SeqCst);
            return skipped(&format!(
                "the request budget (--max-requests {}) cannot cover the {requests} requests this case needs",
                gate.requests().max().unwrap_or_default()
            ));
        }
        let deliveries = plan.deliveries();
        if let Err(refusal) = gate.sends().reserve(deliveries) {
            gate.requests().release(requests);
            return skipped(&format!("{refusal}; this case may mail {deliveries}"));
        }
        let outcome = self.run_planned(case, &plan).await;
        gate.sends().release(deliveries);
        gate.requests().release(requests);
        match outcome {
            // Cut short by the stop (a wait given up): not a verdict on the target.
            Outcome::Ran {
                verdict: Verdict::HarnessError { detail },
                ..
            } if self.is_interrupted() => skipped(&format!("the run was interrupted: {detail}")),
            outcome => outcome,
        }
    }

    async fn run_planned(&self, case: &Case, _plan: &CasePlan) -> Outcome {
        // Listings see every resource: a listing case runs while no other case runs, and without
        // the shared fixtures of what it lists. A case of a family the account holds only so
        // many of runs alone in every run: beside another, one of their creates would fail.
        let _shared;
        let _alone;
        if case.exclusive && (self.config.isolate_answers || self.is_in_quota_family(case)) {
            _alone = self.exclusive.write().await;
            self.put_away_shared(case).await;
        } else {
            _shared = self.exclusive.read().await;
        }
        if let Some(reason) = self.room.why_none(self, case).await {
            return skipped(&reason);
        }
        if case.needs_identity {
            if let Err(error) = self.ensure_identity().await {
                return self.harness_error(
                    case,
                    format!("the run's identity could not be created: {error}"),
                );
            }
        }
        let mut own: Vec<(Resource, Call)> = Vec::new();
        for fixture in &case.fixtures {
            let made = if fixture.shared {
                self.shared_fixture(fixture).await
            } else {
                self.own_fixture(fixture, &mut own).await
            };
            if let Err(obs) = made {
                self.remove_all(&own).await;
                let verdict = fixture_failure(&fixture.create.operation, &obs);
                return self.judged(case, verdict, *obs);
            }
        }
        for made in &case.creates {
            if let Err(error) = self.record(&made.resource, &made.delete, ResourceEvent::Creating) {
                self.remove_all(&own).await;
                return self.harness_error(case, error.to_string());
            }
        }
        let (exchange, observation) = self
            .call(
                &case.operation,
                &case.request,
                case.path,
                case.raw_body.as_deref(),
            )
            .await;
        let verdict = judge(&self.spec, case, &observation);
        self.remove_what_the_call_made(case, &exchange, &observation)
            .await;
        if observation.is_success() {
            // A delete that succeeded took its fixture with it.
            let deleted = deleted_by(&self.spec, case);
            for (resource, delete) in own.iter().filter(|(r, _)| Some(r) == deleted.as_ref()) {
                let _ = self.record(resource, delete, ResourceEvent::Removed);
            }
            own.retain(|(r, _)| Some(r) != deleted.as_ref());
        }
        self.remove_all(&own).await;
        self.judged(case, verdict, observation)
    }

    /// Make a fixture of this case alone, recorded first; what may exist goes on `own`.
    async fn own_fixture(
        &self,
        fixture: &Fixture,
        own: &mut Vec<(Resource, Call)>,
    ) -> Result<(), Box<Observation>> {
        if let Err(error) = self.record(&fixture.resource, &fixture.delete, ResourceEvent::Creating)
        {
            return Err(Box::new(Observation::failed(error.to_string())));
        }
        let (exchange, obs) = self
            .call(
                &fixture.create.operation,
                &fixture.create.request,
                RequestPath::Sdk,
                None,
            )
            .await;
        if exchange.fate() != Fate::NotSent {
            self.fixtures_made.fetch_add(1, Ordering::Relaxed);
        }
        if not_created(&exchange) {
            let _ = self.record(
                &fixture.resource,
                &fixture.delete,
                ResourceEvent::NotCreated,
            );
        } else {
            own.push((fixture.resource.clone(), fixture.delete.clone()));
        }
        if obs.is_success() {
            Ok(())
        } else {
            Err(Box::new(obs))
        }
    }

    /// The run's shared instance of a fixture, made by whichever case needs it first.
    async fn shared_fixture(&self, fixture: &Fixture) -> Result<(), Box<Observation>> {
        let cell = self.shared.cell(fixture);
        cell.get_or_init(|| async {
            let mut own = Vec::new();
            let made = self.own_fixture(fixture, &mut own).await;
            if made.is_err() {
                self.remove_all(&own).await;
            }
            made
        })
        .await
        .clone()
    }

    /// Whether the case is about a family with a per-account quota, or makes an item of one:
    /// such a case runs alone in every run (two at once could have one create refused).
    fn is_in_quota_family(&self, case: &Case) -> bool {
        let of_its_operation = self
            .spec
            .operation(&case.operation)
            .and_then(|op| op.resource.as_ref())
            .is_some_and(|r| self.spec.quota_family_of(&r.kind).is_some());
        of_its_operation || case.makes_an_item_under_quota(&self.spec)
    }

    /// Before a listing (or a read of the identity), remove the shared fixtures it would see.
    async fn put_away_shared(&self, case: &Case) {
        let Some(resource) = self
            .spec
            .operation(&case.operation)
            .and_then(|op| op.resource.as_ref())
        else {
            return;
        };
        let mut kinds = vec![resource.kind.as_str()];
        for (kind, def) in &self.spec.resources {
            if def.parent.as_deref() == Some(resource.kind.as_str()) {
                kinds.push(kind.as_str());
            }
        }
        let fixtures = self.shared.take(&kinds);
        let removals: Vec<(Resource, Call)> = fixtures
            .into_iter()
            .map(|f| (f.resource, f.delete))
            .collect();
        self.remove_all(&removals).await;
    }

    /// After the case's own call: remove what it made, or may have made. An identity SES adds as
    /// a side effect is removed only when a 200 proved it was added; anything else unless the
    /// answer shows it was not made (never sent, or refused with a 4xx).
    async fn remove_what_the_call_made(
        &self,
        case: &Case,
        exchange: &Exchange,
        observation: &Observation,
    ) {
        for made in &case.creates {
            let exists = if self.spec.is_identity_family(&made.resource.kind) {
                if exchange.fate() == Fate::NoAnswer {
                    // SES may have added it: no proof either way. The ledger keeps it as
                    // unproven, which `cleanup` names for the user to check.
                    self.left.fetch_add(1, Ordering::Relaxed);
                    continue;
                } else if !observation.is_success() {
                    false
                } else if self.may_remove_identities() {
                    let _ = self.record(&made.resource, &made.delete, ResourceEvent::Proven);
                    true
                } else {
                    // Accepted although it should have been refused, and without the opt-in
                    // under which the run may touch identities: left for the user, whom the
                    // ledger's unproven entry tells (`cleanup` names it).
                    self.left.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
            } else {
                !not_created(exchange)
            };
            if exists {
                self.remove_all(&[(made.resource.clone(), made.delete.clone())])
                    .await;
            } else {
                let _ = self.record(&made.resource, &made.delete, ResourceEvent::NotCreated);
            }
        }
    }

    /// Whether the run may delete an identity SES added for it: only with `--allow sends-mail`
    /// against real SES (the gate holds the same rule); always elsewhere.
    fn may_remove_identities(&self) -> bool {
        self.target
            .gate
            .policy()
            .is_none_or(|p| p.allow.contains("sends-mail"))
    }

    /// Send one call, backing off while the target throttles. Every attempt passes the gate.
    pub async fn call(
        &self,
        operation: &str,
        request: &Value,
        path: RequestPath,
        raw_body: Option<&str>,
    ) -> (Exchange, Observation) {
        let mut backoff = self.config.backoff;
        let mut attempt = 0;
        loop {
            let exchange = self
                .target
                .send(&self.spec, operation, request, path, raw_body)
                .await;
            // A retry the budget refused was not sent: the summary counts what was.
            if attempt > 0 && exchange.fate() != Fate::NotSent {
                self.retries.fetch_add(1, Ordering::Relaxed);
            }
            let observation = observe(&exchange, &self.target.bindings, &self.target.mask);
            if !is_throttled(&observation) || attempt >= self.config.throttle_retries {
                return (exchange, observation);
            }
            attempt += 1;
            // A stopping run backs off only to remove what it made; other calls end here.
            if self.is_removal(operation) {
                tokio::time::sleep(backoff).await;
            } else {
                let stopped = self.target.gate.pacer().interrupted();
                if tokio::time::timeout(backoff, stopped).await.is_ok() {
                    return (exchange, observation);
                }
            }
            backoff = (backoff * 2).min(Duration::from_secs(8));
        }
    }

    /// Whether `operation` deletes a resource (its retries go on when the run is stopping).
    fn is_removal(&self, operation: &str) -> bool {
        self.spec
            .operation_or_setup(operation)
            .and_then(|op| op.resource.as_ref())
            .is_some_and(|r| r.action == crate::spec::ResourceAction::Delete)
    }

    pub(super) fn record(
        &self,
        resource: &Resource,
        delete: &Call,
        event: ResourceEvent,
    ) -> Result<(), SessionError> {
        let Some(ledger) = &self.ledger else {
            return Ok(());
        };
        let bindings = &self.target.bindings;
        let entry = LedgerEntry {
            run: bindings.run_id.clone(),
            target: self.target.name.clone(),
            endpoint: self.target.endpoint.clone(),
            real_aws: self.target.real_aws,
            kind: resource.kind.clone(),
            delete_operation: delete.operation.clone(),
            delete_request: bindings.bind_value(&delete.request, &[]),
        };
        ledger.append(&Line::of(event, entry)).map_err(|error| {
            let error = Arc::new(error);
            self.ledger_failures_lock().push(Arc::clone(&error));
            SessionError::Ledger(error)
        })
    }

    /// Remove resources, newest first; a resource is marked removed only once it is gone.
    async fn remove_all(&self, resources: &[(Resource, Call)]) {
        for (resource, delete) in resources.iter().rev() {
            let (exchange, obs) = self
                .call(&delete.operation, &delete.request, RequestPath::Sdk, None)
                .await;
            if exchange.fate() != Fate::NotSent {
                self.removals.fetch_add(1, Ordering::Relaxed);
            }
            let deleter = Deleter::Run;
            if gone(
                &self.spec,
                &delete.operation,
                &delete.request,
                &obs,
                deleter,
            ) {
                let _ = self.record(resource, delete, ResourceEvent::Removed);
            } else {
                self.left.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Create the run's identity once, if the target's profile says the harness creates it.
    /// `Ok(true)` when it was created (and must be deleted at the end).
    pub(super) async fn ensure_identity(&self) -> Result<bool, SessionError> {
        self.identity
            .get_or_init(|| async {
                // Against real SES the harness never creates an identity: it uses the one the
                // user verified (--identity), whatever a profile says.
                if self.target.real_aws || self.target.profile.identity != IdentityMode::Create {
                    return Ok(false);
                }
                let Some((resource, create, delete)) = identity_calls(&self.spec) else {
                    return Ok(false);
                };
                self.record(&resource, &delete, ResourceEvent::Creating)?;
                let (_, obs) = self
                    .call(&create.operation, &create.request, RequestPath::Sdk, None)
                    .await;
                if obs.is_success() || obs.error_type.as_deref() == Some("AlreadyExistsException") {
                    Ok(true)
                } else if is_unknown_operation(&obs) || is_missing_route(&obs) {
                    // The target has no identities at all: cases use the identity's name as is.
                    let _ = self.record(&resource, &delete, ResourceEvent::NotCreated);
                    Ok(false)
                } else {
                    Err(SessionError::Identity {
                        answer: crate::check::verdict::describe_error(&obs),
                    })
                }
            })
            .await
            .clone()
    }

    /// Remove what the session itself made (shared fixtures, the run's identity).
    pub async fn finish(&self) {
        let shared: Vec<(Resource, Call)> = self
            .shared
            .take_all()
            .into_iter()
            .map(|f| (f.resource, f.delete))
            .collect();
        self.remove_all(&shared).await;
        if let (Some(Ok(true)), Some((resource, _, delete))) =
            (self.identity.get(), identity_calls(&self.spec))
        {
            self.remove_all(&[(resource, delete)]).await;
        }
    }
}

fn skipped(reason: &str) -> Outcome {
    Outcome::Skipped {
        reason: reason.to_string(),
    }
}
