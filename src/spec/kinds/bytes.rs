//! `bytes`: the size of a string's UTF-8 text, between inclusive bounds.

use serde_json::{json, Value};

use super::{charset::Charset, json::Json, KindDef, Problem};
use super::generation::{Breaking, current_or_new, pick_size, string_of};
use super::text;
use super::generation::{Draw, Generate, LeafEdit, Variants};
use crate::spec::{Edition, Member, MemberType, Spec};

/// The `bytes` kind.
pub struct Bytes;

/// The row: `{"max": 4096, "source": ...}`.
pub type Rule = super::bounds::Bounds;

impl KindDef for Bytes {
    fn applies_to(&self) -> Option<&'static [MemberType]> {
        Some(&[MemberType::String])
    }

    fn check_row(&self, _: &Spec, member: &Member) -> Result<(), Problem> {
        Bytes::of(member).map_or(Ok(()), |b| b.check())
    }

    fn check_value(&self, _: &Spec, edition: Edition, member: &Member, value: &Value) -> Option<String> {
        let n = value.as_str()?.len() as i64;
        Bytes::of(member)?.violated_by(edition, n, "bytes")
    }
}

impl Generate for Bytes {
    fn breaking(&self) -> Breaking {
        Breaking::AsGenerated("a body one byte past the limit is the whole class; drawing bigger ones only costs requests")
    }

    fn variants(&self, v: &mut Variants<'_>) {
        let Some(max) = v.member.and_then(Bytes::of).and_then(|b| b.max) else {
            return;
        };
        let max = max as usize;
        v.valid("bytes_at_max", Size::new(max, (max, max)));
        let above = v.invalid("bytes_above_max", Size::new(max + 1, (max + 1, max + 512)));
        // Multi-megabyte values are only sent at the boundary: random ones would multiply the
        // suite's memory for nothing the boundary does not already show.
        if max <= 65_536 {
            above.randomized();
        }
    }
}

/// A string of exactly `boundary` UTF-8 bytes at index 0, of a size drawn from `random` else.
/// JSON text stays the same JSON.
#[derive(Debug)]
struct Size {
    boundary: usize,
    random: (usize, usize),
}

impl Size {
    fn new(boundary: usize, random: (usize, usize)) -> Size {
        Size { boundary, random }
    }
}

impl LeafEdit for Size {
    fn apply(&self, ctx: &mut dyn Draw<'_>, member: &Member, current: Option<Value>, index: usize) -> Option<Value> {
        let fill = text::filler(Charset::of(member));
        let n = pick_size(ctx, index, self.boundary, self.random);
        let base = string_of(current_or_new(ctx, member, current));
        let json = Json::of(member).is_some();
        Some(json!(text::resize_bytes(&base, n, json, fill)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::kinds::test_support::{member, request_of, spec, variant_names};

    #[test]
    fn bytes_count_utf8_bytes_not_characters() {
        let m = member(json!({"type": "string", "constraints": {"bytes": {"max": 4, "source": "doc"}}}));
        assert_eq!(Bytes.check_value(spec(), Edition::Seed, &m, &json!("éé")), None);
        assert_eq!(
            Bytes.check_value(spec(), Edition::Seed, &m, &json!("ééé")).as_deref(),
            Some("6 bytes is above the maximum 4")
        );
    }

    #[test]
    fn large_bounds_are_only_sent_at_the_boundary() {
        assert_eq!(
            variant_names("CreateEmailIdentityPolicy", "Policy.bytes"),
            ["+policy_bytes_at_max", "-policy_bytes_above_max*"]
        );
        assert_eq!(
            variant_names("CreateCustomVerificationEmailTemplate", "TemplateContent.bytes"),
            ["+template_content_bytes_at_max", "-template_content_bytes_above_max"]
        );
    }

    #[test]
    fn sizes_are_exact_and_policies_stay_json() {
        let at_max = request_of("CreateEmailIdentityPolicy", "Policy.bytes", "policy_bytes_at_max", 0);
        let policy = at_max["Policy"].as_str().unwrap_or_default();
        assert_eq!(policy.len(), 4096);
        assert!(serde_json::from_str::<Value>(policy).is_ok());
    }
}
