//! `--case` as a user meets it on the binary: an id or a pattern selects exactly the cases it
//! matches, a pattern that matches nothing is a usage error naming it, and a run of one case
//! says in a line or two what it left out instead of listing every constraint it did not reach.

mod common;

use std::process::{Command, Output};

fn ses_conformance(args: &[&str]) -> Output {
    let home = common::temp_dir("case-selection");
    Command::new(env!("CARGO_BIN_EXE_ses-conformance"))
        .args(args)
        .env("HOME", &home)
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_SESV2")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The ids a `--json -` run wrote, one per case record.
fn case_ids(json_lines: &str) -> Vec<String> {
    json_lines
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|r| r.get("verdict").is_some())
        .filter_map(|r| r.get("id").and_then(|v| v.as_str()).map(str::to_string))
        .collect()
}

#[test]
fn a_case_pattern_runs_exactly_the_cases_it_matches() {
    let pattern = "list_email_templates::invalid::*";
    let listed: Vec<String> = text(&ses_conformance(&["list"]).stdout)
        .lines()
        .filter(|id| id.starts_with("list_email_templates::invalid::"))
        .map(str::to_string)
        .collect();
    assert!(listed.len() > 3, "{listed:?}");
    let out = ses_conformance(&["run", "--case", pattern, "--sequences", "0", "--json", "-"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut ran = case_ids(&text(&out.stdout));
    ran.sort();
    let mut expected = listed;
    expected.sort();
    assert_eq!(ran, expected);
}

#[test]
fn a_case_pattern_that_matches_nothing_is_a_usage_error_naming_it() {
    let out = ses_conformance(&["run", "--case", "list_email_templates::nothing::*"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--case list_email_templates::nothing::*: matches no case"),
        "{stderr}"
    );
}

#[test]
fn a_run_of_one_case_folds_what_it_left_out_into_one_line() {
    let id = "list_email_templates::invalid::page_size_above_max::0";
    let out = ses_conformance(&["run", "--case", id]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let not_reached: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("not reached"))
        .collect();
    // The other operations in one line; the case's own operation's other constraints (a
    // handful) by name, since they are what a wider selection of it would reach.
    assert!(not_reached.len() <= 2, "{stdout}");
    assert!(
        not_reached
            .iter()
            .any(|l| l.contains("constraints of") && l.contains("no selected case reached")),
        "{stdout}"
    );
    assert!(
        !stdout.contains("CreateEmailTemplate TemplateName"),
        "{stdout}"
    );
}
