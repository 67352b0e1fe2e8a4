//! `specs/sdk-baseline.json`: what the compiled SDK has beyond the seed-based spec, and the
//! deliberate required-ness differences with their reason.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::SdkBaselineError;
use crate::spec::Spec;

/// The file, as findings name it.
pub const BASELINE_FILE: &str = "specs/sdk-baseline.json";

/// `SES_CONFORMANCE_BLESS_DRIFT=1 cargo test --test model_drift` re-records the baseline.
pub const BLESS_VAR: &str = "SES_CONFORMANCE_BLESS_DRIFT";

/// The reason a new required difference gets when blessed; the next check fails on it until
/// someone writes the real one.
pub const TODO_REASON: &str =
    "TODO: say why the spec deliberately differs from the SDK model, or fix the spec row";

const ABOUT: &str = "Known differences between the spec table (the 2020 seed) and the compiled aws-sdk-sesv2 model, checked by tests/model_drift.rs. Regenerate with SES_CONFORMANCE_BLESS_DRIFT=1 cargo test --test model_drift; then write the reason of any new required difference.";

/// `specs/sdk-baseline.json`: what the compiled SDK has beyond the seed-based spec.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// What the file is.
    #[serde(default)]
    pub about: String,
    /// The `aws-sdk-sesv2` version the baseline was taken from.
    pub sdk_version: String,
    /// Enum shape -> SDK values the spec does not list.
    #[serde(default)]
    pub enum_extras: BTreeMap<String, Vec<String>>,
    /// `<dir>/<File>.json $.input|$.output|$.members` -> SDK field names the spec does not have.
    #[serde(default)]
    pub member_extras: BTreeMap<String, Vec<String>>,
    /// Deliberate differences of `constraints.required` from the SDK model.
    #[serde(default)]
    pub required_differences: Vec<RequiredDifference>,
}

/// One deliberate required-ness difference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredDifference {
    /// `<dir>/<File>.json $.<path>.<Member>.constraints.required`.
    pub row: String,
    /// Whether the spec marks the member required.
    pub spec_required: bool,
    /// Whether the SDK model does.
    pub sdk_required: bool,
    /// Why the spec keeps its value.
    pub reason: String,
}

impl Baseline {
    /// The baseline file of a spec directory.
    pub fn path(spec: &Spec) -> PathBuf {
        spec.dir.join("sdk-baseline.json")
    }

    /// Read a baseline file strictly.
    pub fn load(path: &Path) -> Result<Baseline, SdkBaselineError> {
        let text = std::fs::read_to_string(path).map_err(|source| SdkBaselineError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut de = serde_json::Deserializer::from_str(&text);
        serde_path_to_error::deserialize(&mut de).map_err(|source| SdkBaselineError::Parse {
            path: path.to_path_buf(),
            source,
        })
    }

    /// The file's text: pretty JSON with a final newline.
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Write the baseline to `path`.
    pub fn save(&self, path: &Path) -> Result<(), SdkBaselineError> {
        std::fs::write(path, self.to_text()).map_err(|source| SdkBaselineError::Write {
            path: path.to_path_buf(),
            source,
        })
    }

    /// The recorded difference of `row` with these values, if any.
    pub fn required_difference(
        &self,
        row: &str,
        spec_required: bool,
        sdk_required: bool,
    ) -> Option<&RequiredDifference> {
        self.required_differences.iter().find(|d| {
            d.row == row && d.spec_required == spec_required && d.sdk_required == sdk_required
        })
    }

    /// Whether the baseline records `field` as an SDK member of the set `key` that the spec lacks.
    pub fn has_member_extra(&self, key: &str, field: &str) -> bool {
        self.member_extras
            .get(key)
            .is_some_and(|f| f.iter().any(|f| f == field))
    }

    /// A baseline of `about` as this crate writes it.
    pub(super) fn new(
        sdk_version: String,
        enum_extras: BTreeMap<String, Vec<String>>,
        member_extras: BTreeMap<String, Vec<String>>,
        required_differences: Vec<RequiredDifference>,
    ) -> Baseline {
        Baseline {
            about: ABOUT.to_string(),
            sdk_version,
            enum_extras,
            member_extras,
            required_differences,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_baseline_loads_and_round_trips() {
        let spec = Spec::load_default().unwrap();
        let path = Baseline::path(&spec);
        let baseline = Baseline::load(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(baseline.to_text(), text);
    }

    #[test]
    fn an_unknown_key_is_refused_with_its_path() {
        let dir = std::env::temp_dir().join(format!("sdk-baseline-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("sdk-baseline.json");
        std::fs::write(
            &path,
            r#"{"sdk_version": "1", "required_differences": [{"row": "r", "spec_required": true, "sdk_required": false, "reason": "x", "why": 1}]}"#,
        )
        .unwrap();
        let error = Baseline::load(&path).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).ok();
        assert!(error.contains("required_differences[0]"), "{error}");
        assert!(error.contains("why"), "{error}");
    }
}
