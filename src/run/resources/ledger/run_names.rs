//! The names a run gives what it creates (`sc<run>-…`, see [`crate::names`]; run-labelled
//! simulator addresses), and the checks that tell them apart from anyone else's: shared by `admit` and the runner.

use serde_json::Value;

use crate::case::{
    ARN_PREFIX_PLACEHOLDER, IAM_PREFIX_PLACEHOLDER, IDENTITY_PLACEHOLDER, PREFIX_PLACEHOLDER,
};
pub use crate::names::run_prefix;

/// Whether `run` has the run-id format (see [`crate::names`]); who made it is the proof's
/// question, not this one's.
pub fn is_run_id(run: &str) -> bool {
    crate::names::is_well_formed_run_id(run)
}

/// Whether `name` starts with the run prefix `sc<run>-` of a well-formed run id. A prefix match,
/// case-sensitive: `prod-sc<run>-x` or `SC<run>-x` are not the run's.
pub fn starts_with_run_prefix(name: &str, run: &str) -> bool {
    is_run_id(run) && name.starts_with(&run_prefix(run))
}

/// Whether `address` is a mailbox-simulator address the run labelled (see
/// [`crate::names::is_labelled_simulator_address`]), for a well-formed run id.
pub fn is_run_simulator_address(address: &str, run: &str) -> bool {
    is_run_id(run) && crate::names::is_labelled_simulator_address(address, &run_prefix(run))
}

/// Whether a delete request names one of the run's resources by its own name (the last member):
/// it starts with the run prefix, or is a mailbox-simulator address the run labelled. The
/// runner's check before it deletes; `admit` is the stricter one for ledgers.
pub fn names_run_resource(delete_request: &Value, run: &str) -> bool {
    delete_request
        .as_object()
        .and_then(|obj| obj.values().next_back())
        .and_then(Value::as_str)
        .is_some_and(|name| {
            starts_with_run_prefix(name, run) || is_run_simulator_address(name, run)
        })
}

/// The identity a run creates on a local target (never on real SES).
pub(super) fn local_identity(prefix: &str) -> String {
    IDENTITY_PLACEHOLDER.replacen(PREFIX_PLACEHOLDER, prefix, 1)
}

pub(super) fn holds_placeholder(value: &str) -> bool {
    [
        PREFIX_PLACEHOLDER,
        ARN_PREFIX_PLACEHOLDER,
        IAM_PREFIX_PLACEHOLDER,
    ]
    .iter()
    .any(|p| value.contains(p))
}

/// Target names select `specs/targets/<name>.json`: nothing that could leave that folder.
pub(super) fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_runners_check_is_a_prefix_match_on_the_own_name() {
        assert!(names_run_resource(
            &json!({"TemplateName": "scabcdef70wxyz-x"}),
            "abcdef70wxyz"
        ));
        assert!(names_run_resource(
            &json!({"EmailIdentity": "success+scabcdef70wxyz-t@simulator.amazonses.com"}),
            "abcdef70wxyz"
        ));
        assert!(names_run_resource(
            &json!({"EmailIdentity": "example.com", "PolicyName": "scabcdef70wxyz-p"}),
            "abcdef70wxyz"
        ));
        assert!(!names_run_resource(
            &json!({"TemplateName": "prod-scabcdef70wxyz-x"}),
            "abcdef70wxyz"
        ));
        assert!(!names_run_resource(
            &json!({"PolicyName": "scabcdef70wxyz-p", "EmailIdentity": "example.com"}),
            "abcdef70wxyz"
        ));
        assert!(!names_run_resource(
            &json!({"TemplateName": "scabcdef70wxyz-x"}),
            "ABC123"
        ));
    }
}
