//! What `cleanup` may act on: only names the harness can show it generated itself. A ledger is a
//! file anyone can write (a CI artifact, a shared file, a corrupt line); whatever it says, the
//! account's own resources stay as they were. The oracle of every test here is the local server:
//! the resources seeded as the user's are all there, unchanged, afterwards.

mod common;

use std::path::Path;
use std::time::Duration;

use common::account::Account;
use common::cli::{self, harness, signal, stop_when_it_made_something, wait, ACCESS_KEY};
use common::owner::IDENTITY;
use common::real_ses::{
    aws_args, aws_run, cleanup, ledger_line, ledgers_dir_for_home, pending, proven,
};
use common::{spec, temp_dir};
use serde_json::{json, Value};
use ses_conformance::reference::Options;

/// How long a command of a test here may take.
const LIMIT: Duration = Duration::from_secs(300);

/// Every run id a file could claim to make `name` look like a name of that run: every part of
/// the name between two positions (`erence` makes `conf` + `erence` + `-` a prefix of
/// `conference-invite`), and dictionary words.
fn claimed_run_ids(name: &str) -> Vec<String> {
    let mut runs: Vec<String> = Vec::new();
    for start in 0..name.len() {
        for end in start + 1..=name.len() {
            runs.push(name[start..end].to_string());
        }
    }
    runs.extend(["erence", "irm", "ig", "igured", "ession", "000000"].map(String::from));
    runs.sort();
    runs.dedup();
    runs
}

/// A ledger aiming at every resource of the user's under every run id that could be claimed for
/// it, as both `creating` and `proven` lines.
fn hostile_ledger(url: &str) -> String {
    let mut lines = Vec::new();
    for name in common::account::USER_TEMPLATES {
        for run in claimed_run_ids(name) {
            lines.push(ledger_line(
                &run,
                url,
                true,
                "email_template",
                "DeleteEmailTemplate",
                json!({"TemplateName": name}),
            ));
        }
    }
    for name in common::account::USER_POLICIES {
        for run in claimed_run_ids(name) {
            lines.push(ledger_line(
                &run,
                url,
                true,
                "identity_policy",
                "DeleteEmailIdentityPolicy",
                json!({"EmailIdentity": IDENTITY, "PolicyName": name}),
            ));
        }
    }
    let proven: Vec<String> = lines.iter().map(|l| proven(l)).collect();
    lines.extend(proven);
    lines.join("\n") + "\n"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ledger_cannot_choose_a_run_id_that_reaches_the_users_resources() {
    let account = Account::new().await;
    let url = account.url();
    let dir = temp_dir("hostile-run-ids");
    let file = dir.join("hostile.jsonl");
    std::fs::write(&file, hostile_ledger(&url)).unwrap_or_else(|e| panic!("{e}"));
    let (code, stdout, stderr) = cleanup(&file, &url, &dir);
    assert_eq!(code, Some(1), "every entry is refused:\n{stdout}\n{stderr}");
    assert!(!stdout.contains("removed "), "{stdout}");
    account.assert_users_resources_unchanged().await;

    // The same lines dropped into the state directory, cleaned by a bare `cleanup`.
    let ledgers = ledgers_dir_for_home(&dir);
    std::fs::create_dir_all(&ledgers).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(ledgers.join("erence.jsonl"), hostile_ledger(&url))
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, stdout, stderr) = cli::run(&["cleanup", "--endpoint", &url], &dir, LIMIT);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(!stdout.contains("removed "), "{stdout}");
    account.assert_users_resources_unchanged().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// The run id a real-SES run printed: `run <id>: every resource it creates is recorded …`.
fn printed_run_id(stderr: &str) -> String {
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("run ")?.split(':').next())
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no run id printed:\n{stderr}"))
}

/// A real-SES run of CreateEmailTemplate's cases against the account, killed while something it
/// made exists; the run id it printed.
async fn killed_run(account: &Account, home: &Path, ledger: &Path) -> String {
    let url = account.url();
    let mut args = aws_args(&url, ledger.to_str().unwrap_or_default());
    args.extend([
        "--op",
        "CreateEmailTemplate",
        "--cases",
        "0",
        "--sequences",
        "0",
    ]);
    let before = account.others().await;
    let made_something = || async {
        account
            .others()
            .await
            .iter()
            .any(|name| !before.contains(name))
    };
    let child = harness(&args, home)
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut child =
        stop_when_it_made_something(child, Duration::from_secs(60), made_something).await;
    child.kill().unwrap_or_else(|e| panic!("{e}"));
    let out = wait(child, Duration::from_secs(10));
    printed_run_id(&String::from_utf8_lossy(&out.stderr))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ledger_from_another_installation_is_acted_on_only_with_proof() {
    let account = Account::new().await;
    let url = account.url();
    let ci = temp_dir("ci-machine");
    let ledger = ci.join("artifact.jsonl");
    let run_id = killed_run(&account, &ci, &ledger).await;
    let left = account.others().await;
    assert!(!left.is_empty());
    // The CI artifact, on the user's machine: another installation.
    let laptop = temp_dir("laptop");
    let copy = laptop.join("artifact.jsonl");
    std::fs::copy(&ledger, &copy).unwrap_or_else(|e| panic!("{e}"));
    let path = copy.to_str().unwrap_or_default().to_string();

    let (code, stdout, stderr) = cleanup(&copy, &url, &laptop);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert_eq!(
        account.others().await,
        left,
        "acted on a foreign ledger with no proof:\n{stdout}\n{stderr}"
    );
    // Proof the user supplies: the run id copied from that run's output.
    let (code, stdout, stderr) = cli::run(
        &["cleanup", &path, "--endpoint", &url, "--run-id", &run_id],
        &laptop,
        LIMIT,
    );
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(account.others().await.is_empty(), "{stdout}\n{stderr}");
    account.assert_users_resources_unchanged().await;
    let _ = std::fs::remove_dir_all(ci);
    let _ = std::fs::remove_dir_all(laptop);
}

/// The documented name format, restated: `sc`, six letters, two digits that check them (the sum
/// of each letter's place times its value, a = 0, mod 97), four letters, `-`.
fn has_the_documented_format(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.len() < 15 || !name.starts_with("sc") || bytes[14] != b'-' {
        return false;
    }
    let letters = &bytes[2..8];
    let digits = &bytes[8..10];
    let tag = &bytes[10..14];
    let lower = |s: &[u8]| s.iter().all(u8::is_ascii_lowercase);
    if !lower(letters) || !lower(tag) || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = letters
        .iter()
        .enumerate()
        .map(|(i, c)| (i as u32 + 1) * u32::from(c - b'a'))
        .sum();
    let check = u32::from(digits[0] - b'0') * 10 + u32::from(digits[1] - b'0');
    sum % 97 == check
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_name_a_run_creates_has_the_documented_format() {
    let account = Account::new().await;
    let url = account.url();
    let dir = temp_dir("name-format");
    let ledger = dir.join("run.jsonl");
    let mut args = aws_args(&url, ledger.to_str().unwrap_or_default());
    args.extend([
        "--op",
        "CreateEmailTemplate",
        "--op",
        "CreateCustomVerificationEmailTemplate",
        "--cases",
        "0",
        "--sequences",
        "1",
    ]);
    let (code, _, stderr) = cli::run(&args, &dir, Duration::from_secs(180));
    assert_eq!(code, Some(0), "{stderr}");
    let text = std::fs::read_to_string(&ledger).unwrap_or_default();
    let mut names = 0;
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let Some(request) = v["delete_request"].as_object() else {
            continue;
        };
        let own = request
            .values()
            .last()
            .and_then(Value::as_str)
            .unwrap_or_default();
        assert!(has_the_documented_format(own), "{own:?} in {line}");
        names += 1;
    }
    assert!(names > 10, "only {names} names in the ledger");
    account.assert_users_resources_unchanged().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_restated_format_rejects_what_is_not_it() {
    assert!(has_the_documented_format("scaaaaaa00aaaa-x"));
    assert!(has_the_documented_format("scbaaaaa01zzzz-"));
    for name in [
        "scbaaaaa02zzzz-x",
        "scaaaaaa00aaa-x",
        "conference-invite",
        "confabc123-x",
        "SCaaaaaa00aaaa-x",
        "scaaaaaa00aaaax",
        "scaaaaa100aaaa-x",
    ] {
        assert!(!has_the_documented_format(name), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cleanup_leaves_alone_a_ledger_that_a_live_run_holds() {
    let account = Account::new().await;
    let url = account.url();
    let dir = temp_dir("live-run");
    let ledger = dir.join("live.jsonl");
    let mut args = aws_args(&url, ledger.to_str().unwrap_or_default());
    let cases: Vec<String> = (0..3)
        .map(|i| format!("get_email_template::valid::all_members::{i}"))
        .collect();
    args.extend(["--sequences", "0", "--concurrency", "1"]);
    for case in &cases {
        args.extend(["--case", case.as_str()]);
    }
    let child = harness(&args, &dir)
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    // Held still while cleanup runs (the shared template its cases read exists until the run
    // ends), so that it is live whatever the machine's speed.
    let made_something = || async { !account.others().await.is_empty() };
    let child = stop_when_it_made_something(child, Duration::from_secs(60), made_something).await;
    let (code, stdout, stderr) = cleanup(&ledger, &url, &dir);
    assert!(signal("-CONT", child.id()), "the run could not go on");
    assert!(
        !stdout.contains("removed ") && stderr.contains("live run"),
        "cleanup acted on a live run's ledger (exit {code:?}):\n{stdout}\n{stderr}"
    );
    let run = wait(child, Duration::from_secs(120));
    let run_out = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        run.status.code(),
        Some(0),
        "the run saw its resources disappear:\n{run_out}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(pending(&ledger).is_empty());
    assert!(account.others().await.is_empty());
    account.assert_users_resources_unchanged().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_ledger_holding_two_runs_is_cleaned_for_both() {
    let account = Account::new().await;
    let url = account.url();
    let dir = temp_dir("two-runs");
    let ledger = dir.join("shared.jsonl");
    let first = killed_run(&account, &dir, &ledger).await;
    let second = killed_run(&account, &dir, &ledger).await;
    assert_ne!(first, second);
    assert!(
        account.others().await.len() >= 2,
        "{:?}",
        account.others().await
    );
    let (code, stdout, stderr) = cleanup(&ledger, &url, &dir);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        account.others().await.is_empty(),
        "left: {:?}\n{stdout}\n{stderr}",
        account.others().await
    );
    account.assert_users_resources_unchanged().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_is_private_and_never_written_through_a_link() {
    use std::os::unix::fs::PermissionsExt as _;
    let account = Account::new().await;
    let url = account.url();
    let dir = temp_dir("ledger-files");
    let mode = |p: &Path| {
        std::fs::metadata(p)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };
    // A link where the ledger goes, pointing at a file that does not exist yet.
    let aim = dir.join("aim.txt");
    let link = dir.join("link.jsonl");
    std::os::unix::fs::symlink(&aim, &link).unwrap_or_else(|e| panic!("{e}"));
    let mut args = aws_run(&url, IDENTITY);
    args.extend([
        "--ledger",
        link.to_str().unwrap_or_default(),
        "--case",
        "create_email_template::valid::all_members::0",
        "--sequences",
        "0",
    ]);
    let (code, stdout, stderr) = cli::run(&args, &dir, LIMIT);
    assert!(
        matches!(code, Some(2) | Some(4)),
        "a linked ledger was used (exit {code:?}):\n{stdout}\n{stderr}"
    );
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert!(!aim.exists(), "the run wrote through the link");
    assert!(account.others().await.is_empty());

    // The default ledger: a private file in private directories, even where an earlier version
    // left them open to others.
    let ledgers = ledgers_dir_for_home(&dir);
    std::fs::create_dir_all(&ledgers).unwrap_or_else(|e| panic!("{e}"));
    for d in [&ledgers, ledgers.parent().unwrap_or(&ledgers)] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let mut args = aws_run(&url, IDENTITY);
    args.extend([
        "--case",
        "create_email_template::valid::all_members::0",
        "--sequences",
        "0",
    ]);
    let (code, _, stderr) = cli::run(&args, &dir, LIMIT);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(mode(&ledgers), 0o700);
    assert_eq!(mode(ledgers.parent().unwrap_or(&ledgers)), 0o700);
    for entry in std::fs::read_dir(&ledgers).unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
    assert!(!stderr.contains(ACCESS_KEY));
    let _ = std::fs::remove_dir_all(dir);
}

/// Two kept regressions of one class: each replays with fixtures of its own, so that run side by
/// side they never make, refuse or remove each other's resources.
#[test]
fn replayed_regressions_have_fixtures_of_their_own() {
    let spec = spec();
    let dir = temp_dir("regression-fixtures");
    let path = dir.join("regressions.json");
    let entry = |constraint: &str| {
        json!({
            "operation": "DeleteEmailTemplate",
            "class": "valid",
            "constraint": constraint,
            "divergence": "rejected-valid",
            "request": {"TemplateName": format!("{}3vd51c-tpl1", ses_conformance::case::PREFIX_PLACEHOLDER)},
            "date": "2026-12-01",
            "seed": 1,
        })
    };
    let file = json!({"entries": [entry("request"), entry("TemplateName.required")]});
    std::fs::write(&path, file.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let cases =
        ses_conformance::explore::regression_cases(&spec, &path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cases.len(), 2);
    let names = |case: &ses_conformance::case::Case| -> Vec<Value> {
        case.fixtures
            .iter()
            .flat_map(|f| f.resource.keys.values().cloned())
            .chain(
                case.creates
                    .iter()
                    .flat_map(|c| c.resource.keys.values().cloned()),
            )
            .collect()
    };
    let (a, b) = (names(&cases[0]), names(&cases[1]));
    assert!(!a.is_empty() && !b.is_empty());
    assert!(
        a.iter().all(|n| !b.contains(n)),
        "{} and {} share {a:?} / {b:?}",
        cases[0].id,
        cases[1].id
    );
    // Each case still deletes the fixture it made.
    for case in &cases {
        let fixture = &case.fixtures[0].resource.keys["TemplateName"];
        assert_eq!(&case.request["TemplateName"], fixture, "{}", case.id);
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// A create refused because the name exists (AlreadyExists) made nothing, but the resource by
/// that name is still there: the ledger keeps it pending, and only a delete of that very name
/// that succeeded takes it off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_create_never_takes_a_pending_resource_off_the_ledger() {
    use ses_conformance::case::RequestPath;
    use ses_conformance::run::ledger::{Ledger, LedgerEntry, Line};
    use ses_conformance::run::{RunConfig, Session};
    use std::sync::Arc;

    let spec = spec();
    let target = common::reference_target(&spec, Options::default()).await;
    let case = ses_conformance::generate::generate(
        &spec,
        &ses_conformance::generate::Settings {
            operations: vec!["DeleteEmailTemplate".into()],
            ..Default::default()
        },
    )
    .into_iter()
    .find(|c| c.id == "delete_email_template::valid::all_members::0")
    .unwrap_or_else(|| panic!("no such case"));
    let fixture = case.fixtures[0].clone();
    // Another case of the run made this very template and recorded it.
    let made = target
        .send(
            &spec,
            &fixture.create.operation,
            &fixture.create.request,
            RequestPath::Sdk,
            None,
        )
        .await;
    assert_eq!(made.response.as_ref().map(|r| r.status), Some(200));
    let dir = temp_dir("refused-create");
    let path = dir.join("ledger.jsonl");
    let bindings = &target.bindings;
    let entry = LedgerEntry {
        run: bindings.run_id.clone(),
        target: target.name.clone(),
        endpoint: target.endpoint.clone(),
        real_aws: false,
        kind: fixture.resource.kind.clone(),
        delete_operation: fixture.delete.operation.clone(),
        delete_request: bindings.bind_value(&fixture.delete.request, &[]),
    };
    Ledger::open(&path)
        .and_then(|l| l.append(&Line::Creating(entry.clone())))
        .unwrap_or_else(|e| panic!("{e}"));
    let session = Session::new(
        Arc::clone(&spec),
        Arc::clone(&target),
        RunConfig::default(),
        Some(&path),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // This case's own fixture has the same name: its create is refused with AlreadyExists.
    let result = session.run_case(Arc::new(case)).await;
    drop(session);
    let still = pending(&path);
    assert!(
        still.iter().any(|r| r.entry.key() == entry.key()),
        "the template exists but the ledger no longer holds it ({:?}): {still:?}",
        result.outcome
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// An identity a run added (SendCustomVerificationEmail of a labelled simulator address, proven
/// by a 200) is deleted by `cleanup` only under the opt-in the run needed to add it: the
/// `proven` line that says the run added it is the ledger's word.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cleanup_deletes_a_proven_identity_only_with_the_opt_in() {
    let account = Account::new().await;
    let url = account.url();
    let dir = temp_dir("identity-opt-in");
    let run = common::real_ses::minted_for_home(&dir);
    let address = format!(
        "success+{}verify@simulator.amazonses.com",
        ses_conformance::names::run_prefix(&run)
    );
    account
        .owner
        .call("CreateEmailIdentity", json!({"EmailIdentity": address}))
        .await;
    let line = ledger_line(
        &run,
        &url,
        true,
        "identity",
        "DeleteEmailIdentity",
        json!({"EmailIdentity": address}),
    );
    let ledger = dir.join("identity.jsonl");
    std::fs::write(&ledger, format!("{line}\n{}\n", proven(&line)))
        .unwrap_or_else(|e| panic!("{e}"));
    let exists = || async {
        account
            .owner
            .try_call("GetEmailIdentity", json!({"EmailIdentity": address}))
            .await
            .is_some()
    };
    let (code, stdout, stderr) = cleanup(&ledger, &url, &dir);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("--allow sends-mail"), "{stderr}");
    assert!(exists().await, "deleted without the opt-in");
    let path = ledger.to_string_lossy().into_owned();
    let (code, stdout, stderr) = cli::run(
        &[
            "cleanup",
            &path,
            "--endpoint",
            &url,
            "--allow",
            "sends-mail",
        ],
        &dir,
        LIMIT,
    );
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        !exists().await,
        "still there with the opt-in:\n{stdout}\n{stderr}"
    );
    account.assert_users_resources_unchanged().await;
    let _ = std::fs::remove_dir_all(dir);
}
