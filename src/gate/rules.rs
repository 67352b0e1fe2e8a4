//! What a request would do if SES acted on it, judged from the request itself (decoded from the
//! bytes about to leave): the names it creates, changes or deletes must carry the run prefix, an
//! opt-in operation goes without its flag only when SES certainly rejects it first, identities
//! are never created and deleted only when a 200 proved the run made them, and every address SES
//! could mail is at the mailbox simulator.

use std::collections::BTreeSet;

use serde_json::Value;

use super::footprint::Footprint;
use super::recipients;
use super::Refusal;
use crate::spec::{named_constraints, validate, Operation, ResourceAction, Safety, Spec};

/// The real-SES rules of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The run id: every name the run creates starts with `sc<run>-` (see [`crate::names`]).
    pub run_id: String,
    /// The identity the user verified (`--identity`): the only one policies go on.
    pub identity: String,
    /// The opt-ins given with `--allow` (`account-change`, `sends-mail`, `billable`).
    pub allow: BTreeSet<String>,
}

impl Policy {
    /// The run prefix, `sc<run>-`.
    pub fn prefix(&self) -> String {
        crate::names::run_prefix(&self.run_id)
    }

    fn allows(&self, flag: &str) -> bool {
        self.allow.contains(flag)
    }
}

/// What a request that passed the rules will do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Judged {
    /// Recipients SES would deliver to.
    pub deliveries: u64,
    /// It deletes a resource the run named.
    pub removal: bool,
    /// A rule it breaks that SES certainly enforces before acting (data in the spec:
    /// `enforced`): SES will reject it and do nothing. This is what lets a request to an opt-in
    /// operation go without the flag, and a send cost no recipients.
    pub certain_rejection: Option<String>,
    /// An identity SES adds if it accepts the request (SendCustomVerificationEmail).
    pub adds_identity: Option<String>,
    /// What it may make or remove, as the request budget counts it.
    pub footprint: Footprint,
}

/// Judge a decoded request against the real-SES rules. `proven` says whether a 200 proved the
/// run created an identity.
pub fn judge(
    spec: &Spec,
    policy: &Policy,
    op: &Operation,
    request: &Value,
    proven: &dyn Fn(&str) -> bool,
) -> Result<Judged, Refusal> {
    reviewed(op)?;
    let mut judged = Judged::default();
    names(spec, policy, op, request, proven, &mut judged)?;
    judged.certain_rejection = certain_rejection(spec, op, request);
    opt_in(
        spec,
        policy,
        op,
        request,
        judged.certain_rejection.is_some(),
    )?;
    judged.deliveries = recipients::check(spec, op, request)?.deliveries;
    Ok(judged)
}

/// Judge a request whose body no JSON parser can read: SES cannot deserialize it, so it acts on
/// nothing in it; what the route and the query name must still be the run's (a delete names its
/// resource in the path), and an opt-in operation goes without its flag only because the
/// protocol's JSON-body rule is one SES certainly enforces (`specs/protocol.json`).
pub fn judge_unreadable(
    spec: &Spec,
    policy: &Policy,
    op: &Operation,
    route_and_query: &Value,
    proven: &dyn Fn(&str) -> bool,
) -> Result<Judged, Refusal> {
    reviewed(op)?;
    let mut judged = Judged::default();
    names(spec, policy, op, route_and_query, proven, &mut judged)?;
    let certain = spec.protocol.json_body.enforced.is_some();
    judged.certain_rejection = certain.then(|| "request.json_body".to_string());
    opt_in(spec, policy, op, route_and_query, certain)?;
    Ok(judged)
}

impl Judged {
    /// Recipients this request may spend of the sending quota: none when SES certainly rejects
    /// it first.
    pub fn spends(&self) -> u64 {
        if self.certain_rejection.is_some() {
            0
        } else {
            self.deliveries
        }
    }
}

/// The first rule `request` breaks that SES certainly enforces before acting, if any.
pub fn certain_rejection(spec: &Spec, op: &Operation, request: &Value) -> Option<String> {
    let violations = validate(spec, op, request);
    if violations.is_empty() {
        return None;
    }
    let constraints = named_constraints(spec, op);
    violations
        .iter()
        .find(|v| {
            constraints
                .iter()
                .any(|c| c.name() == v.constraint && c.enforced.is_some())
        })
        .map(|v| v.constraint.clone())
}

fn text<'v>(request: &'v Value, member: &str) -> &'v str {
    request
        .get(member)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The run-prefix rule for what the request creates, changes or deletes.
fn names(
    spec: &Spec,
    policy: &Policy,
    op: &Operation,
    request: &Value,
    proven: &dyn Fn(&str) -> bool,
    judged: &mut Judged,
) -> Result<(), Refusal> {
    if let Some(effect) = &op.side_effect {
        // SES adds an identity when it accepts the call: it must be a simulator address whose
        // label carries the run prefix, so the run (or `cleanup`) can tell it is its own.
        if effect.kind == "identity" {
            for member in effect.keys.values() {
                let address = text(request, member);
                if !crate::names::is_labelled_simulator_address(address, &policy.prefix()) {
                    return Err(Refusal::Identity {
                        operation: op.operation.clone(),
                        identity: address.to_string(),
                        why: format!(
                            "SES would add it as an identity; only a mailbox-simulator address labelled with the run prefix ({}) may be added",
                            policy.prefix()
                        ),
                    });
                }
                judged.adds_identity = Some(address.to_string());
            }
        }
    }
    let Some(resource) = &op.resource else {
        return Ok(());
    };
    let action = match resource.action {
        ResourceAction::Create => "create",
        ResourceAction::Update => "change",
        ResourceAction::Delete => "delete",
        ResourceAction::Read | ResourceAction::List | ResourceAction::Use => return Ok(()),
    };
    let Some(def) = spec.resources.get(&resource.kind) else {
        return Err(Refusal::Unreadable {
            detail: format!("{} acts on an unknown resource kind", op.operation),
        });
    };
    if resource.kind == "identity" {
        let allowed = policy.allows("sends-mail");
        let name = def.keys.last().map(|k| text(request, k));
        // Removing what the run proved it added is a removal like any other.
        judged.removal = identity(op, action, name, allowed, proven)?;
        return Ok(());
    }
    let Some((name_member, parents)) = def.keys.split_last() else {
        return Ok(());
    };
    let name = text(request, name_member);
    if !name.starts_with(&policy.prefix()) {
        return Err(Refusal::NotTheRunsName {
            operation: op.operation.clone(),
            action,
            member: name_member.clone(),
            value: name.to_string(),
            prefix: policy.prefix(),
        });
    }
    for parent in parents {
        let value = text(request, parent);
        if value != policy.identity && !value.starts_with(&policy.prefix()) {
            return Err(Refusal::NotTheRunsIdentity {
                operation: op.operation.clone(),
                member: parent.clone(),
                value: value.to_string(),
            });
        }
    }
    judged.removal = resource.action == ResourceAction::Delete;
    Ok(())
}

/// Identities on real SES: never created; deleted only when a 200 proved the run added them.
/// `Ok(true)`: a delete the run may make (of what it proved it added).
fn identity(
    op: &Operation,
    action: &'static str,
    name: Option<&str>,
    allowed: bool,
    proven: &dyn Fn(&str) -> bool,
) -> Result<bool, Refusal> {
    let name = name.unwrap_or_default();
    let refuse = |why: &str| Refusal::Identity {
        operation: op.operation.clone(),
        identity: name.to_string(),
        why: why.to_string(),
    };
    match action {
        "delete" if allowed && proven(name) => Ok(true),
        "delete" if !allowed => Err(refuse(
            "an identity is deleted only with --allow sends-mail, the opt-in under which the run may add one",
        )),
        "delete" => Err(refuse(
            "the run deletes only an identity a 200 answer proved it added (SendCustomVerificationEmail with --allow sends-mail)",
        )),
        _ => Err(refuse(
            "the harness never creates or changes an identity on real SES; it uses the one you verified (--identity)",
        )),
    }
}

/// No request of an operation leaves before a person has classed what SES would do with it: an
/// imported operation has no class until reviewed, and nothing about it can be shown safe.
fn reviewed(op: &Operation) -> Result<(), Refusal> {
    match op.safety {
        Some(_) => Ok(()),
        None => Err(Refusal::Unclassified {
            operation: op.operation.clone(),
        }),
    }
}

/// The opt-in rule: a request to an operation whose calls reach beyond the run's resources goes
/// without the flag only when it breaks a rule SES certainly enforces before acting.
fn opt_in(
    spec: &Spec,
    policy: &Policy,
    op: &Operation,
    request: &Value,
    certainly_rejected: bool,
) -> Result<(), Refusal> {
    let Some(safety) = op.safety else {
        return Err(Refusal::Unclassified {
            operation: op.operation.clone(),
        });
    };
    let Some(flag) = safety.opt_in() else {
        return Ok(());
    };
    if policy.allows(flag) || certainly_rejected {
        return Ok(());
    }
    let violations = validate(spec, op, request);
    Err(Refusal::OptIn {
        operation: op.operation.clone(),
        class: safety_name(safety),
        flag,
        why: if violations.is_empty() {
            "it is valid".into()
        } else {
            format!(
                "it breaks only rules SES may not enforce today: {}",
                violations
                    .iter()
                    .map(|v| v.constraint.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
    })
}

/// The kebab-case name of a safety class.
pub fn safety_name(safety: Safety) -> &'static str {
    match safety {
        Safety::Read => "read",
        Safety::OwnResource => "own-resource",
        Safety::SimulatorMail => "simulator-mail",
        Safety::SendsMail => "sends-mail",
        Safety::AccountChange => "account-change",
        Safety::Billable => "billable",
        Safety::UserData => "user-data",
        Safety::ForeignResource => "foreign-resource",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Spec {
        Spec::load_default().unwrap_or_else(|e| panic!("{e}"))
    }

    fn policy(allow: &[&str]) -> Policy {
        Policy {
            run_id: "abcdef70wxyz".into(),
            identity: "example.org".into(),
            allow: allow.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn judge_op(op: &str, request: Value, allow: &[&str]) -> Result<Judged, Refusal> {
        let spec = spec();
        let op = spec
            .operation_or_setup(op)
            .unwrap_or_else(|| panic!("{op}"));
        judge(&spec, &policy(allow), op, &request, &|_| false)
    }

    #[test]
    fn names_must_start_with_the_run_prefix() {
        let ok = judge_op(
            "DeleteEmailIdentityPolicy",
            json!({"EmailIdentity": "example.org", "PolicyName": "scabcdef70wxyz-p"}),
            &[],
        );
        assert_eq!(ok.map(|j| j.removal), Ok(true));
        for name in [
            "c",
            "conf",
            "prod-scabcdef70wxyz-x",
            "scabcdef70wxy-x",
            "SCABCDEF70WXYZ-x",
            "",
        ] {
            let r = judge_op(
                "DeleteEmailIdentityPolicy",
                json!({"EmailIdentity": "example.org", "PolicyName": name}),
                &[],
            );
            assert!(
                matches!(r, Err(Refusal::NotTheRunsName { .. })),
                "{name}: {r:?}"
            );
        }
        let other_identity = judge_op(
            "CreateEmailIdentityPolicy",
            json!({"EmailIdentity": "prod.example.com", "PolicyName": "scabcdef70wxyz-p", "Policy": "{}"}),
            &[],
        );
        assert!(matches!(
            other_identity,
            Err(Refusal::NotTheRunsIdentity { .. })
        ));
        let update = judge_op(
            "UpdateEmailTemplate",
            json!({"TemplateName": "welcome", "TemplateContent": {"Subject": "s"}}),
            &[],
        );
        assert!(matches!(
            update,
            Err(Refusal::NotTheRunsName {
                action: "change",
                ..
            })
        ));
    }

    #[test]
    fn reads_need_no_prefix() {
        assert!(judge_op("GetEmailTemplate", json!({"TemplateName": "welcome"}), &[]).is_ok());
    }

    #[test]
    fn identities_are_never_created_and_deleted_only_when_proven() {
        let create = judge_op(
            "CreateEmailIdentity",
            json!({"EmailIdentity": "scabcdef70wxyz-identity.example.com"}),
            &[],
        );
        assert!(matches!(create, Err(Refusal::Identity { .. })));
        let delete = judge_op(
            "DeleteEmailIdentity",
            json!({"EmailIdentity": "success+scabcdef70wxyz-t@simulator.amazonses.com"}),
            &["sends-mail"],
        );
        assert!(matches!(delete, Err(Refusal::Identity { .. })));
        let spec = spec();
        let op = spec
            .operation_or_setup("DeleteEmailIdentity")
            .unwrap_or_else(|| panic!());
        let proven = |a: &str| a == "success+scabcdef70wxyz-t@simulator.amazonses.com";
        let address = json!({"EmailIdentity": "success+scabcdef70wxyz-t@simulator.amazonses.com"});
        let r = judge(&spec, &policy(&["sends-mail"]), op, &address, &proven);
        assert!(r.is_ok(), "{r:?}");
        let without_opt_in = judge(&spec, &policy(&[]), op, &address, &proven);
        assert!(
            matches!(without_opt_in, Err(Refusal::Identity { .. })),
            "{without_opt_in:?}"
        );
    }

    /// An operation nobody has classed gets nothing through, not even a request SES certainly
    /// rejects, and no `--allow` changes that.
    #[test]
    fn an_operation_without_a_reviewed_class_is_refused_whatever_the_request() {
        let spec = spec();
        let mut op = spec.operations["GetEmailTemplate"].clone();
        op.safety = None;
        let proven = |_: &str| false;
        let every_flag: Vec<&str> = crate::command::ALLOW_VALUES.to_vec();
        for request in [json!({"TemplateName": "scabcdef70wxyz-t"}), json!({})] {
            let r = judge(&spec, &policy(&every_flag), &op, &request, &proven);
            assert!(matches!(r, Err(Refusal::Unclassified { .. })), "{r:?}");
            let r = judge_unreadable(&spec, &policy(&every_flag), &op, &request, &proven);
            assert!(matches!(r, Err(Refusal::Unclassified { .. })), "{r:?}");
        }
    }

    #[test]
    fn opt_in_operations_go_without_the_flag_only_when_certainly_rejected() {
        // Valid under the seed: refused without the flag.
        let valid = json!({"MailType": "MARKETING", "WebsiteURL": "https://example.com", "UseCaseDescription": "x"});
        assert!(matches!(
            judge_op("PutAccountDetails", valid.clone(), &[]),
            Err(Refusal::OptIn { .. })
        ));
        assert!(judge_op("PutAccountDetails", valid, &["account-change"]).is_ok());
        // Invalid under the seed, but SES no longer requires UseCaseDescription.
        let no_use_case = json!({"MailType": "MARKETING", "WebsiteURL": "https://example.com"});
        assert!(matches!(
            judge_op("PutAccountDetails", no_use_case, &[]),
            Err(Refusal::OptIn { .. })
        ));
        // A required member of today's model is missing: SES refuses before acting.
        let no_mail_type = json!({"WebsiteURL": "https://example.com", "UseCaseDescription": "x"});
        assert_eq!(
            judge_op("PutAccountDetails", no_mail_type, &[]).map(|j| j.certain_rejection),
            Ok(Some("MailType.required".into()))
        );
        let bad_enum = json!({"MailType": "marketing", "WebsiteURL": "https://example.com", "UseCaseDescription": "x"});
        assert_eq!(
            judge_op("PutAccountDetails", bad_enum, &[]).map(|j| j.certain_rejection),
            Ok(Some("MailType.enum".into()))
        );
    }

    #[test]
    fn a_custom_verification_email_adds_only_a_labelled_simulator_identity() {
        let r = judge_op(
            "SendCustomVerificationEmail",
            json!({"EmailAddress": "success+scabcdef70wxyz-x@simulator.amazonses.com", "TemplateName": "scabcdef70wxyz-t"}),
            &["sends-mail"],
        );
        assert_eq!(
            r.map(|j| j.adds_identity),
            Ok(Some(
                "success+scabcdef70wxyz-x@simulator.amazonses.com".into()
            ))
        );
        let unlabelled = judge_op(
            "SendCustomVerificationEmail",
            json!({"EmailAddress": "success@simulator.amazonses.com", "TemplateName": "scabcdef70wxyz-t"}),
            &["sends-mail"],
        );
        assert!(matches!(unlabelled, Err(Refusal::Identity { .. })));
    }
}
