//! One regression test per finding of the second real-SES safety audit about what reaches the
//! outputs (console, `--json`, JUnit, baselines, the ledger and what `cleanup` prints), each
//! against a local endpoint: the embedded reference playing real SES, or a server that answers
//! what the test says. No test here reaches the internet.

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::cli::{self, harness, percent_encoded, SESSION_TOKEN};
use common::owner::{Owner, IDENTITY};
use common::real_ses::{
    assert_no_secret_in, assert_none_in, aws_run, minted_for_home, reference_with_identity, ACCOUNT,
};
use common::recorder::{accepted, Recorder};
use common::{all_files, spec, temp_dir};
use serde_json::{json, Value};
use ses_conformance::case::PREFIX_PLACEHOLDER;
use ses_conformance::reference::{Options, ReferenceServer};
use ses_conformance::run::ledger;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

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

/// `--json`, `--junit` and `--ledger`: every output of a run, as `r.jsonl`, `junit.xml` and
/// `ledger.jsonl` in `dir`.
fn every_output_in(dir: &Path) -> Vec<String> {
    let at = |name: &str| dir.join(name).to_string_lossy().into_owned();
    vec![
        "--json".into(),
        at("r.jsonl"),
        "--junit".into(),
        at("junit.xml"),
        "--ledger".into(),
        at("ledger.jsonl"),
    ]
}

/// Run the binary in `dir` to exit 0; neither what it printed nor anything under `written`
/// (called `what` in a failure) holds any of `private`. What is under `written`, concatenated.
fn run_holding_none(
    args: &[&str],
    dir: &Path,
    limit: Duration,
    (what, written): (&str, &Path),
    private: &[&str],
) -> String {
    let (code, stdout, stderr) = cli::run(args, dir, limit);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let files = all_files(written);
    assert_none_in(
        &[("stdout", &stdout), ("stderr", &stderr), (what, &files)],
        private,
    );
    files
}

/// A ledger at `path` in which run `run` made a template of each of `names` at `endpoint`, as a
/// real-SES run records it; closed (and so unlocked) when this returns, for `cleanup` to take.
fn ledger_of_templates(path: &Path, run: &str, endpoint: &str, names: &[String]) {
    let ledger = ledger::Ledger::open(path).unwrap_or_else(|e| panic!("{e}"));
    for name in names {
        let entry = ledger::LedgerEntry {
            run: run.to_string(),
            target: "aws".into(),
            endpoint: endpoint.to_string(),
            real_aws: true,
            kind: "email_template".into(),
            delete_operation: "DeleteEmailTemplate".into(),
            delete_request: json!({ "TemplateName": name }),
        };
        ledger
            .append(&ledger::Line::Creating(entry))
            .unwrap_or_else(|e| panic!("{e}"));
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
    let server = reference_with_identity(Options::default()).await;
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
    let output_flags = every_output_in(&run_dir);
    let mut args = aws_run(&url, IDENTITY);
    args.extend([
        "--case",
        "get_email_identity::valid::minimal::0",
        "--case",
        "list_custom_verification_email_templates::valid::page_size_at_min::0",
        "--sequences",
        "2",
    ]);
    args.extend(output_flags.iter().map(String::as_str));
    let files = run_holding_none(
        &args,
        &dir,
        5 * MINUTE,
        ("the run's files", &run_dir),
        &private,
    );
    assert!(
        files.contains("GetEmailIdentityPolicies"),
        "the sequences read the policies: {files}"
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
    run_holding_none(&args, &dir, 5 * MINUTE, ("the baseline", &out), &private);
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
    let files = run_holding_none(
        &args,
        &page_dir,
        2 * MINUTE,
        ("the run's files", &page_dir),
        &[USER_TEMPLATE],
    );
    assert!(
        files.contains(r#""verdict":"diverges""#) && files.contains("/TemplatesMetadata: 3 items"),
        "the oversized page diverges: {files}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A server that answers every request with an error echoing the request's signature headers,
/// as they came, JSON-escaped and percent-encoded; but the first GetAccount with a quota when
/// `quota_first` (so that a run gets past reading its quota).
struct EchoHeaders {
    quota_given: AtomicBool,
}

impl Respond for EchoHeaders {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let is_get_account = request.url.path() == "/v2/email/account";
        if is_get_account && !self.quota_given.swap(true, Ordering::SeqCst) {
            return ResponseTemplate::new(200).set_body_json(accepted("GetAccount", 50.0));
        }
        let header = |name: &str| {
            request
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let (authorization, date, token) = (
            header("authorization"),
            header("x-amz-date"),
            header("x-amz-security-token"),
        );
        let echoed = format!(
            "Authorization: {authorization}, X-Amz-Date: {date}, X-Amz-Security-Token: {token}"
        );
        let body = json!({
            "message": format!("The request signature we calculated does not match: {echoed}"),
            "headers": {"authorization": authorization, "x-amz-date": date, "x-amz-security-token": token},
            "escaped": echoed.replace('/', "\\/"),
            "query": format!("X-Amz-Credential={}&X-Amz-Security-Token={}&X-Amz-Signature=0123abcd", percent_encoded(&authorization), percent_encoded(&token)),
        });
        ResponseTemplate::new(403)
            .insert_header("x-amzn-ErrorType", "SignatureDoesNotMatch")
            .set_body_raw(body.to_string().into_bytes(), "application/json")
    }
}

/// A server echoing the request's signature headers in its errors.
async fn echo_server(quota_first: bool) -> MockServer {
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(any())
        .respond_with(EchoHeaders {
            quota_given: AtomicBool::new(!quota_first),
        })
        .mount(&server)
        .await;
    server
}

/// Run the binary with a session token as well as the keys; its exit code, stdout and stderr.
fn run_with_token(args: &[&str], dir: &Path) -> (Option<i32>, String, String) {
    cli::finish(
        harness(args, dir).env("AWS_SESSION_TOKEN", SESSION_TOKEN),
        3 * MINUTE,
    )
}

/// Finding 6: a GetAccount error whose body echoed the request's headers printed the run's
/// access key, its signature and its session token. Now nothing the tool prints or writes holds
/// the run's credentials or any signature material, whatever answer echoes them: a case's
/// error, the quota read that stops a run, and a removal `cleanup` could not make.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finding_6_no_output_holds_the_runs_credentials_or_signature() {
    let dir = temp_dir("redaction-finding-6");
    let output_flags = every_output_in(&dir);

    // Cases whose every answer echoes the headers (the quota read passes, once per server):
    // the parity summary (the default), then every failing case in full (--verbose).
    let cases_run = |url: &str, extra: &'static [&'static str]| {
        let mut args = aws_run(url, IDENTITY);
        args.extend([
            "--account-id",
            ACCOUNT,
            "--case",
            "get_account::valid::minimal::0",
            "--case",
            "create_email_template::valid::minimal::0",
        ]);
        args.extend_from_slice(extra);
        args.extend(output_flags.iter().map(String::as_str));
        run_with_token(&args, &dir)
    };
    let summarised = echo_server(true).await;
    let (code, summary, _) = cases_run(&summarised.uri(), &[]);
    assert_eq!(code, Some(1), "both cases diverge: {summary}");
    assert!(summary.contains("SignatureDoesNotMatch"), "{summary}");
    let server = echo_server(true).await;
    let (code, stdout, stderr) = cases_run(&server.uri(), &["--verbose"]);
    assert_eq!(code, Some(1), "both cases diverge: {stdout}\n{stderr}");
    assert!(stdout.contains("SignatureDoesNotMatch"), "{stdout}");
    let mut outputs = vec![
        ("stdout of the summary", summary),
        ("stdout", stdout),
        ("stderr", stderr),
    ];

    // The quota read itself echoes them: the run stops, and says why.
    let refusing = echo_server(false).await;
    let refusing_url = refusing.uri();
    let (code, stdout, stderr) = run_with_token(&aws_run(&refusing_url, IDENTITY), &dir);
    assert_eq!(code, Some(3), "{stdout}\n{stderr}");
    assert!(stderr.contains("GetAccount"), "{stderr}");
    outputs.extend([
        ("stdout of the stopped run", stdout),
        ("stderr of the stopped run", stderr),
    ]);

    // A removal that `cleanup` sends is answered the same way.
    let run = minted_for_home(&dir);
    let left = dir.join("left.ledger.jsonl");
    ledger_of_templates(
        &left,
        &run,
        &refusing_url,
        &[format!("{}left", ledger::run_prefix(&run))],
    );
    let left_arg = left.to_string_lossy().into_owned();
    let (code, stdout, stderr) =
        run_with_token(&["cleanup", &left_arg, "--endpoint", &refusing_url], &dir);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("could not remove"), "{stderr}");
    outputs.extend([("cleanup's stdout", stdout), ("cleanup's stderr", stderr)]);

    outputs.push(("the run's files", all_files(&dir)));
    for (what, text) in &outputs {
        assert_no_secret_in(what, text);
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Answers naming the user's account in encoded ARNs: JSON unicode escapes in a JSON error,
/// percent-encoding in a text error, and both mixed with plain separators in another; the first
/// GetAccount gets a quota.
struct EncodedArns {
    quota_given: AtomicBool,
}

impl Respond for EncodedArns {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path();
        if path == "/v2/email/account" && !self.quota_given.swap(true, Ordering::SeqCst) {
            return ResponseTemplate::new(200).set_body_json(accepted("GetAccount", 50.0));
        }
        let (content_type, body) = if path.starts_with("/v2/email/templates") {
            (
                "application/json",
                format!(
                    r#"{{"message":"User arn\u003aaws\u003aiam\u003a\u003a{OWN_ACCOUNT}\u003auser/alice may not list templates","Resource":"arn\u003Aaws-us-gov\u003Ases\u003Aus-gov-west-1\u003A{OWN_ACCOUNT}\u003Atemplate/x"}}"#
                ),
            )
        } else if path.starts_with("/v2/email/identities") {
            (
                "text/plain",
                format!("denied: arn%3Aaws%3Ases%3Aus-east-1%3A{OWN_ACCOUNT}%3Aidentity%2Fverified.example.org (arn%253Aaws%253Aiam%253A%253A{OWN_ACCOUNT}%253Aroot)"),
            )
        } else {
            (
                "application/json",
                format!(
                    r#"{{"message":"not authorized: arn:aws%3Aiam\u003a:{OWN_ACCOUNT}%3aroot","Policy":"{{\"Principal\":{{\"AWS\":\"arn%3Aaws%3Aiam%3A%3A{OWN_ACCOUNT}%3Aroot\"}}}}"}}"#
                ),
            )
        };
        ResponseTemplate::new(400)
            .insert_header("x-amzn-ErrorType", "AccessDeniedException")
            .set_body_raw(body.into_bytes(), content_type)
    }
}

/// Finding 9: account ids were masked before the answer was decoded, so ARNs written with JSON
/// unicode escapes or percent-encoding were printed whole; and `cleanup` printed a ledger
/// entry naming an ARN as it was. Now no output of a run, a recording or a cleanup holds the
/// account id, whatever the encoding of the ARN's separators.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finding_9_account_ids_are_masked_in_every_encoding() {
    let dir = temp_dir("redaction-finding-9");
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(any())
        .respond_with(EncodedArns {
            quota_given: AtomicBool::new(false),
        })
        .mount(&server)
        .await;
    let url = server.uri();
    let arg = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let (json_arg, junit_arg, out_arg) = (arg("r.jsonl"), arg("junit.xml"), arg("baseline"));
    let mut args = aws_run(&url, IDENTITY);
    args[0] = "record";
    args.extend([
        "--case",
        "list_email_templates::valid::minimal::0",
        "--case",
        "get_email_identity::valid::minimal::0",
        "--case",
        "put_account_details::invalid::mail_type_not_in_enum::0",
        "--json",
        &json_arg,
        "--junit",
        &junit_arg,
        "--out",
        &out_arg,
    ]);
    let files = run_holding_none(&args, &dir, 2 * MINUTE, ("the files", &dir), &[OWN_ACCOUNT]);
    assert!(files.contains("AccessDeniedException"), "{files}");

    // A ledger entry naming an ARN, plainly and percent-encoded: refused, and printed masked.
    let run = minted_for_home(&dir);
    let left = dir.join("arn.ledger.jsonl");
    ledger_of_templates(
        &left,
        &run,
        &url,
        &[
            format!("arn:aws:ses:us-east-1:{OWN_ACCOUNT}:template/x"),
            format!(
                "{}arn%3Aaws%3Ases%3Aus-east-1%3A{OWN_ACCOUNT}%3Atemplate",
                ledger::run_prefix(&run)
            ),
        ],
    );
    let left_arg = left.to_string_lossy().into_owned();
    let (code, stdout, stderr) =
        cli::run(&["cleanup", &left_arg, "--endpoint", &url], &dir, MINUTE);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("template"), "{stderr}");
    assert_none_in(
        &[("cleanup's stdout", &stdout), ("cleanup's stderr", &stderr)],
        &[OWN_ACCOUNT],
    );
    let _ = std::fs::remove_dir_all(dir);
}
