//! The spec table is in the binary: it works from any directory, with no checkout beside it,
//! and `--specs DIR` loads another table, which against real SES may not say anything about
//! safety that the embedded table does not.

mod common;

use common::copy_dir;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::cli::run;
use serde_json::Value;
use ses_conformance::spec::Spec;

const LIMIT: Duration = Duration::from_secs(120);

/// A copy of the checkout's `specs/` in `dir`, with `operations/<op>.json` changed by `change`.
fn specs_copy(dir: &Path, op: &str, change: impl FnOnce(&mut Value)) -> PathBuf {
    let specs = dir.join("my-specs");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("specs"), &specs);
    let file = specs.join("operations").join(format!("{op}.json"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}"));
    let mut value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    change(&mut value);
    let text = serde_json::to_string_pretty(&value).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&file, text).unwrap_or_else(|e| panic!("{e}"));
    specs
}

fn dry_run_aws(dir: &Path, specs: &Path) -> (Option<i32>, String, String) {
    let specs = specs.display().to_string();
    let args = [
        "--specs",
        &specs,
        "run",
        "--target",
        "aws",
        "--identity",
        "example.org",
        "--dry-run",
    ];
    run(&args, dir, LIMIT)
}

#[test]
fn list_works_from_a_directory_with_no_specs_in_it() {
    // `harness` clears the environment (no CARGO_MANIFEST_DIR) and runs in an empty temp dir.
    let dir = common::temp_dir("embedded-list");
    let (code, stdout, stderr) = run(&["list", "--op", "ListEmailTemplates"], &dir, LIMIT);
    assert_eq!(code, Some(0), "{stderr}");
    let ids: Vec<&str> = stdout.lines().collect();
    assert!(
        ids.contains(&"list_email_templates::invalid::page_size_above_max::0"),
        "{stdout}"
    );
    assert!(
        ids.iter()
            .all(|id| id.starts_with("list_email_templates::")),
        "{stdout}"
    );
    assert!(!dir.join("specs").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn specs_flag_loads_another_table() {
    let dir = common::temp_dir("embedded-other-table");
    let specs = specs_copy(&dir, "ListEmailTemplates", |v| {
        v["input"]["PageSize"]["constraints"]["range"]["max"] = 7.into();
    });
    let specs_arg = specs.display().to_string();
    let args = [
        "--specs",
        &specs_arg,
        "list",
        "--op",
        "ListEmailTemplates",
        "--format",
        "json",
    ];
    let (code, stdout, stderr) = run(&args, &dir, LIMIT);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("\"PageSize\":8"),
        "the table's own bound is used: {stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_specs_table_is_named_with_file_and_path() {
    let dir = common::temp_dir("embedded-bad-table");
    let specs = specs_copy(&dir, "GetAccount", |v| {
        v["safety"] = "whatever".into();
    });
    let specs_arg = specs.display().to_string();
    let (code, _, stderr) = run(&["--specs", &specs_arg, "list"], &dir, LIMIT);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("operations/GetAccount.json: at $.safety"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn real_ses_refuses_a_table_that_changes_a_safety_class() {
    let dir = common::temp_dir("embedded-aws-refused");
    let specs = specs_copy(&dir, "PutAccountDetails", |v| {
        v["safety"] = "read".into();
    });
    let (code, stdout, stderr) = dry_run_aws(&dir, &specs);
    assert_eq!(code, Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains("operations/PutAccountDetails.json at $.safety"),
        "{stderr}"
    );
    assert!(!stdout.contains("would be sent"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn real_ses_refuses_a_table_whose_aws_profile_differs() {
    let dir = common::temp_dir("embedded-aws-profile");
    let specs = specs_copy(&dir, "GetAccount", |_| {});
    let profile = specs.join("targets/aws.json");
    let text = std::fs::read_to_string(&profile).unwrap_or_else(|e| panic!("{e}"));
    let mut value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    value["rate_limits"] = false.into();
    std::fs::write(&profile, value.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let (code, _, stderr) = dry_run_aws(&dir, &specs);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("targets/aws.json at $.rate_limits"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn real_ses_accepts_a_table_that_changes_only_prose() {
    let dir = common::temp_dir("embedded-aws-prose");
    let specs = specs_copy(&dir, "PutAccountDetails", |v| {
        v["summary"] = "Reworded by a user.".into();
    });
    let (code, stdout, stderr) = dry_run_aws(&dir, &specs);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("would be sent"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cleanup_refuses_a_table_that_changes_what_a_delete_calls() {
    let dir = common::temp_dir("embedded-cleanup");
    let specs = specs_copy(&dir, "DeleteEmailTemplate", |v| {
        v["http"]["uri"] = "/v2/email/identities/{TemplateName}".into();
    });
    let specs_arg = specs.display().to_string();
    let args = [
        "--specs",
        &specs_arg,
        "cleanup",
        "--endpoint",
        "http://127.0.0.1:9",
    ];
    let (code, _, stderr) = run(&args, &dir, LIMIT);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--specs with cleanup"), "{stderr}");
    assert!(
        stderr.contains("operations/DeleteEmailTemplate.json at $.http.uri"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The table the binary embeds is this checkout's `specs/`, file for file: a build that
/// embedded another checkout's table (they can share a target dir) or a stale file list fails
/// here.
#[test]
fn the_embedded_table_is_this_checkouts_specs() {
    let embedded = Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
    let on_disk = ses_conformance::spec::load_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    let as_json = |spec: &Spec| {
        serde_json::json!({
            "operations": spec.operations,
            "setup": spec.setup,
            "shapes": spec.shapes,
            "resources": spec.resources,
        })
    };
    assert_eq!(as_json(&embedded), as_json(&on_disk));
}
