//! A call as the gate and the two paths see it: the spec's serialization of a request with the
//! run's placeholders bound.

use serde_json::Value;

use super::wire;
use crate::case::Bindings;
use crate::gate::Outgoing;
use crate::spec::{blob_pointers, Spec};

/// The request as the gate reads it.
pub fn outgoing(request: &wire::WireRequest) -> Outgoing<'_> {
    Outgoing {
        method: request.method,
        path_and_query: &request.path_and_query,
        body: request.body.as_deref().unwrap_or_default(),
    }
}

/// A call as the spec serializes it, placeholders bound to `bindings` (inside raw messages too):
/// what the gate judges when it schedules the call, and the JSON the SDK path is given. `None`
/// for an operation the spec does not know.
pub fn serialize_call(
    spec: &Spec,
    bindings: &Bindings,
    operation: &str,
    request: &Value,
    raw_body: Option<&str>,
) -> Option<(wire::WireRequest, Value)> {
    let op = spec.operation_or_setup(operation)?;
    let mut bound = bindings.bind_value(request, &blob_pointers(spec, op, request));
    keep_documented_sizes(op, request, &mut bound);
    let raw = raw_body.map(|b| bindings.bind_text(b));
    Some((wire::serialize(op, &bound, raw.as_deref()), bound))
}

/// A size boundary case stays at its boundary once bound: a run's identity is rarely as long as
/// its placeholder, so a policy document of exactly 4096 bytes that names it would otherwise
/// grow or shrink. JSON text is padded (or unpadded) with white space before its closing brace,
/// which is where the generator pads it.
fn keep_documented_sizes(op: &crate::spec::Operation, unbound: &Value, bound: &mut Value) {
    for (name, member) in &op.input {
        let c = &member.constraints;
        if c.bytes.is_none() || c.json.is_none() {
            continue;
        }
        let (Some(Value::String(before)), Some(Value::String(after))) =
            (unbound.get(name), bound.get_mut(name))
        else {
            continue;
        };
        if let Some(resized) = resize_json_padding(after, before.len()) {
            *after = resized;
        }
    }
}

/// `text` (JSON ending in `}`) with the white space before its closing brace changed so that it
/// is `size` bytes long, when that is possible.
fn resize_json_padding(text: &str, size: usize) -> Option<String> {
    let body = text.strip_suffix('}')?;
    let content = body.trim_end_matches(' ');
    let padding = (size.checked_sub(content.len() + 1))?;
    let resized = format!("{content}{}}}", " ".repeat(padding));
    serde_json::from_str::<Value>(&resized).ok()?;
    Some(resized)
}
