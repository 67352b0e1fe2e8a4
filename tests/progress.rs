//! Long work is never silent: a run counts its sequences with its cases in the progress lines,
//! and `explore` says how far it got every few seconds (stderr is not a terminal here, so both
//! print lines, not bars).

mod common;

use std::time::Duration;

use common::{cli, temp_dir};

const LIMIT: Duration = Duration::from_secs(300);

/// The progress lines of stderr: `... ` and a count.
fn progress_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with("... ")).collect()
}

#[test]
fn a_run_counts_its_sequences_with_its_cases() {
    let dir = temp_dir("progress-run");
    let (_, cases, _) = cli::run(
        &["list", "--op", "UpdateEmailTemplate", "--cases", "0"],
        &dir,
        LIMIT,
    );
    let cases = cases.lines().count();
    // Paced at the documented rates (1 call a second per operation), the run lasts long enough
    // to say how far it got.
    let (code, stdout, stderr) = cli::run(
        &[
            "run",
            "--op",
            "UpdateEmailTemplate",
            "--cases",
            "0",
            "--sequences",
            "2",
            "--pace",
        ],
        &dir,
        LIMIT,
    );
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let lines = progress_lines(&stderr);
    assert!(!lines.is_empty(), "no progress line:\n{stderr}");
    let total = format!("/{} cases and sequences", cases + 2);
    assert!(
        lines.iter().all(|l| l.ends_with(&total)),
        "{lines:?} (expected {total})"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn explore_says_how_far_it_got_while_it_searches() {
    let dir = temp_dir("progress-explore");
    let regressions = dir.join("regressions.json");
    let (code, stdout, stderr) = cli::run(
        &[
            "explore",
            "--time",
            "7",
            "--seed",
            "3",
            "--regressions",
            &regressions.to_string_lossy(),
        ],
        &dir,
        LIMIT,
    );
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let lines = progress_lines(&stderr);
    assert!(!lines.is_empty(), "no progress line:\n{stderr}");
    assert!(
        lines
            .iter()
            .all(|l| l.contains(" requests (") && l.contains("shrink steps), 0 finding(s), ")),
        "{lines:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
