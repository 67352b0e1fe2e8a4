//! The generated structure and enum rows against the spec and the SDK model.

use std::collections::BTreeSet;

use crate::client::sdk_ops::generated::*;
use crate::client::sdk_ops::rows::{loaded, row_problems, setter, Members, Row};
use crate::sdk_model::{SdkModel, SdkSource};
use crate::spec::{snake_case, ShapeKind, Spec};

/// The spec file and members of a structure shape.
fn shape_set<'s>(spec: &'s Spec, name: &str) -> Option<(String, &'s Members)> {
    let shape = spec.structure(name)?;
    Some((format!("shapes/{name}.json"), &shape.members))
}

/// The rows of structures the spec has, checked against its members (and the baseline's SDK
/// extras); the rest, structures only the later SDK has (VerificationInfo, VdmAttributes,
/// Attachment, ...), must still take their fields from their members' names.
fn structure_problems(rows: &[Row], sdk_name: impl Fn(&str) -> String + Copy) -> Vec<String> {
    let (spec, baseline) = loaded();
    let (in_spec, sdk_only): (Vec<&Row>, Vec<&Row>) =
        rows.iter().partition(|r| spec.structure(r.name).is_some());
    let mut problems = Vec::new();
    for row in in_spec {
        let set = |n: &str| shape_set(&spec, n);
        let one = std::slice::from_ref(row);
        problems.extend(row_problems(one, set, "$.members", sdk_name, &baseline));
    }
    for row in sdk_only {
        for m in row.members.iter().filter(|m| m.sdk != sdk_name(m.name)) {
            problems.push(format!("{}.{}: comes from `{}`", row.name, m.name, m.sdk));
        }
    }
    problems
}

#[test]
fn every_request_structure_sets_the_shapes_members_and_only_those_or_known_sdk_extras() {
    let problems = structure_problems(REQUEST_STRUCTURES, setter);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_answer_structure_prints_the_shapes_members_and_only_those_or_known_sdk_extras() {
    let problems = structure_problems(ANSWER_STRUCTURES, snake_case);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The model of the SDK this crate compiles against, read from its source.
fn compiled_sdk_model(spec: &Spec) -> SdkModel {
    let source =
        SdkSource::locate(env!("CARGO_MANIFEST_DIR").as_ref()).unwrap_or_else(|e| panic!("{e}"));
    SdkModel::read(spec, &source).unwrap_or_else(|e| panic!("{e}"))
}

/// `[required]` marks exactly the members whose absence the SDK builder's `build()` refuses.
#[test]
fn required_marks_are_the_sdk_builders() {
    let (spec, _) = loaded();
    let sdk = compiled_sdk_model(&spec);
    for row in REQUEST_STRUCTURES {
        // Structures beyond the spec have no row of the drift reader to hold them against.
        let Some(builder) = sdk
            .structs
            .get(&format!("shapes/{}.json $.members", row.name))
        else {
            continue;
        };
        let marked: BTreeSet<String> = row
            .members
            .iter()
            .filter(|m| m.builder_requires)
            .map(|m| snake_case(m.name))
            .collect();
        let sdk_requires: BTreeSet<String> = builder
            .fields
            .iter()
            .filter(|f| f.builder_requires)
            .map(|f| f.name.clone())
            .collect();
        assert_eq!(
            marked, sdk_requires,
            "{}: [required] against {}",
            row.name, builder.origin
        );
    }
}

/// Every spec enum has a row, and the values the SDK model reads from the SDK's source are
/// the compiled enum's `values()`.
#[test]
fn every_spec_enum_has_a_row_and_the_sdk_models_values_are_the_compiled_ones() {
    let (spec, _) = loaded();
    let sdk = compiled_sdk_model(&spec);
    for shape in spec.shapes.values().filter(|s| s.kind == ShapeKind::Enum) {
        let Some((_, values)) = ENUM_VALUES.iter().find(|(n, _)| *n == shape.shape) else {
            panic!("enum shape {} has no row in enums!", shape.shape);
        };
        assert_eq!(sdk.enums[&shape.shape], values(), "{}", shape.shape);
    }
}
