//! Text the generator builds values from beyond what the constraint kinds need (those are in
//! `spec::kinds::text`): random strings, simulator addresses and policy documents.

use super::rng::Rng;
use crate::case::{ARN_PREFIX_PLACEHOLDER, IAM_PREFIX_PLACEHOLDER, SIMULATOR_DOMAIN};
pub use crate::spec::kinds::text::*;

/// A random string of `len` characters drawn from `alphabet`.
pub fn random_string(rng: &mut Rng, alphabet: &[char], len: usize) -> String {
    if alphabet.is_empty() {
        return "a".repeat(len);
    }
    (0..len).map(|_| rng.pick(alphabet)).collect()
}

/// A mailbox simulator address whose label carries the run prefix and the case token, so the
/// identity SES may create for it (SendCustomVerificationEmail) is one the harness named.
pub fn simulator_address(local: &str, prefix: &str, token: &str) -> String {
    format!("{local}+{prefix}{token}@{SIMULATOR_DOMAIN}")
}

/// A sending authorization policy for the run's identity.
pub fn policy_document(identity: &str, sid: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": sid,
            "Effect": "Allow",
            "Principal": { "AWS": format!("{IAM_PREFIX_PLACEHOLDER}root") },
            "Action": ["ses:SendEmail", "ses:SendRawEmail"],
            "Resource": format!("{ARN_PREFIX_PLACEHOLDER}identity/{identity}"),
        }]
    })
    .to_string()
}
