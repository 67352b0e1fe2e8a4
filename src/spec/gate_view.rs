//! What of a spec table real-SES safety reads, and whether another table says the same.
//!
//! Against real SES the embedded table's safety data wins: a `--specs` table may change prose
//! (summaries, sources, docs) and may leave operations out, but any other difference from the
//! embedded table (a safety class, a rate limit, an HTTP binding, a member's semantic or
//! constraint, a resource family, the `aws` profile) could steer what the gate lets through, so
//! the command refuses it. Comparing everything but prose, rather than a list of the fields the
//! gate reads today, keeps a field the gate learns to read tomorrow covered.

use serde_json::Value;

use super::{SpecError, SpecSource};

/// Keys whose values are prose for people: they never steer a request. (`enforced` is not
/// prose: it says a rule is one SES enforces before acting, which the gate relies on.)
const PROSE_KEYS: &[&str] = &[
    "summary",
    "source",
    "doc",
    "note",
    "description",
    "reason",
    "safety_reason",
];

/// The folders and files of a table the comparison covers.
const FOLDERS: &[&str] = &["operations", "setup", "shapes"];
const FILES: &[&str] = &[
    "resources.json",
    "errors.json",
    "protocol.json",
    "targets/aws.json",
];

/// A way `other` differs from `reference` beyond prose: the file, the JSON path, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateDifference {
    /// The file in `other`, as errors name it.
    pub file: String,
    /// The JSON path of the first difference.
    pub path: String,
    /// What differs.
    pub what: String,
}

impl std::fmt::Display for GateDifference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at {}: {}", self.file, self.path, self.what)
    }
}

/// The first file of `other` that differs from `reference` beyond prose, if any. Files that
/// `other` leaves out are no difference (fewer operations send fewer requests); a file that
/// `reference` lacks is one (nothing reviewed its safety).
pub fn first_gate_difference(
    reference: &SpecSource,
    other: &SpecSource,
) -> Result<Option<GateDifference>, SpecError> {
    for relative in covered_files(other)? {
        if let Some(difference) = compare_file(reference, other, &relative)? {
            return Ok(Some(difference));
        }
    }
    Ok(None)
}

fn covered_files(source: &SpecSource) -> Result<Vec<String>, SpecError> {
    let mut files = Vec::new();
    for folder in FOLDERS {
        files.extend(source.json_files(folder)?);
    }
    files.extend(
        FILES
            .iter()
            .filter(|f| source.has(f))
            .map(|f| f.to_string()),
    );
    Ok(files)
}

fn compare_file(
    reference: &SpecSource,
    other: &SpecSource,
    relative: &str,
) -> Result<Option<GateDifference>, SpecError> {
    let file = other.file(relative).display().to_string();
    if !reference.has(relative) {
        return Ok(Some(GateDifference {
            file,
            path: "$".into(),
            what: "not in the embedded table, so no reviewed safety data covers it".into(),
        }));
    }
    let ours = parse(reference, relative)?;
    let theirs = parse(other, relative)?;
    Ok(
        first_difference(&ours, &theirs, "$".into()).map(|(path, what)| GateDifference {
            file,
            path,
            what,
        }),
    )
}

fn parse(source: &SpecSource, relative: &str) -> Result<Value, SpecError> {
    super::parse_in(source, relative)
}

/// The first path at which two JSON values differ, prose keys aside.
fn first_difference(ours: &Value, theirs: &Value, path: String) -> Option<(String, String)> {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            let keys = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k)));
            for key in keys.filter(|k| !PROSE_KEYS.contains(&k.as_str())) {
                let here = format!("{path}.{key}");
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => {
                        if let Some(found) = first_difference(x, y, here) {
                            return Some(found);
                        }
                    }
                    (Some(_), None) => return Some((here, "left out".into())),
                    (None, _) => return Some((here, "added".into())),
                }
            }
            None
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, format!("{path}[{i}]"))),
        _ if ours == theirs => None,
        _ => Some((
            path,
            format!("{theirs} where the embedded table has {ours}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn copy_of_specs(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("gate-view-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("specs"), &dir);
        dir
    }

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{e}"));
        for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{e}")) {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            let dest = to.join(path.file_name().unwrap_or_default());
            if path.is_dir() {
                copy_dir(&path, &dest);
            } else {
                std::fs::copy(&path, &dest).unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }

    fn edit(dir: &Path, relative: &str, change: impl FnOnce(&mut Value)) {
        let file = dir.join(relative);
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}"));
        let mut value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        change(&mut value);
        std::fs::write(&file, value.to_string()).unwrap_or_else(|e| panic!("{e}"));
    }

    fn difference(dir: &Path) -> Option<GateDifference> {
        first_gate_difference(&SpecSource::Embedded, &SpecSource::Dir(dir.to_path_buf()))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_copy_with_new_prose_and_fewer_operations_says_the_same() {
        let dir = copy_of_specs("prose");
        edit(&dir, "operations/GetAccount.json", |v| {
            v["summary"] = "reworded".into();
            v["source"] = "elsewhere".into();
        });
        std::fs::remove_file(dir.join("operations/ListEmailTemplates.json"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(difference(&dir), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_changed_safety_class_is_named_with_file_and_path() {
        let dir = copy_of_specs("safety");
        edit(&dir, "operations/PutAccountDetails.json", |v| {
            v["safety"] = "read".into();
        });
        let found = difference(&dir).map(|d| d.to_string()).unwrap_or_default();
        assert!(
            found.contains("operations/PutAccountDetails.json at $.safety: \"read\""),
            "{found}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_member_semantic_a_rate_limit_and_a_new_operation_are_differences() {
        let dir = copy_of_specs("others");
        edit(&dir, "operations/DeleteEmailTemplate.json", |v| {
            v["rate_limit"]["per_second"] = 100.into();
        });
        let found = difference(&dir).map(|d| d.path).unwrap_or_default();
        assert_eq!(found, "$.rate_limit.per_second");
        edit(&dir, "operations/DeleteEmailTemplate.json", |v| {
            v["rate_limit"]["per_second"] = 1.into();
        });
        let copy = dir.join("operations/GetAccount.json");
        std::fs::copy(&copy, dir.join("operations/CreateWidget.json"))
            .unwrap_or_else(|e| panic!("{e}"));
        let found = difference(&dir).map(|d| d.to_string()).unwrap_or_default();
        assert!(
            found.contains("CreateWidget.json at $: not in the embedded table"),
            "{found}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
