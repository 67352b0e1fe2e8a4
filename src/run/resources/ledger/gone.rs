//! The one rule for "the resource is gone", used wherever a delete's answer decides whether a
//! ledger line is marked `removed`: by the session after each case, and by `cleanup`.

use serde_json::Value;

use crate::check::Observation;
use crate::spec::{validate_in, Edition, Spec};

/// Who sends the delete, which decides what a refusal of the resource's name can prove.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleter {
    /// The run that made the resource. It saw the create's answer and deletes only what may
    /// exist, so a delete refused for its name proves nothing: a lax target may have accepted
    /// that very name.
    Run,
    /// `cleanup` after a crash, which may have come between recording a create and the target
    /// refusing it. A delete refused as a bad request because the name breaks a rule of the
    /// delete operation itself shows that nothing by that name can exist.
    Cleanup,
}

/// Whether a delete's answer shows the resource no longer exists: a 2xx (deleted now), or a 4xx
/// whose error type is `NotFoundException` (never existed, or already deleted; SES answers it
/// with 404); for `cleanup`, also a name the delete operation refuses. Anything else leaves it
/// pending: a 400 `BadRequestException` says nothing about whether the resource exists, a bare
/// 404 may be a route the target lacks, and a 403, a 429 or no answer at all prove nothing.
pub fn gone(
    spec: &Spec,
    operation: &str,
    request: &Value,
    answer: &Observation,
    deleter: Deleter,
) -> bool {
    answered_gone(answer.status, answer.error_type.as_deref())
        || (deleter == Deleter::Cleanup && name_cannot_exist(spec, operation, request, answer))
}

fn answered_gone(status: Option<u16>, error_type: Option<&str>) -> bool {
    match status {
        Some(200..=299) => true,
        Some(400..=499) => error_type == Some("NotFoundException"),
        _ => false,
    }
}

fn name_cannot_exist(spec: &Spec, operation: &str, request: &Value, answer: &Observation) -> bool {
    let refused_as_bad =
        answer.status == Some(400) && answer.error_type.as_deref() == Some("BadRequestException");
    let Some(op) = spec.operation_or_setup(operation) else {
        return false;
    };
    refused_as_bad && !validate_in(spec, op, request, Edition::Current).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn success_and_not_found_are_gone() {
        assert!(answered_gone(Some(200), None));
        assert!(answered_gone(Some(204), None));
        assert!(answered_gone(Some(404), Some("NotFoundException")));
    }

    #[test]
    fn refusals_and_silence_are_not_gone() {
        assert!(!answered_gone(Some(400), Some("BadRequestException")));
        assert!(!answered_gone(Some(403), Some("AccessDeniedException")));
        assert!(!answered_gone(Some(429), Some("TooManyRequestsException")));
        assert!(!answered_gone(Some(500), Some("NotFoundException")));
        assert!(
            !answered_gone(Some(404), None),
            "a bare 404 may be a missing route"
        );
        assert!(!answered_gone(Some(404), Some("UnknownOperationException")));
        assert!(!answered_gone(None, None), "no answer");
        assert!(!answered_gone(None, Some("NotFoundException")));
    }

    #[test]
    fn a_refused_name_is_gone_for_cleanup_only() {
        let spec = Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
        let mut refused = Observation::failed(String::new());
        refused.status = Some(400);
        refused.error_type = Some("BadRequestException".into());
        let identity = "scabcdef70wxyz-identity.example.com";
        let too_long = json!({ "EmailIdentity": identity, "PolicyName": "p".repeat(65) });
        let fine = json!({ "EmailIdentity": identity, "PolicyName": "scabcdef70wxyz-p" });
        let delete = "DeleteEmailIdentityPolicy";
        assert!(gone(&spec, delete, &too_long, &refused, Deleter::Cleanup));
        assert!(!gone(&spec, delete, &too_long, &refused, Deleter::Run));
        assert!(!gone(&spec, delete, &fine, &refused, Deleter::Cleanup));
    }
}
