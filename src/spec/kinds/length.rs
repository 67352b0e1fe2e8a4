//! `length`: the length of a string in characters (Unicode scalar values), between inclusive
//! bounds. A bound documented after the seed (`later`) holds in [`Edition::Current`].

use serde_json::{json, Value};

use super::{charset::Charset, KindDef, Problem};
use super::generation::RequestPath;
use crate::names::PREFIX_PLACEHOLDER;
use super::generation::{Breaking, current_or_new, pick_size, string_of};
use super::text;
use super::generation::{Draw, Generate, Hints, LeafEdit, Variants};
use crate::spec::{Edition, Member, MemberType, Spec};

/// The `length` kind.
pub struct Length;

/// The row: `{"min": 1, "max": 64, "source": ...}`.
pub type Rule = super::bounds::Bounds;

impl KindDef for Length {
    fn applies_to(&self) -> Option<&'static [MemberType]> {
        Some(&[MemberType::String])
    }

    fn check_row(&self, _: &Spec, member: &Member) -> Result<(), Problem> {
        Length::of(member).map_or(Ok(()), |b| b.check())
    }

    fn check_value(&self, _: &Spec, edition: Edition, member: &Member, value: &Value) -> Option<String> {
        let n = value.as_str()?.chars().count() as i64;
        Length::of(member)?.violated_by(edition, n, "characters")
    }
}

impl Generate for Length {
    fn breaking(&self) -> Breaking {
        Breaking::PastLength
    }

    fn variants(&self, v: &mut Variants<'_>) {
        let Some(row) = v.member.and_then(Length::of) else {
            return;
        };
        let (low, high) = row.seed_range();
        let (min, max) = (low.max(0) as usize, high.map(|m| m as usize));
        if row.min.is_some() {
            v.valid("length_at_min", Chars::exactly(min));
        }
        if let Some(max) = max {
            v.valid("length_at_max", Chars::exactly(max));
            let low = min.max(1);
            v.valid("length_in_range", Chars::new((low + max) / 2, (low, max)))
                .randomized();
        }
        if low > 0 {
            // An empty URI label changes the route: the SDK refuses to send it.
            let path = if v.on_uri_label() && min == 1 {
                RequestPath::Wire
            } else {
                RequestPath::Sdk
            };
            v.invalid("length_below_min", Chars::new(min - 1, (0, min - 1)))
                .via(path);
        }
        if let Some(max) = max {
            v.invalid("length_above_max", Chars::new(max + 1, (max + 1, max + 64)))
                .randomized();
        }
    }

    fn hint_valid(&self, member: &Member, hints: &mut Hints) {
        if let Some(b) = Length::of(member) {
            hints.length = Some((
                b.min.unwrap_or(0).max(0) as usize,
                b.max.unwrap_or(24).max(0) as usize,
            ));
        }
    }
}

/// A string of exactly `boundary` characters at index 0, of a length drawn from `random` else.
#[derive(Debug)]
struct Chars {
    boundary: usize,
    random: (usize, usize),
}

impl Chars {
    fn new(boundary: usize, random: (usize, usize)) -> Chars {
        Chars { boundary, random }
    }

    fn exactly(n: usize) -> Chars {
        Chars::new(n, (n, n))
    }
}

impl LeafEdit for Chars {
    fn apply(&self, ctx: &mut dyn Draw<'_>, member: &Member, current: Option<Value>, index: usize) -> Option<Value> {
        let fill = text::filler(Charset::of(member));
        let base = string_of(current_or_new(ctx, member, current));
        // A name the run creates keeps its prefix: random lengths stay above it, so only a
        // boundary shorter than the prefix (which cannot carry it) loses it.
        let random = match base.starts_with(PREFIX_PLACEHOLDER) {
            true => keep_above_prefix(self.random),
            false => self.random,
        };
        let n = pick_size(ctx, index, self.boundary, random);
        Some(json!(text::resize_chars(&base, n, fill)))
    }
}

/// A random length range moved above the run prefix where it reaches past it.
fn keep_above_prefix((low, high): (usize, usize)) -> (usize, usize) {
    let above = PREFIX_PLACEHOLDER.chars().count() + 1;
    if high >= above {
        (low.max(above), high)
    } else {
        (low, high)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::kinds::test_support::{
        member, names, operation, request_of, spec, variants_of,
    };

    fn policy_name() -> Member {
        member(json!({"type": "string", "constraints": {"length": {
            "min": 1, "max": 128, "source": "seed",
            "later": {"max": 64, "source": "now"}
        }}}))
    }

    #[test]
    fn length_counts_characters_against_the_edition_bounds() {
        let m = policy_name();
        let check = |edition, text: &str| Length.check_value(spec(), edition, &m, &json!(text));
        assert_eq!(check(Edition::Seed, &"é".repeat(128)), None);
        assert_eq!(
            check(Edition::Current, &"é".repeat(128)).as_deref(),
            Some("128 characters is above the maximum 64")
        );
        assert_eq!(
            check(Edition::Seed, "").as_deref(),
            Some("0 characters is below the minimum 1")
        );
    }

    #[test]
    fn length_applies_to_strings_only() {
        assert!(Length::KIND.applies_to(MemberType::String));
        assert!(!Length::KIND.applies_to(MemberType::Integer));
    }

    #[test]
    fn random_lengths_stay_above_the_run_prefix() {
        let above = PREFIX_PLACEHOLDER.chars().count() + 1;
        assert_eq!(keep_above_prefix((0, 64)), (above, 64));
        assert_eq!(keep_above_prefix((0, 3)), (0, 3));
    }

    #[test]
    fn an_empty_uri_label_goes_on_the_wire() {
        let length = json!({"min": 1, "max": 64, "source": "doc"});
        let op = operation(
            "/v2/email/templates/{TemplateName}",
            json!({"TemplateName": {"type": "string", "location": "uri", "constraints": {
                "required": {"source": "doc"}, "length": length
            }}}),
        );
        assert_eq!(
            names(&variants_of(&op, "TemplateName.length")),
            [
                "+template_name_length_at_min",
                "+template_name_length_at_max",
                "+template_name_length_in_range*",
                "-template_name_length_below_min (wire)",
                "-template_name_length_above_max*",
            ]
        );
    }

    #[test]
    fn a_bound_documented_later_only_has_no_variants() {
        let later = json!({"source": "seed", "later": {"max": 64, "source": "now"}});
        let op = operation(
            "/v2/email/made-up",
            json!({"Name": {"type": "string", "location": "body", "constraints": {"length": later}}}),
        );
        assert!(variants_of(&op, "Name.length").is_empty());
    }

    #[test]
    fn valid_strings_are_drawn_within_the_bounds() {
        let mut hints = Hints::default();
        Length.hint_valid(&policy_name(), &mut hints);
        assert_eq!(hints.length, Some((1, 128)));
    }

    #[test]
    fn lengths_are_exact_at_the_boundary_and_keep_the_run_prefix_else() {
        let op = "CreateEmailIdentityPolicy";
        let name = |v: &Value| v["PolicyName"].as_str().map(|s| s.chars().count());
        let above = request_of(op, "PolicyName.length", "policy_name_length_above_max", 0);
        assert_eq!(name(&above), Some(65));
        for index in 1..4 {
            let drawn = request_of(op, "PolicyName.length", "policy_name_length_above_max", index);
            let text = drawn["PolicyName"].as_str().unwrap_or_default();
            assert!(text.starts_with(PREFIX_PLACEHOLDER), "{text}");
            assert!(name(&drawn).is_some_and(|n| n > 64), "{text}");
        }
    }
}
