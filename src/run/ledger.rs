//! The ledger: every resource the harness is about to create is written here first (and synced
//! to disk), and marked when removed. After a crash, `ses-conformance cleanup LEDGER` removes
//! whatever is still pending, and only what carries the run prefix.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One line of the ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The run id.
    pub run: String,
    /// The target name.
    pub target: String,
    /// The endpoint URL, or `aws:<region>` for real SES.
    pub endpoint: String,
    /// Whether the target is real SES.
    pub real_aws: bool,
    /// `creating` (written before the create call) or `removed`.
    pub event: String,
    /// The resource kind.
    pub kind: String,
    /// The operation that deletes it.
    pub delete_operation: String,
    /// Its delete request, with real (bound) names.
    pub delete_request: Value,
}

impl Entry {
    /// A key identifying the resource across `creating` and `removed` lines.
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}",
            self.kind, self.delete_operation, self.delete_request
        )
    }
}

/// Why the ledger could not be used.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The file could not be opened, written or read.
    #[error("ledger {path}: {source}")]
    Io {
        /// The ledger file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A line is not a ledger entry.
    #[error("ledger {path}: line {line}: {message}")]
    Parse {
        /// The ledger file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What was wrong.
        message: String,
    },
}

/// An open ledger.
pub struct Ledger {
    path: PathBuf,
    file: Mutex<File>,
}

impl Ledger {
    /// Open (append to) a ledger file.
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|source| LedgerError::Io {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(Ledger {
            path: path.to_path_buf(),
            file: Mutex::new(file),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one entry and sync it to disk before returning.
    pub fn append(&self, entry: &Entry) -> Result<(), LedgerError> {
        let line = serde_json::to_string(entry).unwrap_or_default();
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        let io = |source| LedgerError::Io {
            path: self.path.clone(),
            source,
        };
        writeln!(file, "{line}").map_err(io)?;
        file.sync_data().map_err(io)
    }
}

impl Ledger {
    /// Mark the ledger finished: everything in it was removed.
    pub fn finish(&self) -> Result<(), LedgerError> {
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        let io = |source| LedgerError::Io {
            path: self.path.clone(),
            source,
        };
        writeln!(file, "{{\"event\":\"finished\"}}").map_err(io)?;
        file.sync_data().map_err(io)
    }
}

/// Whether a removal's answer shows the resource is gone: it was deleted (2xx), or it is not
/// there (404, NotFoundException). Any other answer leaves it in the ledger.
pub fn gone(status: Option<u16>, error_type: Option<&str>) -> bool {
    matches!(status, Some(200..=299) | Some(404)) || error_type == Some("NotFoundException")
}

/// Every entry of a ledger file.
pub fn read(path: &Path) -> Result<Vec<Entry>, LedgerError> {
    let file = File::open(path).map_err(|source| LedgerError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|source| LedgerError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let entry: Entry = serde_json::from_str(&line).map_err(|e| LedgerError::Parse {
            path: path.to_path_buf(),
            line: i + 1,
            message: e.to_string(),
        })?;
        out.push(entry);
    }
    Ok(out)
}

/// Resources recorded as `creating` and never as `removed`, in creation order, newest last.
pub fn pending(entries: &[Entry]) -> Vec<Entry> {
    let mut open: Vec<Entry> = Vec::new();
    for entry in entries {
        match entry.event.as_str() {
            "creating" => {
                if !open.iter().any(|e| e.key() == entry.key()) {
                    open.push(entry.clone());
                }
            }
            "removed" => open.retain(|e| e.key() != entry.key()),
            _ => {}
        }
    }
    open
}

/// Whether the harness named this resource: its own name (the last naming member) carries the
/// run prefix. Cleanup refuses anything else.
pub fn named_by_run(entry: &Entry) -> bool {
    carries_prefix(&entry.delete_request, &entry.run)
}

/// Whether the naming members of a delete request carry the run prefix `conf<run>-` in the
/// resource's own name (the last member: the policy of an identity, the template, ...).
pub fn carries_prefix(delete_request: &Value, run: &str) -> bool {
    let prefix = format!("conf{run}-");
    delete_request
        .as_object()
        .and_then(|obj| obj.values().last())
        .and_then(Value::as_str)
        .is_some_and(|name| name.contains(&prefix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(event: &str, name: &str) -> Entry {
        Entry {
            run: "abc123".into(),
            target: "t".into(),
            endpoint: "http://x".into(),
            real_aws: false,
            event: event.into(),
            kind: "email_template".into(),
            delete_operation: "DeleteEmailTemplate".into(),
            delete_request: json!({"TemplateName": name}),
        }
    }

    #[test]
    fn pending_is_created_minus_removed() {
        let entries = vec![
            entry("creating", "confabc123-a"),
            entry("creating", "confabc123-b"),
            entry("removed", "confabc123-a"),
        ];
        let p = pending(&entries);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].delete_request, json!({"TemplateName": "confabc123-b"}));
    }

    #[test]
    fn only_names_with_the_run_prefix_are_the_runs() {
        assert!(named_by_run(&entry("creating", "confabc123-x")));
        assert!(!named_by_run(&entry("creating", "confzzz999-x")));
        assert!(!named_by_run(&entry("creating", "production-template")));
        // A mailbox-simulator address the run labelled is the run's.
        assert!(named_by_run(&entry(
            "creating",
            "success+confabc123-tok@simulator.amazonses.com"
        )));
        let mut policy = entry("creating", "");
        policy.delete_request =
            json!({"EmailIdentity": "example.com", "PolicyName": "confabc123-p"});
        assert!(named_by_run(&policy));
    }

    #[test]
    fn ledger_lines_round_trip_through_a_file() {
        let dir = std::env::temp_dir().join(format!(
            "ses-conformance-ledger-test-{}",
            std::process::id()
        ));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("ledger.jsonl");
        let _ = std::fs::remove_file(&path);
        let ledger = Ledger::open(&path).unwrap_or_else(|e| panic!("{e}"));
        ledger
            .append(&entry("creating", "confabc123-a"))
            .unwrap_or_else(|e| panic!("{e}"));
        let back = read(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, vec![entry("creating", "confabc123-a")]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
