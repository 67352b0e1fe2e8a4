//! What a real-SES run would send, for many seeds and case counts: the planner's traffic creates,
//! changes or deletes only names that start with the run prefix, mails only the mailbox simulator,
//! and calls no opt-in operation with a request SES could act on. Each property is restated here
//! independently of the gate that enforces it, so a gap in the gate shows as a failure.

mod common;

use common::Broken;

use std::sync::Arc;

use base64::Engine as _;
use proptest::prelude::*;
use serde_json::Value;
use ses_conformance::case::Bindings;
use ses_conformance::client::serialize_call;
use ses_conformance::gate::{Gate, Limits, Policy};
use ses_conformance::generate::{self, Settings};
use ses_conformance::profile::Profile;
use ses_conformance::run::{Planner, Role};
use ses_conformance::spec::Spec;

const RUN: &str = "kqzvtm77hxwb";
const IDENTITY: &str = "example.org";
const SIMULATOR: &str = "@simulator.amazonses.com";

fn gate(spec: &Arc<Spec>, allow: &[&str]) -> Gate {
    Gate::new(
        Arc::clone(spec),
        Limits {
            policy: Some(Policy {
                run_id: RUN.into(),
                identity: IDENTITY.into(),
                allow: allow.iter().map(|a| a.to_string()).collect(),
            }),
            ..Limits::default()
        },
    )
}

/// One call the plan would send: operation, bound request, raw body.
struct Sent {
    case: String,
    operation: String,
    request: Value,
    body: Option<String>,
}

/// Every call the planner lets through for these settings.
fn planned_traffic(spec: &Arc<Spec>, settings: &Settings, allow: &[&str]) -> Vec<Sent> {
    let gate = gate(spec, allow);
    let profile = Profile::shipped(spec, "aws")
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no aws profile"));
    let bindings = Bindings::for_identity(RUN, IDENTITY, "us-east-1", "111122223333");
    let planner = Planner {
        spec,
        profile: &profile,
        bindings: &bindings,
        gate: &gate,
    };
    let mut out = Vec::new();
    for case in generate::generate(spec, settings) {
        let plan = planner.plan(&case);
        if plan.skip.is_some() {
            continue;
        }
        for call in plan
            .calls
            .iter()
            .filter(|c| c.role != Role::RemovalIfProven)
        {
            let (wire, bound) = serialize_call(
                spec,
                &bindings,
                &call.call.operation,
                &call.call.request,
                call.raw_body.as_deref(),
            )
            .unwrap_or_else(|| panic!("{}: no operation {}", case.id, call.call.operation));
            out.push(Sent {
                case: case.id.clone(),
                operation: call.call.operation.clone(),
                request: bound,
                body: call.raw_body.as_ref().map(|_| {
                    String::from_utf8_lossy(wire.body.as_deref().unwrap_or_default()).into()
                }),
            });
        }
    }
    out
}

/// What SES does with a request of an operation, restated from the API reference (never read
/// from the spec, so that a spec row that is wrong shows as a failure here).
struct Rule {
    /// The member naming what the operation creates, changes or deletes, and its parents: each
    /// must be the run's (its prefix, or the user's `--identity` for a parent).
    names: Option<(&'static str, &'static [&'static str])>,
    /// The members today's model requires, for an operation SES could act on beyond the run's
    /// own resources (account changes, charges, mail to an address it adds as an identity):
    /// without `--allow` the request must be one SES certainly rejects before acting.
    opt_in: Option<&'static [&'static str]>,
    /// Never sent to real SES at all (identities are the user's).
    never: bool,
}

const READS: Rule = Rule {
    names: None,
    opt_in: None,
    never: false,
};
const TEMPLATE: Rule = Rule {
    names: Some(("TemplateName", &[])),
    opt_in: None,
    never: false,
};
const POLICY: Rule = Rule {
    names: Some(("PolicyName", &["EmailIdentity"])),
    opt_in: None,
    never: false,
};
const CONFIGURATION_SET: Rule = Rule {
    names: Some(("ConfigurationSetName", &[])),
    opt_in: None,
    never: false,
};
const CONTACT_LIST: Rule = Rule {
    names: Some(("ContactListName", &[])),
    opt_in: None,
    never: false,
};
const IDENTITY_CHANGE: Rule = Rule {
    names: Some(("EmailIdentity", &[])),
    opt_in: None,
    never: true,
};

/// Every operation of the table, and what the checks below hold it to. Mail to anyone but the
/// mailbox simulator is checked for every operation.
const RULES: &[(&str, Rule)] = &[
    ("GetAccount", READS),
    ("GetEmailIdentity", READS),
    ("GetEmailIdentityPolicies", READS),
    ("GetEmailTemplate", READS),
    ("GetCustomVerificationEmailTemplate", READS),
    ("ListEmailTemplates", READS),
    ("ListCustomVerificationEmailTemplates", READS),
    // Lists the account's identities; what it answers beyond the run's is masked, not kept.
    ("ListEmailIdentities", READS),
    // Renders a template the request names; changes nothing.
    ("TestRenderEmailTemplate", READS),
    ("CreateEmailTemplate", TEMPLATE),
    ("UpdateEmailTemplate", TEMPLATE),
    ("DeleteEmailTemplate", TEMPLATE),
    ("CreateCustomVerificationEmailTemplate", TEMPLATE),
    ("UpdateCustomVerificationEmailTemplate", TEMPLATE),
    ("DeleteCustomVerificationEmailTemplate", TEMPLATE),
    ("CreateConfigurationSet", CONFIGURATION_SET),
    ("DeleteConfigurationSet", CONFIGURATION_SET),
    ("GetConfigurationSet", READS),
    // Lists the account's configuration sets; what it answers beyond the run's is masked.
    ("ListConfigurationSets", READS),
    // Creates a pool named PoolName; a MANAGED one is billed (REAL-SES.md), so the whole
    // operation needs --allow billable.
    (
        "CreateDedicatedIpPool",
        Rule {
            names: Some(("PoolName", &[])),
            opt_in: Some(&["PoolName"]),
            never: false,
        },
    ),
    (
        "DeleteDedicatedIpPool",
        Rule {
            names: Some(("PoolName", &[])),
            opt_in: None,
            never: false,
        },
    ),
    ("GetDedicatedIpPool", READS),
    // A contact list named ContactListName; SES allows one per account and Region.
    ("CreateContactList", CONTACT_LIST),
    ("UpdateContactList", CONTACT_LIST),
    ("DeleteContactList", CONTACT_LIST),
    ("GetContactList", READS),
    // Lists the account's contact lists by name; what it answers beyond the run's is masked.
    ("ListContactLists", READS),
    // Lists the account's pools by name; what it answers beyond the run's is masked.
    ("ListDedicatedIpPools", READS),
    ("CreateEmailIdentityPolicy", POLICY),
    ("UpdateEmailIdentityPolicy", POLICY),
    ("DeleteEmailIdentityPolicy", POLICY),
    // Mail, to the recipients the mail check restricts.
    ("SendEmail", READS),
    ("SendBulkEmail", READS),
    // Files a production-access request for the account.
    (
        "PutAccountDetails",
        Rule {
            names: None,
            opt_in: Some(&["MailType", "WebsiteURL"]),
            never: false,
        },
    ),
    // Starts a billed inbox placement test.
    (
        "CreateDeliverabilityTestReport",
        Rule {
            names: None,
            opt_in: Some(&["FromEmailAddress", "Content"]),
            never: false,
        },
    ),
    // Mails the address and adds it as an identity.
    (
        "SendCustomVerificationEmail",
        Rule {
            names: None,
            opt_in: Some(&["EmailAddress", "TemplateName"]),
            never: false,
        },
    ),
    ("CreateEmailIdentity", IDENTITY_CHANGE),
    ("DeleteEmailIdentity", IDENTITY_CHANGE),
];

/// The rule of an operation; an operation with none is a failure, so that the checks grow with
/// the table instead of letting a new operation through unchecked.
fn rule(operation: &str) -> Result<&'static Rule, Broken> {
    RULES
        .iter()
        .find(|(op, _)| *op == operation)
        .map(|(_, r)| r)
        .ok_or_else(|| {
            Broken(format!(
                "{operation} has no rule in tests/real_ses_plan.rs RULES: restate from the API reference what SES does with it"
            ))
        })
}

fn only_run_prefixed_names(sent: &Sent) -> Result<(), Broken> {
    let rule = rule(&sent.operation)?;
    if rule.never {
        return Err(Broken(format!(
            "{}: {} is never sent to real SES",
            sent.case, sent.operation
        )));
    }
    let Some((name, parents)) = rule.names else {
        return Ok(());
    };
    let prefix = format!("sc{RUN}-");
    let value = sent
        .request
        .get(name)
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !value.starts_with(&prefix) {
        return Err(Broken(format!(
            "{}: {} names {value:?}",
            sent.case, sent.operation
        )));
    }
    for parent in parents {
        let v = sent
            .request
            .get(*parent)
            .and_then(Value::as_str)
            .unwrap_or_default();
        if v != IDENTITY && !v.starts_with(&prefix) {
            return Err(Broken(format!(
                "{}: {} on identity {v:?}",
                sent.case, sent.operation
            )));
        }
    }
    Ok(())
}

/// Address-like words of a text that are not at the simulator.
fn foreign_addresses(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || ",;<>\"'()[]".contains(c))
        .filter(|w| w.contains('@'))
        .filter(|w| !(w.to_ascii_lowercase().ends_with(SIMULATOR) && w.matches('@').count() == 1))
        .map(str::to_string)
        .collect()
}

/// Every address the request holds where SES could write to it: any member named `...Address`
/// or `...Addresses` but the From address, and every header line of a raw message but `From:`.
/// Each must be at the simulator.
fn only_simulator_mail(sent: &Sent) -> Result<(), Broken> {
    fn walk(key: &str, value: &Value, found: &mut Vec<String>) {
        match value {
            Value::String(s) if key == "Data" => {
                if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(s) {
                    let message = String::from_utf8_lossy(&bytes).into_owned();
                    let headers = message.split("\r\n\r\n").next().unwrap_or_default();
                    // Unfold, then every header line but the originator's.
                    let unfolded = headers.replace("\r\n ", " ").replace("\r\n\t", " ");
                    for line in unfolded.lines() {
                        let lower = line.to_ascii_lowercase();
                        if !(lower.starts_with("from:") || lower.starts_with("message-id:")) {
                            found.extend(foreign_addresses(line));
                        }
                    }
                }
            }
            Value::String(s)
                if (key.ends_with("Address") || key.ends_with("Addresses"))
                    && key != "FromEmailAddress" =>
            {
                found.extend(foreign_addresses(s));
                if !s.contains('@') {
                    found.push(s.clone());
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(key, v, found)),
            Value::Object(obj) => obj.iter().for_each(|(k, v)| walk(k, v, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk("", &sent.request, &mut found);
    match found.first() {
        None => Ok(()),
        Some(word) => Err(Broken(format!(
            "{}: {} mails {word:?}",
            sent.case, sent.operation
        ))),
    }
}

/// Without `--allow`, a request to an opt-in operation must break a rule SES certainly enforces
/// before acting: a member today's model requires is missing, a value of the wrong JSON type, an
/// enum value outside its set, a blob that is not base64, or a body that is not JSON. Restated
/// from the model, not read from the spec.
fn no_opt_in_without_allow(sent: &Sent) -> Result<(), Broken> {
    let Some(required) = rule(&sent.operation)?.opt_in else {
        return Ok(());
    };
    if sent
        .body
        .as_deref()
        .is_some_and(|b| serde_json::from_str::<Value>(b).is_err())
    {
        return Ok(());
    }
    let r = &sent.request;
    if required
        .iter()
        .any(|m| r.get(*m).is_none_or(Value::is_null))
    {
        return Ok(());
    }
    let wrong_type = r.as_object().is_some_and(|obj| {
        obj.iter().any(|(k, v)| match k.as_str() {
            "MailType"
            | "WebsiteURL"
            | "ContactLanguage"
            | "UseCaseDescription"
            | "FromEmailAddress"
            | "EmailAddress"
            | "TemplateName"
            | "ConfigurationSetName"
            | "ReportName"
            | "PoolName"
            | "ScalingMode" => !v.is_string(),
            "AdditionalContactEmailAddresses" | "Tags" => !v.is_array(),
            "ProductionAccessEnabled" => !v.is_boolean(),
            "Content" => !v.is_object(),
            _ => false,
        })
    });
    if wrong_type {
        return Ok(());
    }
    let bad_enum = |member: &str, set: &[&str]| {
        r.get(member)
            .and_then(Value::as_str)
            .is_some_and(|v| !set.contains(&v))
    };
    if bad_enum("MailType", &["MARKETING", "TRANSACTIONAL"])
        || bad_enum("ContactLanguage", &["EN", "JA"])
        || bad_enum("ScalingMode", &["STANDARD", "MANAGED"])
    {
        return Ok(());
    }
    // A tag without its Key or Value (both required by the model's Tag), on any operation.
    let bad_tags = r.get("Tags").and_then(Value::as_array).is_some_and(|tags| {
        tags.iter()
            .any(|t| t.get("Key").is_none() || t.get("Value").is_none())
    });
    if bad_tags {
        return Ok(());
    }
    // Nested required members of the content (Subject, Body, Data) and an undecodable raw blob.
    if let Some(content) = r.get("Content") {
        let simple = content.get("Simple");
        let missing_nested = simple.is_some_and(|s| {
            s.get("Subject").is_none_or(|x| x.get("Data").is_none())
                || s.get("Body").is_none()
                || ["Text", "Html"].iter().any(|p| {
                    s.pointer(&format!("/Body/{p}"))
                        .is_some_and(|b| b.get("Data").is_none())
                })
        }) || content
            .get("Raw")
            .is_some_and(|raw| raw.get("Data").is_none());
        let undecodable = content
            .pointer("/Raw/Data")
            .and_then(Value::as_str)
            .is_some_and(|d| base64::engine::general_purpose::STANDARD.decode(d).is_err());
        if missing_nested || undecodable {
            return Ok(());
        }
    }
    Err(Broken(format!(
        "{}: {} goes without --allow, and SES could act on it: {}",
        sent.case, sent.operation, sent.request
    )))
}

fn check_traffic(
    spec: &Arc<Spec>,
    seed: u64,
    cases: usize,
    ops: Vec<String>,
) -> Result<(), Broken> {
    let settings = Settings {
        global_seed: seed,
        random_cases: cases,
        operations: ops,
    };
    for sent in planned_traffic(spec, &settings, &[]) {
        only_run_prefixed_names(&sent)?;
        only_simulator_mail(&sent)?;
        no_opt_in_without_allow(&sent)?;
    }
    Ok(())
}

/// The audit's reproductions: seed 63 at the default case count, seed 0 at eight.
#[test]
fn the_audits_seeds_plan_only_safe_traffic() {
    let spec = common::spec();
    for (seed, cases) in [(63, 2), (0, 8)] {
        check_traffic(&spec, seed, cases, Vec::new())
            .unwrap_or_else(|e| panic!("seed {seed}, --cases {cases}: {e}"));
    }
}

/// Every seed of 0..200, every `--cases` of 0..=8, every operation: the whole space the audit
/// names, split over the machine's cores. Too long for every `cargo test` (about six minutes on
/// two cores in a release build); run it with
/// `cargo test --release --test real_ses_plan -- --ignored`.
#[test]
#[ignore = "exhaustive: run with --release -- --ignored"]
fn planned_real_ses_traffic_is_safe_for_every_seed_and_case_count() {
    let spec = common::spec();
    let threads = std::thread::available_parallelism().map_or(1, usize::from) as u64;
    let started = std::time::Instant::now();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|worker| {
                let spec = &spec;
                scope.spawn(move || {
                    for seed in (0..200).filter(|s| s % threads == worker) {
                        for cases in 0..=8 {
                            if let Err(e) = check_traffic(spec, seed, cases, Vec::new()) {
                                return Err(format!("seed {seed}, --cases {cases}: {e}"));
                            }
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        for worker in workers {
            match worker.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => panic!("{e}"),
                Err(_) => panic!("a worker panicked"),
            }
        }
    });
    eprintln!(
        "1800 plans (seeds 0..200 x --cases 0..=8) checked in {:?} on {threads} threads",
        started.elapsed()
    );
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Seeds 0..200 × `--cases` 0..8 × every operation, sampled.
    #[test]
    fn planned_real_ses_traffic_is_safe_for_any_seed(
        seed in 0u64..200,
        cases in 0usize..=8,
        op in prop::sample::select(common::spec().operations.keys().cloned().collect::<Vec<_>>()),
    ) {
        let spec = common::spec();
        let result = check_traffic(&spec, seed, cases, vec![op.clone()]);
        prop_assert!(result.is_ok(), "seed {}, --cases {}: {}", seed, cases, result.unwrap_err());
    }
}

/// Every operation of the table (and every setup operation) has a restated rule: a new operation
/// fails here, naming itself, until someone says what SES does with it.
#[test]
fn every_operation_of_the_table_has_a_rule() {
    let spec = common::spec();
    let missing: Vec<String> = spec
        .operations
        .keys()
        .chain(spec.setup.keys())
        .filter(|op| rule(op).is_err())
        .cloned()
        .collect();
    assert!(missing.is_empty(), "no rule for {missing:?}");
    assert!(rule("PutSomethingNew").is_err());
}

/// The checks above can fail: a planner that let a foreign name or a person through would be
/// caught (the restated rules are not vacuous).
#[test]
fn the_restated_rules_catch_unsafe_traffic() {
    let sent = |operation: &str, request: Value| Sent {
        case: "test".into(),
        operation: operation.into(),
        request,
        body: None,
    };
    assert!(only_run_prefixed_names(&sent(
        "DeleteEmailIdentityPolicy",
        serde_json::json!({"EmailIdentity": IDENTITY, "PolicyName": "c"})
    ))
    .is_err());
    assert!(only_simulator_mail(&sent("SendEmail", serde_json::json!({"Destination": {"ToAddresses": ["<ceo@example.com>, x@simulator.amazonses.com"]}}))).is_err());
    assert!(no_opt_in_without_allow(&sent(
        "PutAccountDetails",
        serde_json::json!({"MailType": "MARKETING", "WebsiteURL": "https://example.com"})
    ))
    .is_err());
}
