//! What the binary writes, stores and prints, checked from the command line against local
//! servers: state files never written through a link, endpoints that could carry a secret
//! refused, baselines of another target never silently overwritten, output paths checked before
//! the first request, and a closed pipe ending a command quietly (a run as if stopped by Ctrl-C).

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{cli, spec, temp_dir};
use ses_conformance::target::reference::{Fault, Faults, Options, ReferenceServer};

const LIMIT: Duration = Duration::from_secs(300);

/// Run the binary in `dir` without blocking the runtime that serves a reference started here.
async fn harness(args: Vec<String>, dir: &Path) -> (Option<i32>, String, String) {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        cli::run(&args, &dir, LIMIT)
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
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

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for item in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = item.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
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
