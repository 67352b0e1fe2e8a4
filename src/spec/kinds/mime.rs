//! What the raw-message kinds (`mime_blank_line`, `mime_line_length`) share: reading the message
//! out of its base64, and the edit that writes one.

use ::base64::Engine as _;
use serde_json::{json, Value};

use super::generation::pick_size;
use super::generation::{Draw, LeafEdit};
use crate::spec::Member;

/// The message text of a blob value, when it is base64.
pub fn message(value: &Value) -> Option<String> {
    let bytes = ::base64::engine::general_purpose::STANDARD
        .decode(value.as_str()?)
        .ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// A header block, then a blank line, then a body (which may be empty).
pub fn has_header_and_body(message: &str) -> bool {
    let split = message.find("\r\n\r\n").or_else(|| message.find("\n\n"));
    matches!(split, Some(i) if i > 0)
}

/// The length in characters of the longest line, line terminators aside.
pub fn longest_line(message: &str) -> usize {
    message
        .split('\n')
        .map(|line| line.trim_end_matches('\r').chars().count())
        .max()
        .unwrap_or(0)
}

/// The case's raw message, with or without its blank line, and with a body line of a chosen
/// length.
#[derive(Debug)]
pub struct Mime {
    /// Whether a blank line separates header and body.
    pub blank_line: bool,
    /// The length of the longest line at index 0, if set.
    pub line: Option<usize>,
    /// Range of random longest-line lengths.
    pub random: (usize, usize),
}

impl LeafEdit for Mime {
    fn apply(
        &self,
        ctx: &mut dyn Draw<'_>,
        _: &Member,
        _: Option<Value>,
        index: usize,
    ) -> Option<Value> {
        let mut mime = ctx.mime();
        mime.blank_line = self.blank_line;
        if let Some(boundary) = self.line {
            let n = pick_size(ctx, index, boundary, self.random);
            mime.body.push("x".repeat(n));
        }
        Some(json!(mime.to_base64()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_body_need_a_blank_line_after_a_header() {
        assert!(has_header_and_body("Subject: x\r\n\r\nbody"));
        assert!(has_header_and_body("Subject: x\n\nbody"));
        assert!(!has_header_and_body("Subject: x\r\nbody"));
        assert!(!has_header_and_body("\r\n\r\nbody"));
    }

    #[test]
    fn longest_line_ignores_line_terminators() {
        assert_eq!(longest_line("ab\r\nabcd\r\n"), 4);
    }

    #[test]
    fn only_base64_text_is_a_message() {
        assert_eq!(
            message(&json!("U3ViamVjdDogeA==")).as_deref(),
            Some("Subject: x")
        );
        assert_eq!(message(&json!("not base64!")), None);
    }
}
