//! The real-SES code path (the `aws` target pointed at the embedded reference): cleanup after a
//! crash removes only what the run's ledger shows the run named, and ledgers live in the state
//! directory.

mod common;

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::cli::{self, harness, stop_when_it_made_something};
use common::owner::{Owner, FOREIGN_TEMPLATE, IDENTITY};
use common::real_ses::{
    self, finished, ledger_line, ledgers_dir_for_home, minted_in, pending, proven,
    use_fake_credentials, LongRun, ACCOUNT,
};
use common::{spec, temp_dir};
use serde_json::json;
use ses_conformance::reference::{Options, ReferenceServer};
use ses_conformance::run::ledger::Proof;
use ses_conformance::run::{ledger, Cleanup, CleanupStep, CleanupTarget};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_run_is_cleaned_up_from_its_ledger_and_only_what_it_named() {
    let LongRun {
        server,
        owner,
        dir,
        ledger_path,
        child,
    } = LongRun::start("killed").await;
    let run_made_something = || async { owner.names().await.iter().any(|n| n.starts_with("sc")) };
    // Kill while something the run made exists: freeze the run when something appears, look
    // again (it may have been removed in between), and kill it only then.
    let mut child =
        stop_when_it_made_something(child, Duration::from_secs(60), run_made_something).await;
    child.kill().unwrap_or_else(|e| panic!("{e}"));
    let _ = child.wait();
    assert!(
        owner.names().await.iter().any(|n| n.starts_with("sc")),
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

    let (code, _, stderr) = real_ses::cleanup(&ledger_path, &server.url(), &dir);
    assert!(
        stderr.contains("refusing to remove email_template"),
        "{stderr}"
    );
    assert_eq!(code, Some(1), "the refused entry stays pending: {stderr}");
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
    let proven: Vec<String> = lines[1..3].iter().map(|l| proven(l)).collect();
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
    let dir = temp_dir("state-dir");
    let state = dir.join("state");
    let run = minted_in(&state);
    owner
        .call(
            "CreateEmailTemplate",
            json!({"TemplateName": format!("sc{run}-left"), "TemplateContent": {"Subject": "s", "Text": "t"}}),
        )
        .await;
    let url = server.url();
    let ledgers = state.join("ses-conformance").join("ledgers");
    std::fs::create_dir_all(&ledgers).unwrap_or_else(|e| panic!("{e}"));
    let template = |name: &str| {
        ledger_line(
            &run,
            &url,
            true,
            "email_template",
            "DeleteEmailTemplate",
            json!({"TemplateName": name}),
        )
    };
    // A crashed run: a template it made, one whose create never happened, and the line it was
    // writing when it died.
    let crashed = ledgers.join(format!("{run}.jsonl"));
    let torn = template(&format!("sc{run}-torn"));
    std::fs::write(
        &crashed,
        format!(
            "{}\n{}\n{}",
            template(&format!("sc{run}-left")),
            template(&format!("sc{run}-never")),
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
    assert!(
        stdout.contains(&format!("{run}.jsonl: 2 removed")),
        "{stdout}"
    );
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
    let (code, _, stderr) = cli::run(&args, &dir, Duration::from_secs(60));
    assert_eq!(code, Some(0), "{stderr}");
    // HOME is the test directory and XDG_STATE_HOME is unset.
    let ledgers = ledgers_dir_for_home(&dir);
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

/// A reference that answers 429 to a call of an operation that comes sooner than its documented
/// rate after the last one it accepted (DeleteEmailTemplate: once a second).
async fn throttling_server() -> ReferenceServer {
    ReferenceServer::start(
        spec(),
        Options {
            throttle: true,
            ..Options::default()
        },
    )
    .await
}

fn throttled_so_far(server: &ReferenceServer) -> u64 {
    server.stats().throttled.load(Ordering::Relaxed)
}

/// The owner makes a template, as a crashed run `run` would have left it.
async fn left_template(owner: &Owner, name: &str) {
    owner
        .call(
            "CreateEmailTemplate",
            json!({"TemplateName": name, "TemplateContent": {"Subject": "s", "Text": "t"}}),
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_ledgers_cleaned_in_one_invocation_share_the_pacing_of_each_operation() {
    let server = throttling_server().await;
    let owner = Owner::of(&server).await;
    owner.set_up_account().await;
    let dir = temp_dir("shared-pacing");
    let state = dir.join("state");
    let runs = [minted_in(&state), minted_in(&state)];
    for run in &runs {
        left_template(&owner, &format!("sc{run}-left")).await;
    }
    let url = server.url();
    let ledgers = state.join("ses-conformance").join("ledgers");
    std::fs::create_dir_all(&ledgers).unwrap_or_else(|e| panic!("{e}"));
    for run in &runs {
        let line = ledger_line(
            run,
            &url,
            true,
            "email_template",
            "DeleteEmailTemplate",
            json!({"TemplateName": format!("sc{run}-left")}),
        );
        std::fs::write(ledgers.join(format!("{run}.jsonl")), line + "\n")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let throttled_before = throttled_so_far(&server);

    let started = Instant::now();
    let mut cmd = harness(&["cleanup", "--endpoint", &url], &dir);
    cmd.env("XDG_STATE_HOME", &state);
    let output = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    let elapsed = started.elapsed();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    for run in &runs {
        assert!(
            stdout.contains(&format!("{run}.jsonl: 1 removed")),
            "{stdout}"
        );
    }
    // A pacer per ledger would send the second ledger's delete right after the first one's,
    // and the server would answer 429.
    assert_eq!(
        throttled_so_far(&server),
        throttled_before,
        "a delete came sooner than DeleteEmailTemplate's documented rate\n{stderr}"
    );
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    owner.assert_only_its_own_resources_left().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_delete_is_retried_with_backoff_and_ends_removed() {
    // Credentials come from the aws-config chain, as against real SES.
    use_fake_credentials();
    let server = throttling_server().await;
    let owner = Owner::of(&server).await;
    owner.set_up_account().await;
    let dir = temp_dir("throttled-cleanup");
    let run = minted_in(&dir.join("state"));
    let left = format!("sc{run}-left");
    left_template(&owner, &left).await;
    left_template(&owner, "owner-scratch").await;
    let url = server.url();
    let path = dir.join(format!("{run}.jsonl"));
    let line = ledger_line(
        &run,
        &url,
        true,
        "email_template",
        "DeleteEmailTemplate",
        json!({"TemplateName": left}),
    );
    std::fs::write(&path, line + "\n").unwrap_or_else(|e| panic!("{e}"));
    let to = CleanupTarget::new(Some(url.clone()), "us-east-1", Duration::from_secs(10));
    let cleanup = Cleanup::new(spec(), to, Proof::new(Vec::new(), [run.clone()]));

    // The owner's own delete has just taken DeleteEmailTemplate's slot for the next second, so
    // cleanup's first attempt is answered 429.
    owner
        .call(
            "DeleteEmailTemplate",
            json!({"TemplateName": "owner-scratch"}),
        )
        .await;
    let throttled_before = throttled_so_far(&server);
    let cleaned = cleanup
        .ledger(&path, |_| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    assert!(
        throttled_so_far(&server) > throttled_before,
        "the first delete was not throttled: the test proves nothing"
    );
    assert_eq!(
        cleaned.steps,
        vec![CleanupStep::Removed {
            kind: "email_template".into(),
            request: json!({"TemplateName": left}),
        }]
    );
    assert!(pending(&path).is_empty(), "the ledger still holds it");
    owner.assert_only_its_own_resources_left().await;
    let _ = std::fs::remove_dir_all(dir);
}
