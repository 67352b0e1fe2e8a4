//! The real-SES code path, tested against local endpoints that behave like SES: the `aws` target
//! (credentials from the aws-config chain, a verified identity given by the user, pacing,
//! ledger, opt-in gates) pointed at the embedded reference. No test here reaches the internet.
//!
//! This file: what a run may leak, record and send. Stop signals, cleanup and pacing have their
//! own files (`real_ses_signals.rs`, `real_ses_cleanup.rs`, `real_ses_pacing.rs`).

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::cli::{self, harness};
use common::owner::{Owner, IDENTITY};
use common::real_ses::{assert_no_secret_in, assert_none_in, aws_args, finished, pending, ACCOUNT};
use common::{all_files, spec, temp_dir};
use serde_json::{json, Value};
use ses_conformance::reference::{Options, ReferenceServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_against_ses_leaks_no_secret_gates_account_changes_and_cleans_up() {
    let server = ReferenceServer::start(
        spec(),
        Options {
            throttle: true,
            faults: Default::default(),
            sandbox: false,
            verified: Vec::new(),
        },
    )
    .await;
    let owner = Owner::of(&server).await;
    owner.set_up_account().await;
    let dir = temp_dir("aws-run");
    let url = server.url();
    let ledger_path = dir.join("run.ledger.jsonl");
    let (json_path, junit_path) = (dir.join("results.jsonl"), dir.join("junit.xml"));
    let mut args = aws_args(&url, ledger_path.to_str().unwrap_or_default());
    let (json_arg, junit_arg) = (
        json_path.to_string_lossy().into_owned(),
        junit_path.to_string_lossy().into_owned(),
    );
    args.extend([
        "--json",
        &json_arg,
        "--junit",
        &junit_arg,
        "--case",
        "put_account_details::valid::minimal::0",
        "--case",
        "put_account_details::invalid::mail_type_not_in_enum::0",
        "--case",
        "create_email_identity_policy::valid::minimal::0",
        "--case",
        "get_email_identity_policies::valid::returns_created_policy::0",
        "--case",
        "send_email::valid::minimal::0",
        "--case",
        "create_deliverability_test_report::valid::minimal::0",
        "--case",
        "create_deliverability_test_report::invalid::content_missing::0",
    ]);
    let (code, stdout, stderr) = cli::run(&args, &dir, Duration::from_secs(120));
    assert_eq!(code, Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");

    let records: Vec<Value> = std::fs::read_to_string(&json_path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let verdict = |id: &str| {
        records
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["verdict"].as_str().unwrap_or_default().to_string())
    };
    assert_eq!(
        verdict("put_account_details::valid::minimal::0").as_deref(),
        Some("skipped"),
        "account changes need --allow"
    );
    assert_eq!(
        verdict("create_deliverability_test_report::valid::minimal::0").as_deref(),
        Some("skipped"),
        "billable calls need --allow"
    );
    for sent in [
        "put_account_details::invalid::mail_type_not_in_enum::0",
        "create_email_identity_policy::valid::minimal::0",
        "get_email_identity_policies::valid::returns_created_policy::0",
        "send_email::valid::minimal::0",
        "create_deliverability_test_report::invalid::content_missing::0",
    ] {
        assert_eq!(
            verdict(sent).as_deref(),
            Some("conforms"),
            "{sent}: {records:?}"
        );
    }

    for (what, text) in [
        ("stdout", stdout),
        ("stderr", stderr),
        (
            "the JSON results",
            std::fs::read_to_string(&json_path).unwrap_or_default(),
        ),
        (
            "the JUnit report",
            std::fs::read_to_string(&junit_path).unwrap_or_default(),
        ),
        (
            "the ledger",
            std::fs::read_to_string(&ledger_path).unwrap_or_default(),
        ),
    ] {
        assert_no_secret_in(what, &text);
    }
    // The user's identity was used, never created or deleted; what the run made is gone, and
    // what it did not make is untouched.
    assert!(
        pending(&ledger_path).is_empty(),
        "{:?}",
        pending(&ledger_path)
    );
    assert!(
        finished(&ledger_path),
        "nothing is pending: the ledger says so"
    );
    owner.assert_only_its_own_resources_left().await;
    owner
        .call("GetEmailIdentity", json!({"EmailIdentity": IDENTITY}))
        .await;
    let _ = std::fs::remove_dir_all(dir);
}

/// Another account, as a policy of the user's may name it: masked in ARNs and, once seen in one,
/// bare too.
const OTHER_ACCOUNT: &str = "444455556666";

/// What the account's owner told SES about themselves (PutAccountDetails): never recorded.
const PRIVATE_DETAILS: [&str; 4] = [
    "owner.private@example.net",
    "deputy.private@example.net",
    "https://private-owner.example.net/",
    "Receipts for the private shop",
];

/// GovCloud ARNs are `arn:aws-us-gov:`, and policies name accounts bare as well: a baseline
/// recorded there holds neither the account id, nor another account's id, nor the account's
/// contact details, and nor does anything the run prints.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_govcloud_recording_leaks_no_account_id_or_account_detail() {
    let server = ReferenceServer::start(spec(), Options::default()).await;
    let owner = Owner::of(&server).await;
    owner.set_up_account().await;
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": [format!("arn:aws-us-gov:iam::{OTHER_ACCOUNT}:root"), format!("arn:aws-us-gov:iam::{ACCOUNT}:user/alice")]},
            "Action": "ses:SendEmail",
            "Resource": format!("arn:aws-us-gov:ses:us-gov-west-1:{ACCOUNT}:identity/{IDENTITY}"),
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT, "aws:PrincipalAccount": OTHER_ACCOUNT}}
        }]
    });
    owner
        .call(
            "CreateEmailIdentityPolicy",
            json!({"EmailIdentity": IDENTITY, "PolicyName": "govcloud-policy", "Policy": policy.to_string()}),
        )
        .await;
    owner
        .call(
            "PutAccountDetails",
            json!({
                "MailType": "MARKETING",
                "WebsiteURL": PRIVATE_DETAILS[2],
                "ContactLanguage": "JA",
                "UseCaseDescription": PRIVATE_DETAILS[3],
                "AdditionalContactEmailAddresses": [PRIVATE_DETAILS[0], PRIVATE_DETAILS[1]]
            }),
        )
        .await;
    let dir = temp_dir("govcloud");
    let url = server.url();
    let (ledger_path, json_path, out) = (
        dir.join("run.ledger.jsonl"),
        dir.join("results.jsonl"),
        dir.join("baseline"),
    );
    let (ledger_arg, json_arg, out_arg) = (
        ledger_path.to_string_lossy().into_owned(),
        json_path.to_string_lossy().into_owned(),
        out.to_string_lossy().into_owned(),
    );
    let mut args = aws_args(&url, &ledger_arg);
    args[0] = "record";
    args.extend([
        "--region",
        "us-gov-west-1",
        "--out",
        &out_arg,
        "--json",
        &json_arg,
        "--case",
        "get_account::valid::minimal::0",
        "--case",
        "get_email_identity_policies::valid::returns_created_policy::0",
        "--case",
        "create_email_identity_policy::valid::minimal::0",
    ]);
    let (code, stdout, stderr) = cli::run(&args, &dir, Duration::from_secs(120));
    assert_eq!(code, Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");
    let baseline = all_files(&out);
    // The run's own policy was recorded, its GovCloud ARNs read as placeholders: the account's
    // ARNs were bound and unbound in the aws-us-gov partition. The user's policy was not
    // recorded (only what the run created is, against real SES), and the answer says so.
    assert!(
        baseline.contains("arn:aws:iam::000000000000:root"),
        "{baseline}"
    );
    assert!(!baseline.contains("govcloud-policy"), "{baseline}");
    assert!(baseline.contains("[withheld]"), "{baseline}");
    let private: Vec<&str> = PRIVATE_DETAILS.into_iter().chain([OTHER_ACCOUNT]).collect();
    for (what, text) in [
        ("stdout", stdout),
        ("stderr", stderr),
        (
            "the JSON results",
            std::fs::read_to_string(&json_path).unwrap_or_default(),
        ),
        (
            "the ledger",
            std::fs::read_to_string(&ledger_path).unwrap_or_default(),
        ),
        ("the baseline", baseline),
    ] {
        assert_no_secret_in(what, &text);
        assert_none_in(&[(what, &text)], &private);
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_sends_nothing_and_shows_every_call_and_the_send_budget() {
    let server = ReferenceServer::start(spec(), Options::default()).await;
    let dir = temp_dir("dry-run");
    let url = server.url();
    let dry_run = |extra: &[&str]| {
        let mut args = aws_args(&url, "unused-ledger");
        args.extend(extra);
        args.push("--dry-run");
        let output = harness(&args, &dir)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(output.status.code(), Some(0));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };

    let stdout = dry_run(&["--op", "CreateEmailTemplate"]);
    assert!(
        stdout.contains("SEND   create_email_template::valid::minimal::0"),
        "{stdout}"
    );
    assert!(stdout.contains("REMOVE DeleteEmailTemplate"), "{stdout}");

    // (a) The quota read comes first, and (b) the shared template's removal last, each with the
    // gate's decision, and both counted: 1 GetAccount + 1 shared template + 8 reads + 1 removal.
    let stdout = dry_run(&["--op", "GetEmailTemplate"]);
    let calls: Vec<&str> = stdout
        .lines()
        .filter(|l| {
            !l.starts_with("dry run") && !l.starts_with("target: ") && !l.starts_with("SKIP")
        })
        .take_while(|l| !l.starts_with("SEQUENCE") && !l.contains("cases would be sent"))
        .collect();
    // Then the sequences real SES would get, each with its steps, the ones never run there said.
    assert!(stdout.contains("SEQUENCE sequence::0: "), "{stdout}");
    let limit_steps = stdout.matches("then one more").count();
    assert!(limit_steps > 0, "seed 0 draws the limit step: {stdout}");
    assert_eq!(
        stdout
            .matches("then one more (not run on real SES)")
            .count(),
        limit_steps,
        "{stdout}"
    );
    assert!(
        calls[0].starts_with("READ   GetAccount: {}") && calls[0].ends_with("[gate: passes]"),
        "{stdout}"
    );
    let last = calls.last().copied().unwrap_or_default();
    assert!(
        last.starts_with(
            r#"REMOVE DeleteEmailTemplate: {"TemplateName":"sc000000000000-shared-tpl"}"#
        ) && last.contains("[gate: passes"),
        "{stdout}"
    );
    assert_eq!(calls.iter().filter(|l| l.starts_with("SEND")).count(), 8);
    assert!(stdout.contains("estimate: 11 calls"), "{stdout}");

    // (c) The budget a real run would use, and what it would skip.
    let stdout = dry_run(&["--op", "SendEmail"]);
    assert!(
        stdout.contains("mails at most half of what is left of the account's Max24HourSend"),
        "{stdout}"
    );
    let stdout = dry_run(&["--op", "SendEmail", "--max-sends", "2"]);
    assert!(
        stdout.contains("mails at most --max-sends 2 recipients"),
        "{stdout}"
    );
    assert!(
        stdout.contains("valid send(s)") && stdout.contains("would be skipped at run time"),
        "{stdout}"
    );

    assert_eq!(
        server.stats().requests.load(Ordering::Relaxed),
        0,
        "a dry run sent requests"
    );
    assert!(!dir.join("unused-ledger").exists());
    let _ = std::fs::remove_dir_all(dir);
}
