//! `unique`: a field of the structures in a list takes a different value in each.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{impl_row, KindDef, Problem};
use super::generation::string_of;
use super::generation::{Breaking, Draw, Generate, LeafEdit, Variants};
use crate::spec::{snake_case, Edition, Member, MemberType, Spec};

/// The `unique` kind.
pub struct Unique;

/// The row.
pub type Rule = UniqueRule;

/// Uniqueness of a field across the structures of a list.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UniqueRule {
    /// The field that must be unique.
    pub field: String,
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

impl_row!(UniqueRule);

impl KindDef for Unique {
    fn applies_to(&self) -> Option<&'static [MemberType]> {
        Some(&[MemberType::List])
    }

    fn check_row(&self, spec: &Spec, member: &Member) -> Result<(), Problem> {
        let Some(rule) = Unique::of(member) else {
            return Ok(());
        };
        let field_exists = member
            .member
            .as_ref()
            .and_then(|item| item.shape.as_ref())
            .and_then(|s| spec.shapes.get(s))
            .is_some_and(|s| s.members.contains_key(&rule.field));
        if field_exists {
            Ok(())
        } else {
            Err(Problem::at(
                ".field",
                format!("list items have no member `{}`", rule.field),
            ))
        }
    }

    fn check_value(&self, _: &Spec, _: Edition, member: &Member, value: &Value) -> Option<String> {
        let rule = Unique::of(member)?;
        let mut seen = std::collections::HashSet::new();
        for item in value.as_array()? {
            if let Some(key) = item.get(&rule.field).filter(|v| !v.is_null()) {
                if !seen.insert(key.to_string()) {
                    return Some(format!("`{}` {key} appears more than once", rule.field));
                }
            }
        }
        None
    }
}

impl Generate for Unique {
    fn breaking(&self) -> Breaking {
        Breaking::AsGenerated("two equal items are the whole class")
    }

    fn variants(&self, v: &mut Variants<'_>) {
        let Some(rule) = v.member.and_then(Unique::of) else {
            return;
        };
        let field = snake_case(&rule.field);
        v.valid(&format!("distinct_{field}"), TwoItems::distinct(&rule.field));
        v.invalid(&format!("duplicate_{field}"), TwoItems::sharing(&rule.field))
            .randomized();
    }

    fn make_valid(&self, member: &Member, value: &mut Value) {
        if let (Some(rule), Value::Array(items)) = (Unique::of(member), value) {
            make_field_unique(items, &rule.field);
        }
    }
}

/// Append the item index to repeated values of `field`, so list items stay distinct.
pub fn make_field_unique(items: &mut [Value], field: &str) {
    let mut seen = std::collections::HashSet::new();
    for (i, item) in items.iter_mut().enumerate() {
        if let Some(Value::String(s)) = item.get_mut(field) {
            if !seen.insert(s.clone()) {
                s.push_str(&i.to_string());
                seen.insert(s.clone());
            }
        }
    }
}

/// Two valid list items whose `field` is the same, or differs.
#[derive(Debug)]
struct TwoItems {
    field: String,
    same: bool,
}

impl TwoItems {
    fn distinct(field: &str) -> TwoItems {
        TwoItems {
            field: field.into(),
            same: false,
        }
    }

    fn sharing(field: &str) -> TwoItems {
        TwoItems {
            field: field.into(),
            same: true,
        }
    }
}

impl LeafEdit for TwoItems {
    fn apply(&self, ctx: &mut dyn Draw<'_>, member: &Member, _: Option<Value>, _: usize) -> Option<Value> {
        let field = &self.field;
        let item = member.member.as_deref()?;
        let first = ctx.value_of("", item);
        let mut second = ctx.value_of("", item);
        if let (Some(a), Some(obj)) = (first.get(field).cloned(), second.as_object_mut()) {
            let value = if self.same {
                a
            } else {
                json!(format!("{}2", string_of(a)))
            };
            obj.insert(field.clone(), value);
        }
        let mut items = vec![first, second];
        if !self.same {
            make_field_unique(&mut items, field);
        }
        Some(Value::Array(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::kinds::test_support::{member, spec, variant_names};

    fn tags() -> Member {
        member(json!({"type": "list", "member": {"type": "structure", "shape": "Tag"},
            "constraints": {"unique": {"field": "Key", "source": "doc"}}}))
    }

    #[test]
    fn a_repeated_field_is_reported_once() {
        let repeated = json!([{"Key": "a"}, {"Key": "b"}, {"Key": "a"}, {"Key": "a"}]);
        assert_eq!(
            Unique.check_value(spec(), Edition::Seed, &tags(), &repeated).as_deref(),
            Some("`Key` \"a\" appears more than once")
        );
        let distinct = json!([{"Key": "a"}, {"Key": "b"}, {"Value": "a"}]);
        assert_eq!(Unique.check_value(spec(), Edition::Seed, &tags(), &distinct), None);
    }

    #[test]
    fn the_unique_field_must_be_a_member_of_the_items() {
        assert_eq!(Unique.check_row(spec(), &tags()), Ok(()));
        let mut wrong = tags();
        if let Some(rule) = wrong.constraints.unique.as_mut() {
            rule.field = "Name".into();
        }
        assert_eq!(
            Unique.check_row(spec(), &wrong).err().map(|p| p.at).as_deref(),
            Some(".field")
        );
    }

    #[test]
    fn repeated_values_are_made_unique() {
        let mut items = vec![json!({"Key": "a"}), json!({"Key": "a"}), json!({"Key": "b"})];
        make_field_unique(&mut items, "Key");
        assert_eq!(items, [json!({"Key": "a"}), json!({"Key": "a1"}), json!({"Key": "b"})]);
    }

    #[test]
    fn variants_are_named_after_the_field() {
        assert_eq!(
            variant_names("CreateDeliverabilityTestReport", "Tags.unique"),
            ["+tags_distinct_key", "-tags_duplicate_key*"]
        );
    }
}
