//! The imported view of the vendored model (`specs/imported/`) is what the importer writes from
//! `specs/model/`, it loads through the strict loader beside the hand-written table, and every
//! operation of the model has a reviewed safety class.
//!
//! `cargo run -- import-model` rewrites `specs/imported/` (keeping reviewed classes).

mod common;

use std::path::Path;

use ses_conformance::spec::import::{self, Change};
use ses_conformance::spec::{load_dir, Spec};

fn manifest() -> &'static Path {
    env!("CARGO_MANIFEST_DIR").as_ref()
}

fn imported() -> import::Imported {
    let mut imported =
        import::import(&manifest().join("specs/model")).unwrap_or_else(|e| panic!("{e}"));
    imported
        .keep_reviews(&manifest().join("specs/imported"))
        .unwrap_or_else(|e| panic!("{e}"));
    imported
}

#[test]
fn the_committed_import_is_what_the_vendored_model_gives() {
    let changes = import::changes(&imported(), &manifest().join("specs/imported"));
    assert!(
        changes.is_empty(),
        "specs/imported/ is stale against specs/model/ (run `cargo run -- import-model`): {changes:?}"
    );
}

/// The model's 117 operations: the locked SDK's 116 and PutAccountDeliveryAttributes.
#[test]
fn every_operation_of_the_model_is_imported() {
    let imported = imported();
    assert_eq!(imported.operations.len(), 117);
    assert!(imported
        .operations
        .contains_key("PutAccountDeliveryAttributes"));
    assert!(imported.operations.contains_key("ListContacts"));
}

/// The table and the imported operations it lacks, in one directory, through the strict loader:
/// every imported file is in the table's format. Hand-written files win where both exist.
#[test]
fn the_imported_operations_load_beside_the_table() {
    let table = manifest().join("specs");
    let dir = common::temp_dir("import-merged");
    common::copy_dir(&table, &dir);
    let imported = manifest().join("specs/imported");
    for sub in ["operations", "shapes"] {
        for entry in std::fs::read_dir(imported.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap();
            let in_table = dir.join(sub).join(name).exists()
                || (sub == "operations" && dir.join("setup").join(name).exists());
            if !in_table {
                std::fs::copy(&path, dir.join(sub).join(name)).unwrap();
            }
        }
    }
    let mut errors: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("errors.json")).unwrap()).unwrap();
    let model_errors: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(imported.join("errors.json")).unwrap())
            .unwrap();
    for (name, def) in model_errors {
        errors.entry(name).or_insert(def);
    }
    std::fs::write(
        dir.join("errors.json"),
        serde_json::to_string_pretty(&errors).unwrap(),
    )
    .unwrap();
    let merged = load_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(merged.operations.len() + merged.setup.len(), 117);
}

/// The importer never writes a class; a person did, for every operation the table lacks.
#[test]
fn every_imported_operation_has_a_reviewed_safety_class() {
    let spec = Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
    let imported = imported();
    let unclassified: Vec<&String> = imported
        .operations
        .iter()
        .filter(|(name, file)| {
            spec.operation_or_setup(name).is_none()
                && (file.get("safety").is_none() || file.get("safety_reason").is_none())
        })
        .map(|(name, _)| name)
        .collect();
    assert!(
        unclassified.is_empty(),
        "no reviewed class: {unclassified:?}"
    );
}

/// A newer model shows up as changes: an operation removed from the model is a removed file,
/// a changed bound a changed path.
#[test]
fn a_newer_model_shows_what_changed() {
    let dir = common::temp_dir("import-newer");
    common::copy_dir(&manifest().join("specs/imported"), &dir);
    let mut imported = imported();
    imported.operations.shift_remove("ListContacts");
    let page = &mut imported.operations["ListEmailTemplates"]["input"]["PageSize"];
    page["constraints"]["range"]["max"] = serde_json::json!(1000);
    let changes = import::changes(&imported, &dir);
    assert!(
        changes.contains(&Change::Removed("operations/ListContacts.json".into())),
        "{changes:?}"
    );
    assert!(
        changes.iter().any(|c| matches!(c, Change::Changed(f, paths)
            if f == "operations/ListEmailTemplates.json"
                && paths.iter().any(|p| p == "$.input.PageSize.constraints.range.max"))),
        "{changes:?}"
    );
}

/// A model file that is not the one PROVENANCE.json names by checksum is refused, naming both.
#[test]
fn a_model_whose_checksum_moved_is_refused() {
    let dir = common::temp_dir("import-checksum");
    common::copy_dir(&manifest().join("specs/model"), &dir);
    let model = dir.join("sesv2-service-2.json");
    let mut text = std::fs::read_to_string(&model).unwrap();
    text.push('\n');
    std::fs::write(&model, text).unwrap();
    let err = import::import(&dir)
        .err()
        .expect("a changed model must be refused")
        .to_string();
    assert!(err.contains("sesv2-service-2.json"), "{err}");
    assert!(err.contains("PROVENANCE.json"), "{err}");
}
