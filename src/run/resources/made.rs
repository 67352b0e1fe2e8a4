//! The resources a case makes and removes, as the session reads them from a case and its
//! answers: what a delete case takes away, whether a create happened, the run's identity.

use serde_json::{json, Map, Value};

use crate::case::{Call, Case, Resource, IDENTITY_PLACEHOLDER};
use crate::client::exchange::Exchange;
use crate::spec::Spec;

/// The resource a delete case's request names, if the case is a delete.
pub fn deleted_by(spec: &Spec, case: &Case) -> Option<Resource> {
    let resource = spec.operation(&case.operation)?.resource.as_ref()?;
    if resource.action != crate::spec::ResourceAction::Delete {
        return None;
    }
    let def = spec.resources.get(&resource.kind)?;
    let keys = def
        .keys
        .iter()
        .map(|k| Some((k.clone(), case.request.get(k)?.clone())))
        .collect::<Option<Map<String, Value>>>()?;
    Some(Resource {
        kind: resource.kind.clone(),
        keys,
    })
}

/// Whether an exchange shows its create did not happen: it never left, or the target refused it
/// with a 4xx. Anything else (a 2xx, a 5xx, no answer) may have made it.
pub fn not_created(exchange: &Exchange) -> bool {
    // The gate's rule: the same one gives back the delete the create paid for.
    exchange.fate().made_nothing()
}

/// The calls that create and delete the run's identity: the table's family of identities
/// (see [`Spec::is_identity_family`]), named by the identity placeholder; `None` when the table
/// has no such family.
pub fn identity_calls(spec: &Spec) -> Option<(Resource, Call, Call)> {
    let (kind, def) = spec.identity_family()?;
    let keys: Map<String, Value> = def
        .keys
        .iter()
        .map(|key| (key.clone(), json!(IDENTITY_PLACEHOLDER)))
        .collect();
    let resource = Resource {
        kind: kind.to_string(),
        keys: keys.clone(),
    };
    let create = Call {
        operation: def.create.clone(),
        request: Value::Object(keys.clone()),
    };
    let delete = Call {
        operation: def.delete.clone(),
        request: Value::Object(keys),
    };
    Some((resource, create, delete))
}
