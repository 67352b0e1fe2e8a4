//! The resources a case stands on and leaves behind: fixtures renamed or dropped to match what
//! the request names, and the cleanup of whatever the request may create.

use serde_json::{json, Map, Value};

use super::Ctx;
use crate::case::{Call, Cleanup, Resource};
use crate::spec::{BehaviourKind, Operation, ResourceAction, ResourceDef, ResourceUse, Spec};

/// A valid update or delete whose variant changed the resource's name (a name at its longest,
/// one with every allowed character) must find that resource: its fixture is made under the name
/// the request uses. Otherwise the case would test a call on a missing resource, which is a
/// behaviour of its own (and one real SES answers with 404).
pub(super) fn name_fixture_as_requested(ctx: &mut Ctx, request: &Map<String, Value>) {
    let Some((resource, def)) = updated_or_deleted(ctx.spec, ctx.op) else {
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

/// The resource an update or delete acts on, and its definition.
fn updated_or_deleted<'a>(
    spec: &'a Spec,
    op: &'a Operation,
) -> Option<(&'a ResourceUse, &'a ResourceDef)> {
    let resource = op.resource.as_ref()?;
    let acts = matches!(
        resource.action,
        ResourceAction::Update | ResourceAction::Delete
    );
    acts.then(|| {
        spec.resources
            .get(&resource.kind)
            .map(|def| (resource, def))
    })?
}

/// An invalid update or delete whose variant changed (or removed) the resource's name no longer
/// names its fixture: the fixture is not made, since nothing in the case would use it.
pub(super) fn drop_fixtures_not_named(ctx: &mut Ctx, request: &Map<String, Value>) {
    let Some((resource, _)) = updated_or_deleted(ctx.spec, ctx.op) else {
        return;
    };
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
pub fn cleanup_of_own_creation(
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
