//! `charset`: the characters a string may contain, as character classes the documentation names
//! and literal characters. Its variants probe each class of [`PROBES`](super::text::PROBES)
//! the charset forbids.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{impl_row, length::Length, KindDef, Problem};
use crate::names::PREFIX_PLACEHOLDER;
use super::text::{self, PROBES};
use super::generation::{Breaking, current_or_new, string_of};
use super::generation::{Draw, Generate, Hints, LeafEdit, Variants};
use crate::spec::{Edition, Member, MemberType, Spec};

/// The `charset` kind.
pub struct Charset;

/// The row.
pub type Rule = CharsetRule;

/// The characters a string may contain: any character of the listed classes, or one of `chars`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CharsetRule {
    /// Allowed character classes.
    pub classes: Vec<CharClass>,
    /// Allowed literal characters beyond the classes.
    #[serde(default)]
    pub chars: String,
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

impl_row!(CharsetRule);

/// Character classes the documentation uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CharClass {
    /// `a-z`, `A-Z`.
    AsciiLetter,
    /// `0-9`.
    AsciiDigit,
    /// Any Unicode letter (ASCII letters included).
    UnicodeLetter,
    /// Any Unicode digit (ASCII digits included).
    UnicodeDigit,
    /// Any Unicode white space.
    Whitespace,
}

impl CharClass {
    /// Whether `c` belongs to the class.
    pub fn contains(self, c: char) -> bool {
        match self {
            CharClass::AsciiLetter => c.is_ascii_alphabetic(),
            CharClass::AsciiDigit => c.is_ascii_digit(),
            CharClass::UnicodeLetter => c.is_alphabetic(),
            CharClass::UnicodeDigit => c.is_numeric(),
            CharClass::Whitespace => c.is_whitespace(),
        }
    }
}

impl CharsetRule {
    /// Whether the rule allows `c`.
    pub fn allows(&self, c: char) -> bool {
        self.chars.contains(c) || self.classes.iter().any(|class| class.contains(c))
    }

    /// The first character of `text` the rule does not allow.
    pub fn first_forbidden(&self, text: &str) -> Option<char> {
        text.chars().find(|&c| !self.allows(c))
    }
}

impl KindDef for Charset {
    fn applies_to(&self) -> Option<&'static [MemberType]> {
        Some(&[MemberType::String])
    }

    fn check_row(&self, _: &Spec, member: &Member) -> Result<(), Problem> {
        match Charset::of(member) {
            Some(rule) if rule.classes.is_empty() && rule.chars.is_empty() => Err(Problem::new(
                "a charset that allows no character at all",
            )),
            _ => Ok(()),
        }
    }

    fn check_value(&self, _: &Spec, _: Edition, member: &Member, value: &Value) -> Option<String> {
        let bad = Charset::of(member)?.first_forbidden(value.as_str()?)?;
        Some(format!(
            "character {bad:?} (U+{:04X}) is not allowed",
            bad as u32
        ))
    }
}

impl Generate for Charset {
    fn breaking(&self) -> Breaking {
        Breaking::ForbiddenCharacter
    }

    fn variants(&self, v: &mut Variants<'_>) {
        v.valid("allowed_chars", AllowedSample);
        let Some(rule) = v.member.and_then(Charset::of) else {
            return;
        };
        for probe in PROBES.iter().filter(|p| !rule.allows(p.ch)) {
            let suffix = format!("forbidden_{}", probe.label);
            v.invalid(&suffix, WithChar(probe.ch)).randomized();
        }
    }

    fn hint_valid(&self, member: &Member, hints: &mut Hints) {
        if let Some(rule) = Charset::of(member) {
            hints.alphabet = Some(text::alphabet(Some(rule)));
        }
    }
}

/// The valid value with one character replaced by a forbidden one: the last at index 0, one
/// after the run prefix else.
#[derive(Debug)]
struct WithChar(char);

impl LeafEdit for WithChar {
    fn apply(&self, ctx: &mut dyn Draw<'_>, member: &Member, current: Option<Value>, index: usize) -> Option<Value> {
        let mut chars: Vec<char> = string_of(current_or_new(ctx, member, current))
            .chars()
            .collect();
        let at = if index == 0 || chars.len() <= 1 {
            chars.len().saturating_sub(1)
        } else {
            // Never inside the run prefix, which the target needs to see intact.
            let first = PREFIX_PLACEHOLDER.len().min(chars.len() - 1);
            ctx.size(first, chars.len() - 1)
        };
        if chars.is_empty() {
            chars.push(self.0);
        } else {
            chars[at] = self.0;
        }
        Some(json!(chars.into_iter().collect::<String>()))
    }
}

/// The valid value ending in one character of each allowed class, within the length bound.
#[derive(Debug)]
struct AllowedSample;

impl LeafEdit for AllowedSample {
    fn apply(&self, ctx: &mut dyn Draw<'_>, member: &Member, current: Option<Value>, _: usize) -> Option<Value> {
        let sample = Charset::of(member)
            .map(text::allowed_sample)
            .unwrap_or_default();
        let base = string_of(current_or_new(ctx, member, current));
        let max = Length::of(member).and_then(|b| b.max).map(|m| m as usize);
        let keep = max
            .map(|m| m.saturating_sub(sample.chars().count()))
            .unwrap_or(usize::MAX);
        let mut s: String = base.chars().take(keep).collect();
        s.push_str(&sample);
        Some(json!(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::kinds::test_support::{member, spec, variant_names};

    fn policy_name_rule() -> CharsetRule {
        CharsetRule {
            classes: vec![CharClass::AsciiLetter, CharClass::AsciiDigit],
            chars: "-_".into(),
            source: "test".into(),
            errors: vec![],
            enforced: None,
        }
    }

    #[test]
    fn policy_name_charset_allows_letters_digits_dash_underscore_only() {
        let rule = policy_name_rule();
        assert_eq!(rule.first_forbidden("Abc-09_x"), None);
        assert_eq!(rule.first_forbidden("a b"), Some(' '));
        assert_eq!(rule.first_forbidden("a.b"), Some('.'));
        assert_eq!(rule.first_forbidden("é"), Some('é'));
    }

    #[test]
    fn unicode_classes_include_non_ascii_letters_and_digits() {
        assert!(CharClass::UnicodeLetter.contains('漢'));
        assert!(CharClass::UnicodeDigit.contains('٣'));
        assert!(!CharClass::AsciiDigit.contains('٣'));
        assert!(CharClass::Whitespace.contains('\t'));
    }

    #[test]
    fn a_charset_allowing_nothing_is_refused() {
        let m = member(json!({"type": "string", "constraints": {"charset": {
            "classes": [], "source": "doc"
        }}}));
        assert!(Charset.check_row(spec(), &m).is_err());
    }

    #[test]
    fn the_first_forbidden_character_is_named() {
        let m = member(json!({"type": "string", "constraints": {"charset": {
            "classes": ["ascii_letter"], "chars": "-", "source": "doc"
        }}}));
        assert_eq!(
            Charset.check_value(spec(), Edition::Seed, &m, &json!("ab-c d")).as_deref(),
            Some("character ' ' (U+0020) is not allowed")
        );
    }

    #[test]
    fn every_forbidden_probe_is_an_invalid_variant() {
        let names = variant_names("CreateEmailIdentityPolicy", "PolicyName.charset");
        assert_eq!(names[0], "+policy_name_allowed_chars");
        assert!(names.contains(&"-policy_name_forbidden_space*".to_string()));
        for name in &names[1..] {
            assert!(name.starts_with("-policy_name_forbidden_"), "{name}");
        }
    }
}
