//! What `sdk-check` asks before an `aws-sdk-sesv2` upgrade: does the SDK the crate resolves now
//! still parse every recorded answer, serialise every request and model every spec row as
//! before? The first two are the trials of `tests/sdk_contract.rs` (run with `cargo test`, which
//! builds the new SDK and names its failing trials in a file, see [`trials`](super::trials)); the
//! third is [`check_crate`], called directly.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::check::{check_crate, DriftFinding};
use super::error::{Error, ReadProblem};
use super::locate::SdkSource;
use super::mapping::staleness;
use super::trials;
use crate::spec::{snake_case, Spec, SpecError};

/// Trial names of `tests/sdk_contract.rs` that replay a recorded answer through the SDK.
const REPLAY_PREFIX: &str = "replay::";
/// Trial names of `tests/sdk_contract.rs` that snapshot the SDK's wire request of a case.
const WIRE_PREFIX: &str = "wire_request::";

/// What changed with the SDK the crate resolves now.
#[derive(Debug)]
pub struct UpgradeReport {
    /// The SDK version checked.
    pub sdk_version: String,
    /// Baseline entries (`<id>` of `replay::<id>`) whose answer the SDK now parses differently.
    pub replay: Vec<String>,
    /// Cases (`<id>` of `wire_request::<id>`) whose request the SDK now serialises differently.
    pub wire: Vec<String>,
    /// Other failing `sdk_contract` trials, by their full name.
    pub other: Vec<String>,
    /// Whether `cargo test --test sdk_contract` exited successfully.
    pub contract_passed: bool,
    /// Spec rows that no longer match the SDK's model.
    pub drift: Vec<DriftChange>,
    /// Why the committed SDK mapping (`src/client/sdk_ops/generated.rs`) is not what the SDK
    /// resolved now generates, if it is not.
    pub mapping: Option<String>,
    /// Operations the SDK has that the table lacks, by the SDK's module names
    /// (`create_contact_list`): not a change, but what the table does not check yet.
    pub untabled: Vec<String>,
}

impl UpgradeReport {
    /// Whether nothing changed: every trial passed and the model has not drifted.
    pub fn is_unchanged(&self) -> bool {
        self.contract_passed
            && self.replay.is_empty()
            && self.wire.is_empty()
            && self.other.is_empty()
            && self.drift.is_empty()
            && self.mapping.is_none()
    }

    /// Whether `sdk_contract` failed in a way no replay or wire trial names (another trial, or
    /// the harness itself).
    pub fn has_other_failures(&self) -> bool {
        !self.other.is_empty()
            || (!self.contract_passed && self.replay.is_empty() && self.wire.is_empty())
    }
}

/// One way the spec and the SDK's model no longer agree.
#[derive(Debug)]
pub enum DriftChange {
    /// A finding of [`check`](super::check), naming the row to update.
    Finding(DriftFinding),
    /// The new SDK's source is laid out differently: a change to review too.
    Unreadable(ReadProblem),
}

impl std::fmt::Display for DriftChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DriftChange::Finding(finding) => finding.fmt(f),
            DriftChange::Unreadable(problem) => problem.fmt(f),
        }
    }
}

/// Why the upgrade check reached no verdict.
#[derive(Debug, thiserror::Error)]
pub enum UpgradeError {
    /// `cargo test` could not be started.
    #[error("cannot run `{cargo} test` in {}: {source}", manifest.display())]
    Spawn {
        /// The cargo binary.
        cargo: String,
        /// The crate's directory.
        manifest: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// `sdk_contract` did not get to the end of its trials (most likely a build error).
    #[error("the checks did not run (a build error? see above){}", stale_hint(.mapping))]
    NotRun {
        /// What `cargo test` printed on stderr.
        stderr: String,
        /// Why the committed SDK mapping is stale for the SDK resolved now, if it is: a field
        /// the SDK renamed or removed fails the build there.
        mapping: Option<String>,
    },
    /// The crate's spec does not load.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// The model drift check reached no verdict.
    #[error(transparent)]
    Drift(Error),
}

fn stale_hint(mapping: &Option<String>) -> String {
    mapping
        .as_ref()
        .map(|why| format!("; {why}"))
        .unwrap_or_default()
}

/// Run the contract trials and the model drift check in the crate at `manifest_dir`, answers
/// replayed from `baseline` (the default recording when `None`).
pub fn check_upgrade(
    manifest_dir: &Path,
    baseline: Option<&Path>,
) -> Result<UpgradeReport, UpgradeError> {
    let spec = Spec::load(&manifest_dir.join("specs"))?;
    // Read before the build: a stale mapping is the likeliest reason the build fails.
    let mapping = staleness(&spec, manifest_dir).map_err(UpgradeError::Drift)?;
    let (output, failed) = match run_contract_trials(manifest_dir, baseline) {
        Err(UpgradeError::NotRun { stderr, .. }) => {
            return Err(UpgradeError::NotRun { stderr, mapping })
        }
        other => other?,
    };
    // The model the crate resolves now: after `cargo update`, the new SDK's source, as the
    // contract run above compiled it.
    let (sdk_version, drift) = match check_crate(&spec, manifest_dir) {
        Ok(report) => (
            report.sdk_version,
            report
                .findings
                .into_iter()
                .map(DriftChange::Finding)
                .collect(),
        ),
        Err(Error::Read(e)) => (
            e.version,
            e.problems
                .into_iter()
                .map(DriftChange::Unreadable)
                .collect(),
        ),
        Err(e) => return Err(UpgradeError::Drift(e)),
    };
    let (mut replay, mut wire, mut other) = (Vec::new(), Vec::new(), Vec::new());
    for name in failed {
        if let Some(id) = name.strip_prefix(REPLAY_PREFIX) {
            replay.push(id.to_string());
        } else if let Some(id) = name.strip_prefix(WIRE_PREFIX) {
            wire.push(id.to_string());
        } else {
            other.push(name);
        }
    }
    let untabled = SdkSource::locate(manifest_dir)
        .map(|source| untabled_operations(&spec, &source))
        .unwrap_or_default();
    Ok(UpgradeReport {
        untabled,
        sdk_version,
        replay,
        wire,
        other,
        contract_passed: output.status.success(),
        drift,
        mapping,
    })
}

/// The SDK's operations that are not operations of the table (setup operations included).
pub fn untabled_operations(spec: &Spec, source: &SdkSource) -> Vec<String> {
    source
        .operation_modules()
        .into_iter()
        .filter(|module| {
            !spec
                .operations
                .keys()
                .chain(spec.setup.keys())
                .any(|op| snake_case(op) == *module)
        })
        .collect()
}

/// `cargo test --test sdk_contract` in `manifest_dir`: its output and the trials it names as
/// failed.
fn run_contract_trials(
    manifest_dir: &Path,
    baseline: Option<&Path>,
) -> Result<(Output, Vec<String>), UpgradeError> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let failed_file = std::env::temp_dir().join(format!(
        "ses-conformance-sdk-check-{}.json",
        std::process::id()
    ));
    // A file left by an earlier run must not pass for this run's answer.
    let _ = std::fs::remove_file(&failed_file);
    let mut cmd = Command::new(&cargo);
    cmd.args(["test", "--test", "sdk_contract"])
        .current_dir(manifest_dir)
        // Changed snapshots are written next to the old ones as .snap.new, for `cargo insta review`.
        .env("INSTA_UPDATE", "new")
        .env_remove("CI")
        .env(trials::FAILED_TRIALS_VAR, &failed_file);
    if let Some(dir) = baseline {
        cmd.env("SES_CONFORMANCE_BASELINE", dir);
    }
    let output = cmd.output().map_err(|source| UpgradeError::Spawn {
        cargo,
        manifest: manifest_dir.to_path_buf(),
        source,
    })?;
    let failed = trials::read(&failed_file);
    let _ = std::fs::remove_file(&failed_file);
    match failed {
        Some(failed) => Ok((output, failed)),
        None => Err(UpgradeError::NotRun {
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            mapping: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(contract_passed: bool, other: &[&str]) -> UpgradeReport {
        UpgradeReport {
            sdk_version: "1.0.0".into(),
            replay: Vec::new(),
            wire: Vec::new(),
            other: other.iter().map(|s| s.to_string()).collect(),
            contract_passed,
            drift: Vec::new(),
            mapping: None,
            untabled: Vec::new(),
        }
    }

    /// An SDK source laid out as the SDK's is: one module folder per operation.
    fn sdk_with(operations: &[&str]) -> SdkSource {
        let dir =
            std::env::temp_dir().join(format!("ses-conformance-untabled-{}", std::process::id()));
        for op in operations {
            std::fs::create_dir_all(dir.join("src").join("operation").join(op))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        SdkSource {
            dir,
            version: "1.0.0".into(),
        }
    }

    #[test]
    fn the_sdks_operations_the_table_lacks_are_named() {
        let spec = Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
        let sdk = sdk_with(&[
            "create_contact",
            "get_account",
            "create_email_identity",
            "list_email_templates",
        ]);
        assert_eq!(
            untabled_operations(&spec, &sdk),
            vec!["create_contact".to_string()]
        );
        let _ = std::fs::remove_dir_all(&sdk.dir);
    }

    #[test]
    fn a_failing_harness_without_named_trials_is_an_other_failure() {
        assert!(report(true, &[]).is_unchanged());
        assert!(!report(true, &[]).has_other_failures());
        let crashed = report(false, &[]);
        assert!(!crashed.is_unchanged());
        assert!(crashed.has_other_failures());
        assert!(report(false, &["some_other_trial"]).has_other_failures());
    }

    #[test]
    fn a_stale_mapping_is_a_change() {
        let mut stale = report(true, &[]);
        stale.mapping = Some("src/client/sdk_ops/generated.rs is stale".into());
        assert!(!stale.is_unchanged());
    }
}
