//! `explore` and `run --regressions` from the command line, as a user runs them: against the
//! embedded reference, and against a reference started here with a fault that shows only for
//! long names (the binary sees an endpoint it knows nothing about).

mod common;

use std::path::Path;
use std::time::Duration;

use common::cli::{self, args};
use common::{spec, temp_dir};
use serde_json::{json, Value};
use ses_conformance::explore::{Regression, Regressions};
use ses_conformance::reference::{Fault, Faults, Options, ReferenceServer};

const LIMIT: Duration = Duration::from_secs(300);

/// Run the binary in `dir` without blocking the runtime that serves a reference started here.
async fn harness(args: Vec<String>, dir: &Path) -> (Option<i32>, String, String) {
    cli::run_off_runtime(args, dir, LIMIT).await
}

fn lines_of(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explore_against_the_reference_prints_its_seed_and_coverage_and_finds_nothing() {
    let dir = temp_dir("explore-cli");
    let explore = args(&[
        "explore",
        "--target",
        "reference",
        "--op",
        "ListEmailTemplates",
        "--budget",
        "60",
        "--seed",
        "3",
        "--json",
        "found.jsonl",
    ]);
    let (code, stdout, stderr) = harness(explore, &dir).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("explored 60 requests"), "{stdout}");
    assert!(stdout.contains("seed 3,"), "{stdout}");
    assert!(stderr.contains("with seed 3"), "{stderr}");
    assert!(stdout.contains("coverage: "), "{stdout}");
    assert!(stdout.contains("excluded by --op"), "{stdout}");
    assert!(
        !dir.join("regressions").exists(),
        "nothing found, nothing kept"
    );
    let lines = lines_of(&dir.join("found.jsonl"));
    assert_eq!(lines.len(), 1, "no finding, one coverage line: {lines:?}");
    assert_eq!(lines[0]["target"], "reference");
    let (code, report, _) = harness(args(&["report", "found.jsonl"]), &dir).await;
    assert_eq!(code, Some(0));
    assert!(
        report.contains("## Constraint coverage: reference"),
        "{report}"
    );
    assert!(
        report.contains("| ListEmailTemplates | PageSize.range |"),
        "{report}"
    );

    // Without --seed one is picked and said, so the search can be drawn again.
    let unseeded = args(&["explore", "--op", "GetAccount", "--budget", "5"]);
    let (code, stdout, stderr) = harness(unseeded, &dir).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("with seed "), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_dependent_fault_is_found_shrunk_kept_and_replayed_by_run() {
    let options = Options {
        faults: Faults(vec![Fault::TemplateNameLongRejected]),
        ..Options::default()
    };
    let server = ReferenceServer::start(spec(), options).await;
    let url = server.url();
    let dir = temp_dir("explore-fault");
    let target = ["--target", "faulty", "--endpoint", url.as_str()];
    let mut explore = args(&["explore", "--op", "CreateEmailTemplate", "--budget", "400"]);
    explore.extend(args(&target));
    explore.extend(args(&["--seed", "12", "--json", "found.jsonl"]));
    let (code, stdout, stderr) = harness(explore.clone(), &dir).await;
    println!("{stderr}{stdout}");
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("[diverges: rejected-valid]"), "{stdout}");
    assert!(
        stdout.contains("1 new finding(s) kept in regressions/faulty.json"),
        "{stdout}"
    );
    let kept =
        Regressions::load(&dir.join("regressions/faulty.json")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kept.entries.len(), 1);
    let name = kept.entries[0].request["TemplateName"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(name.chars().count(), 41, "not at the boundary: {name}");
    let found = lines_of(&dir.join("found.jsonl"));
    assert_eq!(found.len(), 2, "one finding and the coverage line");
    assert!(found[0]["shrink_steps"].as_u64() > Some(0), "{}", found[0]);

    // The same seed finds the same request: nothing new is kept.
    let (code, stdout, _) = harness(explore, &dir).await;
    assert_eq!(code, Some(1));
    assert!(stdout.contains("0 new finding(s)"), "{stdout}");

    // `run` replays it as a case: failing against the faulty target, passing against the
    // embedded reference.
    let id = kept.entries[0].case_id();
    let mut replay = args(&["run", "--op", "CreateEmailTemplate", "--cases", "0"]);
    replay.extend(args(&["--regressions", "regressions/faulty.json"]));
    let mut against_fault = replay.clone();
    against_fault.extend(args(&target));
    // Every failing case in full, so the block of this one is there to read.
    against_fault.push("--verbose".into());
    let (code, stdout, stderr) = harness(against_fault, &dir).await;
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains(&format!("--- {id} [diverges")), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "--regressions regressions/faulty.json --case '{id}'"
        )),
        "the reproduction needs the file: {stdout}"
    );
    let (code, stdout, stderr) = harness(replay, &dir).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_replays_a_hand_written_regression_as_a_named_case() {
    let dir = temp_dir("regressions-run");
    let entry = Regression {
        operation: "ListEmailTemplates".into(),
        class: "page_size_above_max".into(),
        constraint: "PageSize.range".into(),
        divergence: "accepted-invalid".into(),
        request: json!({"PageSize": 11}),
        date: "2025-01-01".into(),
        seed: 1,
    };
    let id = entry.case_id();
    assert!(id.starts_with("list_email_templates::regression::"), "{id}");
    Regressions {
        entries: vec![entry],
    }
    .save(&dir.join("kept.json"))
    .unwrap_or_else(|e| panic!("{e}"));
    let run = args(&[
        "run",
        "--regressions",
        "kept.json",
        "--case",
        &id,
        "--json",
        "results.jsonl",
    ]);
    let (code, stdout, stderr) = harness(run, &dir).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("1 cases, 0 failing"), "{stdout}");
    assert!(stdout.contains("coverage: "), "{stdout}");
    let lines = lines_of(&dir.join("results.jsonl"));
    assert_eq!(lines[0]["id"], id.as_str());
    assert_eq!(lines[0]["verdict"], "conforms");
    assert!(lines[1]["coverage"].is_object(), "{}", lines[1]);

    // A missing file holds no regression.
    let (code, stdout, stderr) = harness(
        args(&["run", "--op", "GetAccount", "--regressions", "none.json"]),
        &dir,
    )
    .await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_regressions_file_exits_2_naming_the_file_and_the_json_path() {
    let dir = temp_dir("regressions-bad");
    std::fs::write(
        dir.join("bad.json"),
        r#"{"entries": [{"operation": "ListEmailTemplates", "colour": 1}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for command in ["run", "explore"] {
        let (code, stdout, stderr) = harness(
            args(&[command, "--op", "GetAccount", "--regressions", "bad.json"]),
            &dir,
        )
        .await;
        assert_eq!(code, Some(2), "{command}: {stdout}\n{stderr}");
        assert!(stderr.contains("bad.json"), "{command}: {stderr}");
        assert!(stderr.contains("entries[0]"), "{command}: {stderr}");
        assert!(!stdout.contains("explored"), "{command}: nothing is sent");
    }
    let _ = std::fs::remove_dir_all(dir);
}
