//! `promised`: the text promises an output member on every success, although the model does not
//! mark it required (SendEmail's MessageId, "generated when the message is accepted"). It sits on
//! output members only, makes no case, and the shape check holds a success without it to be
//! malformed, as it does a required member.

use super::KindDef;
use super::generation::{Breaking, Generate};

/// The `promised` kind.
pub struct Promised;

/// The row: `{"source": ...}`, quoting the promise.
pub type Rule = super::sourced::Sourced;

impl KindDef for Promised {}

impl Generate for Promised {
    fn breaking(&self) -> Breaking {
        Breaking::AsGenerated("a promise about the answer: no request breaks it")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::kinds::test_support::member;

    #[test]
    fn a_promised_member_is_read_from_its_row() {
        let m = member(json!({"type": "string", "constraints": {"promised": {"source": "seed"}}}));
        assert!(Promised::of(&m).is_some());
        assert!(Promised::of(&member(json!({"type": "string"}))).is_none());
    }
}
