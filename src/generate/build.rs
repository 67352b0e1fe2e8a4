//! Building one case: a valid request drawn for its seed, the variant's edit applied, fixtures
//! matched to the request, and what the case expects.

use serde_json::{Map, Value};

use super::fixtures::{
    cleanup_of_own_creation, drop_fixtures_not_named, name_fixture_as_requested,
};
use super::plan::{behaviour_kind, Settings};
use super::{behaviours, values, variants, Ctx, Mode, Variant};
use crate::case::{self, Case, Expect, Kind, Origin, RequestPath, ResponseCheck};
use crate::spec::{BehaviourKind, Operation, Spec};

pub(super) fn baseline_case(
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

pub(super) fn constraint_case(
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

pub(super) fn behaviour_case(
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
    let mut case = Case {
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
        exclusive: values::is_exclusive(ctx.spec, op),
        expect,
        seed,
    };
    // A case of any family that makes an item of one with a per-account quota (a send naming a
    // contact list makes one as its fixture) runs alone, as that family's own cases do.
    case.exclusive |= case.makes_an_item_under_quota(ctx.spec);
    case
}

/// Valid calls of a paginating operation never return more items than the PageSize asked for.
pub fn accept_with_paging(op: &Operation, request: &Map<String, Value>) -> Expect {
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
