//! The runner: drives each case through the pipeline (fixtures, target, check, cleanup) and
//! emits one event per finished case. It decides nothing about verdicts (that is `check`) and
//! renders nothing (that is `report`).

pub mod cleanup;
pub mod ledger;
pub mod pace;

pub use cleanup::{cleanup_entries, CleanupError, CleanupTarget, Tally};

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};
use tokio::sync::{OnceCell, RwLock};

use crate::case::{Call, Case, Kind, RequestPath, Resource, IDENTITY_PLACEHOLDER};
use crate::check::verdict::{is_missing_route, is_throttled, is_unknown_operation};
use crate::check::Known;
use crate::check::{judge, observe, Observation, Verdict};
use crate::spec::Spec;
use crate::target::{IdentityMode, Profile, Target};
use ledger::{Entry, Ledger, LedgerError, Line, ResourceEvent};
use pace::{Budget, Pacer};

/// How a run behaves.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Cases in flight at once.
    pub concurrency: usize,
    /// Safety classes the user opted in to (`account-change`, `sends-mail`, `billable`).
    pub allow: Vec<String>,
    /// The most requests the run may send.
    pub max_requests: Option<u64>,
    /// Pace calls at the documented rate limits.
    pub pace: bool,
    /// The rate for operations whose documentation states none (real SES: 1 per second, the
    /// sandbox's documented maximum sending rate).
    pub default_rate: Option<f64>,
    /// How often a throttled call is retried before the case is a harness error.
    pub throttle_retries: u32,
    /// The first backoff after a 429; doubled each time.
    pub backoff: Duration,
}

impl Default for RunConfig {
    fn default() -> RunConfig {
        RunConfig {
            concurrency: 1,
            allow: Vec::new(),
            max_requests: None,
            pace: false,
            default_rate: None,
            throttle_retries: 6,
            backoff: Duration::from_millis(250),
        }
    }
}

/// What happened to one case.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The case ran and was judged.
    Ran {
        /// The verdict.
        verdict: Verdict,
        /// The normalised answer.
        observation: Box<Observation>,
        /// How the verdict stands against the target's known divergences.
        known: Known,
    },
    /// The case was not sent.
    Skipped {
        /// Why.
        reason: String,
    },
}

/// One finished case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case.
    pub case: Arc<Case>,
    /// What happened.
    pub outcome: Outcome,
    /// Wall time including fixtures and cleanup.
    pub duration: Duration,
}

impl CaseResult {
    /// Whether this result fails a run: an unlisted divergence or harness error, or a listed
    /// divergence that no longer happens.
    pub fn fails_run(&self) -> bool {
        match &self.outcome {
            Outcome::Skipped { .. } => false,
            Outcome::Ran { verdict, known, .. } => match known {
                Known::AsListed => false,
                Known::Stale { .. } => true,
                Known::NotListed => matches!(
                    verdict,
                    Verdict::Diverges { .. }
                        | Verdict::HarnessError { .. }
                        | Verdict::Unsupported { .. }
                ),
            },
        }
    }
}

/// Events of a run, in order: `Started`, one `Finished` per case, `Done`.
#[derive(Debug, Clone)]
pub enum Event {
    /// The run starts with this many cases.
    Started {
        /// Number of cases.
        total: usize,
        /// The target name.
        target: String,
    },
    /// A case finished.
    Finished(CaseResult),
    /// The run is over.
    Done {
        /// Whether it was interrupted.
        interrupted: bool,
        /// Requests sent.
        requests: u64,
    },
}

/// Why a case is not sent at all, decided before any request: the target lacks the operation (or
/// one its fixtures need), or a valid call of the operation needs an opt-in against real SES.
pub fn skip_reason(
    spec: &Spec,
    profile: &Profile,
    real_aws: bool,
    allow: &[String],
    case: &Case,
) -> Option<String> {
    if let Some(reason) = profile.unsupported_reason(&case.operation) {
        return Some(format!(
            "{} does not implement {}: {reason}",
            profile.target, case.operation
        ));
    }
    for fixture in &case.fixtures {
        if let Some(reason) = profile.unsupported_reason(&fixture.create.operation) {
            return Some(format!(
                "needs a {} made by {}, which {} does not implement: {reason}",
                fixture.resource.kind, fixture.create.operation, profile.target
            ));
        }
    }
    if real_aws && case.kind == Kind::Valid {
        let flag = spec
            .operation(&case.operation)
            .and_then(|op| op.safety.opt_in());
        if let Some(flag) = flag.filter(|f| !allow.iter().any(|a| a == f)) {
            return Some(format!(
                "a valid {} call reaches beyond the harness's own resources; pass --allow {flag} to send it",
                case.operation
            ));
        }
    }
    None
}

/// A run against one target: the shared state every case needs.
pub struct Session {
    spec: Arc<Spec>,
    target: Arc<Target>,
    config: RunConfig,
    pacer: Pacer,
    budget: Budget,
    ledger: Option<Ledger>,
    exclusive: RwLock<()>,
    identity: OnceCell<Result<bool, String>>,
    interrupted: AtomicBool,
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
            pacer: Pacer::new(config.pace),
            budget: Budget::new(config.max_requests),
            spec,
            target,
            config,
            ledger,
            exclusive: RwLock::new(()),
            identity: OnceCell::new(),
            interrupted: AtomicBool::new(false),
        })
    }

    /// The target.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Requests sent so far.
    pub fn requests(&self) -> u64 {
        self.budget.spent()
    }

    /// Stop starting new cases (Ctrl-C); cases in flight finish and clean up.
    pub fn interrupt(&self) {
        self.interrupted.store(true, Ordering::SeqCst);
    }

    /// Whether the run was interrupted.
    pub fn is_interrupted(&self) -> bool {
        self.interrupted.load(Ordering::SeqCst)
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
        if let Some(reason) = skip_reason(
            &self.spec,
            &self.target.profile,
            self.target.real_aws,
            &self.config.allow,
            case,
        ) {
            return Outcome::Skipped { reason };
        }
        if self.is_interrupted() {
            return Outcome::Skipped {
                reason: "the run was interrupted".into(),
            };
        }
        let requests = 1 + 2 * (case.fixtures.len() + case.creates.len()) as u64;
        if !self.budget.reserve(requests) {
            return Outcome::Skipped {
                reason: format!(
                    "the request budget (--max-requests) is spent; this case needs {requests} more"
                ),
            };
        }
        // Listings see every resource: a listing case runs while nothing else runs.
        let _shared;
        let _alone;
        if case.exclusive {
            _alone = self.exclusive.write().await;
        } else {
            _shared = self.exclusive.read().await;
        }
        if case.needs_identity {
            if let Err(detail) = self.ensure_identity().await {
                return self.harness_error(
                    case,
                    format!("the run's identity could not be created: {detail}"),
                );
            }
        }
        let mut made = Vec::new();
        for fixture in &case.fixtures {
            if let Err(detail) = self.record(&fixture.resource, &fixture.delete, "creating") {
                self.remove_all(&made).await;
                return self.harness_error(case, detail);
            }
            let (_, obs) = self
                .call(
                    &fixture.create.operation,
                    &fixture.create.request,
                    RequestPath::Sdk,
                    None,
                )
                .await;
            made.push((fixture.resource.clone(), fixture.delete.clone()));
            if !obs.is_success() {
                self.remove_all(&made).await;
                if is_unknown_operation(&obs) || is_missing_route(&obs) {
                    return Outcome::Ran {
                        verdict: Verdict::Unsupported {
                            detail: format!(
                                "fixture {} answered {}",
                                fixture.create.operation,
                                crate::check::verdict::describe_error(&obs)
                            ),
                        },
                        observation: Box::new(obs),
                        known: crate::check::classify(
                            &self.target.profile,
                            &case.id,
                            &Verdict::Unsupported {
                                detail: String::new(),
                            },
                        ),
                    };
                }
                let detail = format!(
                    "fixture {} could not be created: {}",
                    fixture.create.operation,
                    crate::check::verdict::describe_error(&obs)
                );
                return self.harness_error(case, detail);
            }
        }
        for cleanup in &case.creates {
            if let Err(detail) = self.record(&cleanup.resource, &cleanup.delete, "creating") {
                self.remove_all(&made).await;
                return self.harness_error(case, detail);
            }
        }
        let (_, observation) = self
            .call(
                &case.operation,
                &case.request,
                case.path,
                case.raw_body.as_deref(),
            )
            .await;
        let verdict = judge(&self.spec, case, &observation);
        // What the request itself may have created goes first, then the fixtures, newest first.
        let mut to_remove: Vec<(Resource, Call)> = made;
        to_remove.extend(
            case.creates
                .iter()
                .map(|c| (c.resource.clone(), c.delete.clone())),
        );
        self.remove_all(&to_remove).await;
        let known = crate::check::classify(&self.target.profile, &case.id, &verdict);
        Outcome::Ran {
            verdict,
            observation: Box::new(observation),
            known,
        }
    }

    fn harness_error(&self, case: &Case, detail: String) -> Outcome {
        let verdict = Verdict::HarnessError {
            detail: detail.clone(),
        };
        Outcome::Ran {
            known: crate::check::classify(&self.target.profile, &case.id, &verdict),
            verdict,
            observation: Box::new(Observation::failed(detail)),
        }
    }

    /// Send one call, pacing it and backing off while the target throttles.
    pub async fn call(
        &self,
        operation: &str,
        request: &Value,
        path: RequestPath,
        raw_body: Option<&str>,
    ) -> (crate::target::exchange::Exchange, Observation) {
        let rate = self
            .spec
            .operation_or_setup(operation)
            .and_then(|op| op.rate_limit.as_ref())
            .map(|r| r.per_second);
        let mut backoff = self.config.backoff;
        let mut attempt = 0;
        loop {
            self.pacer.wait(operation, rate).await;
            let exchange = self
                .target
                .send(&self.spec, operation, request, path, raw_body)
                .await;
            let observation = observe(&exchange, &self.target.bindings);
            if !is_throttled(&observation) || attempt >= self.config.throttle_retries {
                return (exchange, observation);
            }
            attempt += 1;
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(8));
        }
    }

    /// Append a `creating`, `proven` or `removed` line for a resource (names bound).
    fn record(&self, resource: &Resource, delete: &Call, event: &str) -> Result<(), String> {
        let Some(ledger) = &self.ledger else {
            return Ok(());
        };
        let event: ResourceEvent = event
            .parse()
            .map_err(|e: ledger::UnknownEvent| e.to_string())?;
        let bindings = &self.target.bindings;
        let entry = Entry {
            run: bindings.run_id.clone(),
            target: self.target.name.clone(),
            endpoint: self.target.endpoint.clone(),
            real_aws: self.target.real_aws,
            kind: resource.kind.clone(),
            delete_operation: delete.operation.clone(),
            delete_request: bindings.bind_value(&delete.request, &[]),
        };
        ledger
            .append(&Line::of(event, entry))
            .map_err(|e| e.to_string())
    }

    async fn remove_all(&self, resources: &[(Resource, Call)]) {
        for (resource, delete) in resources.iter().rev() {
            // Never delete what the run did not name, whatever a case says.
            let bound = self.target.bindings.bind_value(&delete.request, &[]);
            if !ledger::names_run_resource(&bound, &self.target.bindings.run_id) {
                continue;
            }
            let (_, obs) = self
                .call(&delete.operation, &delete.request, RequestPath::Sdk, None)
                .await;
            // Marked only when the answer shows it gone (deleted now, or not found): a refused
            // delete leaves it pending for `cleanup`.
            if ledger::gone(obs.status, obs.error_type.as_deref()) {
                let _ = self.record(resource, delete, "removed");
            }
        }
    }

    /// Create the run's identity once, if the target's profile says the harness creates it.
    /// `Ok(true)` when it was created (and must be deleted at the end).
    async fn ensure_identity(&self) -> Result<bool, String> {
        self.identity
            .get_or_init(|| async {
                // Against real SES the harness never creates an identity: it uses the one the
                // user verified (--identity), whatever a profile says.
                if self.target.real_aws || self.target.profile.identity != IdentityMode::Create {
                    return Ok(false);
                }
                let (resource, create, delete) = identity_calls();
                self.record(&resource, &delete, "creating")?;
                let (_, obs) = self
                    .call(&create.operation, &create.request, RequestPath::Sdk, None)
                    .await;
                if obs.is_success() || obs.error_type.as_deref() == Some("AlreadyExistsException") {
                    Ok(true)
                } else if is_unknown_operation(&obs) || is_missing_route(&obs) {
                    // The target has no identities at all: cases use the identity's name as is.
                    let _ = self.record(&resource, &delete, "removed");
                    Ok(false)
                } else {
                    Err(crate::check::verdict::describe_error(&obs))
                }
            })
            .await
            .clone()
    }

    /// Remove what the session itself created (the run's identity).
    pub async fn finish(&self) {
        if let Some(Ok(true)) = self.identity.get() {
            let (resource, _, delete) = identity_calls();
            self.remove_all(&[(resource, delete)]).await;
        }
    }

    /// Run many cases with the configured concurrency, calling `on_event` in order of
    /// completion. Ctrl-C stops new cases from starting; those in flight finish and clean up.
    pub async fn run_all(
        self: &Arc<Self>,
        cases: Vec<Arc<Case>>,
        mut on_event: impl FnMut(Event),
    ) -> bool {
        on_event(Event::Started {
            total: cases.len(),
            target: self.target.name.clone(),
        });
        let semaphore = Arc::new(tokio::sync::Semaphore::new(self.config.concurrency.max(1)));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let session = Arc::clone(self);
        let feeder = tokio::spawn(async move {
            let mut tasks = tokio::task::JoinSet::new();
            for case in cases {
                let Ok(permit) = Arc::clone(&semaphore).acquire_owned().await else {
                    break;
                };
                let session = Arc::clone(&session);
                let tx = tx.clone();
                tasks.spawn(async move {
                    let result = session.run_case(case).await;
                    drop(permit);
                    let _ = tx.send(result);
                });
            }
            while tasks.join_next().await.is_some() {}
        });
        let interrupter = {
            let session = Arc::clone(self);
            tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    session.interrupt();
                }
            })
        };
        while let Some(result) = rx.recv().await {
            on_event(Event::Finished(result));
        }
        let _ = feeder.await;
        interrupter.abort();
        self.finish().await;
        let interrupted = self.is_interrupted();
        on_event(Event::Done {
            interrupted,
            requests: self.requests(),
        });
        interrupted
    }
}

/// The calls that create and delete the run's identity.
fn identity_calls() -> (Resource, Call, Call) {
    let mut keys = Map::new();
    keys.insert("EmailIdentity".into(), json!(IDENTITY_PLACEHOLDER));
    let resource = Resource {
        kind: "identity".into(),
        keys: keys.clone(),
    };
    let create = Call {
        operation: "CreateEmailIdentity".into(),
        request: Value::Object(keys.clone()),
    };
    let delete = Call {
        operation: "DeleteEmailIdentity".into(),
        request: Value::Object(keys),
    };
    (resource, create, delete)
}
