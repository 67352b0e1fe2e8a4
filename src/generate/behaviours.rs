//! Cases for documented behaviours: a call on a missing resource, a duplicate create, an
//! unverified identity, paging, and reading back what was created. Each behaviour kind is one
//! function; which operations have which behaviours is data in the spec table.

use serde_json::{json, Map, Value};

use super::values::Ctx;
use crate::case::{Expect, Kind, ResponseCheck, UNVERIFIED_IDENTITY};
use crate::spec::{Behaviour, BehaviourKind, Semantic, Spec};

/// What a behaviour case sends and expects.
pub struct BehaviourCase {
    /// Valid (the call must succeed) or invalid (it must fail).
    pub kind: Kind,
    /// The request.
    pub request: Map<String, Value>,
    /// The expectation.
    pub expect: Expect,
}

/// Whether the operation can express the behaviour: paging needs a PageSize member, and a
/// family a run can hold more than one of (a page short of the list needs more resources than
/// the page holds; a run holds one identity, its own, and an account one contact list).
pub fn feasible(spec: &Spec, op: &crate::spec::Operation, behaviour: &Behaviour) -> bool {
    match behaviour.kind {
        BehaviourKind::Paginates => {
            op.input.contains_key("PageSize")
                && behaviour.list.is_some()
                && !lists_the_runs_identity(spec, op)
                && holds_more_than_a_page(spec, op)
        }
        _ => op.resource.is_some() || behaviour.fixture.is_some(),
    }
}

/// Whether an account may hold one more item of the family `op` lists than its smallest page.
fn holds_more_than_a_page(spec: &Spec, op: &crate::spec::Operation) -> bool {
    let Some(resource) = &op.resource else {
        return true;
    };
    // The family's own quota: the items of a family living in one (contacts in a list) are not
    // limited by it.
    let Some(quota) = spec
        .resources
        .get(&resource.kind)
        .and_then(|def| def.per_account.as_ref())
    else {
        return true;
    };
    quota.max > smallest_page(op).unwrap_or(1)
}

/// The least PageSize the operation documents (at least 1).
fn smallest_page(op: &crate::spec::Operation) -> Option<usize> {
    let page_size = op.input.get("PageSize")?;
    let min = page_size
        .constraints
        .range
        .as_ref()
        .and_then(|b| b.min)
        .unwrap_or(1);
    Some(usize::try_from(min.max(1)).unwrap_or(1))
}

/// Whether `op` acts on a family named by an identity alone: its fixtures are the run's one
/// identity.
fn lists_the_runs_identity(spec: &Spec, op: &crate::spec::Operation) -> bool {
    op.resource
        .as_ref()
        .is_some_and(|r| spec.is_identity_family(&r.kind))
}

/// Build the case for `behaviour` in `ctx` (whose fixtures and identity needs it fills in).
/// `None` when the operation cannot express it (paging without a PageSize member).
pub fn build(ctx: &mut Ctx, behaviour: &Behaviour) -> Option<BehaviourCase> {
    match behaviour.kind {
        BehaviourKind::SucceedsWhenMissing => Some(BehaviourCase {
            kind: Kind::Valid,
            request: missing_resource_request(ctx, false),
            expect: Expect::Accept { checks: vec![] },
        }),
        BehaviourKind::FailsWhenMissing => Some(BehaviourCase {
            kind: Kind::Invalid,
            request: missing_resource_request(ctx, false),
            expect: reject(behaviour),
        }),
        BehaviourKind::RequiresVerifiedIdentity => Some(BehaviourCase {
            kind: Kind::Invalid,
            request: missing_resource_request(ctx, true),
            expect: reject(behaviour),
        }),
        BehaviourKind::RejectsDuplicate => {
            let kind = ctx.op.resource.as_ref()?.kind.clone();
            let existing = ctx.fixture(&kind);
            ctx.force(existing.keys);
            Some(BehaviourCase {
                kind: Kind::Invalid,
                request: ctx.request(),
                expect: reject(behaviour),
            })
        }
        BehaviourKind::Paginates => paging(ctx, behaviour),
        BehaviourKind::EchoesCreated => echo(ctx, behaviour),
    }
}

fn reject(behaviour: &Behaviour) -> Expect {
    Expect::Reject {
        errors: behaviour.errors.clone(),
    }
}

/// The operation's request with its resource's names replaced by names nothing has: a fresh
/// name for the resource itself, and (when `unverified_identity`, or when the resource is an
/// identity) an identity the account never verified.
fn missing_resource_request(ctx: &mut Ctx, unverified_identity: bool) -> Map<String, Value> {
    let spec = ctx.spec;
    let op = ctx.op;
    let mut forced = Map::new();
    if let Some(def) = op
        .resource
        .as_ref()
        .and_then(|r| spec.resources.get(&r.kind))
    {
        for key in &def.keys {
            let is_identity = op
                .input
                .get(key)
                .is_some_and(|m| m.semantic == Some(Semantic::Identity));
            let value = if is_identity {
                if unverified_identity || def.keys.len() == 1 {
                    json!(UNVERIFIED_IDENTITY)
                } else {
                    continue;
                }
            } else {
                json!(ctx.new_name("missing"))
            };
            forced.insert(key.clone(), value);
        }
    }
    ctx.force(forced);
    ctx.request()
}

/// Two resources exist and a page of one is asked for: exactly one item comes back, and a
/// NextToken.
fn paging(ctx: &mut Ctx, behaviour: &Behaviour) -> Option<BehaviourCase> {
    let list = behaviour.list.as_ref()?;
    let page_size = ctx.op.input.get("PageSize")?;
    let min = page_size
        .constraints
        .range
        .as_ref()
        .and_then(|b| b.min)
        .unwrap_or(1)
        .max(1);
    let kind = ctx.op.resource.as_ref()?.kind.clone();
    for _ in 0..=min {
        ctx.fixture(&kind);
    }
    let mut request = ctx.request();
    request.insert("PageSize".into(), json!(min));
    Some(BehaviourCase {
        kind: Kind::Valid,
        request,
        expect: Expect::Accept {
            checks: vec![
                ResponseCheck::ExactlyItems {
                    pointer: format!("/{list}"),
                    count: min as usize,
                },
                ResponseCheck::Present {
                    pointer: "/NextToken".into(),
                },
            ],
        },
    })
}

/// A resource is created, then read: the answer repeats what it was created with.
fn echo(ctx: &mut Ctx, behaviour: &Behaviour) -> Option<BehaviourCase> {
    let own_kind = ctx.op.resource.as_ref().map(|r| r.kind.clone());
    let kind = behaviour.fixture.clone().or(own_kind)?;
    let request = ctx.request();
    if !ctx.fixtures.iter().any(|f| f.resource.kind == kind) {
        ctx.fixture(&kind);
    }
    let fixture = ctx
        .fixtures
        .iter()
        .find(|f| f.resource.kind == kind)?
        .clone();
    let created = &fixture.create.request;
    let mut checks = Vec::new();
    for (output_pointer, created_pointer) in &behaviour.echo {
        let value = created.pointer(created_pointer)?.clone();
        checks.push(ResponseCheck::Equals {
            pointer: fill_pointer(output_pointer, created),
            value,
        });
    }
    Some(BehaviourCase {
        kind: Kind::Valid,
        request,
        expect: Expect::Accept { checks },
    })
}

/// Replace `{Member}` in a JSON pointer template with the (escaped) member of `request`.
fn fill_pointer(template: &str, request: &Value) -> String {
    let mut out = template.to_string();
    if let Some(obj) = request.as_object() {
        for (name, value) in obj {
            let placeholder = format!("{{{name}}}");
            if let (true, Some(s)) = (out.contains(&placeholder), value.as_str()) {
                out = out.replace(&placeholder, &s.replace('~', "~0").replace('/', "~1"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_templates_are_filled_and_escaped() {
        let req = json!({"PolicyName": "a/b~c"});
        assert_eq!(
            fill_pointer("/Policies/{PolicyName}", &req),
            "/Policies/a~1b~0c"
        );
    }
}
