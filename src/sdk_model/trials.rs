//! How `tests/sdk_contract.rs` tells `sdk-check` which of its trials failed: a JSON list of trial
//! names (`replay::<id>`, `wire_request::<id>`) written to the file named by [`FAILED_TRIALS_VAR`]
//! once every trial has run, so that nothing parses libtest's text.

use std::path::Path;

/// The environment variable naming the file the harness writes its failing trials to.
pub const FAILED_TRIALS_VAR: &str = "SES_CONFORMANCE_FAILED_TRIALS";

/// Write the names of the failing trials to `path`.
pub fn write(path: &Path, failed: &[String]) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(failed).map_err(std::io::Error::other)?;
    std::fs::write(path, text + "\n")
}

/// The failing trials written to `path`; `None` when the file is missing or not such a list (the
/// harness did not get to the end).
pub fn read(path: &Path) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_a_missing_file_is_none() {
        let path = std::env::temp_dir().join(format!("failed-trials-{}.json", std::process::id()));
        let failed = vec!["replay::a::b".to_string(), "wire_request::c".to_string()];
        write(&path, &failed).unwrap();
        assert_eq!(read(&path), Some(failed));
        std::fs::remove_file(&path).unwrap();
        assert_eq!(read(&path), None);
    }
}
