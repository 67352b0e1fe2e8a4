//! Regressions: every minimal failing request an exploration finds is kept in a JSON file (by
//! default `regressions/<target>.json`), in the spirit of proptest's `.proptest-regressions`,
//! and `run --regressions FILE` replays each as a fixed case named
//! `<operation>::regression::<short hash>`, judged and snapshotted like any other case.
//!
//! An entry is the request and its class; the case around it (fixtures, path, expectation) is
//! rebuilt from the class's anchor, so a kept request replays against any target.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::case::case_of;
use super::findings::Finding;
use super::strategy::class_named;
use crate::case::{base36, stable_hash, Case};
use crate::spec::{snake_case, Spec};
use crate::state::{self, StateError};

/// The regressions file of a target, relative to the project.
pub fn default_path(target: &str) -> PathBuf {
    PathBuf::from("regressions").join(format!("{target}.json"))
}

/// What can go wrong with a regressions file.
#[derive(Debug, thiserror::Error)]
pub enum RegressionError {
    /// The file could not be read.
    #[error("reading regressions {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a regressions file.
    #[error("regressions {path}: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Where and why, with the JSON path.
        #[source]
        source: serde_path_to_error::Error<serde_json::Error>,
    },
    /// The file could not be written (or is a link, which the harness does not write through).
    #[error("writing regressions: {source}")]
    Write {
        /// Why, naming the file.
        #[source]
        source: StateError,
    },
    /// An entry names an operation or a class the spec does not have.
    #[error("regressions {path}: $.entries[{index}]: no class `{label}` of operation `{operation}` in the spec")]
    UnknownClass {
        /// The file.
        path: PathBuf,
        /// The entry's index.
        index: usize,
        /// Its operation.
        operation: String,
        /// Its class label.
        label: String,
    },
}

/// One kept failure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regression {
    /// The operation.
    pub operation: String,
    /// `valid`, or the invalid variant the request belongs to (`page_size_above_max`).
    pub class: String,
    /// The constraint the request breaks (`request` for a valid one).
    pub constraint: String,
    /// How the target departed from the contract when it was found.
    pub divergence: String,
    /// The minimal request, with placeholders.
    pub request: Value,
    /// When it was found (UTC, `YYYY-MM-DD`).
    pub date: String,
    /// The exploration's seed.
    pub seed: u64,
}

impl Regression {
    /// The entry of a finding, dated today.
    pub fn of(finding: &Finding) -> Regression {
        Regression {
            operation: finding.operation.clone(),
            class: finding.label.clone(),
            constraint: finding.constraint.clone(),
            divergence: finding.class.to_string(),
            request: finding.request().clone(),
            date: today(),
            seed: finding.seed,
        }
    }

    /// What makes two entries the same: operation, constraint and request.
    fn key(&self) -> String {
        format!(
            "{}\n{}\n{}",
            self.operation,
            self.constraint,
            canonical(&self.request)
        )
    }

    /// Eight base-36 characters of the entry's key: its case's name.
    pub fn short_hash(&self) -> String {
        base36(stable_hash(&self.key()), 8)
    }

    /// The fixed case replaying it, rebuilt around its class's anchor; `None` when the spec has
    /// no such operation or class.
    pub fn case(&self, spec: &std::sync::Arc<Spec>) -> Option<Case> {
        let op = spec.operation(&self.operation)?;
        let class = class_named(spec, op, &self.class)?;
        let id = self.case_id();
        let seed = stable_hash(&id);
        Some(case_of(spec, &class, self.request.clone(), id, seed))
    }

    /// The id of its case: `<operation>::regression::<short hash>`.
    pub fn case_id(&self) -> String {
        format!(
            "{}::regression::{}",
            snake_case(&self.operation),
            self.short_hash()
        )
    }
}

/// The file's content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regressions {
    /// Kept failures, oldest first.
    pub entries: Vec<Regression>,
}

impl Regressions {
    /// Read a regressions file; a file that does not exist holds none.
    pub fn load(path: &Path) -> Result<Regressions, RegressionError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Regressions::default()),
            Err(source) => {
                return Err(RegressionError::Read {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        let mut de = serde_json::Deserializer::from_str(&text);
        serde_path_to_error::deserialize(&mut de).map_err(|source| RegressionError::Parse {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Write the file (and its folder) as the harness writes its state: private, replaced
    /// whole, never through a link.
    pub fn save(&self, path: &Path) -> Result<(), RegressionError> {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        state::write_private(path, text.as_bytes())
            .map_err(|source| RegressionError::Write { source })
    }

    /// Add an entry unless one with the same operation, constraint and request is kept;
    /// whether it was added.
    pub fn add(&mut self, entry: Regression) -> bool {
        let key = entry.key();
        if self.entries.iter().any(|e| e.key() == key) {
            return false;
        }
        self.entries.push(entry);
        true
    }

    /// The fixed cases replaying every entry, in the file's order.
    pub fn cases(
        &self,
        spec: &std::sync::Arc<Spec>,
        path: &Path,
    ) -> Result<Vec<Case>, RegressionError> {
        self.entries
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                entry
                    .case(spec)
                    .ok_or_else(|| RegressionError::UnknownClass {
                        path: path.to_path_buf(),
                        index,
                        operation: entry.operation.clone(),
                        label: entry.class.clone(),
                    })
            })
            .collect()
    }
}

/// Keep the findings in the file at `path`: how many were new.
pub fn keep_findings(path: &Path, findings: &[Finding]) -> Result<usize, RegressionError> {
    let mut file = Regressions::load(path)?;
    let added = findings
        .iter()
        .filter(|f| file.add(Regression::of(f)))
        .count();
    if added > 0 {
        file.save(path)?;
    }
    Ok(added)
}

/// The cases of the regressions file at `path` (none when it does not exist): what
/// `run --regressions` adds to the run.
pub fn regression_cases(
    spec: &std::sync::Arc<Spec>,
    path: &Path,
) -> Result<Vec<Case>, RegressionError> {
    Regressions::load(path)?.cases(spec, path)
}

/// JSON text with object keys sorted, so the same request always reads the same.
fn canonical(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(obj) => {
                let mut keys: Vec<&String> = obj.keys().collect();
                keys.sort();
                Value::Object(
                    keys.into_iter()
                        .map(|k| (k.clone(), sorted(&obj[k])))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    date_of_day((secs / 86_400) as i64)
}

/// The civil date of a day counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn date_of_day(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::*;

    fn entry(request: Value) -> Regression {
        Regression {
            operation: "CreateEmailTemplate".into(),
            class: "valid".into(),
            constraint: "request".into(),
            divergence: "rejected-valid".into(),
            request,
            date: "2025-01-02".into(),
            seed: 7,
        }
    }

    #[test]
    fn the_same_failure_is_kept_once_whatever_its_key_order() {
        let mut file = Regressions::default();
        let a = json!({"TemplateName": "sc000000000000-a", "TemplateContent": {"Subject": "s"}});
        let b = json!({"TemplateContent": {"Subject": "s"}, "TemplateName": "sc000000000000-a"});
        assert!(file.add(entry(a)));
        assert!(!file.add(entry(b)));
        assert!(file.add(entry(json!({"TemplateName": "sc000000000000-b"}))));
        assert_eq!(file.entries.len(), 2);
    }

    #[test]
    fn entries_become_cases_named_by_their_hash() {
        let spec = Arc::new(Spec::load_default().unwrap_or_else(|e| panic!("{e}")));
        let request = json!({
            "TemplateName": "sc000000000000-aaaa",
            "TemplateContent": {"Subject": "s", "Text": "t"}
        });
        let e = entry(request.clone());
        let file = Regressions {
            entries: vec![e.clone()],
        };
        let cases = file
            .cases(&spec, Path::new("regressions/reference.json"))
            .unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(cases[0].id, e.case_id());
        assert!(cases[0]
            .id
            .starts_with("create_email_template::regression::"));
        assert_eq!(cases[0].request, request);
        assert_eq!(cases[0].creates.len(), 1);
    }

    #[test]
    fn a_file_round_trips_and_a_missing_file_is_empty() {
        let dir = std::env::temp_dir().join(format!("ses-explore-{}", crate::case::new_run_id()));
        let path = dir.join("nested").join("reference.json");
        assert_eq!(
            Regressions::load(&path).map(|r| r.entries.len()).ok(),
            Some(0)
        );
        let file = Regressions {
            entries: vec![entry(json!({"TemplateName": "sc000000000000-x"}))],
        };
        file.save(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Regressions::load(&path).ok(), Some(file));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private_and_never_written_through_a_link() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = std::env::temp_dir().join(format!("ses-explore-{}", crate::case::new_run_id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let file = Regressions {
            entries: vec![entry(json!({"TemplateName": "sc000000000000-x"}))],
        };
        let kept = dir.join("kept.json");
        file.save(&kept).unwrap_or_else(|e| panic!("{e}"));
        let mode = std::fs::metadata(&kept).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o600));
        // A dangling link: nothing may be created at its other end.
        let elsewhere = dir.join("elsewhere.json");
        let link = dir.join("linked.json");
        std::os::unix::fs::symlink(&elsewhere, &link).unwrap_or_else(|e| panic!("{e}"));
        let err = file.save(&link).err().map(|e| e.to_string());
        assert!(
            err.as_deref().is_some_and(|e| e.contains("symbolic link")),
            "{err:?}"
        );
        assert!(!elsewhere.exists(), "written through the link");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn an_unknown_key_is_refused_with_its_path() {
        let dir = std::env::temp_dir().join(format!("ses-explore-{}", crate::case::new_run_id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let path = dir.join("bad.json");
        std::fs::write(&path, r#"{"entries": [{"operation": "X", "colour": 1}]}"#)
            .unwrap_or_else(|e| panic!("{e}"));
        let err = Regressions::load(&path)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("entries[0]"), "{err}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn days_become_dates() {
        assert_eq!(date_of_day(0), "1970-01-01");
        assert_eq!(date_of_day(19_723), "2024-01-01");
        assert_eq!(date_of_day(19_782), "2024-02-29");
    }
}
