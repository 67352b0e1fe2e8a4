//! The ledger file: one JSON object per line, each appended and synced before the call it
//! announces. Reading it back is `read.rs`. A ledger is private state (`crate::state`: 0600, never
//! written through a link), and whoever writes to it holds its lock: a live run keeps it until
//! it has closed the ledger, so a `cleanup` meanwhile leaves it alone.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::read::parse;

/// The resource kind whose entries need a `proven` line before cleanup may touch them.
pub const IDENTITY_KIND: &str = "identity";

/// A resource the harness is about to create, has proven it created, or removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// The run id.
    pub run: String,
    /// The target name.
    pub target: String,
    /// The endpoint URL, or `aws:<region>` for real SES.
    pub endpoint: String,
    /// Whether the target is real SES.
    pub real_aws: bool,
    /// The resource kind (a key of `specs/resources.json`).
    pub kind: String,
    /// The operation that deletes it.
    pub delete_operation: String,
    /// Its delete request, with real (bound) names.
    pub delete_request: Value,
}

impl LedgerEntry {
    /// A key identifying the resource across its `creating`, `proven` and `removed` lines:
    /// every member, so that lines differing in anything are about different resources.
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}|{}|{}",
            self.run,
            self.target,
            self.endpoint,
            self.real_aws,
            self.kind,
            self.delete_operation,
            self.delete_request
        )
    }
}

/// One line of the ledger, tagged by its `event` member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "lowercase")]
pub enum Line {
    /// Written (and synced) before the call that creates the resource.
    Creating(LedgerEntry),
    /// The create answered 200, so the resource exists. Identities need this line: the harness
    /// only deletes an identity it has proof of creating.
    Proven(LedgerEntry),
    /// The resource is gone: a delete of that very name answered that it is (deleted now, or
    /// not found). Whatever `creating` lines it has are closed.
    Removed(LedgerEntry),
    /// One create announced by a `creating` line of this resource made nothing: it never left,
    /// or the target refused it (a 4xx; `AlreadyExists` too, since that create made nothing,
    /// whoever made what exists). It closes that one line, never another: if something else of
    /// the run made the resource, it stays pending until a delete proves it gone.
    #[serde(rename = "not_created")]
    NotCreated(LedgerEntry),
    /// Nothing in the ledger was pending when this line was written.
    Finished,
    /// Line `line` was torn by a crash; written before anything else is appended after it, so
    /// the torn line is still recognised once it is no longer the last.
    Torn {
        /// The 1-based number of the torn line.
        line: usize,
    },
}

impl Line {
    /// The line of a resource event.
    pub fn of(event: ResourceEvent, entry: LedgerEntry) -> Line {
        match event {
            ResourceEvent::Creating => Line::Creating(entry),
            ResourceEvent::Proven => Line::Proven(entry),
            ResourceEvent::Removed => Line::Removed(entry),
            ResourceEvent::NotCreated => Line::NotCreated(entry),
        }
    }

    /// The resource this line is about, if it is about one.
    pub fn entry(&self) -> Option<&LedgerEntry> {
        match self {
            Line::Creating(e) | Line::Proven(e) | Line::Removed(e) | Line::NotCreated(e) => Some(e),
            Line::Finished | Line::Torn { .. } => None,
        }
    }
}

/// The events a line about a resource can record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceEvent {
    /// `creating`.
    Creating,
    /// `proven`.
    Proven,
    /// `removed`.
    Removed,
    /// `not_created`.
    NotCreated,
}

/// A resource event name that is not `creating`, `proven` or `removed`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown ledger event {0:?} (expected creating, proven, removed or not_created)")]
pub struct UnknownEvent(pub String);

impl FromStr for ResourceEvent {
    type Err = UnknownEvent;

    fn from_str(name: &str) -> Result<ResourceEvent, UnknownEvent> {
        match name {
            "creating" => Ok(ResourceEvent::Creating),
            "proven" => Ok(ResourceEvent::Proven),
            "removed" => Ok(ResourceEvent::Removed),
            "not_created" => Ok(ResourceEvent::NotCreated),
            other => Err(UnknownEvent(other.to_string())),
        }
    }
}

/// Why the ledger could not be used.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The file (or its directory) could not be opened, written, synced or read.
    #[error("ledger {path}: {source}")]
    Io {
        /// The ledger file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A line could not be encoded as JSON.
    #[error("ledger {path}: cannot encode a line: {source}")]
    Encode {
        /// The ledger file.
        path: PathBuf,
        /// The encoding error.
        #[source]
        source: serde_json::Error,
    },
    /// No state directory to keep ledgers in.
    #[error("no state directory for ledgers: set XDG_STATE_HOME or HOME, or pass --ledger PATH")]
    NoStateDir,
    /// A run id that cannot name a ledger file.
    #[error("run id {0:?} is not a run id (six letters, two check digits, four letters)")]
    RunId(String),
    /// The file is private state that could not be used as such (a link, a permission).
    #[error("ledger: {0}")]
    State(#[from] crate::state::StateError),
    /// Another process holds the ledger's lock: a live run (or a cleanup) is writing it.
    #[error("ledger {path} is held by a live run (or another cleanup): it removes what it made itself; leaving it alone")]
    InUse {
        /// The ledger file.
        path: PathBuf,
    },
}

pub(super) fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> LedgerError + '_ {
    move |source| LedgerError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// An open ledger, locked for as long as it is open.
pub struct Ledger {
    path: PathBuf,
    file: Mutex<File>,
}

impl Ledger {
    /// Open (append to) a ledger file, creating it (0600) and its directories (0700) if missing,
    /// durably, and take its lock; a ledger another process holds is [`LedgerError::InUse`]. A
    /// torn last line is marked before anything is appended after it.
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        let (file, created) = crate::state::open_private_append(path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(LedgerError::InUse {
                    path: path.to_path_buf(),
                })
            }
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(LedgerError::Io {
                    path: path.to_path_buf(),
                    source,
                })
            }
        }
        let ledger = Ledger {
            path: path.to_path_buf(),
            file: Mutex::new(file),
        };
        if !created {
            ledger.mark_torn_tail()?;
        }
        Ok(ledger)
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one line and sync it to disk before returning.
    pub fn append(&self, line: &Line) -> Result<(), LedgerError> {
        let mut text = serde_json::to_string(line).map_err(|source| LedgerError::Encode {
            path: self.path.clone(),
            source,
        })?;
        text.push('\n');
        self.write_synced(text.as_bytes())
    }

    /// Record that nothing in the ledger is pending any more.
    pub fn finish(&self) -> Result<(), LedgerError> {
        self.append(&Line::Finished)
    }

    fn write_synced(&self, bytes: &[u8]) -> Result<(), LedgerError> {
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        // One write per line: with O_APPEND, concurrent lines do not interleave.
        file.write_all(bytes).map_err(io_error(&self.path))?;
        file.sync_data().map_err(io_error(&self.path))
    }

    /// A crash can cut the last line short. Lines appended after it would make it look like
    /// corruption in the middle of the file, so end it and name it in a `torn` line first.
    fn mark_torn_tail(&self) -> Result<(), LedgerError> {
        let bytes = std::fs::read(&self.path).map_err(io_error(&self.path))?;
        let Some(line) = parse(&bytes).unmarked_torn_tail() else {
            return Ok(());
        };
        let marker =
            serde_json::to_string(&Line::Torn { line }).map_err(|source| LedgerError::Encode {
                path: self.path.clone(),
                source,
            })?;
        let newline = if bytes.ends_with(b"\n") { "" } else { "\n" };
        self.write_synced(format!("{newline}{marker}\n").as_bytes())
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::run::ledger::read::{read, LineProblem, Numbered};
    use serde_json::json;

    pub(crate) fn entry(name: &str) -> LedgerEntry {
        LedgerEntry {
            run: "abcdef70wxyz".into(),
            target: "t".into(),
            endpoint: "http://x".into(),
            real_aws: false,
            kind: "email_template".into(),
            delete_operation: "DeleteEmailTemplate".into(),
            delete_request: json!({"TemplateName": name}),
        }
    }

    pub(crate) fn identity(address: &str) -> LedgerEntry {
        LedgerEntry {
            kind: IDENTITY_KIND.into(),
            delete_operation: "DeleteEmailIdentity".into(),
            delete_request: json!({ "EmailIdentity": address }),
            ..entry("")
        }
    }

    pub(crate) fn numbered(lines: Vec<Line>) -> Vec<Numbered> {
        lines
            .into_iter()
            .enumerate()
            .map(|(i, line)| Numbered {
                number: i + 1,
                line,
            })
            .collect()
    }

    pub(crate) fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "ses-conformance-ledger-{name}-{}-{}",
            std::process::id(),
            crate::case::new_run_id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    pub(crate) fn text_of(lines: &[Line]) -> String {
        lines
            .iter()
            .map(|l| serde_json::to_string(l).unwrap_or_default() + "\n")
            .collect()
    }

    #[test]
    fn resource_event_names_parse_and_others_are_refused() {
        assert_eq!("creating".parse(), Ok(ResourceEvent::Creating));
        assert_eq!("proven".parse(), Ok(ResourceEvent::Proven));
        assert_eq!("removed".parse(), Ok(ResourceEvent::Removed));
        assert_eq!(
            "finished".parse::<ResourceEvent>(),
            Err(UnknownEvent("finished".into()))
        );
    }

    #[test]
    fn the_line_format_is_tagged_by_event() {
        let line = Line::Creating(entry("scabcdef70wxyz-a"));
        let text = serde_json::to_string(&line).unwrap_or_default();
        assert!(
            text.starts_with(r#"{"event":"creating","run":"abcdef70wxyz""#),
            "{text}"
        );
        assert_eq!(
            serde_json::to_string(&Line::Finished).unwrap_or_default(),
            r#"{"event":"finished"}"#
        );
        assert_eq!(
            serde_json::to_string(&Line::Torn { line: 3 }).unwrap_or_default(),
            r#"{"event":"torn","line":3}"#
        );
        // Ledgers written before the line type (event in the middle) still read.
        let old = r#"{"run":"abcdef70wxyz","target":"t","endpoint":"http://x","real_aws":false,"event":"removed","kind":"email_template","delete_operation":"DeleteEmailTemplate","delete_request":{"TemplateName":"scabcdef70wxyz-a"}}"#;
        assert_eq!(
            serde_json::from_str::<Line>(old).ok(),
            Some(Line::Removed(entry("scabcdef70wxyz-a")))
        );
    }

    #[test]
    fn ledger_lines_round_trip_through_a_file() {
        let dir = temp_dir("round-trip");
        let path = dir.join("ledger.jsonl");
        let ledger = Ledger::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let lines = vec![
            Line::Creating(entry("scabcdef70wxyz-a")),
            Line::Proven(identity("success+scabcdef70wxyz-a@simulator.amazonses.com")),
            Line::Removed(entry("scabcdef70wxyz-a")),
        ];
        for line in &lines {
            ledger.append(line).unwrap_or_else(|e| panic!("{e}"));
        }
        ledger.finish().unwrap_or_else(|e| panic!("{e}"));
        let back = read(&path).unwrap_or_else(|e| panic!("{e}"));
        let mut expected = lines;
        expected.push(Line::Finished);
        assert_eq!(
            back.lines.into_iter().map(|n| n.line).collect::<Vec<_>>(),
            expected
        );
        assert!(back.warnings.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn opening_creates_missing_directories() {
        let dir = temp_dir("fsync");
        let path = dir.join("state").join("ledgers").join("abc123.jsonl");
        let ledger = Ledger::open(&path).unwrap_or_else(|e| panic!("{e}"));
        ledger.finish().unwrap_or_else(|e| panic!("{e}"));
        assert!(path.is_file());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_open_ledger_is_held_until_it_is_closed() {
        let dir = temp_dir("lock");
        let path = dir.join("ledger.jsonl");
        let held = Ledger::open(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            Ledger::open(&path),
            Err(LedgerError::InUse { .. })
        ));
        drop(held);
        assert!(Ledger::open(&path).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn reopening_after_a_torn_line_marks_it_so_it_stays_torn() {
        let dir = temp_dir("torn-reopen");
        let path = dir.join("ledger.jsonl");
        let ledger = Ledger::open(&path).unwrap_or_else(|e| panic!("{e}"));
        ledger
            .append(&Line::Creating(entry("scabcdef70wxyz-a")))
            .unwrap_or_else(|e| panic!("{e}"));
        drop(ledger);
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("{e}"));
        file.write_all(br#"{"event":"creating","ru"#)
            .unwrap_or_else(|e| panic!("{e}"));
        drop(file);
        let ledger = Ledger::open(&path).unwrap_or_else(|e| panic!("{e}"));
        ledger
            .append(&Line::Removed(entry("scabcdef70wxyz-a")))
            .unwrap_or_else(|e| panic!("{e}"));
        let back = read(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.warnings.len(), 1, "{back:?}");
        assert_eq!(back.warnings[0].line, 2);
        assert_eq!(back.warnings[0].problem, LineProblem::Torn);
        assert!(back.pending().is_empty());
        // Opening again adds no second marker.
        drop(ledger);
        drop(Ledger::open(&path));
        let again = read(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.lines.len(), back.lines.len());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
