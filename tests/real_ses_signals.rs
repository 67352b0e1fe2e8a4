//! The real-SES code path (the `aws` target pointed at the embedded reference): a stop signal
//! in the middle of a run removes what the run made, and nothing else.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::cli::wait;
use common::real_ses::{pending, LongRun};

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
