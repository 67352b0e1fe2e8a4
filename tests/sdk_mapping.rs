//! The SDK mapping the client compiles (`src/client/sdk_ops/generated.rs`) is what
//! `ses_conformance::sdk_model` generates from the spec and the `aws-sdk-sesv2` in use: an
//! operation added to `specs/` without regenerating, or an SDK upgrade that adds or renames a
//! field, fails here naming the file and the command that rewrites it.
//!
//! `SES_CONFORMANCE_WRITE_SDK_MAPPING=1 cargo test --test sdk_mapping` rewrites the file.

use std::path::Path;

use ses_conformance::sdk_model::{mapping_staleness, render_mapping, SdkSource, MAPPING_FILE};
use ses_conformance::spec::Spec;

const WRITE_VAR: &str = "SES_CONFORMANCE_WRITE_SDK_MAPPING";

fn manifest() -> &'static Path {
    env!("CARGO_MANIFEST_DIR").as_ref()
}

#[test]
fn the_committed_mapping_is_the_generated_one() {
    let spec = Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
    if std::env::var_os(WRITE_VAR).is_some() {
        let source = SdkSource::locate(manifest()).unwrap_or_else(|e| panic!("{e}"));
        let text = render_mapping(&spec, &source).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(manifest().join(MAPPING_FILE), text).unwrap_or_else(|e| panic!("{e}"));
        eprintln!("wrote {MAPPING_FILE}");
        return;
    }
    let stale = mapping_staleness(&spec, manifest()).unwrap_or_else(|e| panic!("{e}"));
    assert!(stale.is_none(), "{}", stale.unwrap_or_default());
}

/// An operation the spec gains is a row the committed mapping lacks: the check names it.
#[test]
fn an_operation_without_a_row_is_named() {
    let spec = Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
    let source = SdkSource::locate(manifest()).unwrap_or_else(|e| panic!("{e}"));
    let mut grown = spec.clone();
    let mut extra = grown.operations["ListEmailTemplates"].clone();
    // An SES v2 operation the shipped table does not have (yet).
    extra.operation = "ListMultiRegionEndpoints".into();
    // Its input is NextToken and PageSize too; its output members come from the SDK alone.
    extra.output.clear();
    grown.operations.insert(extra.operation.clone(), extra);
    let committed = std::fs::read_to_string(manifest().join(MAPPING_FILE)).unwrap();
    let generated = render_mapping(&grown, &source).unwrap_or_else(|e| panic!("{e}"));
    let problem = ses_conformance::sdk_model::mapping_difference(&committed, &generated)
        .expect("a spec with one more operation must differ from the committed mapping");
    assert!(problem.contains(MAPPING_FILE), "{problem}");
    assert!(problem.contains("ListMultiRegionEndpoints"), "{problem}");
}
