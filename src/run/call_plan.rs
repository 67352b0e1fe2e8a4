//! The planner: before a case runs, every call it will make on this target (shared and own
//! fixtures, the case's own request, the removals) and what the target's gate says of each. A
//! case the gate would refuse, or the target cannot run, is skipped with the reason instead of
//! failing half way. `--dry-run` prints exactly this.

use crate::case::{Bindings, Call, Case, Fixture, Kind, RequestPath};
use crate::client::{outgoing, serialize_call};
use crate::gate::{Gate, Judged, Refusal};
use crate::profile::Profile;
use crate::spec::Spec;

/// Why a planned call is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A fixture every case that only reads it shares: created once per run, removed at its end.
    SharedFixture,
    /// A fixture of this case alone.
    Fixture,
    /// The case's own request.
    Case,
    /// The removal of what the case made (or may have made).
    Removal,
    /// The removal of an identity SES adds as a side effect, sent only when a 200 proved it.
    RemovalIfProven,
    /// Before any case, against real SES: the read of the account's sending quota.
    QuotaRead,
    /// Against real SES, before the first case that makes an item of a family the account may
    /// hold only so many of: the listing that tells whether the account has room for one.
    RoomRead,
    /// After every case: the removal of a shared fixture.
    SharedRemoval,
}

impl Role {
    /// What the call is, in a sentence: `its fixture`, `its own call`, ...
    pub fn describe(self) -> &'static str {
        match self {
            Role::SharedFixture => "the shared fixture",
            Role::Fixture => "its fixture",
            Role::Case => "its call",
            Role::Removal | Role::RemovalIfProven => "its removal",
            Role::QuotaRead => "the read of the account's sending quota",
            Role::RoomRead => "the listing of a family the account may hold only so many of",
            Role::SharedRemoval => "the removal of the shared fixture",
        }
    }

    /// The word `--dry-run` prints.
    pub fn word(self) -> &'static str {
        match self {
            Role::SharedFixture => "SHARED",
            Role::Fixture => "CREATE",
            Role::Case => "SEND",
            Role::Removal | Role::RemovalIfProven | Role::SharedRemoval => "REMOVE",
            Role::QuotaRead | Role::RoomRead => "READ",
        }
    }
}

/// One call a case will make.
#[derive(Debug, Clone)]
pub struct PlannedCall {
    /// Why.
    pub role: Role,
    /// The call, with placeholders.
    pub call: Call,
    /// How it travels.
    pub path: RequestPath,
    /// A raw body, for wire cases whose body is not the JSON of the request.
    pub raw_body: Option<String>,
    /// What the gate says: what it will do, or why it is refused. `None` for a removal that is
    /// only sent once a 200 proved the thing exists (the gate judges it then).
    pub decision: Option<Result<Judged, Refusal>>,
    /// Whether the call is made against a target that answers as the contract says: a removal
    /// of what a rejected request would have created, or of a fixture a successful delete
    /// already took, is not.
    pub expected: bool,
}

/// Every call of one case on one target, and whether it runs at all.
#[derive(Debug, Clone)]
pub struct CasePlan {
    /// The calls, in order.
    pub calls: Vec<PlannedCall>,
    /// Why the case is not run, if it is not.
    pub skip: Option<String>,
}

impl CasePlan {
    /// The most requests the case sends: each planned call once, and a shared fixture once more
    /// for its removal at the end of the run (retries after throttling are not foreseen).
    pub fn requests(&self) -> u64 {
        self.calls
            .iter()
            .map(|c| if c.role == Role::SharedFixture { 2 } else { 1 })
            .sum()
    }

    /// Recipients the case may spend of the sending quota.
    pub fn deliveries(&self) -> u64 {
        self.calls
            .iter()
            .filter_map(|c| match &c.decision {
                Some(Ok(judged)) => Some(judged.spends()),
                _ => None,
            })
            .sum()
    }
}

/// Plans cases for one target.
pub struct Planner<'a> {
    /// The table.
    pub spec: &'a Spec,
    /// The target's profile.
    pub profile: &'a Profile,
    /// The run's values for the placeholders.
    pub bindings: &'a Bindings,
    /// The target's gate.
    pub gate: &'a Gate,
}

impl Planner<'_> {
    /// The plan of one case.
    pub fn plan(&self, case: &Case) -> CasePlan {
        let mut calls = Vec::new();
        for fixture in &case.fixtures {
            let role = if fixture.shared {
                Role::SharedFixture
            } else {
                Role::Fixture
            };
            calls.push(self.call(role, &fixture.create, RequestPath::Sdk, None));
        }
        calls.push(self.call(
            Role::Case,
            &Call {
                operation: case.operation.clone(),
                request: case.request.clone(),
            },
            case.path,
            case.raw_body.as_deref(),
        ));
        let valid = case.kind == Kind::Valid;
        for made in &case.creates {
            if self.spec.is_identity_family(&made.resource.kind) {
                calls.push(PlannedCall {
                    role: Role::RemovalIfProven,
                    call: made.delete.clone(),
                    path: RequestPath::Sdk,
                    raw_body: None,
                    decision: None,
                    expected: valid,
                });
            } else {
                let mut removal = self.call(Role::Removal, &made.delete, RequestPath::Sdk, None);
                removal.expected = valid;
                calls.push(removal);
            }
        }
        let deleted = crate::run::resources::made::deleted_by(self.spec, case);
        for fixture in case.fixtures.iter().rev().filter(|f| !f.shared) {
            let mut removal = self.call(Role::Removal, &fixture.delete, RequestPath::Sdk, None);
            removal.expected = !(valid && deleted.as_ref() == Some(&fixture.resource));
            calls.push(removal);
        }
        let skip = unsupported(self.profile, case).or_else(|| refused(&calls));
        CasePlan { calls, skip }
    }

    /// What the run sends before its first case: against real SES (a strict gate), the read of
    /// the account's sending quota (`Session::start`), and the listing of each family with a
    /// per-account quota that one of `cases` makes (`run/quota.rs`, before the first of them);
    /// nothing elsewhere.
    pub fn opening(&self, cases: &[Case]) -> Vec<PlannedCall> {
        if !self.gate.is_strict() {
            return Vec::new();
        }
        let mut calls = vec![self.call(
            Role::QuotaRead,
            &super::pacing::quota_read(),
            RequestPath::Sdk,
            None,
        )];
        let mut families: Vec<&str> = cases
            .iter()
            .flat_map(|case| super::quota::quota_families_made_by(self.spec, case))
            .collect();
        families.sort_unstable();
        families.dedup();
        for list in families.iter().filter_map(|f| self.spec.listing_of(f)) {
            let read = Call {
                operation: list.operation.clone(),
                request: serde_json::Value::Object(serde_json::Map::new()),
            };
            calls.push(self.call(Role::RoomRead, &read, RequestPath::Sdk, None));
        }
        calls
    }

    /// What the run sends after its last case: the removal of each shared fixture a case that
    /// runs would make, newest first, as `Session::finish` removes them.
    pub fn closing<'c>(
        &self,
        planned: impl IntoIterator<Item = (&'c Case, &'c CasePlan)>,
    ) -> Vec<PlannedCall> {
        let mut made: Vec<&Fixture> = Vec::new();
        let runs = planned.into_iter().filter(|(_, plan)| plan.skip.is_none());
        for fixture in runs.flat_map(|(case, _)| case.fixtures.iter().filter(|f| f.shared)) {
            if !made
                .iter()
                .any(|m| super::fixtures::key(m) == super::fixtures::key(fixture))
            {
                made.push(fixture);
            }
        }
        made.iter()
            .rev()
            .map(|f| self.call(Role::SharedRemoval, &f.delete, RequestPath::Sdk, None))
            .collect()
    }

    fn call(
        &self,
        role: Role,
        call: &Call,
        path: RequestPath,
        raw_body: Option<&str>,
    ) -> PlannedCall {
        let decision = match serialize_call(
            self.spec,
            self.bindings,
            &call.operation,
            &call.request,
            raw_body,
        ) {
            Some((wire, _)) => self.gate.preflight(outgoing(&wire)).map(|(_, j)| j),
            None => Err(Refusal::Unreadable {
                detail: format!("{} is not an operation of the spec", call.operation),
            }),
        };
        PlannedCall {
            role,
            call: call.clone(),
            path,
            raw_body: raw_body.map(str::to_string),
            decision: Some(decision),
            expected: true,
        }
    }
}

/// Why a target cannot run a case at all: it lacks the operation, or one its fixtures need.
pub fn unsupported(profile: &Profile, case: &Case) -> Option<String> {
    if let Some(reason) = profile.unsupported_reason(&case.operation) {
        return Some(format!(
            "{} does not implement {}: {reason}",
            profile.target, case.operation
        ));
    }
    case.fixtures.iter().find_map(|fixture| {
        profile
            .unsupported_reason(&fixture.create.operation)
            .map(|reason| {
                format!(
                    "needs a {} made by {}, which {} does not implement: {reason}",
                    fixture.resource.kind, fixture.create.operation, profile.target
                )
            })
    })
}

/// The first call the gate would refuse, as a skip reason.
fn refused(calls: &[PlannedCall]) -> Option<String> {
    calls.iter().find_map(|c| match &c.decision {
        Some(Err(refusal)) => Some(format!(
            "the gate would refuse {} {} (rule {}): {refusal}",
            c.role.describe(),
            c.call.operation,
            refusal.rule()
        )),
        _ => None,
    })
}
