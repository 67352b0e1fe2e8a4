//! `type`: a member's value has its modelled JSON type. Derived from `specs/protocol.json` for
//! every top-level input member whose type the wire can break; checked on every value.

use serde_json::{json, Value};

use super::{Documented, KindDef};
use super::generation::RequestPath;
use super::generation::Keep;
use super::generation::{Breaking, Draw, Generate, LeafEdit, Variants};
use crate::spec::{json_kind, Location, Member, MemberType, Operation, Spec};

/// The `type` kind.
pub struct WireType;

/// The protocol's rule.
pub type Rule = super::sourced::ProtocolRule;

impl KindDef for WireType {
    fn default_errors(&self) -> &'static [&'static str] {
        &["BadRequestException", "SerializationException"]
    }

    fn on_input(&self, spec: &Spec, op: &Operation, member: &Member) -> Option<Documented> {
        let rule = WireType::of(&spec.protocol);
        wire_type_can_be_broken(member).then(|| Documented {
            source: format!("{}: type {}", op.source, member.ty.as_str()),
            errors: rule.errors.clone(),
            enforced: rule.enforced.clone(),
            in_seed: true,
        })
    }

    fn check_request(&self, request: &Value) -> Option<String> {
        (!request.is_object()).then(|| "the request must be a JSON object".into())
    }

    fn check_readable(&self, member: &Member, value: &Value) -> Option<String> {
        (!type_matches(member.ty, value)).then(|| {
            format!(
                "expected a {}, got {}",
                member.ty.as_str(),
                json_kind(value)
            )
        })
    }
}

/// A wrong JSON type can be sent for body members and for non-string query members; URI labels
/// and string query parameters are text whatever the value.
fn wire_type_can_be_broken(member: &Member) -> bool {
    match member.location {
        Some(Location::Body) => true,
        Some(Location::Query) => member.ty != MemberType::String,
        _ => false,
    }
}

/// Whether a JSON value has the wire type of a member type.
pub fn type_matches(ty: MemberType, value: &Value) -> bool {
    match ty {
        MemberType::String | MemberType::Blob => value.is_string(),
        MemberType::Integer => value.is_i64() || value.is_u64(),
        MemberType::Boolean => value.is_boolean(),
        MemberType::Double | MemberType::Timestamp => value.is_number(),
        MemberType::List => value.is_array(),
        MemberType::Map | MemberType::Structure => value.is_object(),
    }
}

impl Generate for WireType {
    fn breaking(&self) -> Breaking {
        Breaking::AsGenerated("a value of another JSON type is the whole class")
    }

    fn variants(&self, v: &mut Variants<'_>) {
        v.valid("well_typed", Keep);
        v.invalid("wrong_type", WrongType).via(RequestPath::Wire);
    }
}

/// A value of a JSON type other than the member's.
#[derive(Debug)]
struct WrongType;

impl LeafEdit for WrongType {
    fn apply(&self, _: &mut dyn Draw<'_>, member: &Member, _: Option<Value>, _: usize) -> Option<Value> {
        Some(wrong_type(member.ty))
    }
}

fn wrong_type(ty: MemberType) -> Value {
    match ty {
        MemberType::String | MemberType::Blob | MemberType::Timestamp => json!(12345),
        MemberType::Integer | MemberType::Double => json!("ten"),
        MemberType::Boolean => json!("yes"),
        MemberType::List | MemberType::Map | MemberType::Structure => json!("not a container"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::kinds::test_support::member;

    #[test]
    fn integer_type_rejects_floats_and_strings() {
        assert!(type_matches(MemberType::Integer, &json!(3)));
        assert!(!type_matches(MemberType::Integer, &json!(3.5)));
        assert!(!type_matches(MemberType::Integer, &json!("3")));
    }

    #[test]
    fn only_body_members_and_typed_query_members_can_be_sent_mistyped() {
        let at = |ty: &str, location: &str| {
            wire_type_can_be_broken(&member(json!({"type": ty, "location": location})))
        };
        assert!(at("string", "body"));
        assert!(at("integer", "query"));
        assert!(!at("string", "query"));
        assert!(!at("string", "uri"));
    }

    #[test]
    fn the_wrong_type_never_has_the_member_type() {
        for ty in [
            MemberType::String,
            MemberType::Integer,
            MemberType::Boolean,
            MemberType::Blob,
            MemberType::List,
            MemberType::Structure,
        ] {
            let wrong = wrong_type(ty);
            assert!(!type_matches(ty, &wrong), "{ty:?}: {wrong}");
        }
    }

    #[test]
    fn a_mistyped_value_is_unreadable() {
        let page_size = member(json!({"type": "integer"}));
        assert_eq!(
            WireType.check_readable(&page_size, &json!("ten")).as_deref(),
            Some("expected a integer, got a string")
        );
        assert_eq!(WireType.check_readable(&page_size, &json!(10)), None);
        assert!(WireType.check_request(&json!([])).is_some());
    }
}
