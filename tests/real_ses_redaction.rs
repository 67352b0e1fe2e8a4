//! One regression test per finding of the second real-SES safety audit about what reaches the
//! outputs (console, `--json`, JUnit, baselines, the ledger and what `cleanup` prints), each
//! against a local endpoint: the embedded reference playing real SES, or a server that answers
//! what the test says. No test here reaches the internet.

mod common;

use std::path::Path;
use std::time::Duration;

use common::cli;
use common::owner::{Owner, IDENTITY};
use common::real_ses::{aws_run, ACCOUNT};
use common::recorder::{accepted, Recorder};
use common::{spec, temp_dir};
use serde_json::{json, Value};
use ses_conformance::case::PREFIX_PLACEHOLDER;
use ses_conformance::target::reference::{Options, ReferenceServer};

const MINUTE: Duration = Duration::from_secs(60);

/// The user's own account id, which the run is never told (no `--account-id`).
const OWN_ACCOUNT: &str = "123456789012";
/// A partner's account id, as the user's policies name it.
const PARTNER_ACCOUNT: &str = "444455556666";
/// A sending authorization policy of the user's.
const USER_POLICY: &str = "partner-sending";
/// An email template of the user's.
const USER_TEMPLATE: &str = "user-newsletter";
/// A custom verification email template of the user's.
const USER_VERIFICATION: &str = "user-welcome";

/// Every file under `dir`, concatenated.
fn all_files(dir: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            text.push_str(&all_files(&path));
        } else {
            text.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
        }
    }
    text
}

/// No output holds any of `private`.
fn assert_none_in(outputs: &[(&str, &str)], private: &[&str]) {
    for (what, text) in outputs {
        for value in private {
            assert!(!text.contains(value), "{what} holds {value:?}:\n{text}");
        }
    }
}

/// The account of a user who shares the identity with a partner: a policy naming the partner's
/// account and the user's own (bare, in `Principal` and `Condition`), a template and a custom
/// verification template, none of them the run's.
async fn users_account(server: &ReferenceServer) -> Owner {
    let owner = Owner::of(server).await;
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": PARTNER_ACCOUNT},
            "Action": "ses:SendEmail",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": OWN_ACCOUNT}}
        }]
    });
    owner
        .call(
            "CreateEmailIdentityPolicy",
            json!({"EmailIdentity": IDENTITY, "PolicyName": USER_POLICY, "Policy": policy.to_string()}),
        )
        .await;
    owner
        .call(
            "CreateEmailTemplate",
            json!({"TemplateName": USER_TEMPLATE, "TemplateContent": {"Subject": "news", "Text": "news"}}),
        )
        .await;
    owner
        .call(
            "CreateCustomVerificationEmailTemplate",
            json!({
                "TemplateName": USER_VERIFICATION,
                "FromEmailAddress": format!("welcome@{IDENTITY}"),
                "TemplateSubject": "welcome",
                "TemplateContent": "<p>welcome</p>",
                "SuccessRedirectionURL": "https://verified.example.org/ok",
                "FailureRedirectionURL": "https://verified.example.org/no"
            }),
        )
        .await;
    owner
}

/// Finding 2: against real SES, the user's own policy documents (with their bare account id)
/// reached `--json` through a sequence, and `record` wrote them, a partner's account id and the
/// user's policy names into baselines. Now only what the run created is recorded, a recorded
/// answer says how many entries were left out, and an oversized listing page is still caught
/// although most of its items are the user's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finding_2_only_what_the_run_created_is_recorded_from_real_ses() {
    let server = ReferenceServer::start(
        spec(),
        Options {
            verified: vec![IDENTITY.into()],
            ..Options::default()
        },
    )
    .await;
    let _owner = users_account(&server).await;
    let private = [
        OWN_ACCOUNT,
        PARTNER_ACCOUNT,
        USER_POLICY,
        USER_TEMPLATE,
        USER_VERIFICATION,
    ];
    let dir = temp_dir("redaction-finding-2");
    let url = server.url();

    // Sequences that read the identity's policies (sequence::0 through GetEmailIdentity, ::1
    // through GetEmailIdentityPolicies) and list custom verification templates a page of one at
    // a time, without --account-id.
    let run_dir = dir.join("run");
    std::fs::create_dir_all(&run_dir).unwrap_or_else(|e| panic!("{e}"));
    let arg = |name: &str| run_dir.join(name).to_string_lossy().into_owned();
    let (json_arg, junit_arg, ledger_arg) = (arg("r.jsonl"), arg("junit.xml"), arg("ledger.jsonl"));
    let mut args = aws_run(&url, IDENTITY);
    args.extend([
        "--case",
        "get_email_identity::valid::minimal::0",
        "--case",
        "list_custom_verification_email_templates::valid::page_size_at_min::0",
        "--sequences",
        "2",
        "--json",
        &json_arg,
        "--junit",
        &junit_arg,
        "--ledger",
        &ledger_arg,
    ]);
    let (code, stdout, stderr) = cli::run(&args, &dir, 5 * MINUTE);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let files = all_files(&run_dir);
    assert!(
        files.contains("GetEmailIdentityPolicies"),
        "the sequences read the policies: {files}"
    );
    assert_none_in(
        &[
            ("stdout", &stdout),
            ("stderr", &stderr),
            ("the run's files", &files),
        ],
        &private,
    );

    // A baseline recorded with --account-id: the answers that list the user's resources hold
    // only the run's, and say how many were left out.
    let out = dir.join("baseline");
    let out_arg = out.to_string_lossy().into_owned();
    let record_ledger = dir
        .join("record.ledger.jsonl")
        .to_string_lossy()
        .into_owned();
    let mut args = aws_run(&url, IDENTITY);
    args[0] = "record";
    args.extend([
        "--account-id",
        ACCOUNT,
        "--cases",
        "0",
        "--op",
        "GetEmailIdentityPolicies",
        "--op",
        "GetEmailIdentity",
        "--op",
        "ListCustomVerificationEmailTemplates",
        "--out",
        &out_arg,
        "--ledger",
        &record_ledger,
    ]);
    let (code, stdout, stderr) = cli::run(&args, &dir, 5 * MINUTE);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let baseline = all_files(&out);
    assert_none_in(
        &[
            ("stdout", &stdout),
            ("stderr", &stderr),
            ("the baseline", &baseline),
        ],
        &private,
    );
    let created = std::fs::read_to_string(
        out.join("cases")
            .join("get_email_identity_policies__valid__returns_created_policy__0.json"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        created.contains(PREFIX_PLACEHOLDER),
        "the run's own policy is recorded: {created}"
    );
    assert!(
        created.contains("[withheld]"),
        "the answer says entries were left out: {created}"
    );

    // The checks judge the whole answer: a page of three of the user's templates for PageSize 1
    // diverges, and none of the three is recorded (a baseline keeps the whole answer).
    let listing = Recorder::start(
        spec(),
        Box::new(|operation, _| match operation {
            "ListEmailTemplates" => (
                200,
                None,
                json!({"TemplatesMetadata": (1..=3)
                    .map(|i| json!({"TemplateName": format!("{USER_TEMPLATE}-{i}"), "CreatedTimestamp": 1.7e9}))
                    .collect::<Vec<Value>>()}),
            ),
            _ => (200, None, accepted(operation, 50.0)),
        }),
    )
    .await;
    let page_dir = dir.join("page");
    std::fs::create_dir_all(&page_dir).unwrap_or_else(|e| panic!("{e}"));
    let page_json = page_dir.join("r.jsonl").to_string_lossy().into_owned();
    let page_out = page_dir.join("baseline").to_string_lossy().into_owned();
    let listing_url = listing.url();
    let mut args = aws_run(&listing_url, IDENTITY);
    args[0] = "record";
    args.extend([
        "--case",
        "list_email_templates::valid::page_size_honoured::0",
        "--json",
        &page_json,
        "--out",
        &page_out,
    ]);
    let (code, stdout, stderr) = cli::run(&args, &page_dir, 2 * MINUTE);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let files = all_files(&page_dir);
    assert!(
        files.contains(r#""verdict":"diverges""#) && files.contains("/TemplatesMetadata: 3 items"),
        "the oversized page diverges: {files}"
    );
    assert_none_in(
        &[
            ("stdout", &stdout),
            ("stderr", &stderr),
            ("the run's files", &files),
        ],
        &[USER_TEMPLATE],
    );
    let _ = std::fs::remove_dir_all(dir);
}
