//! `sdk-check`: the SDK contract checks before upgrading `aws-sdk-sesv2`.

use std::path::PathBuf;

use crate::exit;

use super::prepare::usage_error;

/// `sdk-check`: before upgrading `aws-sdk-sesv2`, run the contract checks (replay of the
/// baseline's answers through the SDK, the SDK's wire requests, model drift) in this checkout and
/// say what changed.
pub fn sdk_check(baseline: Option<PathBuf>) -> i32 {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = std::process::Command::new(&cargo);
    cmd.args([
        "test",
        "--test",
        "sdk_contract",
        "--test",
        "model_drift",
        "--no-fail-fast",
    ])
    .current_dir(&manifest)
    // Changed snapshots are written next to the old ones as .snap.new, for `cargo insta review`.
    .env("INSTA_UPDATE", "new")
    .env_remove("CI");
    if let Some(dir) = &baseline {
        cmd.env("SES_CONFORMANCE_BASELINE", dir);
    }
    eprintln!(
        "running the SDK contract checks in {} (this builds the tests)...",
        manifest.display()
    );
    let output = match cmd.output() {
        Ok(o) => o,
        Err(e) => {
            return usage_error(format!(
                "cannot run `{cargo} test` in {}: {e}",
                manifest.display()
            ))
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !stdout.contains("test result") {
        eprintln!("{stderr}");
        return usage_error("the checks did not run (a build error? see above)");
    }
    let failed: Vec<&str> = stdout
        .lines()
        .filter(|l| l.trim_end().ends_with("FAILED") && l.trim_start().starts_with("test "))
        .filter_map(|l| {
            l.trim_start()
                .strip_prefix("test ")
                .and_then(|r| r.split(" ...").next())
        })
        .map(str::trim)
        .collect();
    let replay: Vec<&str> = failed
        .iter()
        .filter_map(|f| f.strip_prefix("replay::"))
        .collect();
    let wire: Vec<&str> = failed
        .iter()
        .filter_map(|f| f.strip_prefix("wire_request::"))
        .collect();
    let mut drift: Vec<&str> = stdout
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("specs/") || l.starts_with("- specs/"))
        .collect();
    // A problem can be printed both in a test's panic and in its summary.
    let mut seen = std::collections::HashSet::new();
    drift.retain(|l| seen.insert(l.trim_start_matches("- ")));
    let version = sdk_version(&manifest).unwrap_or_else(|| "?".into());
    println!("aws-sdk-sesv2 {version}");
    print_changes(
        "answers the SDK now parses differently (snapshots/replay-*/)",
        &replay,
    );
    print_changes(
        "requests the SDK now serialises differently (snapshots/wire-requests/)",
        &wire,
    );
    print_changes(
        "spec rows that no longer match the SDK's model (tests/model_drift.rs)",
        &drift,
    );
    let other = failed.len() - replay.len() - wire.len();
    if replay.is_empty()
        && wire.is_empty()
        && drift.is_empty()
        && other == 0
        && output.status.success()
    {
        println!("no change: the SDK serialises every request, parses every recorded answer and models every operation as before");
        return exit::OK;
    }
    if other > 0 && drift.is_empty() {
        println!("{other} other check(s) failed; run `cargo test --test sdk_contract --test model_drift` to see them");
    }
    println!("review snapshot changes with `cargo insta review`; update the spec rows named above (or re-bless specs/sdk-baseline.json with SES_CONFORMANCE_BLESS_DRIFT=1 cargo test --test model_drift)");
    exit::DIVERGED
}

fn print_changes(what: &str, items: &[&str]) {
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

/// The aws-sdk-sesv2 version in Cargo.lock.
fn sdk_version(manifest: &std::path::Path) -> Option<String> {
    let lock = std::fs::read_to_string(manifest.join("Cargo.lock")).ok()?;
    let at = lock.find("name = \"aws-sdk-sesv2\"")?;
    let rest = &lock[at..];
    let line = rest.lines().find(|l| l.starts_with("version = "))?;
    Some(
        line.trim_start_matches("version = ")
            .trim_matches('"')
            .to_string(),
    )
}
