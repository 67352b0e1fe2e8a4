//! `ascii_or_charset`: text of a structure outside 7-bit ASCII needs the structure's character
//! set member (a `Content` with non-ASCII `Data` needs a `Charset`).

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::{impl_row, KindDef, Problem};
use super::generation::{Breaking, Draw, Generate, LeafEdit, Variants};
use crate::spec::validate::present;
use crate::spec::{Member, MemberType, Shape};

/// The `ascii_or_charset` kind.
pub struct AsciiOrCharset;

/// The rule.
pub type Rule = AsciiOrCharsetRule;

/// Non-ASCII text needs a declared character set.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AsciiOrCharsetRule {
    /// The text member.
    pub data: String,
    /// The character set member.
    pub charset: String,
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

impl_row!(AsciiOrCharsetRule);

impl KindDef for AsciiOrCharset {
    fn check_rule(&self, shape: &Shape) -> Result<(), Problem> {
        let Some(rule) = AsciiOrCharset::of(&shape.rules) else {
            return Ok(());
        };
        for (key, m) in [("data", &rule.data), ("charset", &rule.charset)] {
            if shape.members.get(m).map(|x| x.ty) != Some(MemberType::String) {
                return Err(Problem::at(
                    format!(".{key}"),
                    format!("`{m}` is not a string member of `{}`", shape.shape),
                ));
            }
        }
        Ok(())
    }

    fn check_members(&self, shape: &Shape, obj: &Map<String, Value>) -> Option<String> {
        let rule = AsciiOrCharset::of(&shape.rules)?;
        let non_ascii = present(obj, &rule.data)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_ascii());
        (non_ascii && present(obj, &rule.charset).is_none()).then(|| {
            format!(
                "`{}` is not 7-bit ASCII but no `{}` is given",
                rule.data, rule.charset
            )
        })
    }
}

impl Generate for AsciiOrCharset {
    fn breaking(&self) -> Breaking {
        Breaking::AsGenerated("non-ASCII text without a charset is the whole class")
    }

    fn variants(&self, v: &mut Variants<'_>) {
        let data = |non_ascii, charset| Data { non_ascii, charset };
        v.valid("ascii_without_charset", data(false, false));
        v.valid("non_ascii_with_charset", data(true, true));
        v.invalid("non_ascii_without_charset", data(true, false));
    }
}

/// The structure with ASCII or non-ASCII text, with or without its character set.
#[derive(Debug)]
struct Data {
    non_ascii: bool,
    charset: bool,
}

impl LeafEdit for Data {
    fn apply(&self, ctx: &mut dyn Draw<'_>, member: &Member, _: Option<Value>, _: usize) -> Option<Value> {
        let shape = ctx.spec().members_of(member)?;
        let rule = AsciiOrCharset::of(&shape.rules)?;
        let mut obj = Map::new();
        let data = if self.non_ascii {
            format!("ses-conformance Grüße {}", ctx.token())
        } else {
            format!("ses-conformance {}", ctx.token())
        };
        obj.insert(rule.data.clone(), json!(data));
        if self.charset {
            obj.insert(rule.charset.clone(), json!("UTF-8"));
        }
        Some(Value::Object(obj))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::kinds::test_support::{spec, variant_names};

    fn content() -> &'static Shape {
        spec()
            .structure("Content")
            .unwrap_or_else(|| panic!("Content is a structure"))
    }

    #[test]
    fn non_ascii_text_needs_its_charset() {
        let check = |v: Value| v.as_object().and_then(|o| AsciiOrCharset.check_members(content(), o));
        assert_eq!(check(json!({"Data": "plain"})), None);
        assert_eq!(check(json!({"Data": "Grüße", "Charset": "UTF-8"})), None);
        assert_eq!(
            check(json!({"Data": "Grüße"})).as_deref(),
            Some("`Data` is not 7-bit ASCII but no `Charset` is given")
        );
    }

    #[test]
    fn the_rule_names_string_members_of_its_structure() {
        assert_eq!(AsciiOrCharset.check_rule(content()), Ok(()));
    }

    #[test]
    fn both_valid_forms_and_the_invalid_one_are_variants() {
        assert_eq!(
            variant_names("SendEmail", "Content.Simple.Subject.ascii_or_charset"),
            [
                "+content_simple_subject_ascii_without_charset",
                "+content_simple_subject_non_ascii_with_charset",
                "-content_simple_subject_non_ascii_without_charset",
            ]
        );
    }
}
