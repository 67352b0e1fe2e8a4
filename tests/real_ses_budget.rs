//! The second real-SES safety audit, what a run spends: one test per finding about the request
//! budget, the account's sending quota and rate, and the flags that bound a run in time. Every
//! test runs against a local endpoint (a recording server, some holding templates and policies
//! the way the reference does); none reaches the internet.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::cli::{self, harness, wait};
use common::owner::{policy_names, template_names, IDENTITY};
use common::real_ses::{aws_args, aws_run, pending};
use common::recorder::{accepted, Recorder, Seen};
use common::{spec, temp_dir};
use serde_json::{json, Map, Value};
use ses_conformance::reference::state::State;
use ses_conformance::reference::Faults;
use ses_conformance::spec::{validate, Spec};

const MINUTE: Duration = Duration::from_secs(60);

/// Two valid sends of one recipient each.
const TWO_SENDS: [&str; 4] = [
    "--case",
    "send_email::valid::minimal::0",
    "--case",
    "send_email::valid::request_well_formed_json::0",
];

/// An SES account that answers at most one call per `every` (any other gets 429
/// TooManyRequestsException, as SES throttles) and otherwise keeps templates and policies the
/// way the reference does, so a test can see what a run left in it.
struct ThrottledAccount {
    recorder: Recorder,
    state: Arc<Mutex<State>>,
}

impl ThrottledAccount {
    async fn start(every: Duration) -> ThrottledAccount {
        let spec = spec();
        let state = Arc::new(Mutex::new(State::new(Arc::clone(&spec), Faults::default())));
        handle(
            &state,
            "CreateEmailIdentity",
            json!({"EmailIdentity": IDENTITY}),
        );
        let last: Mutex<Option<Instant>> = Mutex::new(None);
        let account = Arc::clone(&state);
        let served = Arc::clone(&spec);
        let recorder = Recorder::start(
            spec,
            Box::new(move |operation, request| {
                let now = Instant::now();
                {
                    let mut last = last.lock().unwrap_or_else(|p| p.into_inner());
                    if last.is_some_and(|at| now.duration_since(at) < every) {
                        return (
                            429,
                            Some("TooManyRequestsException"),
                            json!({"message": "Rate exceeded"}),
                        );
                    }
                    *last = Some(now);
                }
                answer(&served, &account, operation, request)
            }),
        )
        .await;
        ThrottledAccount { recorder, state }
    }

    /// Every template, custom verification template and policy name in the account.
    fn names(&self) -> Vec<String> {
        let answer =
            |op: &str, request: Value| handle(&self.state, op, request).unwrap_or(Value::Null);
        let mut names = template_names(
            &answer("ListEmailTemplates", json!({"PageSize": 100})),
            "TemplatesMetadata",
        );
        names.extend(template_names(
            &answer(
                "ListCustomVerificationEmailTemplates",
                json!({"PageSize": 50}),
            ),
            "CustomVerificationEmailTemplates",
        ));
        names.extend(policy_names(&answer(
            "GetEmailIdentityPolicies",
            json!({"EmailIdentity": IDENTITY}),
        )));
        names
    }
}

fn handle(state: &Mutex<State>, operation: &str, request: Value) -> Option<Value> {
    let request = request.as_object().cloned().unwrap_or_default();
    state
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .handle(operation, &request)
        .ok()
}

/// The reference's answer to a request that was not throttled: validated, then handled.
fn answer(
    spec: &Spec,
    state: &Mutex<State>,
    operation: &str,
    request: &Value,
) -> (u16, Option<&'static str>, Value) {
    if operation == "GetAccount" {
        return (200, None, accepted(operation, 50.0));
    }
    let bad = |message: String| {
        (
            400,
            Some("BadRequestException"),
            json!({"message": message}),
        )
    };
    let (Some(op), Some(members)) = (spec.operation_or_setup(operation), request.as_object())
    else {
        return bad(format!("cannot read {operation}"));
    };
    let violations = validate(spec, op, request);
    if !violations.is_empty() {
        return bad(format!("{} is invalid", violations[0].constraint));
    }
    let reply = state
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .handle(operation, &Map::clone(members));
    match reply {
        Ok(body) => (200, None, body),
        Err(e) => {
            let error_type = match e.error_type.as_str() {
                "NotFoundException" => "NotFoundException",
                "AlreadyExistsException" => "AlreadyExistsException",
                "LimitExceededException" => "LimitExceededException",
                _ => "BadRequestException",
            };
            let status = spec.error_status(error_type).unwrap_or(400);
            (status, Some(error_type), json!({"message": e.message}))
        }
    }
}

/// The name a create, update or delete names (TemplateName, or PolicyName of a policy).
fn resource_name(seen: &Seen) -> Option<String> {
    ["PolicyName", "TemplateName"]
        .iter()
        .find_map(|m| seen.request.get(*m).and_then(Value::as_str))
        .map(str::to_string)
}

/// Finding 3: against an account throttled to one call per 2.5 s, `--max-requests 15` sent 29
/// requests: the budget refused the sequences' creates, but their cleanup still sent deletes of
/// names never created, and retried them. Now every request counts, retries included; a create
/// that never left leaves nothing to delete; a delete is paid for when its create is admitted;
/// and what the budget cannot remove stays pending in the ledger.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finding_3_no_request_escapes_max_requests_and_nothing_made_is_stranded() {
    let account = ThrottledAccount::start(Duration::from_millis(2500)).await;
    let dir = temp_dir("budget-3");
    let ledger = dir.join("run.ledger.jsonl");
    let url = account.recorder.url();
    let mut args = aws_args(&url, ledger.to_str().unwrap_or_default());
    args.extend([
        "--op",
        "GetEmailTemplate",
        "--op",
        "ListEmailTemplates",
        "--max-requests",
        "15",
    ]);
    let (code, stdout, stderr) = cli::run(&args, &dir, 3 * MINUTE);
    assert!(matches!(code, Some(0..=3)), "{stdout}\n{stderr}");
    let seen = account.recorder.seen();
    assert!(
        seen.len() <= 15,
        "{} requests reached the server with --max-requests 15:\n{stdout}\n{stderr}",
        seen.len()
    );
    assert!(
        stdout.contains(&format!("{} requests sent", seen.len())),
        "the summary counts what the server received ({}): {stdout}",
        seen.len()
    );
    // A delete goes only for what a create (or an update) that reached the server may have made.
    for (i, delete) in seen.iter().enumerate() {
        if !delete.operation.starts_with("Delete") {
            continue;
        }
        let name = resource_name(delete);
        let made = seen[..i].iter().any(|s| {
            (s.operation.starts_with("Create") || s.operation.starts_with("Update"))
                && resource_name(s) == name
        });
        assert!(
            made,
            "{} of {name:?}, which no request before it could have made:\n{stdout}",
            delete.operation
        );
    }
    let pending = pending(&ledger);
    for name in account.names() {
        let held = pending
            .iter()
            .any(|r| r.entry.delete_request.to_string().contains(&name));
        assert!(
            held,
            "{name} is left on the server and not pending in the ledger: {pending:?}\n{stdout}"
        );
    }
    if !pending.is_empty() {
        assert!(
            stdout.contains("could not be removed"),
            "the run says what it left: {stdout}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// A server that accepts everything and answers GetAccount with `account`.
async fn account_answering(account: Value) -> Recorder {
    Recorder::start(
        spec(),
        Box::new(move |operation, _| match operation {
            "GetAccount" => (200, None, account.clone()),
            _ => (200, None, accepted(operation, 50.0)),
        }),
    )
    .await
}

/// Finding 7: a readable quota of 0 was read as a sandbox's (200 a day) and 4 recipients were
/// mailed. A quota of 0 sends nothing, and so does one that cannot be read (missing, negative,
/// not a number); the run says why on stderr, once, naming the numbers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finding_7_a_zero_or_unreadable_quota_sends_nothing_and_says_why() {
    let dir = temp_dir("budget-7");
    let quotas = [
        (
            json!({"SendQuota": {"Max24HourSend": 0, "MaxSendRate": 0}}),
            "Max24HourSend 0",
        ),
        (
            json!({"SendQuota": {"Max24HourSend": 0, "MaxSendRate": 14, "SentLast24Hours": 0}}),
            "Max24HourSend 0",
        ),
        (
            json!({"SendQuota": {"Max24HourSend": 200, "MaxSendRate": 0, "SentLast24Hours": 0}}),
            "MaxSendRate 0",
        ),
        (json!({"SendingEnabled": true}), "SendQuota"),
        (
            json!({"SendQuota": {"Max24HourSend": -5, "MaxSendRate": 1, "SentLast24Hours": 0}}),
            "Max24HourSend -5",
        ),
        (
            json!({"SendQuota": {"Max24HourSend": "200", "MaxSendRate": 1, "SentLast24Hours": 0}}),
            "Max24HourSend",
        ),
        (
            json!({"SendQuota": {"Max24HourSend": 200, "MaxSendRate": 1}}),
            "SentLast24Hours",
        ),
    ];
    for (quota, named) in quotas {
        let server = account_answering(quota.clone()).await;
        let url = server.url();
        let mut args = aws_run(&url, IDENTITY);
        args.extend(TWO_SENDS);
        let (code, stdout, stderr) = cli::run(&args, &dir, MINUTE);
        assert!(code.is_some(), "{quota}: {stdout}\n{stderr}");
        assert!(
            server.seen_of("SendEmail").is_empty(),
            "{quota}: a message was sent:\n{stdout}\n{stderr}"
        );
        let says = stderr
            .lines()
            .filter(|l| l.contains("sends nothing") && l.contains(named))
            .count();
        assert_eq!(
            says, 1,
            "{quota}: stderr says once why nothing is sent, naming {named}:\n{stderr}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Finding 8: MaxSendRate 1e-300 panicked the workers (and the run exited 0 with "0 cases");
/// MaxSendRate 0.001 made a send wait 1000 s. A rate at which one message would hold the next
/// for more than a minute sends nothing, with the reason; nothing panics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finding_8_a_send_rate_too_low_to_wait_for_sends_nothing_and_never_panics() {
    let dir = temp_dir("budget-8");
    for (rate, shown) in [(1e-300, "MaxSendRate 1e-300"), (0.001, "MaxSendRate 0.001")] {
        let server = account_answering(json!({
            "SendQuota": {"Max24HourSend": 200, "MaxSendRate": rate, "SentLast24Hours": 0}
        }))
        .await;
        let url = server.url();
        let mut args = aws_run(&url, IDENTITY);
        args.extend(TWO_SENDS);
        let started = Instant::now();
        let (code, stdout, stderr) = cli::run(&args, &dir, MINUTE);
        assert_eq!(code, Some(0), "{rate:e}: {stdout}\n{stderr}");
        assert!(!stderr.contains("panicked"), "{rate:e}: {stderr}");
        assert!(
            stdout.contains("2 cases"),
            "{rate:e}: both cases are reported: {stdout}"
        );
        assert!(
            server.seen_of("SendEmail").is_empty(),
            "{rate:e}: a message was sent"
        );
        assert!(
            stderr
                .lines()
                .any(|l| l.contains("sends nothing") && l.contains(shown)),
            "{rate:e}: stderr names the rate: {stderr}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{rate:e}: the run waited {:?}",
            started.elapsed()
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Finding 8: a stop signal during a paced wait was not answered until the wait was over. With
/// MaxSendRate 0.02 (a recipient every 50 s) the second send waits; SIGTERM ends the wait and
/// the run within seconds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finding_8_sigterm_ends_a_paced_wait() {
    let server = account_answering(json!({
        "SendQuota": {"Max24HourSend": 200, "MaxSendRate": 0.02, "SentLast24Hours": 0}
    }))
    .await;
    let dir = temp_dir("budget-8-signal");
    let url = server.url();
    let mut args = aws_run(&url, IDENTITY);
    args.extend(TWO_SENDS);
    let child = harness(&args, &dir)
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let start = Instant::now();
    while server.seen_of("SendEmail").is_empty() && start.elapsed() < MINUTE {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(server.seen_of("SendEmail").len(), 1, "the first send went");
    // The second send is now waiting 50 s for the account's rate.
    std::thread::sleep(Duration::from_millis(500));
    let signalled = Instant::now();
    assert!(
        cli::signal("-TERM", child.id()),
        "SIGTERM was not delivered"
    );
    let output = wait(child, 2 * MINUTE);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        signalled.elapsed() < Duration::from_secs(3),
        "the run took {:?} to stop after SIGTERM: {stderr}",
        signalled.elapsed()
    );
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert_eq!(
        server.seen_of("SendEmail").len(),
        1,
        "the waiting send never went"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Finding 12: `explore --max-requests 20 --time 60` spun once the budget was spent (86414
/// "requests" explored, none sent) until the time was up. It stops when the budget is spent,
/// and says so.
#[test]
fn finding_12_explore_stops_when_the_request_budget_is_spent() {
    let dir = temp_dir("budget-12");
    let started = Instant::now();
    let (code, stdout, stderr) = cli::run(
        &[
            "explore",
            "--max-requests",
            "20",
            "--time",
            "60",
            "--seed",
            "1",
        ],
        &dir,
        Duration::from_secs(40),
    );
    assert!(matches!(code, Some(0 | 1)), "{stdout}\n{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    assert!(
        stdout.contains("stopped: the request budget (--max-requests 20) is spent"),
        "{stdout}\n{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Finding 12: `--time inf`, `--time 1e300` and `--timeout inf` panicked (exit 101). Every
/// duration flag refuses a value that is not a finite positive number (of seconds; of days for
/// `--older-than`, which takes 0 too) within its maximum, as a usage error naming the flag.
#[test]
fn finding_12_a_duration_flag_out_of_range_is_a_usage_error_naming_it() {
    let dir = temp_dir("budget-12-flags");
    let commands: [(&[&str], &str); 7] = [
        (&["run", "--op", "GetAccount", "--cases", "0"], "--timeout"),
        (
            &["record", "--op", "GetAccount", "--out", "b"],
            "--older-than",
        ),
        (&["record", "--op", "GetAccount", "--out", "b"], "--timeout"),
        (
            &["diff", "--op", "GetAccount", "--baseline", "b"],
            "--timeout",
        ),
        (&["cleanup"], "--timeout"),
        (&["explore", "--budget", "1"], "--timeout"),
        (&["explore"], "--time"),
    ];
    for (command, flag) in commands {
        for value in ["inf", "1e300", "NaN", "0", "-1", "1e9"] {
            if flag == "--older-than" && value == "0" {
                // Days since a case was recorded: 0 re-records every case.
                continue;
            }
            let mut args = command.to_vec();
            let arg = format!("{flag}={value}");
            args.push(&arg);
            let (code, stdout, stderr) = cli::run(&args, &dir, MINUTE);
            assert_eq!(code, Some(2), "{args:?}: {stdout}\n{stderr}");
            assert!(
                stderr.contains(flag) && !stderr.contains("panicked"),
                "{args:?}: the usage error names {flag}: {stderr}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}
