//! `sdk-check`: the SDK contract checks before upgrading `aws-sdk-sesv2`.

use std::path::PathBuf;

use crate::exit;

use super::prepare::usage_error;

/// `sdk-check`: before upgrading `aws-sdk-sesv2`, run the contract checks in this checkout
/// ([`sdk_model::check_upgrade`](crate::sdk_model::check_upgrade)) and say what changed.
pub fn sdk_check(baseline: Option<PathBuf>) -> i32 {
    use crate::sdk_model::{check_upgrade, UpgradeError};
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    eprintln!(
        "running the SDK contract checks in {} (this builds the tests)...",
        manifest.display()
    );
    let report = match check_upgrade(&manifest, baseline.as_deref()) {
        Ok(report) => report,
        Err(e) => {
            if let UpgradeError::NotRun { stderr } = &e {
                eprintln!("{stderr}");
            }
            return usage_error(e);
        }
    };
    println!("aws-sdk-sesv2 {}", report.sdk_version);
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
    if report.is_unchanged() {
        println!("no change: the SDK serialises every request, parses every recorded answer and models every operation as before");
        return exit::OK;
    }
    if report.has_other_failures() {
        println!("other checks failed; run `cargo test --test sdk_contract` to see them");
    }
    println!("review snapshot changes with `cargo insta review`; update the spec rows named above (or re-bless specs/sdk-baseline.json with SES_CONFORMANCE_BLESS_DRIFT=1 cargo test --test model_drift)");
    exit::DIVERGED
}

fn print_changes(what: &str, items: &[impl std::fmt::Display]) {
    if items.is_empty() {
        return;
    }
    println!("{} {what}:", items.len());
    for item in items.iter().take(40) {
        println!("  {item}");
    }
    if items.len() > 40 {
        println!("  ... and {} more", items.len() - 40);
    }
}
