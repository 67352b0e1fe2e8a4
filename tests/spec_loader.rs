//! The loader is strict: each broken spec fixture below (a copy of the shipped table with one
//! thing broken) fails with an error that names the file and the JSON path.

mod common;

use common::copy_dir;

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use ses_conformance::spec::{Spec, SpecError};

/// A fresh copy of the shipped spec directory with `file` changed by `edit`.
fn broken(
    name: &str,
    file: &str,
    edit: impl FnOnce(&mut Value),
) -> (PathBuf, Result<Spec, SpecError>) {
    let dir = std::env::temp_dir().join(format!(
        "ses-conformance-spec-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&Spec::default_dir(), &dir);
    let path = dir.join(file);
    let mut value: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}"));
    edit(&mut value);
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&value).unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let result = Spec::load(&dir);
    (dir, result)
}

fn assert_error(name: &str, file: &str, edit: impl FnOnce(&mut Value), path: &str, says: &str) {
    let (dir, result) = broken(name, file, edit);
    let err = match result {
        Ok(_) => panic!("{name}: the broken spec loaded"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.contains(file),
        "{name}: the error does not name the file {file}: {err}"
    );
    assert!(
        err.contains(path),
        "{name}: the error does not name the path {path}: {err}"
    );
    assert!(
        err.contains(says),
        "{name}: the error does not say `{says}`: {err}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_shipped_spec_loads() {
    let spec = Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
    // One operation per file: the table is what specs/operations/ holds.
    let files = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/operations"))
        .unwrap_or_else(|e| panic!("{e}"))
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json"))
        })
        .count();
    assert_eq!(spec.operations.len(), files);
    assert!(files >= 22, "the seed's 22 operations stay");
}

#[test]
fn an_unknown_key_names_file_and_path() {
    assert_error(
        "unknown-key",
        "operations/ListEmailTemplates.json",
        |v| v["input"]["PageSize"]["constraints"]["range"]["maximum"] = json!(10),
        "$.input.PageSize.constraints.range",
        "unknown field `maximum`",
    );
}

#[test]
fn a_dangling_shape_reference_names_file_and_path() {
    assert_error(
        "dangling-shape",
        "operations/SendEmail.json",
        |v| v["input"]["Destination"]["shape"] = json!("Destinations"),
        "$.input.Destination.shape",
        "dangling shape reference `Destinations`",
    );
}

#[test]
fn impossible_bounds_name_file_and_path() {
    assert_error(
        "min-above-max",
        "operations/ListCustomVerificationEmailTemplates.json",
        |v| v["input"]["PageSize"]["constraints"]["range"]["min"] = json!(51),
        "$.input.PageSize.constraints.range",
        "min 51 > max 50",
    );
}

#[test]
fn impossible_bounds_in_a_shape_name_the_shape_file() {
    assert_error(
        "tag-bounds",
        "shapes/Tag.json",
        |v| v["members"]["Key"]["constraints"]["length"]["min"] = json!(200),
        "$.members.Key.constraints.length",
        "min 200 > max 128",
    );
}

#[test]
fn an_operation_in_a_file_of_another_name_names_file_and_path() {
    assert_error(
        "misnamed-operation",
        "operations/GetAccount.json",
        |v| v["operation"] = json!("GetAccounts"),
        "$.operation",
        "operation `GetAccounts` must live in a file named `GetAccounts.json`",
    );
}

#[test]
fn a_wrong_type_names_file_and_path() {
    assert_error(
        "wrong-type",
        "operations/CreateEmailIdentityPolicy.json",
        |v| v["input"]["PolicyName"]["constraints"]["length"]["max"] = json!("sixty-four"),
        "$.input.PolicyName.constraints.length.max",
        "invalid type",
    );
}

#[test]
fn a_constraint_without_its_source_is_refused() {
    assert_error(
        "empty-source",
        "operations/DeleteEmailIdentityPolicy.json",
        |v| v["input"]["PolicyName"]["constraints"]["length"]["source"] = json!(""),
        "$.input.PolicyName.constraints.length.source",
        "needs the place in the documentation",
    );
}

#[test]
fn a_constraint_on_the_wrong_type_is_refused() {
    assert_error(
        "range-on-string",
        "operations/UpdateEmailIdentityPolicy.json",
        |v| {
            v["input"]["PolicyName"]["constraints"]["range"] =
                json!({"min": 1, "max": 2, "source": "x"})
        },
        "$.input.PolicyName.constraints.range",
        "does not apply to a string member",
    );
}

#[test]
fn an_unknown_error_type_is_refused() {
    assert_error(
        "unknown-error",
        "operations/GetEmailTemplate.json",
        |v| v["errors"]["types"][0] = json!("BadRequest"),
        "$.errors.types[0]",
        "unknown error type `BadRequest`",
    );
}

#[test]
fn personal_outside_top_level_output_is_refused() {
    assert_error(
        "personal-input",
        "operations/PutAccountDetails.json",
        |v| v["input"]["WebsiteURL"]["personal"] = json!(true),
        "$.input.WebsiteURL.personal",
        "only top-level output members",
    );
    assert_error(
        "personal-shape-member",
        "shapes/AccountDetails.json",
        |v| v["members"]["WebsiteURL"]["personal"] = json!(true),
        "$.members.WebsiteURL.personal",
        "only top-level output members",
    );
}

#[test]
fn lists_by_name_must_say_where_an_entrys_name_is() {
    assert_error(
        "lists-by-name-input",
        "operations/DeleteEmailTemplate.json",
        |v| v["input"]["TemplateName"]["lists_by_name"] = json!("key"),
        "$.input.TemplateName.lists_by_name",
        "only top-level output members",
    );
    assert_error(
        "lists-by-name-not-a-map",
        "operations/ListEmailTemplates.json",
        |v| v["output"]["TemplatesMetadata"]["lists_by_name"] = json!("key"),
        "$.output.TemplatesMetadata.lists_by_name",
        "`key` names the entries of a map only",
    );
    assert_error(
        "lists-by-name-no-such-member",
        "operations/ListCustomVerificationEmailTemplates.json",
        |v| {
            v["output"]["CustomVerificationEmailTemplates"]["lists_by_name"] =
                json!({"member": "Name"})
        },
        "$.output.CustomVerificationEmailTemplates.lists_by_name",
        "the list's items have no member `Name`",
    );
    assert_error(
        "lists-by-name-unknown-form",
        "operations/GetEmailIdentityPolicies.json",
        |v| v["output"]["Policies"]["lists_by_name"] = json!("keys"),
        "$.output.Policies.lists_by_name",
        "unknown variant",
    );
}

#[test]
fn volatile_members_are_checked() {
    assert_error(
        "volatile-operation",
        "volatile.json",
        |v| v["SentLast24Hours"]["operation"] = json!("GetAcount"),
        "$.SentLast24Hours.operation",
        "`GetAcount` is not an operation of the table",
    );
    assert_error(
        "volatile-token",
        "volatile.json",
        |v| {
            v["MessageId"]
                .as_object_mut()
                .map(|o| o.remove("token"))
                .map(drop)
                .unwrap_or_default()
        },
        "$.MessageId.token",
        "needs a `token`",
    );
    assert_error(
        "volatile-unknown-key",
        "volatile.json",
        |v| v["MessageId"]["mask"] = json!(true),
        "$.MessageId",
        "unknown field `mask`",
    );
}
