//! Admission: what `cleanup` may delete, decided from the spec, the endpoint it was told to
//! clean and the proof of who made each run id, taking nothing in the ledger on trust. A ledger
//! is a file anyone can write; an entry is only deleted when it is exactly the delete the harness
//! would have recorded for a resource a run of this installation named (or a run the user vouches
//! for), at the endpoint the user chose.

use std::collections::BTreeSet;

use serde_json::Value;

use super::file::{LedgerEntry, IDENTITY_KIND};
use super::read::Recorded;
pub use super::refusal::{Refusal, Refused};
use super::run_names::{
    holds_placeholder, is_plain_name, is_run_id, is_run_simulator_address, local_identity,
    run_prefix, starts_with_run_prefix,
};
use crate::names::RunKey;
use crate::spec::{ResourceDef, Spec};

/// What vouches for the run ids of a ledger: the keys of installations whose runs may be acted
/// on (this installation's, and any the user gives with `--key-file`), and run ids the user
/// copied from a run's own output (`--run-id`). A file can choose neither.
#[derive(Debug, Clone, Default)]
pub struct Proof {
    keys: Vec<RunKey>,
    run_ids: BTreeSet<String>,
}

impl Proof {
    /// Proof from these keys and run ids.
    pub fn new(keys: Vec<RunKey>, run_ids: impl IntoIterator<Item = String>) -> Proof {
        Proof {
            keys,
            run_ids: run_ids.into_iter().collect(),
        }
    }

    /// Whether `run` is vouched for: well formed, and made by one of the keys or named by the
    /// user.
    pub fn vouches_for(&self, run: &str) -> bool {
        is_run_id(run) && (self.run_ids.contains(run) || self.keys.iter().any(|k| k.verifies(run)))
    }
}

/// A pending entry that passed every check: the only thing cleanup sends a delete for. Its
/// fields are private so that one cannot be made without `admit`.
#[derive(Debug, Clone, PartialEq)]
pub struct Admitted {
    line: usize,
    run: String,
    target: String,
    real_aws: bool,
    kind: String,
    operation: String,
    request: Value,
}

impl Admitted {
    /// The ledger line that recorded it.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The run that named it.
    pub fn run(&self) -> &str {
        &self.run
    }

    /// The target name (a plain word: it selects a profile file).
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Whether it was created on real SES (sign with the user's credentials).
    pub fn real_aws(&self) -> bool {
        self.real_aws
    }

    /// The resource kind.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The delete operation: always the kind's `delete` in `specs/resources.json`.
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// The delete request: exactly the kind's keys, each a string.
    pub fn request(&self) -> &Value {
        &self.request
    }
}

/// Check one pending entry against the spec, the endpoint cleanup connects to (a URL given with
/// `--endpoint`, or `aws:<region>` for real SES; never the ledger's own) and the proof of who
/// made its run.
// A refusal is built once per refused line and printed; its size is no cost worth boxing for.
#[allow(clippy::result_large_err)]
pub fn admit(
    spec: &Spec,
    recorded: &Recorded,
    endpoint: &str,
    proof: &Proof,
) -> Result<Admitted, Refused> {
    let entry = &recorded.entry;
    check(spec, entry, endpoint, proof).map_err(|reason| Refused {
        line: recorded.line,
        kind: entry.kind.clone(),
        request: entry.delete_request.to_string(),
        reason,
    })?;
    Ok(Admitted {
        line: recorded.line,
        run: entry.run.clone(),
        target: entry.target.clone(),
        real_aws: entry.real_aws,
        kind: entry.kind.clone(),
        operation: entry.delete_operation.clone(),
        request: entry.delete_request.clone(),
    })
}

fn check(spec: &Spec, entry: &LedgerEntry, endpoint: &str, proof: &Proof) -> Result<(), Refusal> {
    if !is_run_id(&entry.run) {
        return Err(Refusal::RunId {
            run: entry.run.clone(),
        });
    }
    if !proof.vouches_for(&entry.run) {
        return Err(Refusal::Unproven {
            run: entry.run.clone(),
        });
    }
    if !is_plain_name(&entry.target) {
        return Err(Refusal::TargetName {
            target: entry.target.clone(),
        });
    }
    check_endpoint(entry, endpoint)?;
    let def = spec
        .resources
        .get(&entry.kind)
        .ok_or_else(|| Refusal::UnknownKind {
            kind: entry.kind.clone(),
        })?;
    if entry.delete_operation != def.delete {
        return Err(Refusal::Operation {
            found: entry.delete_operation.clone(),
            expected: def.delete.clone(),
        });
    }
    let keys = key_values(def, &entry.delete_request)?;
    check_names(&entry.kind, &keys, entry)
}

fn check_endpoint(entry: &LedgerEntry, endpoint: &str) -> Result<(), Refusal> {
    if entry.endpoint != endpoint {
        return Err(Refusal::OtherEndpoint {
            recorded: entry.endpoint.clone(),
            cleaning: endpoint.to_string(),
        });
    }
    // The local-identity exception below must never apply at real SES.
    if endpoint.starts_with("aws:") && !entry.real_aws {
        return Err(Refusal::LocalAtRealSes {
            endpoint: endpoint.to_string(),
        });
    }
    Ok(())
}

/// The delete request's values in the order of the kind's keys, when it holds exactly those keys
/// and each is a string without placeholders.
fn key_values<'a>(
    def: &'a ResourceDef,
    request: &'a Value,
) -> Result<Vec<(&'a str, &'a str)>, Refusal> {
    let members = |found: Vec<String>| Refusal::Members {
        found,
        expected: def.keys.clone(),
    };
    let object = request.as_object().ok_or_else(|| members(Vec::new()))?;
    let exact = object.len() == def.keys.len() && def.keys.iter().all(|k| object.contains_key(k));
    if !exact {
        return Err(members(object.keys().cloned().collect()));
    }
    let mut out = Vec::new();
    for key in &def.keys {
        let value = object
            .get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| Refusal::NotAString {
                member: key.clone(),
            })?;
        if holds_placeholder(value) {
            return Err(Refusal::Placeholder {
                member: key.clone(),
            });
        }
        out.push((key.as_str(), value));
    }
    Ok(out)
}

/// Parents (every key but the last) must be non-empty; the last key is the resource's own name
/// and must be the run's.
fn check_names(kind: &str, keys: &[(&str, &str)], entry: &LedgerEntry) -> Result<(), Refusal> {
    let Some(((member, name), parents)) = keys.split_last() else {
        return Err(Refusal::Members {
            found: Vec::new(),
            expected: Vec::new(),
        });
    };
    if let Some((parent, _)) = parents.iter().find(|(_, v)| v.is_empty()) {
        return Err(Refusal::EmptyParent {
            member: parent.to_string(),
        });
    }
    let prefix = run_prefix(&entry.run);
    if kind == IDENTITY_KIND {
        let local_own = !entry.real_aws && *name == local_identity(&prefix);
        if is_run_simulator_address(name, &entry.run) || local_own {
            return Ok(());
        }
        return Err(Refusal::NotRunIdentity {
            name: name.to_string(),
            prefix,
            real_aws: entry.real_aws,
        });
    }
    if starts_with_run_prefix(name, &entry.run) {
        return Ok(());
    }
    Err(Refusal::NotNamedByRun {
        member: member.to_string(),
        name: name.to_string(),
        prefix,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const URL: &str = "http://127.0.0.1:4566";

    fn spec() -> Spec {
        Spec::load_default().unwrap_or_else(|e| panic!("{e}"))
    }

    /// The user vouches for the run the entries below name.
    fn proof() -> Proof {
        Proof::new(Vec::new(), ["abcdef70wxyz".to_string()])
    }

    fn template(name: &str) -> Recorded {
        Recorded {
            line: 7,
            entry: LedgerEntry {
                run: "abcdef70wxyz".into(),
                target: "aws".into(),
                endpoint: URL.into(),
                real_aws: true,
                kind: "email_template".into(),
                delete_operation: "DeleteEmailTemplate".into(),
                delete_request: json!({ "TemplateName": name }),
            },
        }
    }

    fn policy(identity: &str, name: &str) -> Recorded {
        let mut r = template("");
        r.entry.kind = "identity_policy".into();
        r.entry.delete_operation = "DeleteEmailIdentityPolicy".into();
        r.entry.delete_request = json!({ "EmailIdentity": identity, "PolicyName": name });
        r
    }

    fn identity(address: &str, real_aws: bool) -> Recorded {
        let mut r = template("");
        r.entry.kind = IDENTITY_KIND.into();
        r.entry.delete_operation = "DeleteEmailIdentity".into();
        r.entry.delete_request = json!({ "EmailIdentity": address });
        r.entry.real_aws = real_aws;
        r
    }

    fn reason(recorded: &Recorded) -> Refusal {
        match admit(&spec(), recorded, URL, &proof()) {
            Ok(a) => panic!("admitted {a:?}"),
            Err(refused) => {
                assert_eq!(refused.line, recorded.line);
                assert_eq!(refused.kind, recorded.entry.kind);
                refused.reason
            }
        }
    }

    fn admitted(recorded: &Recorded) -> bool {
        admit(&spec(), recorded, URL, &proof()).is_ok()
    }

    #[test]
    fn the_runs_own_template_and_policy_are_admitted_as_recorded() {
        let a = admit(&spec(), &template("scabcdef70wxyz-x1-tpl1"), URL, &proof())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.operation(), "DeleteEmailTemplate");
        assert_eq!(
            a.request(),
            &json!({"TemplateName": "scabcdef70wxyz-x1-tpl1"})
        );
        assert_eq!((a.line(), a.run(), a.target()), (7, "abcdef70wxyz", "aws"));
        assert!(admitted(&policy(
            "verified.example.org",
            "scabcdef70wxyz-p"
        )));
    }

    #[test]
    fn a_malformed_run_id_is_refused() {
        for run in ["abc12", "abc1234", "ABC123", "abc-12", "abç12", ""] {
            let mut r = template(&format!("conf{run}-x"));
            r.entry.run = run.into();
            assert!(matches!(reason(&r), Refusal::RunId { .. }), "{run:?}");
        }
    }

    #[test]
    fn a_run_id_nothing_vouches_for_is_refused_and_a_minted_one_is_admitted() {
        let key = RunKey::ephemeral();
        let run = key.mint();
        let mut r = template(&format!("{}x", crate::names::run_prefix(&run)));
        r.entry.run = run.clone();
        assert!(matches!(reason(&r), Refusal::Unproven { .. }));
        assert!(admit(&spec(), &r, URL, &Proof::new(vec![key], [])).is_ok());
        assert!(admit(&spec(), &r, URL, &Proof::new(Vec::new(), [run])).is_ok());
        let other = Proof::new(vec![RunKey::ephemeral()], []);
        assert!(admit(&spec(), &r, URL, &other).is_err());
    }

    #[test]
    fn the_audits_conference_template_is_refused_under_any_run_it_claims() {
        for run in ["erence", "erence-invi", "rence-invit", "ference-inv"] {
            let mut r = template("conference-invite");
            r.entry.run = run.into();
            let refusal = admit(&spec(), &r, URL, &Proof::new(Vec::new(), [run.to_string()]));
            assert!(refusal.is_err(), "{run}");
        }
    }

    #[test]
    fn a_target_name_that_is_a_path_is_refused() {
        let mut r = template("scabcdef70wxyz-x");
        r.entry.target = "../../etc/x".into();
        assert!(matches!(reason(&r), Refusal::TargetName { .. }));
    }

    #[test]
    fn an_entry_of_another_endpoint_is_refused_not_followed() {
        let mut r = template("scabcdef70wxyz-x");
        r.entry.endpoint = "https://attacker.example".into();
        let refusal = reason(&r);
        assert!(matches!(refusal, Refusal::OtherEndpoint { .. }));
        assert!(refusal.to_string().contains("not connecting there"));
    }

    #[test]
    fn a_local_entry_at_real_ses_is_refused() {
        let mut r = template("scabcdef70wxyz-x");
        r.entry.endpoint = "aws:us-east-1".into();
        r.entry.real_aws = false;
        let refused = admit(&spec(), &r, "aws:us-east-1", &proof()).map(|_| ());
        assert!(matches!(
            refused.map_err(|e| e.reason),
            Err(Refusal::LocalAtRealSes { .. })
        ));
    }

    #[test]
    fn an_unknown_kind_is_refused() {
        let mut r = template("scabcdef70wxyz-x");
        r.entry.kind = "account".into();
        assert!(matches!(reason(&r), Refusal::UnknownKind { .. }));
    }

    #[test]
    fn any_operation_but_the_kinds_delete_is_refused() {
        for op in [
            "PutAccountDetails",
            "DeleteCustomVerificationEmailTemplate",
            "deleteemailtemplate",
            "",
        ] {
            let mut r = template("scabcdef70wxyz-x");
            r.entry.delete_operation = op.into();
            assert!(matches!(reason(&r), Refusal::Operation { .. }), "{op}");
        }
    }

    #[test]
    fn a_request_of_other_members_is_refused() {
        for request in [
            json!({"TemplateName": "scabcdef70wxyz-x", "Extra": "y"}),
            json!({"Name": "scabcdef70wxyz-x"}),
            json!({}),
            json!(["scabcdef70wxyz-x"]),
            json!("scabcdef70wxyz-x"),
        ] {
            let mut r = template("");
            r.entry.delete_request = request.clone();
            assert!(matches!(reason(&r), Refusal::Members { .. }), "{request}");
        }
    }

    #[test]
    fn a_key_that_is_not_a_string_is_refused() {
        let mut r = template("");
        r.entry.delete_request = json!({"TemplateName": ["scabcdef70wxyz-x"]});
        assert!(matches!(reason(&r), Refusal::NotAString { .. }));
    }

    #[test]
    fn placeholder_text_the_target_would_rewrite_is_refused() {
        let r = template("sc000000000000-x");
        assert!(matches!(reason(&r), Refusal::Placeholder { .. }));
        let mut r = template("sc000000000000-x");
        r.entry.run = crate::names::PLACEHOLDER_RUN_ID.into();
        assert!(matches!(reason(&r), Refusal::RunId { .. }));
        let p = policy("sc000000000000-identity.example.com", "scabcdef70wxyz-p");
        assert!(matches!(reason(&p), Refusal::Placeholder { .. }));
    }

    #[test]
    fn an_empty_parent_is_refused() {
        assert!(matches!(
            reason(&policy("", "scabcdef70wxyz-p")),
            Refusal::EmptyParent { .. }
        ));
    }

    #[test]
    fn a_name_with_the_prefix_anywhere_but_the_start_is_refused() {
        for name in [
            "prod-scabcdef70wxyz-welcome",
            "scabcdef70wxyz",
            "SCabcdef70wxyz-x",
            " scabcdef70wxyz-x",
            "scxyzabc66pqrs-x",
            "",
        ] {
            assert!(
                matches!(reason(&template(name)), Refusal::NotNamedByRun { .. }),
                "{name:?}"
            );
        }
        // A policy is judged by its own name, not its identity's.
        assert!(matches!(
            reason(&policy(
                "scabcdef70wxyz-identity.example.com",
                "prod-policy"
            )),
            Refusal::NotNamedByRun { .. }
        ));
    }

    #[test]
    fn only_run_labelled_simulator_addresses_are_admitted_identities_at_real_ses() {
        for ok in [
            "success+scabcdef70wxyz-tok@simulator.amazonses.com",
            "bounce+scabcdef70wxyz-x@SIMULATOR.AmazonSES.com",
        ] {
            assert!(admitted(&identity(ok, true)), "{ok}");
        }
        for bad in [
            "conference-mail.example.com",
            "scabcdef70wxyz-identity.example.com",
            "success+scabcdef70wxyz-tok@simulator.amazonses.com.evil.example",
            "success+scabcdef70wxyz-tok@evil.simulator.amazonses.com",
            "success+scabcdef70wxyz-tok@simulatör.amazonses.com",
            "success+prod-scabcdef70wxyz-tok@simulator.amazonses.com",
            "success@simulator.amazonses.com",
            "+scabcdef70wxyz-tok@simulator.amazonses.com",
            "süccess+scabcdef70wxyz-tok@simulator.amazonses.com",
            "success+scabcdef70wxyz-tok@simulator.amazonses.com@x",
            "success+scabcdef70wxyz-t ok@simulator.amazonses.com",
            "user@example.com",
        ] {
            assert!(
                matches!(reason(&identity(bad, true)), Refusal::NotRunIdentity { .. }),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_local_runs_own_identity_is_admitted_only_off_real_ses() {
        let own = "scabcdef70wxyz-identity.example.com";
        assert!(admitted(&identity(own, false)));
        assert!(matches!(
            reason(&identity(own, true)),
            Refusal::NotRunIdentity { .. }
        ));
        // Starting with the prefix is not enough for an identity.
        assert!(!admitted(&identity(
            "scabcdef70wxyz-other.example.com",
            false
        )));
    }

    #[test]
    fn the_audits_hostile_identity_is_refused_whatever_it_claims() {
        // "erence" was a well-formed run id of the old format, whose prefix "conference-" began
        // the user's identity; it is no run id now, and the identity is refused either way.
        for real_aws in [true, false] {
            let mut r = identity("conference-mail.example.com", real_aws);
            r.entry.run = "erence".into();
            assert!(matches!(reason(&r), Refusal::RunId { .. }));
            r.entry.run = "abcdef70wxyz".into();
            assert!(matches!(reason(&r), Refusal::NotRunIdentity { .. }));
        }
    }

    #[test]
    fn refusals_name_the_line_kind_and_request() {
        let refused = admit(
            &spec(),
            &template("prod-scabcdef70wxyz-welcome"),
            URL,
            &proof(),
        )
        .err()
        .unwrap_or_else(|| panic!("admitted"));
        let text = refused.to_string();
        assert!(
            text.starts_with("refusing to remove email_template"),
            "{text}"
        );
        assert!(text.contains("(ledger line 7)"), "{text}");
        assert!(text.contains("prod-scabcdef70wxyz-welcome"), "{text}");
    }
}
