//! The names a run gives what it creates (`conf<run>-…`, run-labelled simulator addresses), and
//! the checks that tell them apart from anyone else's: shared by `admit` and the runner.

use serde_json::Value;

use crate::case::{
    ARN_PREFIX_PLACEHOLDER, IAM_PREFIX_PLACEHOLDER, IDENTITY_PLACEHOLDER, PREFIX_PLACEHOLDER,
    RUN_ID_LEN, SIMULATOR_DOMAIN,
};

/// Whether `run` could be a run id: exactly `RUN_ID_LEN` lowercase ASCII letters or digits.
pub fn is_run_id(run: &str) -> bool {
    run.len() == RUN_ID_LEN
        && run
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// `conf<run>-`: every name a run creates starts with it.
pub fn run_prefix(run: &str) -> String {
    format!("conf{run}-")
}

/// Whether `name` starts with the run prefix `conf<run>-` of a well-formed run id. A prefix match,
/// case-sensitive: `prod-conf<run>-x` or `CONF<run>-x` are not the run's.
pub fn starts_with_run_prefix(name: &str, run: &str) -> bool {
    is_run_id(run) && name.starts_with(&run_prefix(run))
}

/// Whether `address` is a mailbox-simulator address the run labelled:
/// `<word>+conf<run>-…@simulator.amazonses.com` (ASCII; the domain compared case-insensitively).
/// SendCustomVerificationEmail adds such an address as an identity.
pub fn is_run_simulator_address(address: &str, run: &str) -> bool {
    let printable = |s: &str| s.bytes().all(|b| b.is_ascii_graphic());
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    let Some((word, label)) = local.split_once('+') else {
        return false;
    };
    printable(address)
        && domain.eq_ignore_ascii_case(SIMULATOR_DOMAIN)
        && !word.is_empty()
        && word.bytes().all(|b| b.is_ascii_alphanumeric())
        && starts_with_run_prefix(label, run)
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
            &json!({"TemplateName": "confabc123-x"}),
            "abc123"
        ));
        assert!(names_run_resource(
            &json!({"EmailIdentity": "success+confabc123-t@simulator.amazonses.com"}),
            "abc123"
        ));
        assert!(names_run_resource(
            &json!({"EmailIdentity": "example.com", "PolicyName": "confabc123-p"}),
            "abc123"
        ));
        assert!(!names_run_resource(
            &json!({"TemplateName": "prod-confabc123-x"}),
            "abc123"
        ));
        assert!(!names_run_resource(
            &json!({"PolicyName": "confabc123-p", "EmailIdentity": "example.com"}),
            "abc123"
        ));
        assert!(!names_run_resource(
            &json!({"TemplateName": "confabc123-x"}),
            "ABC123"
        ));
    }
}
