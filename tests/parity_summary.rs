//! The console's parity summary against stubs that fail most cases: by default it fits one
//! screen, its first group is the cause whose fix fixes the most, and that cause spans
//! operations; `--verbose` still shows every failing case in full, `-q` one summary line; a
//! conforming run scores 100% with no group.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::cli::{args, run_off_runtime};

/// What a default run may print on stdout: one screen.
const SCREEN: usize = 40;

const LIMIT: Duration = Duration::from_secs(600);

/// A stub that answers every request with the same status and JSON body, and never an
/// `x-amzn-ErrorType`.
async fn stub(status: u16, body: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    server
}

async fn run_against(
    server: &MockServer,
    extra: &[&str],
    dir: &Path,
) -> (Option<i32>, String, String) {
    let uri = server.uri();
    let mut list = vec!["run", "--target", "stub", "--endpoint", uri.as_str()];
    list.extend_from_slice(extra);
    run_off_runtime(args(&list), dir, LIMIT).await
}

/// A group line as the console prints it: `  1. 827 cases and 3 sequences in 13 operations: ...`.
#[derive(Debug)]
struct GroupLine {
    failing: usize,
    operations: usize,
    cause: String,
}

fn group_lines(stdout: &str) -> Vec<GroupLine> {
    stdout.lines().filter_map(group_line).collect()
}

fn group_line(line: &str) -> Option<GroupLine> {
    let (number, rest) = line.trim_start().split_once(". ")?;
    number.parse::<usize>().ok()?;
    let (counts, cause) = rest.split_once(": ")?;
    let (failing, operations) = counts.split_once(" in ")?;
    let leading_number = |text: &str| text.split(' ').next()?.parse::<usize>().ok();
    let cases = leading_number(failing)?;
    let sequences = failing
        .split_once(" and ")
        .and_then(|(_, s)| leading_number(s))
        .unwrap_or(0);
    Some(GroupLine {
        failing: cases + sequences,
        operations: leading_number(operations)?,
        cause: cause.to_string(),
    })
}

/// `N failing, in G groups by cause; ...`: N and G.
fn failing_header(stdout: &str) -> Option<(usize, usize)> {
    stdout.lines().find_map(|l| {
        let (failing, rest) = l.split_once(" failing, in ")?;
        let groups = rest.split(' ').next()?.parse().ok()?;
        Some((failing.parse().ok()?, groups))
    })
}

/// The records a `--json` file holds (not its coverage line).
fn records(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|r| r.get("verdict").is_some())
        .collect()
}

/// Whether a record fails the run, as the harness decides it: a divergence, harness error or
/// unsupported operation no profile lists (these stubs have none).
fn fails(record: &Value) -> bool {
    matches!(
        record["verdict"].as_str(),
        Some("diverges" | "harness-error" | "unsupported")
    ) && record.get("known").is_none()
}

/// The largest group the per-operation view alone would make: failing records of one
/// operation, verdict class and constraint kind.
fn largest_per_operation_bucket(records: &[Value]) -> usize {
    let mut buckets: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for r in records.iter().filter(|r| fails(r)) {
        let text = |key: &str| r[key].as_str().unwrap_or("").to_string();
        let class = r["class"]
            .as_str()
            .map_or_else(|| text("verdict"), str::to_string);
        let constraint = text("constraint");
        let kind = if constraint.starts_with("behaviour:") {
            "behaviour".to_string()
        } else {
            constraint.rsplit('.').next().unwrap_or("").to_string()
        };
        *buckets.entry((text("operation"), class, kind)).or_default() += 1;
    }
    buckets.values().copied().max().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stub_that_refuses_everything_fits_one_screen_its_largest_cross_operation_cause_first() {
    let server = stub(400, r#"{"message":"no"}"#).await;
    let dir = common::temp_dir("parity-400");
    let json = dir.join("results.jsonl");
    let json_flag = json.display().to_string();
    let (code, stdout, stderr) = run_against(&server, &["--json", &json_flag], &dir).await;
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    let lines = stdout.lines().count();
    assert!(lines <= SCREEN, "{lines} lines:\n{stdout}");
    assert!(
        !stdout.contains("\n--- "),
        "no failing case in full by default:\n{stdout}"
    );

    let records = records(&json);
    let failing = records.iter().filter(|r| fails(r)).count();
    assert!(
        failing * 2 > records.len(),
        "the stub fails most cases: {failing} of {}",
        records.len()
    );
    let (shown_failing, group_count) =
        failing_header(&stdout).unwrap_or_else(|| panic!("no failing header:\n{stdout}"));
    assert_eq!(shown_failing, failing, "{stdout}");

    let groups = group_lines(&stdout);
    assert!(
        !groups.is_empty() && groups.len() <= 5,
        "{groups:#?}\n{stdout}"
    );
    let first = &groups[0];
    assert!(
        groups.iter().all(|g| g.failing <= first.failing),
        "the first group is the largest: {groups:#?}"
    );
    assert!(
        first.operations >= 3,
        "the first cause spans operations: {first:?}"
    );
    assert!(
        first.failing >= largest_per_operation_bucket(&records),
        "the first group fixes more than any one operation's group: {first:?}"
    );
    // Groups partition the failures: those shown plus those counted make every one.
    let counted: usize = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("and ")?.split_once(" failing)"))
        .and_then(|(head, _)| head.rsplit('(').next()?.parse().ok())
        .unwrap_or(0);
    let shown: usize = groups.iter().map(|g| g.failing).sum();
    assert_eq!(shown + counted, failing, "{stdout}");
    assert!(group_count >= groups.len());

    // The first group's example reproduces with its printed command.
    let reproduce = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("reproduce: ses-conformance "))
        .unwrap_or_else(|| panic!("no reproduction:\n{stdout}"))
        .to_string();
    let id = reproduce
        .rsplit('\'')
        .nth(1)
        .unwrap_or_else(|| panic!("no quoted id: {reproduce}"))
        .to_string();
    let example = records
        .iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap_or_else(|| panic!("{id} is not a record"));
    assert!(fails(example), "{example}");
    let mut again = vec![];
    for word in reproduce.split(' ') {
        again.push(word.trim_matches('\'').to_string());
    }
    let again: Vec<&str> = again.iter().map(String::as_str).collect();
    let (code, out, err) = run_off_runtime(args(&again), &dir, LIMIT).await;
    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(out.contains(", 1 failing"), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stub_that_answers_everything_with_an_empty_success_is_one_group() {
    let server = stub(200, "{}").await;
    let dir = common::temp_dir("parity-200");
    let json = dir.join("results.jsonl");
    let json_flag = json.display().to_string();
    let (code, stdout, stderr) = run_against(&server, &["--json", &json_flag], &dir).await;
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stdout.lines().count() <= SCREEN, "{stdout}");
    let groups = group_lines(&stdout);
    let first = groups
        .first()
        .unwrap_or_else(|| panic!("no group:\n{stdout}"));
    assert!(
        first
            .cause
            .starts_with("the same answer to valid and invalid requests: HTTP 200"),
        "{first:?}"
    );
    assert!(first.operations >= 10, "{first:?}");
    let records = records(&json);
    let failing = records.iter().filter(|r| fails(r)).count();
    // Nearly every failure is that one answer: what is left is a few groups at most.
    assert!(
        first.failing * 10 >= failing * 9,
        "{first:?} of {failing}:\n{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn verbose_shows_every_failing_case_in_full_and_quiet_one_line() {
    let server = stub(400, r#"{"message":"no"}"#).await;
    let dir = common::temp_dir("parity-verbose");
    let json = dir.join("results.jsonl");
    let json_flag = json.display().to_string();
    let (code, stdout, stderr) =
        run_against(&server, &["--verbose", "--json", &json_flag], &dir).await;
    assert_eq!(code, Some(1), "{stderr}");
    let records = records(&json);
    let failing: Vec<&str> = records
        .iter()
        .filter(|r| fails(r))
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(failing.len() > 100, "{}", failing.len());
    let blocks: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("--- "))
        .filter_map(|l| l.split(" [").next())
        .collect();
    assert_eq!(
        blocks, failing,
        "one block per failing case and sequence, in run order"
    );
    assert!(stdout.contains("operation  "), "the per-operation table");
    assert!(
        !stdout.contains("more groups"),
        "every group is shown: {stdout}"
    );

    let (code, stdout, stderr) = run_against(&server, &["-q"], &dir).await;
    assert_eq!(code, Some(1), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(
        lines[0].contains(&format!(", {} failing; parity 0.0% ", failing.len())),
        "{stdout}"
    );
    assert!(
        !stderr.contains("FAIL "),
        "quiet while it goes too: {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_conforming_run_scores_100_percent_with_no_group() {
    let dir = common::temp_dir("parity-reference");
    let (code, stdout, stderr) = run_off_runtime(args(&["run"]), &dir, LIMIT).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("parity of reference with the SES v2 contract: 100% ("),
        "{stdout}"
    );
    assert!(stdout.contains(", 0 failing; parity 100% "), "{stdout}");
    assert!(group_lines(&stdout).is_empty(), "{stdout}");
    assert!(failing_header(&stdout).is_none(), "{stdout}");
    assert!(stdout.lines().count() <= 10, "{stdout}");
}

#[tokio::test(flavor = "multi_thread")]
async fn verbose_and_quiet_together_are_a_usage_error() {
    let dir = common::temp_dir("parity-flags");
    for flags in [["--verbose", "--quiet"], ["-v", "-q"]] {
        let mut list = vec!["run"];
        list.extend_from_slice(&flags);
        let (code, _, stderr) = run_off_runtime(args(&list), &dir, LIMIT).await;
        assert_eq!(code, Some(2), "{flags:?}: {stderr}");
        assert!(stderr.contains("cannot be used with"), "{stderr}");
    }
}
