//! Where the blobs of a request are, so that bindings can reach inside their base64.

use indexmap::IndexMap;

use super::{Member, MemberType, Operation, Spec};

/// JSON pointers of every blob value in a request (raw messages), so bindings can reach inside
/// their base64.
pub fn blob_pointers(spec: &Spec, op: &Operation, request: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(obj) = request.as_object() {
        blobs_in(spec, &op.input, obj, "", &mut out);
    }
    out
}

fn blobs_in(
    spec: &Spec,
    members: &IndexMap<String, Member>,
    obj: &serde_json::Map<String, serde_json::Value>,
    pointer: &str,
    out: &mut Vec<String>,
) {
    for (name, member) in members {
        if let Some(value) = obj.get(name) {
            blob_value(spec, member, value, &format!("{pointer}/{name}"), out);
        }
    }
}

fn blob_value(
    spec: &Spec,
    member: &Member,
    value: &serde_json::Value,
    pointer: &str,
    out: &mut Vec<String>,
) {
    match member.ty {
        MemberType::Blob => out.push(pointer.to_string()),
        MemberType::Structure => {
            if let (Some(shape), Some(obj)) = (spec.members_of(member), value.as_object()) {
                blobs_in(spec, &shape.members, obj, pointer, out);
            }
        }
        MemberType::List => {
            if let (Some(item), Some(items)) = (member.member.as_deref(), value.as_array()) {
                for (i, v) in items.iter().enumerate() {
                    blob_value(spec, item, v, &format!("{pointer}/{i}"), out);
                }
            }
        }
        _ => {}
    }
}
