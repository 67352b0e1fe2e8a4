//! What the binary writes, stores and prints, checked from the command line against local
//! servers: state files never written through a link, endpoints that could carry a secret
//! refused, baselines of another target never silently overwritten, output paths checked before
//! the first request, and a closed pipe ending a command quietly (a run as if stopped by Ctrl-C).

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::cli::{self, args};
use common::{files_under, spec, temp_dir};
use ses_conformance::reference::{Fault, Faults, Options, ReferenceServer};

const LIMIT: Duration = Duration::from_secs(300);

/// Run the binary in `dir` without blocking the runtime that serves a reference started here.
async fn harness(args: Vec<String>, dir: &Path) -> (Option<i32>, String, String) {
    cli::run_off_runtime(args, dir, LIMIT).await
}

/// A reference that diverges on ListEmailTemplates page sizes: `explore` finds it at once.
async fn faulty_server() -> ReferenceServer {
    let options = Options {
        faults: Faults(vec![Fault::PageBoundNotEnforced]),
        ..Options::default()
    };
    ReferenceServer::start(spec(), options).await
}

/// `explore` of the faulty server's ListEmailTemplates, keeping findings in `regressions`.
fn explore_faulty(url: &str, regressions: &str) -> Vec<String> {
    args(&[
        "explore",
        "--target",
        "faulty",
        "--endpoint",
        url,
        "--op",
        "ListEmailTemplates",
        "--budget",
        "100",
        "--seed",
        "1",
        "--regressions",
        regressions,
    ])
}

// Finding 10 (a): the regressions file is state, written like every other state file.

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explore_never_writes_its_regressions_file_through_a_link() {
    let server = faulty_server().await;
    let dir = temp_dir("regressions-link");
    let elsewhere = dir.join("elsewhere.json");
    std::os::unix::fs::symlink(&elsewhere, dir.join("kept.json")).unwrap_or_else(|e| panic!("{e}"));
    let (code, stdout, stderr) = harness(explore_faulty(&server.url(), "kept.json"), &dir).await;
    assert_eq!(code, Some(4), "{stdout}\n{stderr}");
    assert!(stderr.contains("kept.json"), "{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert!(!elsewhere.exists(), "written through the link");
    // Without the link, the findings are kept in a private file.
    std::fs::remove_file(dir.join("kept.json")).unwrap_or_else(|e| panic!("{e}"));
    let (code, stdout, stderr) = harness(explore_faulty(&server.url(), "kept.json"), &dir).await;
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(dir.join("kept.json")).map(|m| m.permissions().mode() & 0o777);
    assert_eq!(mode.ok(), Some(0o600));
    let _ = std::fs::remove_dir_all(dir);
}

// Finding 10 (b): an endpoint URL never carries a secret into the ledger or the output.

/// A password in an endpoint URL: it must never be stored or printed.
const URL_SECRET: &str = "url-password-leak-canary";

/// The commands that take `--endpoint`, each pointed at `endpoint` (kept small: a fixed
/// operation, a tiny budget), run in `dir`.
fn every_endpoint_command(endpoint: &str, dir: &Path) -> Vec<Vec<String>> {
    let reference_baseline = Path::new(env!("CARGO_MANIFEST_DIR")).join("baselines/reference");
    let reference_baseline = reference_baseline.to_str().unwrap_or_default();
    let aws = ["--target", "aws", "--identity", common::owner::IDENTITY];
    let one_op = ["--op", "GetAccount", "--cases", "0"];
    let mut run = args(&["run", "--endpoint", endpoint, "--sequences", "0"]);
    run.extend(args(&one_op));
    // A case that creates a template: its ledger entry names the endpoint.
    let mut run_aws = args(&["run", "--endpoint", endpoint, "--sequences", "0"]);
    run_aws.extend(args(&[
        "--case",
        "create_email_template::valid::minimal::0",
    ]));
    run_aws.extend(args(&aws));
    let mut record = args(&["record", "--endpoint", endpoint, "--out", "base"]);
    record.extend(args(&aws));
    record.extend(args(&one_op));
    let mut diff = args(&["diff", "--endpoint", endpoint]);
    diff.extend(args(&[
        "--baseline",
        reference_baseline,
        "--op",
        "GetAccount",
    ]));
    diff.extend(args(&aws));
    let mut explore = args(&["explore", "--endpoint", endpoint, "--op", "GetAccount"]);
    explore.extend(args(&["--budget", "3", "--seed", "1"]));
    explore.extend(args(&aws));
    let ledger = dir.join("some.ledger.jsonl");
    let cleanup = args(&[
        "cleanup",
        "--endpoint",
        endpoint,
        ledger.to_str().unwrap_or_default(),
    ]);
    vec![run_aws, run, record, diff, explore, cleanup]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_with_a_user_name_or_password_is_refused_and_never_stored_or_printed() {
    let server = ReferenceServer::start(
        spec(),
        Options {
            sandbox: true,
            ..Options::default()
        },
    )
    .await;
    let dir = temp_dir("endpoint-userinfo");
    let with_password = server
        .url()
        .replacen("http://", &format!("http://user:{URL_SECRET}@"), 1);
    let with_user = server.url().replacen("http://", "someone@", 1);
    let with_user = format!("http://{with_user}");
    for endpoint in [with_password.as_str(), with_user.as_str()] {
        for command in every_endpoint_command(endpoint, &dir) {
            let (code, stdout, stderr) = harness(command.clone(), &dir).await;
            for (what, text) in [("stdout", &stdout), ("stderr", &stderr)] {
                assert!(!text.contains(URL_SECRET), "{command:?} {what}: {text}");
                assert!(!text.contains("someone@"), "{command:?} {what}: {text}");
            }
            for file in files_under(&dir) {
                let text = std::fs::read_to_string(&file).unwrap_or_default();
                assert!(!text.contains(URL_SECRET), "{}: {text}", file.display());
                assert!(!text.contains("someone@"), "{}: {text}", file.display());
            }
            assert_eq!(code, Some(2), "{command:?}:\n{stdout}\n{stderr}");
            assert!(stderr.contains("--endpoint"), "{command:?}: {stderr}");
            assert!(stderr.contains("SigV4"), "{command:?}: {stderr}");
            assert!(stderr.contains("ledger"), "{command:?}: {stderr}");
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_that_is_not_an_absolute_http_url_is_a_usage_error() {
    let dir = temp_dir("endpoint-not-a-url");
    for endpoint in [
        "notaurl",
        "127.0.0.1:5070",
        "ftp://127.0.0.1:5070",
        "http://",
        "/relative/path",
    ] {
        let commands = every_endpoint_command(endpoint, &dir);
        // Every command for the plainest mistake, `run` for the others.
        let commands = if endpoint == "notaurl" {
            &commands[..]
        } else {
            &commands[..2]
        };
        for command in commands {
            let (code, stdout, stderr) = harness(command.clone(), &dir).await;
            assert_eq!(code, Some(2), "{command:?}:\n{stdout}\n{stderr}");
            assert!(stderr.contains("--endpoint"), "{command:?}: {stderr}");
            assert!(stderr.contains("http"), "{command:?}: {stderr}");
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

// Finding 13 (a): a baseline of one target is never silently overwritten by another.

/// `baseline.json` and every case file of a baseline, by name.
fn baseline_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = files_under(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(&f).unwrap_or_default();
            (f, bytes)
        })
        .collect();
    files.sort();
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_refuses_to_overwrite_a_baseline_of_another_target_unless_told_to() {
    let server = ReferenceServer::start(spec(), Options::default()).await;
    let dir = temp_dir("record-overwrite");
    let one_op = ["--op", "GetAccount", "--cases", "0", "--out", "base"];
    let mut reference = args(&["record"]);
    reference.extend(args(&one_op));
    let (code, stdout, stderr) = harness(reference.clone(), &dir).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let recorded = baseline_files(&dir.join("base"));
    assert!(recorded.len() > 1, "{recorded:?}");

    let mut emulator = args(&[
        "record",
        "--target",
        "emulator",
        "--endpoint",
        &server.url(),
    ]);
    emulator.extend(args(&one_op));
    let mut other_region = reference.clone();
    other_region.extend(args(&["--region", "eu-west-1"]));
    for command in [emulator.clone(), other_region] {
        let (code, stdout, stderr) = harness(command.clone(), &dir).await;
        assert_eq!(code, Some(2), "{command:?}\n{stdout}\n{stderr}");
        assert!(stderr.contains("base"), "{stderr}");
        assert!(stderr.contains("reference"), "{stderr}");
        assert!(stderr.contains("--overwrite"), "{stderr}");
        assert_eq!(baseline_files(&dir.join("base")), recorded, "{command:?}");
    }

    // The same target again (as `--older-than` re-records stale cases) is allowed.
    let mut stale = reference.clone();
    stale.extend(args(&["--older-than", "0"]));
    for command in [reference, stale] {
        let (code, stdout, stderr) = harness(command.clone(), &dir).await;
        assert_eq!(code, Some(0), "{command:?}\n{stdout}\n{stderr}");
    }

    // Asked for, it is replaced.
    emulator.push("--overwrite".into());
    let (code, stdout, stderr) = harness(emulator, &dir).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let meta =
        ses_conformance::baseline::read_meta(&dir.join("base")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(meta.target, "emulator");
    let _ = std::fs::remove_dir_all(dir);
}

// Finding 13 (b): every file a command writes is checked before its first request.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_output_path_that_cannot_be_written_stops_the_command_before_its_first_request() {
    let recorder = common::recorder::Recorder::accept_all(spec(), 1000.0).await;
    let url = recorder.url();
    let dir = temp_dir("outputs-checked-first");
    // A file where a directory should be, and a directory where a file should be.
    std::fs::write(dir.join("afile"), "").unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir_all(dir.join("adir")).unwrap_or_else(|e| panic!("{e}"));
    let command = |words: &[&str]| {
        let mut all = args(words);
        all.extend(args(&["--endpoint", &url, "--op", "GetAccount"]));
        match words[0] {
            "explore" => all.extend(args(&["--budget", "3", "--seed", "1"])),
            "run" => all.extend(args(&["--cases", "0", "--sequences", "0"])),
            _ => all.extend(args(&["--cases", "0"])),
        }
        all
    };
    let mut real_ses = command(&["run", "--ledger", "afile/l.jsonl"]);
    real_ses.extend(args(&[
        "--target",
        "aws",
        "--identity",
        common::owner::IDENTITY,
    ]));
    let cases = [
        (
            command(&["run", "--json", "missing/x.jsonl"]),
            "missing/x.jsonl",
        ),
        (command(&["run", "--json", "adir"]), "adir"),
        (
            command(&["run", "--junit", "missing/j.xml"]),
            "missing/j.xml",
        ),
        (
            command(&["run", "--ledger", "afile/l.jsonl"]),
            "afile/l.jsonl",
        ),
        // Real SES opens its ledger before the first request: the same check, the same code.
        (real_ses, "afile/l.jsonl"),
        (command(&["record", "--out", "afile/base"]), "afile/base"),
        (
            command(&["explore", "--json", "missing/x.jsonl"]),
            "missing/x.jsonl",
        ),
        (
            command(&["explore", "--regressions", "afile/r.json"]),
            "afile/r.json",
        ),
    ];
    for (command, path) in cases {
        let (code, stdout, stderr) = harness(command.clone(), &dir).await;
        assert_eq!(code, Some(4), "{command:?}\n{stdout}\n{stderr}");
        assert!(stderr.contains(path), "{command:?}: {stderr}");
        let seen = recorder.seen();
        assert!(seen.is_empty(), "{command:?} sent {} requests", seen.len());
    }
    let _ = std::fs::remove_dir_all(dir);
}

// Finding 13 (c): a closed pipe ends a command quietly; a run stops as if stopped by Ctrl-C.

/// The binary with stdout (or stderr) a pipe whose reader is already gone, run to the end.
fn with_a_closed_pipe(
    command: &[&str],
    dir: &Path,
    close_stderr: bool,
) -> (Option<i32>, String, String) {
    let (reader, writer) = std::io::pipe().unwrap_or_else(|e| panic!("{e}"));
    drop(reader);
    let mut harness = cli::harness(command, dir);
    if close_stderr {
        harness.stderr(writer);
    } else {
        harness.stdout(writer);
    }
    cli::finish(&mut harness, LIMIT)
}

#[test]
fn report_list_and_a_dry_run_end_quietly_when_their_reader_goes_away() {
    let dir = temp_dir("closed-pipe-report");
    let (code, _, stderr) = cli::run(
        &["run", "--op", "GetAccount", "--json", "r.jsonl"],
        &dir,
        LIMIT,
    );
    assert_eq!(code, Some(0), "{stderr}");
    for command in [
        &["report", "r.jsonl"][..],
        &["list"],
        &["run", "--dry-run", "--op", "CreateEmailTemplate"],
    ] {
        let (code, _, stderr) = with_a_closed_pipe(command, &dir, false);
        assert!(!stderr.contains("panicked"), "{command:?}: {stderr}");
        assert_eq!(code, Some(0), "{command:?}: {stderr}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_run_whose_reader_goes_away_stops_like_ctrl_c() {
    let dir = temp_dir("closed-pipe-run");
    let baseline = Path::new(env!("CARGO_MANIFEST_DIR")).join("baselines/reference");
    let baseline = baseline.to_str().unwrap_or_default();
    for command in [
        &["run", "--json", "r.jsonl"][..],
        &["record", "--out", "base", "--json", "r.jsonl"],
        &["diff", "--baseline", baseline, "--json", "r.jsonl"],
    ] {
        let (code, _, stderr) = with_a_closed_pipe(command, &dir, false);
        assert!(!stderr.contains("panicked"), "{command:?}: {stderr}");
        assert_eq!(code, Some(141), "{command:?}: {stderr}");
        assert!(
            stderr.contains("stdout was closed"),
            "{command:?}: {stderr}"
        );
        // No new case started once the reader was gone.
        let results = std::fs::read_to_string(dir.join("r.jsonl")).unwrap_or_default();
        let interrupted = results
            .lines()
            .filter(|l| l.contains("the run was interrupted"))
            .count();
        assert!(interrupted > 0, "{command:?}: every case ran:\n{results}");
    }
    // Explore stops between requests, long before its time is up.
    let started = std::time::Instant::now();
    let explore = ["explore", "--time", "120", "--seed", "1"];
    let (code, _, stderr) = with_a_closed_pipe(&explore, &dir, false);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(code, Some(141), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(60), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_ses_run_whose_reader_goes_away_removes_what_it_made_and_nothing_else() {
    use common::real_ses::{pending, LongRun};
    let mut run = LongRun::start("closed-pipe-real-ses").await;
    run.until_it_made_something().await;
    // The only reader of its stdout goes away, as `| head -1` does.
    drop(run.child.stdout.take());
    let child = run.child;
    let output = tokio::task::spawn_blocking(move || cli::wait(child, Duration::from_secs(120)))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(141), "{stderr}");
    assert!(
        pending(&run.ledger_path).is_empty(),
        "left behind: {:?}",
        pending(&run.ledger_path)
    );
    run.owner.assert_only_its_own_resources_left().await;
    let _ = std::fs::remove_dir_all(run.dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stderr_never_kills_a_real_ses_run() {
    let server = ReferenceServer::start(spec(), Options::default()).await;
    let owner = common::owner::Owner::of(&server).await;
    owner.set_up_account().await;
    let dir = temp_dir("closed-stderr");
    let ledger = dir.join("run.ledger.jsonl");
    let url = server.url();
    let mut command = common::real_ses::aws_args(&url, ledger.to_str().unwrap_or_default());
    command.extend([
        "--case",
        "create_email_template::valid::minimal::0",
        "--sequences",
        "0",
    ]);
    let command: Vec<String> = command.iter().map(|s| s.to_string()).collect();
    let in_dir = dir.clone();
    let (code, stdout, _) = tokio::task::spawn_blocking(move || {
        let command: Vec<&str> = command.iter().map(String::as_str).collect();
        with_a_closed_pipe(&command, &in_dir, true)
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        common::real_ses::finished(&ledger),
        "the ledger was not finished"
    );
    owner.assert_only_its_own_resources_left().await;
    let _ = std::fs::remove_dir_all(dir);
}
