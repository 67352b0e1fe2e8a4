//! `sdk-check`: the SDK contract checks before upgrading `aws-sdk-sesv2`.

use std::path::PathBuf;

use crate::exit;

use super::prepare::usage_error;

/// `sdk-check`: before upgrading `aws-sdk-sesv2`, run the contract checks in this checkout
/// ([`sdk_model::check_upgrade`](crate::sdk_model::check_upgrade)) and say what changed.
pub fn sdk_check(baseline: Option<PathBuf>) -> i32 {
    use crate::sdk_model::{check_upgrade, UpgradeError};
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    errln!(
        "running the SDK contract checks in {} (this builds the tests)...",
        manifest.display()
    );
    let report = match check_upgrade(&manifest, baseline.as_deref()) {
        Ok(report) => report,
        Err(e) => {
            if let UpgradeError::NotRun { stderr, .. } = &e {
                errln!("{stderr}");
            }
            return usage_error(e);
        }
    };
    outln!("aws-sdk-sesv2 {}", report.sdk_version);
    print_changes(
        "answers the SDK now parses differently (snapshots/replay-*/)",
        &report.replay,
    );
    print_changes(
        "requests the SDK now serialises differently (snapshots/wire-requests/)",
        &report.wire,
    );
    print_changes(
        "spec rows that no longer match the SDK's model (src/sdk_model/)",
        &report.drift,
    );
    if let Some(why) = &report.mapping {
        outln!("{why}");
    }
    if !report.untabled.is_empty() {
        outln!(
            "{} operations of aws-sdk-sesv2 {} are not in the table yet (not checked): {}",
            report.untabled.len(),
            report.sdk_version,
            report.untabled.join(", ")
        );
    }
    if report.is_unchanged() {
        outln!("no change: the SDK serialises every request, parses every recorded answer and models every operation as before");
        return exit::OK;
    }
    if report.has_other_failures() {
        outln!("other checks failed; run `cargo test --test sdk_contract` to see them");
    }
    outln!("review snapshot changes with `cargo insta review`; update the spec rows named above (or re-bless specs/sdk-baseline.json with SES_CONFORMANCE_BLESS_DRIFT=1 cargo test --test model_drift)");
    exit::DIVERGED
}

fn print_changes(what: &str, items: &[impl std::fmt::Display]) {
    if items.is_empty() {
        return;
    }
    outln!("{} {what}:", items.len());
    for item in items.iter().take(40) {
        outln!("  {item}");
    }
    if items.len() > 40 {
        outln!("  ... and {} more", items.len() - 40);
    }
}
