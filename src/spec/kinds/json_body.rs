//! `json_body`: the request body is a JSON document. Derived from `specs/protocol.json` for
//! every operation that sends a body; only a wire case can break it.

use serde_json::Value;

use super::{Documented, KindDef};
use super::generation::RequestPath;
use super::generation::{Breaking, current_or_new, Keep};
use super::generation::{Draw, Generate, LeafEdit, Variants};
use crate::spec::{has_body, Location, Member, Operation, Spec};

/// The `json_body` kind.
pub struct JsonBody;

/// The protocol's rule.
pub type Rule = super::sourced::ProtocolRule;

impl KindDef for JsonBody {
    fn default_errors(&self) -> &'static [&'static str] {
        &["BadRequestException", "SerializationException"]
    }

    fn on_request(&self, spec: &Spec, op: &Operation) -> Option<Documented> {
        let rule = JsonBody::of(&spec.protocol);
        has_body(op).then(|| Documented {
            source: rule.source.clone(),
            errors: rule.errors.clone(),
            enforced: rule.enforced.clone(),
            in_seed: true,
        })
    }
}

impl Generate for JsonBody {
    fn breaking(&self) -> Breaking {
        Breaking::AsGenerated("a body that is not JSON is the whole class")
    }

    fn variants(&self, v: &mut Variants<'_>) {
        v.valid("well_formed_json", Keep);
        v.invalid("malformed_json", MalformedBody)
            .via(RequestPath::Wire);
    }
}

/// A body that is not JSON; the case carries it as its raw body and its JSON request stays valid.
#[derive(Debug)]
struct MalformedBody;

impl LeafEdit for MalformedBody {
    fn apply(&self, ctx: &mut dyn Draw<'_>, member: &Member, current: Option<Value>, _: usize) -> Option<Value> {
        Some(current_or_new(ctx, member, current))
    }

    fn raw_body(&self, op: &Operation) -> Option<String> {
        Some(malformed_body(op))
    }
}

/// A body cut off in the middle of its first member: not JSON.
fn malformed_body(op: &Operation) -> String {
    let first = op
        .input
        .iter()
        .find(|(_, m)| m.location == Some(Location::Body))
        .map(|(name, m)| m.wire_name(name).to_string())
        .unwrap_or_else(|| "x".into());
    format!("{{\"{first}\": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::kinds::test_support::{op, spec, variant_names};

    #[test]
    fn only_operations_with_a_body_have_the_constraint() {
        assert!(JsonBody.on_request(spec(), op("SendEmail")).is_some());
        assert!(JsonBody.on_request(spec(), op("GetAccount")).is_none());
    }

    #[test]
    fn the_malformed_body_is_cut_inside_the_first_body_member() {
        let body = malformed_body(op("CreateEmailTemplate"));
        assert_eq!(body, "{\"TemplateName\": ");
        assert!(serde_json::from_str::<Value>(&body).is_err());
    }

    #[test]
    fn a_malformed_body_is_sent_on_the_wire() {
        assert_eq!(
            variant_names("SendEmail", "request.json_body"),
            [
                "+request_well_formed_json",
                "-request_malformed_json (wire)"
            ]
        );
    }
}
