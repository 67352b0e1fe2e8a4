//! Why `cleanup` refuses a ledger entry: each refusal names the ledger line, the kind, the
//! delete request and the rule it breaks, in words a user can act on.

use super::run_names::local_identity;
use crate::case::{PREFIX_PLACEHOLDER, SIMULATOR_DOMAIN};

/// An entry cleanup will not act on, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("refusing to remove {kind} {request} (ledger line {line}): {reason}")]
pub struct Refused {
    /// The 1-based line number of the entry.
    pub line: usize,
    /// The kind it claims.
    pub kind: String,
    /// Its delete request, as JSON text.
    pub request: String,
    /// Why.
    pub reason: Refusal,
}

/// Why an entry is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    /// The run id cannot be one the harness made.
    #[error("run id {run:?} is not a run id of the harness's format (six letters, two check digits, four letters){}", old_format_note(.run))]
    RunId {
        /// The claimed run id.
        run: String,
    },
    /// An identity of real SES, which only a cleanup given the opt-in the run had deletes.
    #[error("deleting an identity of real SES needs `cleanup --allow sends-mail`, the opt-in under which the run added it")]
    IdentityNeedsOptIn,
    /// A well-formed run id that nothing vouches for: not made by this installation's key, and
    /// not named by the user.
    #[error("run id {run:?} was not made by this installation (its tag does not verify with the installation key); if it is a run of yours from another machine, pass --run-id {run} as that run printed it, or --key-file with that machine's key")]
    Unproven {
        /// The claimed run id.
        run: String,
    },
    /// The target name could select a file outside the profiles.
    #[error("target name {target:?} is not a plain name (ASCII letters, digits, - and _)")]
    TargetName {
        /// The claimed target name.
        target: String,
    },
    /// The entry belongs to another endpoint: cleanup does not connect there.
    #[error("it belongs to endpoint {recorded:?}, not {cleaning:?}, the endpoint being cleaned; not connecting there")]
    OtherEndpoint {
        /// The endpoint in the ledger.
        recorded: String,
        /// The endpoint cleanup was pointed at.
        cleaning: String,
    },
    /// Real SES endpoints only ever come from real-SES runs.
    #[error("it claims a local target at real SES ({endpoint})")]
    LocalAtRealSes {
        /// The endpoint.
        endpoint: String,
    },
    /// The kind is not in `specs/resources.json`.
    #[error("kind {kind:?} is not a resource kind of specs/resources.json")]
    UnknownKind {
        /// The claimed kind.
        kind: String,
    },
    /// The operation is not the kind's delete.
    #[error("delete operation {found:?} is not {expected}, the delete of this kind")]
    Operation {
        /// The operation in the ledger.
        found: String,
        /// The kind's delete.
        expected: String,
    },
    /// The request is not an object of exactly the kind's keys.
    #[error("the delete request's members {found:?} are not exactly {expected:?}")]
    Members {
        /// The members found (empty when the request is not an object).
        found: Vec<String>,
        /// The kind's keys.
        expected: Vec<String>,
    },
    /// A key is not a string.
    #[error("{member} is not a string")]
    NotAString {
        /// The member.
        member: String,
    },
    /// A value holds placeholder text the target would rewrite before sending, so what was
    /// checked would not be what is sent.
    #[error("{member} holds placeholder text ({PREFIX_PLACEHOLDER} or an ARN prefix) the target would rewrite")]
    Placeholder {
        /// The member.
        member: String,
    },
    /// A parent key (the identity of a policy) is empty.
    #[error("{member} is empty")]
    EmptyParent {
        /// The member.
        member: String,
    },
    /// The resource's own name does not start with the run prefix.
    #[error("its {member} {name:?} does not start with the run prefix {prefix}")]
    NotNamedByRun {
        /// The member holding the resource's own name.
        member: String,
        /// The name.
        name: String,
        /// `sc<run>-`.
        prefix: String,
    },
    /// An identity the harness cannot have made.
    #[error("{}", describe_identity_refusal(.name, .prefix, *.real_aws))]
    NotRunIdentity {
        /// The identity.
        name: String,
        /// `sc<run>-`.
        prefix: String,
        /// Whether the entry is of real SES.
        real_aws: bool,
    },
}

fn describe_identity_refusal(name: &str, prefix: &str, real_aws: bool) -> String {
    let besides = if real_aws {
        String::new()
    } else {
        format!(" besides the local run's own {}", local_identity(prefix))
    };
    format!(
        "identity {name:?} is not a mailbox-simulator address <word>+{prefix}…@{SIMULATOR_DOMAIN}; \
         the harness deletes no other identity{besides}"
    )
}

/// What to say of a run id of the format before December 2026 (`conf<6 letters or digits>-`
/// names): cleanup no longer acts on those, and the user removes them by hand.
fn old_format_note(run: &str) -> &'static str {
    let old = run.len() == 6
        && run
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if old {
        "; it has the format of ses-conformance before December 2026, whose names start with conf<run id>-: cleanup no longer acts on those (see the README, \"Names the harness gives\"); remove them by hand"
    } else {
        ""
    }
}
