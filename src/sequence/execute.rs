//! One execution of a sequence: each step sent, judged against the model, and the model moved
//! on; then everything the execution may have created is deleted.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::caller::Caller;
use super::model::{Expected, Model, Read};
use super::record::{describe_observation, CallRecord, DepartureRecord, StepRecord};
use super::step::{self, Names, Step, POLICY_SLOTS};
use super::verify::{judge_call, Departure, StepOutcome};
use crate::case::{Cleanup, IDENTITY_PLACEHOLDER};
use crate::check::{DivergenceClass, Observation};
use crate::generate::cleanup_of_own_creation;
use crate::spec::{Operation, ResourceAction, Spec};

/// The most pages one listing walk reads before giving up on it.
pub const MAX_PAGES: usize = 100;

/// What one execution did.
#[derive(Debug, Clone, Default)]
pub struct Execution {
    /// Its steps, up to and including the first that departed.
    pub steps: Vec<StepRecord>,
    /// The first departure.
    pub finding: Option<Departure>,
    /// Requests sent, cleanup included.
    pub requests: usize,
    /// The prefix of its names.
    pub prefix: String,
}

impl Execution {
    /// Whether a step departed from the model.
    pub fn fails(&self) -> bool {
        self.finding.is_some()
    }
}

/// Everything an execution may have created, in the order it was named, so cleanup can delete
/// it whatever the model believes (a faulty target may hold what the model does not).
#[derive(Default)]
struct Touched(Vec<Cleanup>);

impl Touched {
    /// Remember `cleanup`; false when its resource was already remembered.
    fn add(&mut self, cleanup: Cleanup) -> bool {
        let known = self.0.iter().any(|c| c.resource == cleanup.resource);
        if !known {
            self.0.push(cleanup);
        }
        !known
    }

    /// Forget `cleanup`: the call that might have made its resource made nothing.
    fn forget(&mut self, cleanup: &Cleanup) {
        self.0.retain(|c| c.resource != cleanup.resource);
    }
}

/// Run `steps` against the target under `names`, stopping at the first departure.
pub async fn execute<C: Caller>(
    spec: &Spec,
    caller: &C,
    steps: &[Step],
    names: &Names,
) -> Execution {
    let mut run = Run {
        spec,
        caller,
        names,
        model: Model::default(),
        touched: Touched::default(),
        requests: 0,
    };
    let mut execution = Execution {
        prefix: names.prefix().to_string(),
        ..Execution::default()
    };
    for &step in steps {
        let record = run.step(step).await;
        let finding = record.finding.clone();
        execution.steps.push(record);
        if let Some(f) = finding {
            execution.finding = Some(Departure::new(f.class, f.detail));
            break;
        }
    }
    run.clean_up().await;
    execution.requests = run.requests;
    execution
}

struct Run<'a, C: Caller> {
    spec: &'a Spec,
    caller: &'a C,
    names: &'a Names,
    model: Model,
    touched: Touched,
    requests: usize,
}

impl<C: Caller> Run<'_, C> {
    async fn step(&mut self, step: Step) -> StepRecord {
        let mut record = StepRecord {
            step: step.to_string(),
            calls: Vec::new(),
            inconclusive: None,
            unsupported: None,
            not_run: None,
            finding: None,
        };
        let outcome = match step {
            Step::ListTemplates { .. } | Step::ListVerifications { .. } => {
                self.walk_listing(step, &mut record).await
            }
            Step::FillPolicies => self.fill_policies(&mut record).await,
            Step::AddressIdentity => self.address_identity(&mut record).await,
            _ => self.single(step, &mut record).await,
        };
        match outcome {
            StepOutcome::Met { .. } => {}
            StepOutcome::Diverged(f) => record.finding = Some(DepartureRecord::from(&f)),
            StepOutcome::Inconclusive(reason) => record.inconclusive = Some(reason),
            StepOutcome::Unsupported(reason) => record.unsupported = Some(reason),
            StepOutcome::NotRun(reason) => record.not_run = Some(reason),
        }
        record
    }

    /// Send one call, judge it against `expected`, and record it.
    async fn judged(
        &mut self,
        operation: &str,
        request: Value,
        expected: &Expected,
        record: &mut StepRecord,
    ) -> (StepOutcome, Observation) {
        let noted = self.note_creation(operation, &request);
        let called = self.caller.call(operation, &request).await;
        self.requests += usize::from(called.sent());
        if called.fate.made_nothing() {
            // Refused by the budget or the gate, or by the target with a 4xx: nothing to delete.
            for cleanup in &noted {
                self.touched.forget(cleanup);
                self.caller.not_made(&cleanup.resource, &cleanup.delete);
            }
        }
        let obs = called.observation;
        let mut outcome = judge_call(self.spec, operation, expected, &obs, self.names);
        let expected = expected.describe();
        let mut known = None;
        if let StepOutcome::Diverged(finding) = &outcome {
            known = self.caller.known_step(operation, finding.class, &expected);
            if known.is_some() {
                // The model follows what the target did, so later steps judge what it holds.
                outcome = StepOutcome::Met {
                    succeeded: obs.is_success(),
                };
            }
        }
        // Judged on the whole answer; recorded as the runner records it.
        let recorded = self.caller.recorded(operation, &obs);
        record.calls.push(CallRecord {
            operation: operation.to_string(),
            request,
            expected,
            observed: describe_observation(&recorded),
            known,
            observation: Some(recorded),
        });
        (outcome, obs)
    }

    async fn single(&mut self, step: Step, record: &mut StepRecord) -> StepOutcome {
        let Some((operation, request)) = step::request(step, self.names) else {
            return StepOutcome::Inconclusive(format!("{step} has no single request"));
        };
        let expected = self.model.expect(step, self.names);
        let (outcome, _) = self.judged(operation, request, &expected, record).await;
        if let StepOutcome::Met { succeeded } = outcome {
            self.model.apply(step, self.names, succeeded);
        }
        outcome
    }

    /// Walk every page of a listing and compare what it shows with the model.
    async fn walk_listing(&mut self, step: Step, record: &mut StepRecord) -> StepOutcome {
        let (page_size, list_member) = match step {
            Step::ListTemplates { page_size } => (page_size, "TemplatesMetadata"),
            Step::ListVerifications { page_size } => {
                (page_size, "CustomVerificationEmailTemplates")
            }
            _ => return StepOutcome::Inconclusive("not a listing".into()),
        };
        let mut seen: Vec<Value> = Vec::new();
        let mut tokens = BTreeSet::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let Some((operation, request)) = step::list_request(step, token.as_deref()) else {
                break;
            };
            let expected = Expected::Success(Read::Nothing);
            let (outcome, obs) = self.judged(operation, request, &expected, record).await;
            if !matches!(outcome, StepOutcome::Met { .. }) {
                return outcome;
            }
            let body = obs.body.unwrap_or(Value::Null);
            let items = body
                .get(list_member)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if items.len() > usize::from(page_size) {
                return diverged(format!(
                    "{operation}: a page of {} items for PageSize {page_size}",
                    items.len()
                ));
            }
            seen.extend(items);
            match body
                .get("NextToken")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
            {
                None => return self.compare_listing(step, &seen),
                Some(next) if !tokens.insert(next.to_string()) => {
                    return diverged(format!("{operation}: NextToken {next:?} came back twice"));
                }
                Some(next) => token = Some(next.to_string()),
            }
        }
        StepOutcome::Inconclusive(format!(
            "the listing still had a NextToken after {MAX_PAGES} pages"
        ))
    }

    /// The run-prefixed items a listing showed, against the model: no item twice, exactly the
    /// model's set, and (custom verification templates) the same fields Get shows.
    fn compare_listing(&self, step: Step, items: &[Value]) -> StepOutcome {
        let ours: Vec<&Value> = items
            .iter()
            .filter(|i| item_name(i).is_some_and(|n| n.starts_with(self.names.prefix())))
            .collect();
        let mut names = BTreeSet::new();
        for item in &ours {
            let name = item_name(item).unwrap_or_default();
            if !names.insert(name.to_string()) {
                return diverged(format!("the listing shows {name} twice"));
            }
        }
        let wanted: BTreeSet<String> = match step {
            Step::ListTemplates { .. } => {
                self.model.template_names(self.names).into_iter().collect()
            }
            _ => self
                .model
                .verifications(self.names)
                .into_iter()
                .map(|(n, _)| n)
                .collect(),
        };
        if names != wanted {
            let missing: Vec<_> = wanted.difference(&names).collect();
            let extra: Vec<_> = names.difference(&wanted).collect();
            return diverged(format!(
                "the listing's run items: missing {missing:?}, unexpected {extra:?}"
            ));
        }
        if let Step::ListVerifications { .. } = step {
            for (name, content) in self.model.verifications(self.names) {
                let expected = step::verification_content(&name, content);
                let Some(entry) = ours.iter().find(|i| item_name(i) == Some(name.as_str())) else {
                    continue;
                };
                if let Some(problem) = entry_disagrees(entry, &expected) {
                    return diverged(format!(
                        "the listing entry of {name} disagrees with Get: {problem}"
                    ));
                }
            }
        }
        StepOutcome::Met { succeeded: true }
    }

    /// Create policies until the identity holds the documented maximum, then one more, which
    /// must be refused with LimitExceededException.
    async fn fill_policies(&mut self, record: &mut StepRecord) -> StepOutcome {
        if !self.caller.may_fill_policies() {
            return StepOutcome::NotRun("the limit step does not run against real SES".into());
        }
        let read = json!({"EmailIdentity": IDENTITY_PLACEHOLDER});
        let expected = self.model.expect(Step::GetPolicies, self.names);
        let (outcome, obs) = self
            .judged("GetEmailIdentityPolicies", read, &expected, record)
            .await;
        if !matches!(outcome, StepOutcome::Met { .. }) {
            return outcome;
        }
        let total = obs
            .body
            .as_ref()
            .and_then(|b| b.get("Policies"))
            .and_then(Value::as_object)
            .map_or(0, Map::len);
        self.model
            .set_foreign_policies(total.saturating_sub(self.model.own_policies()));
        let room = self.model.policy_room();
        for k in 0..=room {
            let slot = POLICY_SLOTS + u8::try_from(k).unwrap_or(u8::MAX - POLICY_SLOTS);
            let (operation, request) = step::create_policy(self.names, slot, 0);
            let name = self.names.policy(slot);
            let expected = self.model.expect_policy_creation(&name);
            let (outcome, _) = self.judged(operation, request, &expected, record).await;
            match outcome {
                StepOutcome::Met { succeeded: true } => self.model.add_policy(name, 0),
                StepOutcome::Met { succeeded: false } => {}
                other => return other,
            }
        }
        StepOutcome::Met { succeeded: true }
    }

    /// Create an email address identity, read it, delete it, read it again.
    async fn address_identity(&mut self, record: &mut StepRecord) -> StepOutcome {
        if !self.caller.may_create_identities() {
            return StepOutcome::NotRun(
                "the harness does not create identities on this target".into(),
            );
        }
        let address = self.names.address_identity();
        let key = json!({ "EmailIdentity": address });
        let calls = [
            ("CreateEmailIdentity", Expected::Success(Read::Nothing)),
            (
                "GetEmailIdentity",
                Expected::Success(Read::IdentityType("EMAIL_ADDRESS")),
            ),
            ("DeleteEmailIdentity", Expected::Success(Read::Nothing)),
            (
                "GetEmailIdentity",
                Expected::Error(vec!["NotFoundException"]),
            ),
        ];
        for (operation, expected) in calls {
            let (outcome, _) = self.judged(operation, key.clone(), &expected, record).await;
            if !matches!(outcome, StepOutcome::Met { .. }) {
                return outcome;
            }
        }
        StepOutcome::Met { succeeded: true }
    }

    /// Note in the ledger, before the call, every resource it may create, and remember them;
    /// the ones not remembered before come back (a call that made nothing forgets them again).
    /// What a call creates is the spec's to say (the same rule decides a case's cleanup); an
    /// update counts as its kind's create too, since a faulty target may create what it was
    /// asked to update.
    fn note_creation(&mut self, operation: &str, request: &Value) -> Vec<Cleanup> {
        let (Some(op), Some(request)) =
            (self.spec.operation_or_setup(operation), request.as_object())
        else {
            return Vec::new();
        };
        let mut made = cleanup_of_own_creation(self.spec, op, request);
        if let Some(create) = update_as_create(self.spec, op) {
            made.extend(cleanup_of_own_creation(self.spec, create, request));
        }
        let mut noted = Vec::new();
        for cleanup in made {
            if self.touched.add(cleanup.clone()) {
                self.caller.creating(&cleanup.resource, &cleanup.delete);
                noted.push(cleanup);
            }
        }
        noted
    }

    /// Delete everything the execution may have created: every name a create or update named,
    /// whatever the model believes (a faulty target may hold what the model does not).
    async fn clean_up(&mut self) {
        let touched = std::mem::take(&mut self.touched);
        for Cleanup { resource, delete } in touched.0.into_iter().rev() {
            let called = self.caller.call(&delete.operation, &delete.request).await;
            self.requests += usize::from(called.sent());
            self.caller.deleted(&resource, &delete, &called.observation);
        }
    }
}

fn diverged(detail: String) -> StepOutcome {
    StepOutcome::Diverged(Departure::new(DivergenceClass::Behaviour, detail))
}

/// The name of a listing entry.
fn item_name(item: &Value) -> Option<&str> {
    item.get("TemplateName").and_then(Value::as_str)
}

/// A field of a listing entry that differs from what Get shows (fields the entry leaves out
/// are the shape check's business).
fn entry_disagrees(entry: &Value, expected: &Value) -> Option<String> {
    let entry = entry.as_object()?;
    entry.iter().find_map(|(member, found)| {
        let want = expected.get(member)?;
        (found != want).then(|| format!("{member} {found}, Get shows {want}"))
    })
}

/// The create of an update's resource kind, for an update.
fn update_as_create<'s>(spec: &'s Spec, op: &Operation) -> Option<&'s Operation> {
    let resource = op.resource.as_ref()?;
    if resource.action != ResourceAction::Update {
        return None;
    }
    spec.operation_or_setup(&spec.resources.get(&resource.kind)?.create)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::case::{Call, Resource};
    use crate::gate::Fate;
    use crate::sequence::Called;

    /// A target that keeps back (never sends) the calls of one operation and accepts the rest.
    struct KeepsBack {
        operation: &'static str,
        sent: Mutex<Vec<String>>,
        not_made: Mutex<Vec<String>>,
    }

    impl Caller for KeepsBack {
        fn recorded(&self, _operation: &str, answer: &Observation) -> Observation {
            answer.clone()
        }

        async fn call(&self, operation: &str, _request: &Value) -> Called {
            if operation == self.operation {
                return Called {
                    observation: Observation::failed("refused before sending".into()),
                    fate: Fate::NotSent,
                };
            }
            self.sent
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(operation.to_string());
            Called {
                observation: Observation {
                    status: Some(200),
                    body: Some(json!({})),
                    failure: None,
                    ..Observation::failed(String::new())
                },
                fate: Fate::Answered(200),
            }
        }

        fn creating(&self, _resource: &Resource, _delete: &Call) {}

        fn not_made(&self, _resource: &Resource, delete: &Call) {
            self.not_made
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(delete.operation.clone());
        }

        fn deleted(&self, _resource: &Resource, _delete: &Call, _answer: &Observation) {}

        fn may_fill_policies(&self) -> bool {
            false
        }

        fn may_create_identities(&self) -> bool {
            false
        }

        fn known_step(&self, _: &str, _: DivergenceClass, _: &str) -> Option<String> {
            None
        }
    }

    #[tokio::test]
    async fn a_create_that_was_never_sent_leaves_nothing_to_delete() {
        let spec = Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
        let caller = KeepsBack {
            operation: "CreateEmailTemplate",
            sent: Mutex::default(),
            not_made: Mutex::default(),
        };
        let steps = [
            Step::CreateTemplate {
                slot: 0,
                content: 0,
            },
            Step::CreateVerification {
                slot: 0,
                content: 0,
            },
        ];
        let execution = execute(&spec, &caller, &steps, &Names::new("x")).await;
        let sent = caller
            .sent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        assert_eq!(
            sent,
            [
                "CreateCustomVerificationEmailTemplate",
                "DeleteCustomVerificationEmailTemplate"
            ],
            "no delete for the template whose create never left"
        );
        assert_eq!(
            *caller.not_made.lock().unwrap_or_else(|p| p.into_inner()),
            ["DeleteEmailTemplate"],
            "the ledger hears that the template was not made"
        );
        assert_eq!(execution.requests, 2, "only what was sent counts");
    }
}
