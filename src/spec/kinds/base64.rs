//! `base64`: the JSON text of a blob is valid base64. A value that is not cannot be
//! deserialized, so a target may answer like a wrong type.

use ::base64::Engine as _;
use serde_json::Value;

use super::KindDef;
use super::generation::RequestPath;
use super::generation::{Breaking, Keep, Text};
use super::generation::{Generate, Variants};
use crate::spec::{Edition, Member, MemberType, Spec};

/// The `base64` kind.
pub struct Base64;

/// The row.
pub type Rule = super::sourced::Sourced;

impl KindDef for Base64 {
    fn default_errors(&self) -> &'static [&'static str] {
        &["BadRequestException", "SerializationException"]
    }

    fn applies_to(&self) -> Option<&'static [MemberType]> {
        Some(&[MemberType::Blob])
    }

    fn check_value(&self, _: &Spec, _: Edition, member: &Member, value: &Value) -> Option<String> {
        Base64::of(member)?;
        let text = value.as_str()?;
        let decoded = ::base64::engine::general_purpose::STANDARD.decode(text);
        decoded.err().map(|e| format!("not base64: {e}"))
    }
}

impl Generate for Base64 {
    fn breaking(&self) -> Breaking {
        Breaking::AsGenerated("the boundary case holds text that is not base64")
    }

    fn variants(&self, v: &mut Variants<'_>) {
        v.valid("base64", Keep);
        // The SDK encodes blobs itself: only the wire can carry text that is not base64.
        v.invalid("not_base64", Text("this is not base64!".into()))
            .via(RequestPath::Wire);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::kinds::test_support::{member, spec};

    #[test]
    fn text_that_is_not_base64_is_named() {
        let m = member(json!({"type": "blob", "constraints": {"base64": {"source": "doc"}}}));
        assert_eq!(Base64.check_value(spec(), Edition::Seed, &m, &json!("YWJj")), None);
        let broken = Base64.check_value(spec(), Edition::Seed, &m, &json!("not base64!"));
        assert!(broken.is_some_and(|m| m.starts_with("not base64: ")));
    }

    #[test]
    fn a_blob_without_the_row_is_not_checked() {
        let m = member(json!({"type": "blob"}));
        assert_eq!(Base64.check_value(spec(), Edition::Seed, &m, &json!("!")), None);
    }
}
