//! `json`: a string holds JSON text (an object, when `object` is set): template data, policy
//! documents.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{impl_row, KindDef};
use super::generation::{Breaking, Keep, Text};
use super::generation::{Generate, Variants};
use crate::spec::{json_kind, Edition, Member, MemberType, Spec};

/// The `json` kind.
pub struct Json;

/// The row.
pub type Rule = JsonRule;

/// The text must parse as JSON.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JsonRule {
    /// Whether it must be a JSON object.
    #[serde(default)]
    pub object: bool,
    /// Where the documentation states it.
    pub source: String,
    /// Error types a target may answer with; defaults to `BadRequestException`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// Present when SES certainly enforces this rule before acting on a request today (a member
    /// the current model requires, a value SES cannot deserialize, an enum value outside the
    /// current model's set); says why, with its source. Only a request breaking such a rule may go
    /// to an opt-in operation on real SES without `--allow`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforced: Option<String>,
}

impl_row!(JsonRule);

impl KindDef for Json {
    fn applies_to(&self) -> Option<&'static [MemberType]> {
        Some(&[MemberType::String])
    }

    fn check_value(&self, _: &Spec, _: Edition, member: &Member, value: &Value) -> Option<String> {
        let rule = Json::of(member)?;
        match serde_json::from_str::<Value>(value.as_str()?) {
            Err(e) => Some(format!("not JSON text: {e}")),
            Ok(v) if rule.object && !v.is_object() => Some(format!(
                "JSON text must be an object, got {}",
                json_kind(&v)
            )),
            Ok(_) => None,
        }
    }
}

impl Generate for Json {
    fn breaking(&self) -> Breaking {
        Breaking::AsGenerated("the boundary case holds text that is not JSON")
    }

    fn variants(&self, v: &mut Variants<'_>) {
        v.valid("json", Keep);
        v.invalid("not_json", Text("{not json".into()));
        if v.member.and_then(Json::of).is_some_and(|j| j.object) {
            v.invalid("json_not_object", Text("[\"not\", \"an object\"]".into()));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::kinds::test_support::{member, spec, variant_names};

    #[test]
    fn an_object_rule_refuses_other_json() {
        let m = member(json!({"type": "string", "constraints": {"json": {"object": true, "source": "doc"}}}));
        let check = |v: &str| Json.check_value(spec(), Edition::Seed, &m, &json!(v));
        assert_eq!(check(r#"{"a": 1}"#), None);
        assert_eq!(
            check("[1]").as_deref(),
            Some("JSON text must be an object, got a list")
        );
        assert!(check("{not json").is_some_and(|m| m.starts_with("not JSON text")));
    }

    #[test]
    fn template_data_must_be_an_object() {
        assert_eq!(
            variant_names("TestRenderEmailTemplate", "TemplateData.json"),
            [
                "+template_data_json",
                "-template_data_not_json",
                "-template_data_json_not_object",
            ]
        );
    }
}
