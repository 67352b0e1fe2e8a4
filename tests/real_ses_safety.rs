//! The real-SES code path, tested against local endpoints that behave like SES: the `aws` target
//! (credentials from the aws-config chain, a verified identity given by the user, pacing,
//! ledger, opt-in gates) pointed at the embedded reference. No test here reaches the internet.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::cli::{harness, wait, ACCESS_KEY, SECRET_KEY};
use common::owner::{Owner, FOREIGN_TEMPLATE, IDENTITY};
use common::{reference_target_with, spec, temp_dir};
use serde_json::{json, Value};
use ses_conformance::gen::{self, Settings};
use ses_conformance::run::{ledger, RunConfig, Session};
use ses_conformance::target::gate::PaceSettings;
use ses_conformance::target::reference::{Options, ReferenceServer};
use ses_conformance::target::GateLimits;

const ACCOUNT: &str = "111122223333";

fn aws_args<'a>(url: &'a str, ledger: &'a str) -> Vec<&'a str> {
    vec![
        "run",
        "--target",
        "aws",
        "--endpoint",
        url,
        "--identity",
        IDENTITY,
        "--account-id",
        ACCOUNT,
        "--ledger",
        ledger,
    ]
}

fn assert_no_secret_in(what: &str, text: &str) {
    for secret in [
        ACCESS_KEY,
        SECRET_KEY,
        ACCOUNT,
        "Signature=",
        "AWS4-HMAC-SHA256",
    ] {
        assert!(
            !text.contains(secret),
            "{what} contains {secret:?}:\n{text}"
        );
    }
}

fn pending(ledger_path: &Path) -> Vec<ledger::Recorded> {
    ledger::read(ledger_path)
        .map(|r| r.pending().entries)
        .unwrap_or_default()
}

fn finished(ledger_path: &Path) -> bool {
    ledger::read(ledger_path).is_ok_and(|r| r.is_finished())
}

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
    let output = wait(
        harness(&args, &dir)
            .spawn()
            .unwrap_or_else(|e| panic!("{e}")),
        Duration::from_secs(120),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );

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
        ("stdout", stdout.into_owned()),
        ("stderr", stderr.into_owned()),
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
    let output = wait(
        harness(&args, &dir)
            .spawn()
            .unwrap_or_else(|e| panic!("{e}")),
        Duration::from_secs(120),
    );
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let baseline = all_files(&out);
    // The policies were recorded, and the run's own GovCloud ARNs read as placeholders: the
    // account's ARNs were bound and unbound in the aws-us-gov partition.
    assert!(baseline.contains("govcloud-policy"), "{baseline}");
    assert!(
        baseline.contains("arn:aws:iam::000000000000:user/alice"),
        "{baseline}"
    );
    assert!(
        baseline.contains("arn:aws-us-gov:iam::[account]:root"),
        "{baseline}"
    );
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
        for private in PRIVATE_DETAILS.iter().chain([&OTHER_ACCOUNT]) {
            assert!(
                !text.contains(private),
                "{what} contains {private:?}:\n{text}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_sends_nothing() {
    let server = ReferenceServer::start(spec(), Options::default()).await;
    let dir = temp_dir("dry-run");
    let url = server.url();
    let mut args = aws_args(&url, "unused-ledger");
    args.extend(["--op", "CreateEmailTemplate", "--dry-run"]);
    let output = harness(&args, &dir)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout.contains("SEND   create_email_template::valid::minimal::0"),
        "{stdout}"
    );
    assert!(stdout.contains("REMOVE DeleteEmailTemplate"), "{stdout}");
    assert_eq!(
        server.stats().requests.load(Ordering::Relaxed),
        0,
        "a dry run sent requests"
    );
    assert!(!dir.join("unused-ledger").exists());
    let _ = std::fs::remove_dir_all(dir);
}

/// A run against "real SES" (the reference, as the `aws` target) long enough to interrupt: an
/// account with resources the harness did not make, and the harness running as a child process.
struct LongRun {
    _server: ReferenceServer,
    owner: Owner,
    dir: PathBuf,
    ledger_path: PathBuf,
    child: Child,
}

impl LongRun {
    async fn start(name: &str) -> LongRun {
        let server = ReferenceServer::start(spec(), Options::default()).await;
        let owner = Owner::of(&server).await;
        owner.set_up_account().await;
        let dir = temp_dir(name);
        let url = server.url();
        let ledger_path = dir.join("run.ledger.jsonl");
        let mut args = aws_args(&url, ledger_path.to_str().unwrap_or_default());
        // Paced at the documented rates, these take minutes: plenty of time to interrupt.
        args.extend([
            "--op",
            "CreateEmailTemplate",
            "--op",
            "UpdateEmailIdentityPolicy",
            "--concurrency",
            "2",
        ]);
        let child = harness(&args, &dir)
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        LongRun {
            _server: server,
            owner,
            dir,
            ledger_path,
            child,
        }
    }
}

/// A stop signal in the middle of a run: exit 130, nothing of the run left, nothing else
/// touched. Ctrl-C (SIGINT), SIGTERM (CI runners, systemd, container stops) and SIGHUP (a closed
/// terminal) all do the same.
async fn a_stop_signal_stops_the_run_and_removes_what_it_made(signal: &str) {
    let LongRun {
        _server,
        owner,
        dir,
        ledger_path,
        child,
    } = LongRun::start(&format!("signal{signal}")).await;
    // Stop once the run has made something.
    let start = Instant::now();
    while pending(&ledger_path).is_empty() && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        !pending(&ledger_path).is_empty(),
        "the run never created anything"
    );
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(status.success());
    let output = wait(child, Duration::from_secs(120));
    assert_eq!(
        output.status.code(),
        Some(130),
        "{signal}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        pending(&ledger_path).is_empty(),
        "{signal}: left behind: {:?}",
        pending(&ledger_path)
    );
    owner.assert_only_its_own_resources_left().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_stops_the_run_removes_what_it_made_and_nothing_else() {
    a_stop_signal_stops_the_run_and_removes_what_it_made("-INT").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_the_run_like_ctrl_c() {
    a_stop_signal_stops_the_run_and_removes_what_it_made("-TERM").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_stops_the_run_like_ctrl_c() {
    a_stop_signal_stops_the_run_and_removes_what_it_made("-HUP").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_run_is_cleaned_up_from_its_ledger_and_only_what_it_named() {
    let LongRun {
        _server,
        owner,
        dir,
        ledger_path,
        mut child,
    } = LongRun::start("killed").await;
    let signal = |sig: &str, pid: u32| {
        Command::new("kill")
            .args([sig, &pid.to_string()])
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    let run_made_something = || async { owner.names().await.iter().any(|n| n.starts_with("conf")) };
    // Kill while something the run made exists: freeze the run when something appears, look
    // again (it may have been removed in between), and kill it only then.
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if run_made_something().await {
            assert!(signal("-STOP", child.id()));
            if run_made_something().await {
                break;
            }
            assert!(signal("-CONT", child.id()));
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.kill().unwrap_or_else(|e| panic!("{e}"));
    let _ = child.wait();
    assert!(
        owner.names().await.iter().any(|n| n.starts_with("conf")),
        "nothing of the run existed when it was killed"
    );
    // A foreign resource slipped into the ledger (a tampered or buggy ledger) must be refused.
    let mut foreign = pending(&ledger_path)
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("empty ledger"))
        .entry;
    foreign.kind = "email_template".into();
    foreign.delete_operation = "DeleteEmailTemplate".into();
    foreign.delete_request = json!({"TemplateName": FOREIGN_TEMPLATE});
    ledger::Ledger::open(&ledger_path)
        .and_then(|l| l.append(&ledger::Line::Creating(foreign)))
        .unwrap_or_else(|e| panic!("{e}"));

    let url = _server.url();
    let cleanup = harness(
        &[
            "cleanup",
            ledger_path.to_str().unwrap_or_default(),
            "--endpoint",
            &url,
        ],
        &dir,
    )
    .output()
    .unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&cleanup.stderr);
    assert!(
        stderr.contains("refusing to remove email_template"),
        "{stderr}"
    );
    assert_eq!(
        cleanup.status.code(),
        Some(1),
        "the refused entry stays pending: {stderr}"
    );
    owner.assert_only_its_own_resources_left().await;
    assert_eq!(
        pending(&ledger_path).len(),
        1,
        "only the refused foreign entry remains: {:?}\n{stderr}",
        pending(&ledger_path)
    );
    assert!(
        !finished(&ledger_path),
        "a refused entry keeps it unfinished"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A ledger line as a hand-made (or tampered) ledger would hold it.
fn ledger_line(
    run: &str,
    endpoint: &str,
    real_aws: bool,
    kind: &str,
    operation: &str,
    request: Value,
) -> String {
    json!({
        "event": "creating",
        "run": run,
        "target": "aws",
        "endpoint": endpoint,
        "real_aws": real_aws,
        "kind": kind,
        "delete_operation": operation,
        "delete_request": request,
    })
    .to_string()
}

fn requests_seen(server: &ReferenceServer) -> u64 {
    server.stats().requests.load(Ordering::Relaxed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audits_hand_made_ledger_is_refused_entirely() {
    let server = ReferenceServer::start(spec(), Options::default()).await;
    let owner = Owner::of(&server).await;
    owner.set_up_account().await;
    // What the hostile ledger aims at: the owner's template and identity.
    owner
        .call(
            "CreateEmailTemplate",
            json!({"TemplateName": "prod-confabc123-welcome", "TemplateContent": {"Subject": "mine", "Text": "mine"}}),
        )
        .await;
    owner
        .call(
            "CreateEmailIdentity",
            json!({"EmailIdentity": "conference-mail.example.com"}),
        )
        .await;
    // Where the ledger wants the account details sent: it must never hear from cleanup.
    let attacker = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    attacker
        .set_nonblocking(true)
        .unwrap_or_else(|e| panic!("{e}"));
    let attacker_url = format!(
        "http://{}",
        attacker.local_addr().unwrap_or_else(|e| panic!("{e}"))
    );
    let url = server.url();
    let account_details = json!({
        "MailType": "MARKETING",
        "WebsiteURL": "https://attacker.example",
        "UseCaseDescription": "hostile",
        "ContactLanguage": "EN",
    });
    let lines = [
        ledger_line(
            "abc123",
            &url,
            true,
            "email_template",
            "DeleteEmailTemplate",
            json!({"TemplateName": "prod-confabc123-welcome"}),
        ),
        ledger_line(
            "erence",
            &url,
            true,
            "identity",
            "DeleteEmailIdentity",
            json!({"EmailIdentity": "conference-mail.example.com"}),
        ),
        ledger_line(
            "erence",
            &url,
            false,
            "identity",
            "DeleteEmailIdentity",
            json!({"EmailIdentity": "conference-mail.example.com"}),
        ),
        ledger_line(
            "abc123",
            &attacker_url,
            true,
            "email_template",
            "PutAccountDetails",
            account_details.clone(),
        ),
        ledger_line(
            "abc123",
            &url,
            true,
            "email_template",
            "PutAccountDetails",
            account_details,
        ),
    ];
    let dir = temp_dir("hostile-ledger");
    let path = dir.join("hostile.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap_or_else(|e| panic!("{e}"));
    // Proven lines too, so the identities are offered to `admit` rather than set aside.
    let proven: Vec<String> = lines[1..3]
        .iter()
        .map(|l| l.replacen("\"creating\"", "\"proven\"", 1))
        .collect();
    std::fs::write(
        &path,
        std::fs::read_to_string(&path).unwrap_or_default() + &proven.join("\n") + "\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let before = requests_seen(&server);

    let path_arg = path.to_string_lossy().into_owned();
    for endpoint in [Some(url.as_str()), None] {
        let mut args = vec!["cleanup", path_arg.as_str()];
        args.extend(endpoint.map(|e| ["--endpoint", e]).into_iter().flatten());
        let output = harness(&args, &dir)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        for line in 1..=5 {
            assert!(
                stderr.contains(&format!("(ledger line {line})")),
                "line {line} not refused:\n{stderr}"
            );
        }
        assert_eq!(stderr.matches("refusing to remove").count(), 5, "{stderr}");
        assert!(!stderr.contains("removed "), "{stderr}");
    }
    assert_eq!(requests_seen(&server), before, "cleanup sent a request");
    assert!(
        matches!(attacker.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "cleanup connected to the ledger's endpoint"
    );
    owner
        .call(
            "GetEmailTemplate",
            json!({"TemplateName": "prod-confabc123-welcome"}),
        )
        .await;
    owner
        .call(
            "GetEmailIdentity",
            json!({"EmailIdentity": "conference-mail.example.com"}),
        )
        .await;
    assert!(!finished(&path));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cleanup_with_no_argument_finishes_every_unfinished_ledger_in_the_state_directory() {
    let server = ReferenceServer::start(spec(), Options::default()).await;
    let owner = Owner::of(&server).await;
    owner.set_up_account().await;
    owner
        .call(
            "CreateEmailTemplate",
            json!({"TemplateName": "confabc123-left", "TemplateContent": {"Subject": "s", "Text": "t"}}),
        )
        .await;
    let url = server.url();
    let dir = temp_dir("state-dir");
    let state = dir.join("state");
    let ledgers = state.join("ses-conformance").join("ledgers");
    std::fs::create_dir_all(&ledgers).unwrap_or_else(|e| panic!("{e}"));
    let template = |name: &str| {
        ledger_line(
            "abc123",
            &url,
            true,
            "email_template",
            "DeleteEmailTemplate",
            json!({"TemplateName": name}),
        )
    };
    // A crashed run: a template it made, one whose create never happened, and the line it was
    // writing when it died.
    let crashed = ledgers.join("abc123.jsonl");
    let torn = template("confabc123-torn");
    std::fs::write(
        &crashed,
        format!(
            "{}\n{}\n{}",
            template("confabc123-left"),
            template("confabc123-never"),
            &torn[..torn.len() / 2]
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // A finished ledger is not looked at.
    let done = ledgers.join("zzz999.jsonl");
    std::fs::write(&done, "{\"event\":\"finished\"}\n").unwrap_or_else(|e| panic!("{e}"));

    let cleanup = || {
        let mut cmd = harness(&["cleanup", "--endpoint", &url], &dir);
        cmd.env("XDG_STATE_HOME", &state);
        cmd.output().unwrap_or_else(|e| panic!("{e}"))
    };
    let output = cleanup();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("line 3 was torn by a crash"), "{stderr}");
    assert!(stdout.contains("abc123.jsonl: 2 removed"), "{stdout}");
    assert!(!stdout.contains("zzz999"), "{stdout}");
    assert!(finished(&crashed));
    owner.assert_only_its_own_resources_left().await;

    let again = cleanup();
    assert_eq!(again.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("no unfinished ledgers"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_ses_run_keeps_its_ledger_in_the_state_directory_not_the_working_one() {
    let server = ReferenceServer::start(spec(), Options::default()).await;
    let dir = temp_dir("default-ledger");
    let url = server.url();
    let args = [
        "run",
        "--target",
        "aws",
        "--endpoint",
        &url,
        "--identity",
        IDENTITY,
        "--account-id",
        ACCOUNT,
        "--case",
        "get_account::valid::minimal::0",
    ];
    let output = wait(
        harness(&args, &dir)
            .spawn()
            .unwrap_or_else(|e| panic!("{e}")),
        Duration::from_secs(60),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    // HOME is the test directory and XDG_STATE_HOME is unset.
    let ledgers = dir.join(".local/state/ses-conformance/ledgers");
    let files: Vec<PathBuf> = std::fs::read_dir(&ledgers)
        .unwrap_or_else(|e| panic!("{}: {e}", ledgers.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(stderr.contains(&files[0].display().to_string()), "{stderr}");
    assert!(finished(&files[0]), "nothing was left, so it is finished");
    let in_working_dir = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
        .count();
    assert_eq!(
        in_working_dir, 0,
        "a ledger was left in the working directory"
    );
    let _ = std::fs::remove_dir_all(dir);
}

async fn throttled_run(pace: bool) -> (usize, usize, u64) {
    let spec = spec();
    let target = reference_target_with(
        &spec,
        Options {
            throttle: true,
            faults: Default::default(),
            sandbox: false,
            verified: Vec::new(),
        },
        GateLimits {
            pace: PaceSettings {
                per_operation: pace,
                ..PaceSettings::default()
            },
            ..GateLimits::default()
        },
    )
    .await;
    let run_config = RunConfig {
        concurrency: 3,
        throttle_retries: 12,
        backoff: Duration::from_millis(100),
        ..RunConfig::default()
    };
    let session = Arc::new(
        Session::new(Arc::clone(&spec), Arc::clone(&target), run_config, None)
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let settings = Settings {
        random_cases: 0,
        operations: vec!["GetEmailTemplate".into()],
        ..Settings::default()
    };
    let cases = gen::generate(&spec, &settings)
        .into_iter()
        .map(Arc::new)
        .collect();
    let (mut conforming, mut total) = (0, 0);
    session
        .run_all(cases, |event| {
            if let ses_conformance::run::Event::Finished(r) = event {
                total += 1;
                conforming += usize::from(!r.fails_run());
            }
        })
        .await;
    (
        conforming,
        total,
        target
            .reference_stats()
            .map(|s| s.throttled.load(Ordering::Relaxed))
            .unwrap_or(0),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_is_backed_off_and_never_counted_as_a_divergence() {
    let (conforming, total, throttled) = throttled_run(false).await;
    assert!(
        throttled > 0,
        "the reference never throttled: the test proves nothing"
    );
    assert_eq!(
        conforming, total,
        "{throttled} throttled answers turned into divergences"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pacing_at_the_documented_rate_is_never_throttled() {
    let (conforming, total, throttled) = throttled_run(true).await;
    assert_eq!(throttled, 0);
    assert_eq!(conforming, total);
}
