//! `reserved_prefix`: a string must not start with a prefix AWS keeps for itself (`aws:`),
//! optionally whatever its case.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{charset::Charset, impl_row, length::Length, KindDef, Problem};
use super::generation::{Breaking, current_or_new, string_of};
use super::text;
use super::generation::{Draw, Generate, LeafEdit, Variants};
use crate::spec::{Edition, Member, MemberType, Spec};

/// The `reserved_prefix` kind.
pub struct ReservedPrefix;

/// The row.
pub type Rule = PrefixRule;

/// A reserved prefix.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PrefixRule {
    /// The prefix, e.g. `aws:`.
    pub prefix: String,
    /// Whether `AWS:` counts as `aws:`.
    #[serde(default)]
    pub ignore_case: bool,
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

impl_row!(PrefixRule);

impl PrefixRule {
    /// Whether `text` starts with the reserved prefix.
    pub fn starts(&self, text: &str) -> bool {
        let prefix = &self.prefix;
        if self.ignore_case {
            text.len() >= prefix.len()
                && text.is_char_boundary(prefix.len())
                && text[..prefix.len()].eq_ignore_ascii_case(prefix)
        } else {
            text.starts_with(prefix)
        }
    }
}

impl KindDef for ReservedPrefix {
    fn applies_to(&self) -> Option<&'static [MemberType]> {
        Some(&[MemberType::String])
    }

    fn check_row(&self, _: &Spec, member: &Member) -> Result<(), Problem> {
        match ReservedPrefix::of(member) {
            Some(rule) if rule.prefix.is_empty() => Err(Problem::at(".prefix", "empty prefix")),
            _ => Ok(()),
        }
    }

    fn check_value(&self, _: &Spec, _: Edition, member: &Member, value: &Value) -> Option<String> {
        let rule = ReservedPrefix::of(member)?;
        rule.starts(value.as_str()?)
            .then(|| format!("the prefix `{}` is reserved", rule.prefix))
    }
}

impl Generate for ReservedPrefix {
    fn breaking(&self) -> Breaking {
        Breaking::AsGenerated("the reserved prefix is the whole class")
    }

    fn variants(&self, v: &mut Variants<'_>) {
        let Some(member) = v.member else {
            return;
        };
        let Some(rule) = ReservedPrefix::of(member) else {
            return;
        };
        // `aws` followed by an allowed letter: close to the reserved prefix, never it, whatever
        // the rest of the value starts with.
        let stem = rule.prefix.trim_end_matches(|c: char| !c.is_alphanumeric());
        let next = text::filler(Charset::of(member));
        v.valid("prefix_not_reserved", Prefixed(format!("{stem}{next}")));
        v.invalid("reserved_prefix", Prefixed(rule.prefix.clone()))
            .randomized();
    }

    fn make_valid(&self, member: &Member, value: &mut Value) {
        let (Some(rule), Value::String(s)) = (ReservedPrefix::of(member), value) else {
            return;
        };
        if s.to_lowercase().starts_with(&rule.prefix.to_lowercase()) {
            s.replace_range(..1, &text::filler(Charset::of(member)).to_string());
        }
    }
}

/// The valid value behind a prefix (upper-cased beyond index 0), cut to the length bound.
#[derive(Debug)]
struct Prefixed(String);

impl LeafEdit for Prefixed {
    fn apply(&self, ctx: &mut dyn Draw<'_>, member: &Member, current: Option<Value>, index: usize) -> Option<Value> {
        let base = string_of(current_or_new(ctx, member, current));
        let prefix = if index > 0 {
            self.0.to_uppercase()
        } else {
            self.0.clone()
        };
        let mut s = format!("{prefix}{base}");
        if let Some(max) = Length::of(member).and_then(|b| b.max) {
            s = s.chars().take(max as usize).collect();
        }
        Some(json!(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::kinds::test_support::{member, spec};

    fn tag_key(ignore_case: bool) -> Member {
        member(json!({"type": "string", "constraints": {"reserved_prefix": {
            "prefix": "aws:", "ignore_case": ignore_case, "source": "doc"
        }}}))
    }

    #[test]
    fn the_prefix_is_reserved_in_any_case_when_told() {
        let check = |m: &Member, v: &str| ReservedPrefix.check_value(spec(), Edition::Seed, m, &json!(v));
        assert_eq!(
            check(&tag_key(false), "aws:x").as_deref(),
            Some("the prefix `aws:` is reserved")
        );
        assert_eq!(check(&tag_key(false), "AWS:x"), None);
        assert!(check(&tag_key(true), "AWS:x").is_some());
        assert_eq!(check(&tag_key(true), "awsx"), None);
    }

    #[test]
    fn a_drawn_value_starting_with_the_prefix_is_repaired() {
        let mut value = json!("AWS:abc");
        ReservedPrefix.make_valid(&tag_key(true), &mut value);
        assert_eq!(value, json!("aWS:abc"));
    }

    #[test]
    fn an_empty_prefix_is_refused() {
        let m = member(json!({"type": "string", "constraints": {"reserved_prefix": {
            "prefix": "", "source": "doc"
        }}}));
        assert_eq!(
            ReservedPrefix.check_row(spec(), &m),
            Err(Problem::at(".prefix", "empty prefix"))
        );
    }
}
