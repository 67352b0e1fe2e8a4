//! `mime_blank_line`: a raw message has a header and a body separated by a blank line.

use serde_json::Value;

use super::mime::{has_header_and_body, message, Mime};
use super::KindDef;
use super::generation::{Breaking, Generate, Variants};
use crate::spec::{Edition, Member, MemberType, Spec};

/// The `mime_blank_line` kind.
pub struct MimeBlankLine;

/// The row.
pub type Rule = super::sourced::Sourced;

impl KindDef for MimeBlankLine {
    fn applies_to(&self) -> Option<&'static [MemberType]> {
        Some(&[MemberType::Blob])
    }

    fn check_value(&self, _: &Spec, _: Edition, member: &Member, value: &Value) -> Option<String> {
        MimeBlankLine::of(member)?;
        // A blob that is not base64 is the `base64` kind's to report.
        (!has_header_and_body(&message(value)?))
            .then(|| "the message needs a header and a body separated by a blank line".into())
    }
}

impl Generate for MimeBlankLine {
    fn breaking(&self) -> Breaking {
        Breaking::AsGenerated("a message without its blank line is the whole class")
    }

    fn variants(&self, v: &mut Variants<'_>) {
        let mime = |blank_line| Mime {
            blank_line,
            line: None,
            random: (0, 0),
        };
        v.valid("blank_line", mime(true));
        v.invalid("no_blank_line", mime(false));
    }
}

#[cfg(test)]
mod tests {
    use ::base64::Engine as _;
    use serde_json::json;

    use super::*;
    use crate::spec::kinds::test_support::{member, spec};

    #[test]
    fn a_message_without_a_blank_line_is_refused() {
        let m = member(json!({"type": "blob", "constraints": {"mime_blank_line": {"source": "doc"}}}));
        let encode = |t: &str| json!(::base64::engine::general_purpose::STANDARD.encode(t));
        let check = |t: &str| MimeBlankLine.check_value(spec(), Edition::Seed, &m, &encode(t));
        assert_eq!(check("Subject: x\r\n\r\nbody"), None);
        assert!(check("Subject: x\r\nbody").is_some());
        let not_base64 = json!("!");
        assert_eq!(MimeBlankLine.check_value(spec(), Edition::Seed, &m, &not_base64), None);
    }
}
