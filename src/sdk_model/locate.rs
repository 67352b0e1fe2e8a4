//! Where the `aws-sdk-sesv2` that a crate compiles against keeps its source: `cargo metadata`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::error::LocateError;

/// The source of the `aws-sdk-sesv2` a crate compiles against.
#[derive(Debug, Clone, PartialEq)]
pub struct SdkSource {
    /// The SDK crate's directory (with `src/operation/`, `src/types/`, `src/client/`).
    pub dir: PathBuf,
    /// Its version.
    pub version: String,
}

impl SdkSource {
    /// The operations the SDK has, by their module names under `src/operation/`
    /// (`create_contact_list`), sorted; empty when that folder cannot be read.
    pub fn operation_modules(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.dir.join("src").join("operation")) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|entry| entry.path().is_dir())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// The SDK of the crate whose `Cargo.toml` is in `manifest_dir`, as `cargo metadata` (the
    /// `CARGO` of the environment, else `cargo`) resolves it now: after a `cargo update`, the
    /// new version.
    pub fn locate(manifest_dir: &Path) -> Result<SdkSource, LocateError> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let out = Command::new(&cargo)
            .args(["metadata", "--format-version", "1", "--manifest-path"])
            .arg(manifest_dir.join("Cargo.toml"))
            .output()
            .map_err(|source| LocateError::Spawn {
                cargo: cargo.clone(),
                source,
            })?;
        if !out.status.success() {
            return Err(LocateError::Failed {
                cargo,
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            });
        }
        let meta: Value = serde_json::from_slice(&out.stdout).map_err(LocateError::Json)?;
        Self::from_metadata(&meta)
    }

    /// The `aws-sdk-sesv2` package of `cargo metadata`'s output: the one the root package
    /// depends on when the graph has several.
    pub fn from_metadata(meta: &Value) -> Result<SdkSource, LocateError> {
        use LocateError::Metadata;
        let packages = meta["packages"]
            .as_array()
            .ok_or(Metadata("no `packages` array"))?;
        let candidates: Vec<&Value> = packages
            .iter()
            .filter(|p| p["name"] == "aws-sdk-sesv2")
            .collect();
        let chosen = match candidates.as_slice() {
            [] => return Err(Metadata("no package named aws-sdk-sesv2")),
            [one] => *one,
            many => {
                let root = meta["resolve"]["root"]
                    .as_str()
                    .ok_or(Metadata("no resolve.root"))?;
                let node = meta["resolve"]["nodes"]
                    .as_array()
                    .and_then(|nodes| nodes.iter().find(|n| n["id"] == root))
                    .ok_or(Metadata("no resolve node for the root package"))?;
                let dep_id = node["deps"]
                    .as_array()
                    .and_then(|deps| deps.iter().find(|d| d["name"] == "aws_sdk_sesv2"))
                    .and_then(|d| d["pkg"].as_str())
                    .ok_or(Metadata(
                        "the root package does not depend on aws-sdk-sesv2",
                    ))?;
                many.iter()
                    .find(|p| p["id"] == dep_id)
                    .copied()
                    .ok_or(Metadata(
                        "the resolved aws-sdk-sesv2 is not among the packages",
                    ))?
            }
        };
        let manifest = chosen["manifest_path"]
            .as_str()
            .ok_or(Metadata("aws-sdk-sesv2 has no manifest_path"))?;
        let version = chosen["version"]
            .as_str()
            .ok_or(Metadata("aws-sdk-sesv2 has no version"))?;
        let dir = Path::new(manifest)
            .parent()
            .ok_or(Metadata("manifest_path has no directory"))?;
        Ok(SdkSource {
            dir: dir.to_path_buf(),
            version: version.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_root_packages_sdk_is_chosen_among_several() {
        let package = |id: &str, version: &str| {
            json!({"name": "aws-sdk-sesv2", "id": id, "version": version,
                   "manifest_path": format!("/reg/aws-sdk-sesv2-{version}/Cargo.toml")})
        };
        let meta = json!({
            "packages": [package("old", "1.0.0"), package("new", "1.2.0")],
            "resolve": {"root": "me", "nodes": [
                {"id": "me", "deps": [{"name": "aws_sdk_sesv2", "pkg": "new"}]}
            ]}
        });
        let source = SdkSource::from_metadata(&meta).unwrap();
        assert_eq!(source.version, "1.2.0");
        assert_eq!(source.dir, PathBuf::from("/reg/aws-sdk-sesv2-1.2.0"));
        let none = json!({"packages": []});
        assert!(matches!(
            SdkSource::from_metadata(&none),
            Err(LocateError::Metadata(m)) if m.contains("no package")
        ));
    }
}
