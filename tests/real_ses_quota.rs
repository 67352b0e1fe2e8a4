//! A family the account may hold only so many of (one contact list per account and Region,
//! `per_account` in `specs/resources.json`), against a local server playing real SES: where the
//! user already holds their one contact list, the run makes none and touches none of the user's;
//! where the account holds none, the run makes its own, one at a time, and removes them.

mod common;

use std::time::Duration;

use common::account::{Account, USER_CONTACT_LIST};
use common::cli;
use common::owner::Owner;
use common::real_ses::{aws_args, reference_with_identity};
use common::temp_dir;
use serde_json::{json, Value};
use ses_conformance::reference::Options;

const LIMIT: Duration = Duration::from_secs(300);

/// Every case of the contact-list family, as `run --case` selects them.
const FAMILY: &str = "*contact_list*";

/// The JSON lines a run wrote to `path`.
fn records(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|r: &Value| r.get("id").is_some())
        .collect()
}

/// `run --target aws` of the family's cases against `url`; exit code, stdout, stderr, records.
async fn family_run(url: &str, dir: &std::path::Path) -> (Option<i32>, String, String, Vec<Value>) {
    let ledger = dir.join("ledger.jsonl");
    let json = dir.join("records.jsonl");
    let mut args = aws_args(url, ledger.to_str().unwrap_or_default());
    args.extend([
        "--case",
        FAMILY,
        "--cases",
        "0",
        "--sequences",
        "0",
        "--json",
        json.to_str().unwrap_or_default(),
    ]);
    let args = cli::args(&args);
    let (code, stdout, stderr) = cli::run_off_runtime(args, dir, LIMIT).await;
    let records = records(&json);
    (code, stdout, stderr, records)
}

fn verdict(record: &Value) -> &str {
    record["verdict"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn where_the_user_holds_their_one_contact_list_the_run_makes_none_and_keeps_it() {
    let account = Account::new().await;
    let url = account.url();
    let dir = temp_dir("quota-held");
    let (code, stdout, stderr, records) = family_run(&url, &dir).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let creates: Vec<&Value> = records
        .iter()
        .filter(|r| r["operation"] == "CreateContactList" && r["kind"] == "valid")
        .collect();
    assert!(
        !creates.is_empty(),
        "no valid CreateContactList case ran:\n{stdout}"
    );
    for record in &creates {
        assert_eq!(verdict(record), "skipped", "{record}");
        let detail = record["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains("already holds 1 contact_list the run did not make"),
            "{record}"
        );
    }
    // What needs no list of the run's still runs: the listing, and reads of a missing list.
    for op in ["ListContactLists", "GetContactList"] {
        assert!(
            records
                .iter()
                .any(|r| r["operation"] == op && verdict(r) == "conforms"),
            "no {op} case conformed:\n{stdout}"
        );
    }
    // The user's list is data of theirs: its name is in no output.
    let json = std::fs::read_to_string(dir.join("records.jsonl")).unwrap_or_default();
    for (what, text) in [
        ("stdout", &stdout),
        ("stderr", &stderr),
        ("JSON lines", &json),
    ] {
        assert!(
            !text.contains(USER_CONTACT_LIST),
            "{what} names the user's contact list:\n{text}"
        );
    }
    // Every resource is recorded before its create: no contact list was made at all.
    let ledger = std::fs::read_to_string(dir.join("ledger.jsonl")).unwrap_or_default();
    assert!(
        !ledger.contains("contact_list"),
        "the run made a contact list:\n{ledger}"
    );
    assert!(
        !ledger.contains(USER_CONTACT_LIST),
        "the ledger names the user's list:\n{ledger}"
    );
    account.assert_users_resources_unchanged().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn where_the_account_holds_no_contact_list_the_run_makes_its_own_one_at_a_time() {
    let server = reference_with_identity(Options::default()).await;
    let url = server.url();
    let dir = temp_dir("quota-free");
    let (code, stdout, stderr, records) = family_run(&url, &dir).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    // Run side by side, two cases' lists would have one refused by the one-list quota the
    // reference keeps: nothing diverges, and every valid create made its list.
    let wrong: Vec<&Value> = records
        .iter()
        .filter(|r| !matches!(verdict(r), "conforms" | "skipped"))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}\n{stdout}");
    let creates = records
        .iter()
        .filter(|r| r["operation"] == "CreateContactList" && r["kind"] == "valid");
    assert!(creates.clone().count() >= 2, "{stdout}");
    assert!(
        creates.clone().all(|r| verdict(r) == "conforms"),
        "{stdout}"
    );
    assert!(
        records.iter().filter(|r| verdict(r) == "conforms").count() >= 20,
        "{stdout}"
    );
    let owner = Owner::of(&server).await;
    let left = owner.call("ListContactLists", json!({})).await;
    assert_eq!(
        left["ContactLists"],
        json!([]),
        "the run left lists: {left}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_dry_run_shows_the_listing_read_before_a_family_with_a_quota() {
    let dir = temp_dir("quota-dry-run");
    let dry_run = |case: &str| {
        cli::run(
            &[
                "run",
                "--target",
                "aws",
                "--identity",
                "example.org",
                "--dry-run",
                "--case",
                case,
            ],
            &dir,
            LIMIT,
        )
    };
    let (code, stdout, stderr) = dry_run(FAMILY);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let reads: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("READ   ListContactLists"))
        .collect();
    assert_eq!(reads.len(), 1, "{stdout}");
    assert!(
        reads[0].contains("every case that would make one is skipped"),
        "{stdout}"
    );
    // A run that makes no contact list does not list them.
    let (code, stdout, stderr) = dry_run("*email_template*");
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(!stdout.contains("ListContactLists"), "{stdout}");
    let _ = std::fs::remove_dir_all(dir);
}
