//! The ledger file: one JSON object per line, each appended and synced before the call it
//! announces. Reading it back tolerates what a crash can leave (a torn last line) and reports,
//! rather than hides, anything else it cannot read.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The resource kind whose entries need a `proven` line before cleanup may touch them.
pub const IDENTITY_KIND: &str = "identity";

/// A resource the harness is about to create, has proven it created, or removed.
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
    /// The resource kind (a key of `specs/resources.json`).
    pub kind: String,
    /// The operation that deletes it.
    pub delete_operation: String,
    /// Its delete request, with real (bound) names.
    pub delete_request: Value,
}

impl Entry {
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
    Creating(Entry),
    /// The create answered 200, so the resource exists. Identities need this line: the harness
    /// only deletes an identity it has proof of creating.
    Proven(Entry),
    /// The resource is gone (deleted, or the target says it does not exist).
    Removed(Entry),
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
    pub fn of(event: ResourceEvent, entry: Entry) -> Line {
        match event {
            ResourceEvent::Creating => Line::Creating(entry),
            ResourceEvent::Proven => Line::Proven(entry),
            ResourceEvent::Removed => Line::Removed(entry),
        }
    }

    /// The resource this line is about, if it is about one.
    pub fn entry(&self) -> Option<&Entry> {
        match self {
            Line::Creating(e) | Line::Proven(e) | Line::Removed(e) => Some(e),
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
}

/// A resource event name that is not `creating`, `proven` or `removed`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown ledger event {0:?} (expected creating, proven or removed)")]
pub struct UnknownEvent(pub String);

impl FromStr for ResourceEvent {
    type Err = UnknownEvent;

    fn from_str(name: &str) -> Result<ResourceEvent, UnknownEvent> {
        match name {
            "creating" => Ok(ResourceEvent::Creating),
            "proven" => Ok(ResourceEvent::Proven),
            "removed" => Ok(ResourceEvent::Removed),
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
    #[error("run id {0:?} is not 6 lowercase ASCII letters or digits")]
    RunId(String),
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> LedgerError + '_ {
    move |source| LedgerError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A line of the file that was read as a ledger line, with its 1-based number.
#[derive(Debug, Clone, PartialEq)]
pub struct Numbered {
    /// The 1-based line number.
    pub number: usize,
    /// What it says.
    pub line: Line,
}

/// A resource entry with the number of the line that recorded it.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// The 1-based line number.
    pub line: usize,
    /// The entry.
    pub entry: Entry,
}

/// What kind of unreadable line a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineProblem {
    /// The last line (or one a `torn` line names): a write cut short by a crash. The call it
    /// announced never happened, so skipping it loses nothing.
    Torn,
    /// Any other line: someone has to look at it.
    Malformed,
}

/// A line that was skipped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", describe_warning(*.line, *.problem, .detail))]
pub struct LineWarning {
    /// The 1-based line number.
    pub line: usize,
    /// Torn or malformed.
    pub problem: LineProblem,
    /// Why it could not be read.
    pub detail: String,
}

fn describe_warning(line: usize, problem: LineProblem, detail: &str) -> String {
    match problem {
        LineProblem::Torn => format!("line {line} was torn by a crash and is skipped ({detail})"),
        LineProblem::Malformed => {
            format!("line {line} could not be read; check it by hand ({detail})")
        }
    }
}

/// A ledger as read: the lines that parsed, and a warning for each that did not.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadLedger {
    /// The readable lines, in file order.
    pub lines: Vec<Numbered>,
    /// The skipped lines.
    pub warnings: Vec<LineWarning>,
}

impl ReadLedger {
    /// What is still to be removed.
    pub fn pending(&self) -> Pending {
        pending(&self.lines)
    }

    /// Whether a `finished` line follows the last resource that was created.
    pub fn is_finished(&self) -> bool {
        self.lines.iter().fold(false, |finished, n| match n.line {
            Line::Finished => true,
            Line::Creating(_) | Line::Proven(_) => false,
            Line::Removed(_) | Line::Torn { .. } => finished,
        })
    }

    /// Skipped lines that were not torn by a crash: nobody knows what they recorded.
    pub fn malformed(&self) -> impl Iterator<Item = &LineWarning> {
        self.warnings
            .iter()
            .filter(|w| w.problem == LineProblem::Malformed)
    }

    /// The number of the last non-blank line, when that line was torn and not yet marked so.
    fn unmarked_torn_tail(&self) -> Option<usize> {
        let last_torn = self
            .warnings
            .iter()
            .rfind(|w| w.problem == LineProblem::Torn)?
            .line;
        let marked = self
            .lines
            .iter()
            .any(|n| n.line == Line::Torn { line: last_torn });
        let later_line = self.lines.iter().any(|n| n.number > last_torn);
        (!marked && !later_line).then_some(last_torn)
    }
}

/// Parse the bytes of a ledger file. Never fails: every line that does not parse becomes a
/// warning, torn when it is the last line or a `torn` line names it, malformed otherwise.
pub fn parse(bytes: &[u8]) -> ReadLedger {
    let raw: Vec<(usize, &[u8])> = bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace))
        .collect();
    let last = raw.last().map(|(n, _)| *n);
    let mut read = ReadLedger::default();
    for (number, text) in raw {
        match parse_line(text) {
            Ok(line) => read.lines.push(Numbered { number, line }),
            Err(detail) => read.warnings.push(LineWarning {
                line: number,
                problem: if Some(number) == last {
                    LineProblem::Torn
                } else {
                    LineProblem::Malformed
                },
                detail,
            }),
        }
    }
    let marked: Vec<usize> = read
        .lines
        .iter()
        .filter_map(|n| match n.line {
            Line::Torn { line } => Some(line),
            _ => None,
        })
        .collect();
    for warning in &mut read.warnings {
        if marked.contains(&warning.line) {
            warning.problem = LineProblem::Torn;
        }
    }
    read
}

fn parse_line(text: &[u8]) -> Result<Line, String> {
    let text = std::str::from_utf8(text).map_err(|e| format!("not UTF-8: {e}"))?;
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// Every line of a ledger file. Fails only when the file cannot be read at all.
pub fn read(path: &Path) -> Result<ReadLedger, LedgerError> {
    std::fs::read(path)
        .map(|b| parse(&b))
        .map_err(io_error(path))
}

/// What a ledger still holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pending {
    /// Resources recorded as created and never as removed, oldest first; identities only with
    /// a `proven` line.
    pub entries: Vec<Recorded>,
    /// Identities recorded as `creating` with no `proven` (and no `removed`) line: there is no
    /// proof they were created, so cleanup leaves them alone and says so.
    pub unproven: Vec<Recorded>,
}

impl Pending {
    /// Whether nothing is left to remove.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Resources recorded as `creating` and never as `removed`, in creation order, newest last.
pub fn pending(lines: &[Numbered]) -> Pending {
    // (first line about it, its entry, whether a `proven` line was seen)
    let mut open: Vec<(usize, Entry, bool)> = Vec::new();
    for numbered in lines {
        let Some(entry) = numbered.line.entry() else {
            continue;
        };
        let key = entry.key();
        let at = open.iter().position(|(_, e, _)| e.key() == key);
        match (&numbered.line, at) {
            (Line::Creating(_), None) => open.push((numbered.number, entry.clone(), false)),
            (Line::Proven(_), Some(i)) => open[i].2 = true,
            // A proof without its `creating` line still proves the resource exists.
            (Line::Proven(_), None) => open.push((numbered.number, entry.clone(), true)),
            (Line::Removed(_), Some(i)) => {
                open.remove(i);
            }
            _ => {}
        }
    }
    let mut out = Pending::default();
    for (line, entry, proven) in open {
        let needs_proof = entry.kind == IDENTITY_KIND;
        let recorded = Recorded { line, entry };
        if needs_proof && !proven {
            out.unproven.push(recorded);
        } else {
            out.entries.push(recorded);
        }
    }
    out
}

/// An open ledger.
pub struct Ledger {
    path: PathBuf,
    file: Mutex<File>,
}

impl Ledger {
    /// Open (append to) a ledger file, creating it and its directories if missing. A new file
    /// and new directories are made durable by syncing their parent directories; a torn last
    /// line is marked before anything is appended after it.
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        let dir = parent_dir(path);
        create_dir_durably(dir).map_err(io_error(dir))?;
        let (file, created) = open_or_create(path).map_err(io_error(path))?;
        if created {
            sync_dir(dir).map_err(io_error(dir))?;
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

/// The directory a file lives in (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Open for appending; `true` when this call created the file.
fn open_or_create(path: &Path) -> std::io::Result<(File, bool)> {
    match OpenOptions::new().append(true).create_new(true).open(path) {
        Ok(file) => Ok((file, true)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => OpenOptions::new()
            .append(true)
            .open(path)
            .map(|f| (f, false)),
        Err(e) => Err(e),
    }
}

/// Create `dir` and its missing ancestors, syncing the parent of each one created so the new
/// entries survive a crash.
fn create_dir_durably(dir: &Path) -> std::io::Result<()> {
    let missing: Vec<&Path> = dir.ancestors().take_while(|d| !d.exists()).collect();
    if missing.is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    for created in missing.iter().rev() {
        sync_dir(parent_dir(created))?;
    }
    Ok(())
}

/// Sync a directory, so that a file just created in it is found after a crash.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Other platforms cannot open a directory to sync it; creating the file is all we can do.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(name: &str) -> Entry {
        Entry {
            run: "abc123".into(),
            target: "t".into(),
            endpoint: "http://x".into(),
            real_aws: false,
            kind: "email_template".into(),
            delete_operation: "DeleteEmailTemplate".into(),
            delete_request: json!({"TemplateName": name}),
        }
    }

    fn identity(address: &str) -> Entry {
        Entry {
            kind: IDENTITY_KIND.into(),
            delete_operation: "DeleteEmailIdentity".into(),
            delete_request: json!({ "EmailIdentity": address }),
            ..entry("")
        }
    }

    fn numbered(lines: Vec<Line>) -> Vec<Numbered> {
        lines
            .into_iter()
            .enumerate()
            .map(|(i, line)| Numbered {
                number: i + 1,
                line,
            })
            .collect()
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "ses-conformance-ledger-{name}-{}-{}",
            std::process::id(),
            crate::case::new_run_id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn text_of(lines: &[Line]) -> String {
        lines
            .iter()
            .map(|l| serde_json::to_string(l).unwrap_or_default() + "\n")
            .collect()
    }

    #[test]
    fn pending_is_created_minus_removed() {
        let lines = numbered(vec![
            Line::Creating(entry("confabc123-a")),
            Line::Creating(entry("confabc123-b")),
            Line::Removed(entry("confabc123-a")),
        ]);
        let p = pending(&lines);
        assert_eq!(p.entries.len(), 1);
        assert_eq!(p.entries[0].line, 2);
        assert_eq!(
            p.entries[0].entry.delete_request,
            json!({"TemplateName": "confabc123-b"})
        );
    }

    #[test]
    fn an_identity_is_pending_only_with_proof_and_reported_without() {
        let proven = "success+confabc123-aaaaaa@simulator.amazonses.com";
        let unproven = "success+confabc123-bbbbbb@simulator.amazonses.com";
        let lines = numbered(vec![
            Line::Creating(identity(proven)),
            Line::Creating(identity(unproven)),
            Line::Proven(identity(proven)),
        ]);
        let p = pending(&lines);
        assert_eq!(p.entries.len(), 1);
        assert_eq!(
            p.entries[0].entry.delete_request["EmailIdentity"],
            json!(proven)
        );
        assert_eq!(p.unproven.len(), 1);
        assert_eq!(p.unproven[0].line, 2);
    }

    #[test]
    fn a_removed_identity_is_neither_pending_nor_unproven() {
        let address = "success+confabc123-aaaaaa@simulator.amazonses.com";
        let lines = numbered(vec![
            Line::Creating(identity(address)),
            Line::Removed(identity(address)),
        ]);
        assert_eq!(pending(&lines), Pending::default());
    }

    #[test]
    fn finished_means_a_finished_line_after_the_last_creation() {
        let read = |lines: Vec<Line>| ReadLedger {
            lines: numbered(lines),
            warnings: Vec::new(),
        };
        let a = || entry("confabc123-a");
        assert!(!read(vec![Line::Creating(a())]).is_finished());
        assert!(read(vec![
            Line::Creating(a()),
            Line::Removed(a()),
            Line::Finished
        ])
        .is_finished());
        assert!(!read(vec![Line::Finished, Line::Creating(a())]).is_finished());
        assert!(read(vec![Line::Finished, Line::Removed(a())]).is_finished());
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
        let line = Line::Creating(entry("confabc123-a"));
        let text = serde_json::to_string(&line).unwrap_or_default();
        assert!(
            text.starts_with(r#"{"event":"creating","run":"abc123""#),
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
        let old = r#"{"run":"abc123","target":"t","endpoint":"http://x","real_aws":false,"event":"removed","kind":"email_template","delete_operation":"DeleteEmailTemplate","delete_request":{"TemplateName":"confabc123-a"}}"#;
        assert_eq!(
            serde_json::from_str::<Line>(old).ok(),
            Some(Line::Removed(entry("confabc123-a")))
        );
    }

    #[test]
    fn a_torn_last_line_is_skipped_with_a_warning_and_the_rest_is_used() {
        let whole = text_of(&[
            Line::Creating(entry("confabc123-a")),
            Line::Creating(entry("confabc123-b")),
        ]);
        let third =
            serde_json::to_string(&Line::Creating(entry("confabc123-c"))).unwrap_or_default();
        let torn = format!("{whole}{}", &third[..third.len() / 2]);
        let read = parse(torn.as_bytes());
        assert_eq!(read.lines.len(), 2);
        assert_eq!(read.pending().entries.len(), 2);
        assert_eq!(read.warnings.len(), 1);
        assert_eq!(read.warnings[0].line, 3);
        assert_eq!(read.warnings[0].problem, LineProblem::Torn);
        assert_eq!(read.malformed().count(), 0);
        // With its newline (the write got that far) it is still the torn last line.
        let read = parse(format!("{torn}\n").as_bytes());
        assert_eq!(read.warnings[0].problem, LineProblem::Torn);
    }

    #[test]
    fn a_torn_line_cut_inside_a_utf8_character_is_still_torn() {
        let mut bytes = text_of(&[Line::Creating(entry("confabc123-a"))]).into_bytes();
        bytes.extend_from_slice(b"{\"event\":\"creating\",\"run\":\"\xc3");
        let read = parse(&bytes);
        assert_eq!(read.lines.len(), 1);
        assert_eq!(read.warnings[0].problem, LineProblem::Torn);
    }

    #[test]
    fn a_malformed_line_elsewhere_is_skipped_and_reported_as_such() {
        let text = format!(
            "{}garbage\n{}",
            text_of(&[Line::Creating(entry("confabc123-a"))]),
            text_of(&[Line::Creating(entry("confabc123-b"))])
        );
        let read = parse(text.as_bytes());
        assert_eq!(read.lines.len(), 2);
        let malformed: Vec<&LineWarning> = read.malformed().collect();
        assert_eq!(malformed.len(), 1);
        assert_eq!(malformed[0].line, 2);
        assert!(malformed[0]
            .to_string()
            .contains("line 2 could not be read; check it by hand"));
    }

    #[test]
    fn a_line_with_an_unknown_event_is_malformed_not_ignored() {
        let text = format!(
            "{{\"event\":\"creatin\",\"run\":\"abc123\"}}\n{}",
            text_of(&[Line::Finished])
        );
        let read = parse(text.as_bytes());
        assert_eq!(read.malformed().count(), 1);
    }

    #[test]
    fn ledger_lines_round_trip_through_a_file() {
        let dir = temp_dir("round-trip");
        let path = dir.join("ledger.jsonl");
        let ledger = Ledger::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let lines = vec![
            Line::Creating(entry("confabc123-a")),
            Line::Proven(identity("success+confabc123-a@simulator.amazonses.com")),
            Line::Removed(entry("confabc123-a")),
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
    fn opening_creates_missing_directories_and_syncs_them() {
        let dir = temp_dir("fsync");
        let path = dir.join("state").join("ledgers").join("abc123.jsonl");
        let ledger = Ledger::open(&path).unwrap_or_else(|e| panic!("{e}"));
        ledger.finish().unwrap_or_else(|e| panic!("{e}"));
        assert!(path.is_file());
        // The directory sync itself, on a directory and on one that does not exist.
        assert!(sync_dir(&dir).is_ok());
        #[cfg(unix)]
        assert!(sync_dir(&dir.join("missing")).is_err());
        // A bare file name lives in the current directory.
        assert_eq!(parent_dir(Path::new("x.jsonl")), Path::new("."));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn reopening_after_a_torn_line_marks_it_so_it_stays_torn() {
        let dir = temp_dir("torn-reopen");
        let path = dir.join("ledger.jsonl");
        let ledger = Ledger::open(&path).unwrap_or_else(|e| panic!("{e}"));
        ledger
            .append(&Line::Creating(entry("confabc123-a")))
            .unwrap_or_else(|e| panic!("{e}"));
        drop(ledger);
        let mut file = OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("{e}"));
        file.write_all(br#"{"event":"creating","ru"#)
            .unwrap_or_else(|e| panic!("{e}"));
        drop(file);
        let ledger = Ledger::open(&path).unwrap_or_else(|e| panic!("{e}"));
        ledger
            .append(&Line::Removed(entry("confabc123-a")))
            .unwrap_or_else(|e| panic!("{e}"));
        let back = read(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.warnings.len(), 1, "{back:?}");
        assert_eq!(back.warnings[0].line, 2);
        assert_eq!(back.warnings[0].problem, LineProblem::Torn);
        assert!(back.pending().is_empty());
        // Opening again adds no second marker.
        drop(Ledger::open(&path));
        let again = read(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.lines.len(), back.lines.len());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
