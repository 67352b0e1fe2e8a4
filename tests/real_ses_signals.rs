//! The real-SES code path (the `aws` target pointed at the embedded reference): a stop signal
//! in the middle of a run removes what the run made, and nothing else.

mod common;

use std::time::Duration;

use common::cli;
use common::real_ses::{pending, LongRun};

/// A stop signal in the middle of a run: exit 130, nothing of the run left, nothing else
/// touched. Ctrl-C (SIGINT), SIGTERM (CI runners, systemd, container stops) and SIGHUP (a closed
/// terminal) all do the same.
async fn a_stop_signal_stops_the_run_and_removes_what_it_made(signal: &str) {
    let run = LongRun::start(&format!("signal{signal}")).await;
    // Stop once the run has made something.
    run.until_it_made_something().await;
    assert!(
        cli::signal(signal, run.child.id()),
        "{signal} was not delivered"
    );
    let output = cli::wait(run.child, Duration::from_secs(120));
    assert_eq!(
        output.status.code(),
        Some(130),
        "{signal}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        pending(&run.ledger_path).is_empty(),
        "{signal}: left behind: {:?}",
        pending(&run.ledger_path)
    );
    run.owner.assert_only_its_own_resources_left().await;
    let _ = std::fs::remove_dir_all(run.dir);
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
