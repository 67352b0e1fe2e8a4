//! `mime_line_length`: no line of a raw message is longer than `max` characters.

use serde_json::Value;

use super::mime::{longest_line, message, Mime};
use super::{KindDef, Problem};
use super::generation::{Breaking, Generate, Variants};
use crate::spec::{Edition, Member, MemberType, Spec};

/// The `mime_line_length` kind.
pub struct MimeLineLength;

/// The row: `{"max": 1000, "source": ...}`.
pub type Rule = super::bounds::Bounds;

impl KindDef for MimeLineLength {
    fn applies_to(&self) -> Option<&'static [MemberType]> {
        Some(&[MemberType::Blob])
    }

    fn check_row(&self, _: &Spec, member: &Member) -> Result<(), Problem> {
        MimeLineLength::of(member).map_or(Ok(()), |b| b.check())
    }

    fn check_value(&self, _: &Spec, edition: Edition, member: &Member, value: &Value) -> Option<String> {
        let row = MimeLineLength::of(member)?;
        // A blob that is not base64 is the `base64` kind's to report.
        let longest = longest_line(&message(value)?) as i64;
        row.violated_by(edition, longest, "characters in its longest line")
    }
}

impl Generate for MimeLineLength {
    fn breaking(&self) -> Breaking {
        Breaking::AsGenerated("one line past the limit is the whole class")
    }

    fn variants(&self, v: &mut Variants<'_>) {
        let Some(max) = v.member.and_then(MimeLineLength::of).and_then(|b| b.max) else {
            return;
        };
        let max = max as usize;
        let line = |line, random| Mime {
            blank_line: true,
            line: Some(line),
            random,
        };
        v.valid("line_at_max", line(max, (80, max))).randomized();
        v.invalid("line_above_max", line(max + 1, (max + 1, max * 2)))
            .randomized();
    }
}

#[cfg(test)]
mod tests {
    use ::base64::Engine as _;
    use serde_json::json;

    use super::*;
    use crate::spec::kinds::test_support::{member, spec, variant_names};

    #[test]
    fn the_longest_line_is_measured_in_characters() {
        let m = member(json!({"type": "blob", "constraints": {"mime_line_length": {"max": 3, "source": "doc"}}}));
        let encode = |t: &str| json!(::base64::engine::general_purpose::STANDARD.encode(t));
        let check = |t: &str| MimeLineLength.check_value(spec(), Edition::Seed, &m, &encode(t));
        assert_eq!(check("éé\r\nabc\r\n"), None);
        assert_eq!(
            check("abcd\r\n").as_deref(),
            Some("4 characters in its longest line is above the maximum 3")
        );
    }

    #[test]
    fn raw_messages_are_tried_at_and_past_the_longest_line() {
        assert_eq!(
            variant_names("SendEmail", "Content.Raw.Data.mime_line_length"),
            ["+content_raw_data_line_at_max*", "-content_raw_data_line_above_max*"]
        );
    }
}
