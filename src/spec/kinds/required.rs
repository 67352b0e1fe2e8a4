//! `required`: the documentation marks the member `[REQUIRED]`. A rule the current API dropped
//! (`later.dropped`) no longer holds in [`Edition::Current`].

use super::KindDef;
use super::generation::RequestPath;
use super::generation::{Breaking, Keep, Omit};
use super::generation::{Generate, Variants};
use crate::spec::{Edition, Member};

/// The `required` kind.
pub struct Required;

/// The row: `{"source": ..., "later": {"dropped": true, ...}}`.
pub type Rule = super::sourced::Sourced;

impl KindDef for Required {
    fn check_absent(&self, edition: Edition, name: &str, member: &Member) -> Option<String> {
        let holds = match (Required::of(member), edition) {
            (None, _) => false,
            (Some(r), Edition::Current) => !r.later.as_ref().is_some_and(|l| l.dropped),
            (Some(_), Edition::Seed) => true,
        };
        holds.then(|| format!("`{name}` is required"))
    }
}

impl Generate for Required {
    fn breaking(&self) -> Breaking {
        Breaking::Omitted
    }

    fn variants(&self, v: &mut Variants<'_>) {
        v.valid("present", Keep);
        v.invalid("missing", Omit).via(RequestPath::Wire);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::kinds::test_support::{member, variant_names};

    #[test]
    fn a_required_member_left_out_is_reported_by_name() {
        let m = member(json!({"type": "string", "constraints": {"required": {"source": "doc"}}}));
        assert_eq!(
            Required.check_absent(Edition::Seed, "TemplateName", &m).as_deref(),
            Some("`TemplateName` is required")
        );
        let optional = member(json!({"type": "string"}));
        assert_eq!(Required.check_absent(Edition::Seed, "Tags", &optional), None);
    }

    #[test]
    fn a_dropped_requirement_holds_in_the_seed_only() {
        let m = member(json!({"type": "string", "constraints": {"required": {
            "source": "seed",
            "later": {"dropped": true, "source": "now"}
        }}}));
        assert!(Required.check_absent(Edition::Seed, "UseCaseDescription", &m).is_some());
        assert!(Required.check_absent(Edition::Current, "UseCaseDescription", &m).is_none());
    }

    #[test]
    fn a_missing_member_is_sent_on_the_wire_since_the_sdk_refuses_it() {
        assert_eq!(
            variant_names("GetEmailTemplate", "TemplateName.required"),
            ["+template_name_present", "-template_name_missing (wire)"]
        );
    }
}
