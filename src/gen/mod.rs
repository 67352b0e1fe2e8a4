//! Case generation from the spec table: valid requests, invalid ones that each break exactly one
//! named constraint, and documented behaviours.

pub mod behaviours;
pub mod edit;
pub mod kind;
pub mod rng;
pub mod text;
pub mod values;
pub mod variants;

pub use kind::{Edit, Generate, Group, Hints, LeafEdit};
pub use values::{Ctx, Mode};
pub use variants::{variants_for, Variant, Variants};

use serde_json::{json, Map, Value};

use crate::case::{
    self, Call, Case, Cleanup, Expect, Kind, Origin, RequestPath, Resource, ResponseCheck,
};
use crate::spec::{named_constraints, BehaviourKind, Operation, ResourceAction, Spec};

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
    Behaviour(crate::spec::Behaviour),
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
    for behaviour in op.behaviours.iter().filter(|b| behaviours::feasible(op, b)) {
        let kind = behaviour_kind(behaviour.kind);
        out.push(plan(
            kind,
            &behaviour.name,
            format!("behaviour:{}", behaviour.name),
            0,
            PlanKind::Behaviour(behaviour.clone()),
        ));
    }
    out
}

fn behaviour_kind(kind: BehaviourKind) -> Kind {
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

fn baseline_case(
    spec: &Spec,
    op: &Operation,
    settings: &Settings,
    name: &str,
    mode: Mode,
    index: usize,
) -> Case {
    let id = case::case_id(&op.operation, Kind::Valid, name, index);
    let seed = case::case_seed(&id, settings.global_seed);
    let mut ctx = Ctx::new(spec, op, seed, mode, &case::case_token(&id));
    let request = ctx.request();
    let expect = accept_with_paging(op, &request);
    finish(
        ctx,
        id,
        Kind::Valid,
        "request".into(),
        Origin::Constraint,
        request,
        RequestPath::Sdk,
        None,
        expect,
        seed,
    )
}

fn constraint_case(
    spec: &Spec,
    op: &Operation,
    settings: &Settings,
    v: &Variant,
    index: usize,
) -> Case {
    let id = case::case_id(&op.operation, v.kind, &v.name, index);
    let seed = case::case_seed(&id, settings.global_seed);
    let mode = if index == 0 {
        Mode::Minimal
    } else {
        Mode::Random
    };
    let mut ctx = Ctx::new(spec, op, seed, mode, &case::case_token(&id));
    let mut request = ctx.request();
    variants::apply(&mut ctx, &mut request, v, index);
    match v.kind {
        Kind::Valid => name_fixture_as_requested(&mut ctx, &request),
        Kind::Invalid => drop_fixtures_not_named(&mut ctx, &request),
    }
    let raw_body = v.edit.raw_body(op);
    let expect = match v.kind {
        Kind::Valid => accept_with_paging(op, &request),
        Kind::Invalid => Expect::Reject {
            errors: v.constraint.errors.clone(),
        },
    };
    finish(
        ctx,
        id,
        v.kind,
        v.constraint.name(),
        Origin::Constraint,
        request,
        v.path,
        raw_body,
        expect,
        seed,
    )
}

fn behaviour_case(
    spec: &Spec,
    op: &Operation,
    settings: &Settings,
    behaviour: &crate::spec::Behaviour,
) -> Option<Case> {
    let kind = behaviour_kind(behaviour.kind);
    let id = case::case_id(&op.operation, kind, &behaviour.name, 0);
    let seed = case::case_seed(&id, settings.global_seed);
    let mut ctx = Ctx::new(spec, op, seed, Mode::Minimal, &case::case_token(&id));
    let built = behaviours::build(&mut ctx, behaviour)?;
    Some(finish(
        ctx,
        id,
        built.kind,
        format!("behaviour:{}", behaviour.name),
        Origin::Behaviour,
        built.request,
        RequestPath::Sdk,
        None,
        built.expect,
        seed,
    ))
}

#[allow(clippy::too_many_arguments)]
fn finish(
    ctx: Ctx,
    id: String,
    kind: Kind,
    constraint: String,
    origin: Origin,
    request: Map<String, Value>,
    path: RequestPath,
    raw_body: Option<String>,
    expect: Expect,
    seed: u64,
) -> Case {
    let op = ctx.op;
    // What the request may create, unless a fixture of the same name already stands for it (an
    // update of a fixture creates nothing new; the fixture's removal takes it away).
    let creates = cleanup_of_own_creation(ctx.spec, op, &request)
        .into_iter()
        .filter(|c| !ctx.fixtures.iter().any(|f| f.resource == c.resource))
        .collect();
    Case {
        operation: op.operation.clone(),
        id,
        kind,
        constraint,
        origin,
        request: Value::Object(request),
        path,
        raw_body,
        fixtures: ctx.fixtures,
        creates,
        needs_identity: ctx.needs_identity,
        exclusive: values::is_exclusive(op),
        expect,
        seed,
    }
}

/// A valid update or delete whose variant changed the resource's name (a name at its longest,
/// one with every allowed character) must find that resource: its fixture is made under the name
/// the request uses. Otherwise the case would test a call on a missing resource, which is a
/// behaviour of its own (and one real SES answers with 404).
fn name_fixture_as_requested(ctx: &mut Ctx, request: &Map<String, Value>) {
    let Some(resource) = ctx.op.resource.as_ref() else {
        return;
    };
    if !matches!(
        resource.action,
        ResourceAction::Update | ResourceAction::Delete
    ) {
        return;
    }
    let Some(def) = ctx.spec.resources.get(&resource.kind) else {
        return;
    };
    for fixture in ctx
        .fixtures
        .iter_mut()
        .filter(|f| f.resource.kind == resource.kind && !f.shared)
    {
        for key in &def.keys {
            let (Some(requested), Some(made)) = (request.get(key), fixture.resource.keys.get(key))
            else {
                continue;
            };
            if requested == made || !requested.is_string() {
                continue;
            }
            let requested = requested.clone();
            fixture.resource.keys.insert(key.clone(), requested.clone());
            for call in [&mut fixture.create, &mut fixture.delete] {
                if let Some(obj) = call.request.as_object_mut() {
                    obj.insert(key.clone(), requested.clone());
                }
            }
        }
    }
}

/// An invalid update or delete whose variant changed (or removed) the resource's name no longer
/// names its fixture: the fixture is not made, since nothing in the case would use it.
fn drop_fixtures_not_named(ctx: &mut Ctx, request: &Map<String, Value>) {
    let Some(resource) = ctx.op.resource.as_ref() else {
        return;
    };
    if !matches!(
        resource.action,
        ResourceAction::Update | ResourceAction::Delete
    ) {
        return;
    }
    let kind = resource.kind.clone();
    ctx.fixtures.retain(|f| {
        f.resource.kind != kind
            || f.shared
            || f.resource
                .keys
                .iter()
                .all(|(k, v)| request.get(k) == Some(v))
    });
}

/// A create request may create its resource even when a lax target should have refused it, and
/// some calls create a resource as a side effect: every such case is followed by the delete of
/// whatever it named.
fn cleanup_of_own_creation(
    spec: &Spec,
    op: &Operation,
    request: &Map<String, Value>,
) -> Vec<Cleanup> {
    let mut out = Vec::new();
    // An update documented to succeed on a missing resource may create it (an upsert).
    let upsert = op
        .behaviours
        .iter()
        .any(|b| b.kind == BehaviourKind::SucceedsWhenMissing);
    let creates = |r: &&crate::spec::ResourceUse| {
        r.action == ResourceAction::Create || (r.action == ResourceAction::Update && upsert)
    };
    if let Some(resource) = op.resource.as_ref().filter(creates) {
        if let Some(def) = spec.resources.get(&resource.kind) {
            let members = def.keys.iter().map(|k| (k.as_str(), k.as_str()));
            out.extend(cleanup(spec, &resource.kind, members, request));
        }
    }
    if let Some(effect) = &op.side_effect {
        let members = effect.keys.iter().map(|(k, m)| (k.as_str(), m.as_str()));
        out.extend(cleanup(spec, &effect.kind, members, request));
    }
    out
}

/// The cleanup of a resource of `kind` whose keys are read from request members.
fn cleanup<'m>(
    spec: &Spec,
    kind: &str,
    keys_from_members: impl Iterator<Item = (&'m str, &'m str)>,
    request: &Map<String, Value>,
) -> Option<Cleanup> {
    let def = spec.resources.get(kind)?;
    let mut keys = Map::new();
    for (key, member) in keys_from_members {
        let Some(Value::String(s)) = request.get(member) else {
            return None;
        };
        keys.insert(key.to_string(), json!(s));
    }
    Some(Cleanup {
        resource: Resource {
            kind: kind.to_string(),
            keys: keys.clone(),
        },
        delete: Call {
            operation: def.delete.clone(),
            request: Value::Object(keys),
        },
    })
}

/// Valid calls of a paginating operation never return more items than the PageSize asked for.
fn accept_with_paging(op: &Operation, request: &Map<String, Value>) -> Expect {
    let mut checks = Vec::new();
    let paging = op
        .behaviours
        .iter()
        .find(|b| b.kind == BehaviourKind::Paginates);
    if let (Some(b), Some(size)) = (paging, request.get("PageSize").and_then(Value::as_u64)) {
        if let Some(list) = &b.list {
            checks.push(ResponseCheck::AtMostItems {
                pointer: format!("/{list}"),
                max: size as usize,
            });
        }
    }
    Expect::Accept { checks }
}
