//! Naming every case before building it: the [`Plan`]s of an operation (whole-request
//! baselines, each constraint's variants, each documented behaviour) in a stable order, and the
//! cases they build.

use super::build::{baseline_case, behaviour_case, constraint_case};
use super::{behaviours, variants_for, Mode, Variant};
use crate::case::{self, Case, Kind, RequestPath};
use crate::spec::{named_constraints, BehaviourKind, Operation, Spec};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Mixed into every case's seed; 0 by default.
    pub global_seed: u64,
    /// Random cases per variant on top of the boundary case.
    pub random_cases: usize,
    /// Only these operations (all when empty).
    pub operations: Vec<String>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            global_seed: 0,
            random_cases: DEFAULT_RANDOM_CASES,
            operations: Vec::new(),
        }
    }
}

/// Random cases per variant unless told otherwise.
pub const DEFAULT_RANDOM_CASES: usize = 2;

/// Every case of the selected operations, in a stable order.
pub fn generate(spec: &Spec, settings: &Settings) -> Vec<Case> {
    plans(spec, settings)
        .iter()
        .filter_map(|plan| plan.build(spec, settings))
        .collect()
}

/// What a case will be, before its request is generated: enough to name it (listing must be
/// cheap) and to build it later from its id alone.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The case id.
    pub id: String,
    /// The operation.
    pub operation: String,
    /// Valid or invalid.
    pub kind: Kind,
    /// The constraint or behaviour name, as the case will carry it.
    pub constraint: String,
    index: usize,
    what: PlanKind,
}

#[derive(Debug, Clone)]
enum PlanKind {
    Baseline { name: &'static str, mode: Mode },
    Constraint(Box<Variant>),
    Behaviour(Box<crate::spec::Behaviour>),
}

impl Plan {
    /// How the case's request will travel.
    pub fn path(&self) -> RequestPath {
        match &self.what {
            PlanKind::Constraint(v) => v.path,
            PlanKind::Baseline { .. } | PlanKind::Behaviour(_) => RequestPath::Sdk,
        }
    }

    /// Generate the case.
    pub fn build(&self, spec: &Spec, settings: &Settings) -> Option<Case> {
        let op = spec.operation(&self.operation)?;
        match &self.what {
            PlanKind::Baseline { name, mode } => {
                Some(baseline_case(spec, op, settings, name, *mode, self.index))
            }
            PlanKind::Constraint(v) => Some(constraint_case(spec, op, settings, v, self.index)),
            PlanKind::Behaviour(b) => behaviour_case(spec, op, settings, b),
        }
    }
}

/// The plans of every case of the selected operations, in a stable order.
pub fn plans(spec: &Spec, settings: &Settings) -> Vec<Plan> {
    spec.operations_named(&settings.operations)
        .flat_map(|op| plans_for(spec, op, settings))
        .collect()
}

/// The plans of one operation: whole-request baselines, then each constraint's variants, then
/// each documented behaviour.
pub fn plans_for(spec: &Spec, op: &Operation, settings: &Settings) -> Vec<Plan> {
    let mut out = Vec::new();
    let plan = |kind: Kind, name: &str, constraint: String, index: usize, what: PlanKind| Plan {
        id: case::case_id(&op.operation, kind, name, index),
        operation: op.operation.clone(),
        kind,
        constraint,
        index,
        what,
    };
    for (name, mode, random) in [
        ("minimal", Mode::Minimal, false),
        ("all_members", Mode::Full, true),
    ] {
        for index in 0..=if random { settings.random_cases } else { 0 } {
            let mode = if index == 0 { mode } else { Mode::Random };
            out.push(plan(
                Kind::Valid,
                name,
                "request".into(),
                index,
                PlanKind::Baseline { name, mode },
            ));
        }
    }
    for constraint in named_constraints(spec, op) {
        for v in variants_for(spec, op, &constraint) {
            let instances = if v.random { settings.random_cases } else { 0 };
            for index in 0..=instances {
                out.push(plan(
                    v.kind,
                    &v.name,
                    v.constraint.name(),
                    index,
                    PlanKind::Constraint(Box::new(v.clone())),
                ));
            }
        }
    }
    for behaviour in op
        .behaviours
        .iter()
        .filter(|b| behaviours::feasible(spec, op, b))
    {
        let kind = behaviour_kind(behaviour.kind);
        out.push(plan(
            kind,
            &behaviour.name,
            format!("behaviour:{}", behaviour.name),
            0,
            PlanKind::Behaviour(Box::new(behaviour.clone())),
        ));
    }
    out
}

pub(super) fn behaviour_kind(kind: BehaviourKind) -> Kind {
    match kind {
        BehaviourKind::SucceedsWhenMissing
        | BehaviourKind::Paginates
        | BehaviourKind::EchoesCreated => Kind::Valid,
        BehaviourKind::FailsWhenMissing
        | BehaviourKind::RejectsDuplicate
        | BehaviourKind::RequiresVerifiedIdentity => Kind::Invalid,
    }
}

/// Every case of one operation.
pub fn cases_for(spec: &Spec, op: &Operation, settings: &Settings) -> Vec<Case> {
    plans_for(spec, op, settings)
        .iter()
        .filter_map(|plan| plan.build(spec, settings))
        .collect()
}

/// The ids of every case, without generating requests: what `list` and `--list` print.
pub fn case_ids(spec: &Spec, settings: &Settings) -> Vec<String> {
    plans(spec, settings).into_iter().map(|p| p.id).collect()
}
