//! Reading a ledger back: it tolerates what a crash can leave (a torn last line) and reports,
//! rather than hides, anything else it cannot read; and it says what is still pending.

use std::path::Path;

use super::file::{io_error, LedgerEntry, LedgerError, Line, IDENTITY_KIND};

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
    pub entry: LedgerEntry,
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
            Line::Removed(_) | Line::NotCreated(_) | Line::Torn { .. } => finished,
        })
    }

    /// Skipped lines that were not torn by a crash: nobody knows what they recorded.
    pub fn malformed(&self) -> impl Iterator<Item = &LineWarning> {
        self.warnings
            .iter()
            .filter(|w| w.problem == LineProblem::Malformed)
    }

    /// The number of the last non-blank line, when that line was torn and not yet marked so.
    pub(super) fn unmarked_torn_tail(&self) -> Option<usize> {
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
            Err(error) => read.warnings.push(LineWarning {
                line: number,
                problem: if Some(number) == last {
                    LineProblem::Torn
                } else {
                    LineProblem::Malformed
                },
                detail: error.to_string(),
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

/// Why one line could not be read as a ledger line.
#[derive(Debug, thiserror::Error)]
enum LineError {
    #[error("not UTF-8: {0}")]
    NotUtf8(#[from] std::str::Utf8Error),
    #[error("{0}")]
    NotALine(#[from] serde_json::Error),
}

fn parse_line(text: &[u8]) -> Result<Line, LineError> {
    Ok(serde_json::from_str(std::str::from_utf8(text)?)?)
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

/// Resources still to be removed, in creation order, newest last: for each resource, every
/// `creating` line opens one create and every `not_created` line closes one (that create made
/// nothing); a `removed` line closes them all (a delete of that very name proved it gone). A
/// resource with a create still open is pending.
pub fn pending(lines: &[Numbered]) -> Pending {
    let mut open: Vec<Open> = Vec::new();
    // Each resource's place in `open`, by key: a long (or hostile) ledger is read in one pass.
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for numbered in lines {
        let Some(entry) = numbered.line.entry() else {
            continue;
        };
        let at = *index.entry(entry.key()).or_insert_with(|| {
            open.push(Open {
                line: numbered.number,
                entry: entry.clone(),
                creates: 0,
                proven: false,
            });
            open.len() - 1
        });
        let slot = &mut open[at];
        match &numbered.line {
            Line::Creating(_) => slot.creates += 1,
            // A proof without its `creating` line still proves the resource exists.
            Line::Proven(_) => {
                slot.proven = true;
                slot.creates = slot.creates.max(1);
            }
            Line::NotCreated(_) => slot.creates = slot.creates.saturating_sub(1),
            Line::Removed(_) => {
                slot.creates = 0;
                slot.proven = false;
            }
            Line::Finished | Line::Torn { .. } => {}
        }
    }
    let mut out = Pending::default();
    for o in open.into_iter().filter(|o| o.creates > 0) {
        let needs_proof = o.entry.kind == IDENTITY_KIND;
        let recorded = Recorded {
            line: o.line,
            entry: o.entry,
        };
        if needs_proof && !o.proven {
            out.unproven.push(recorded);
        } else {
            out.entries.push(recorded);
        }
    }
    out
}

/// One resource of a ledger as read so far: where it was first named, how many of its creates
/// are still open, and whether one was proven.
struct Open {
    line: usize,
    entry: LedgerEntry,
    creates: u32,
    proven: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::ledger::file::tests::{entry, identity, numbered, text_of};
    use serde_json::json;

    #[test]
    fn pending_is_created_minus_removed() {
        let lines = numbered(vec![
            Line::Creating(entry("scabcdef70wxyz-a")),
            Line::Creating(entry("scabcdef70wxyz-b")),
            Line::Removed(entry("scabcdef70wxyz-a")),
        ]);
        let p = pending(&lines);
        assert_eq!(p.entries.len(), 1);
        assert_eq!(p.entries[0].line, 2);
        assert_eq!(
            p.entries[0].entry.delete_request,
            json!({"TemplateName": "scabcdef70wxyz-b"})
        );
    }

    #[test]
    fn a_create_that_made_nothing_closes_its_own_line_only() {
        let a = || entry("scabcdef70wxyz-a");
        let lines = numbered(vec![
            Line::Creating(a()),
            Line::Creating(a()),
            Line::NotCreated(a()),
        ]);
        assert_eq!(pending(&lines).entries.len(), 1, "one create is still open");
        let lines = numbered(vec![
            Line::Creating(a()),
            Line::NotCreated(a()),
            Line::NotCreated(a()),
        ]);
        assert!(pending(&lines).is_empty());
        let lines = numbered(vec![
            Line::Creating(a()),
            Line::Creating(a()),
            Line::Removed(a()),
        ]);
        assert!(
            pending(&lines).is_empty(),
            "a delete that succeeded closes every create"
        );
        let lines = numbered(vec![
            Line::Creating(a()),
            Line::Removed(a()),
            Line::Creating(a()),
        ]);
        assert_eq!(
            pending(&lines).entries.len(),
            1,
            "made again after its removal"
        );
    }

    #[test]
    fn an_identity_is_pending_only_with_proof_and_reported_without() {
        let proven = "success+scabcdef70wxyz-aaaaaa@simulator.amazonses.com";
        let unproven = "success+scabcdef70wxyz-bbbbbb@simulator.amazonses.com";
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
        let address = "success+scabcdef70wxyz-aaaaaa@simulator.amazonses.com";
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
        let a = || entry("scabcdef70wxyz-a");
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
    fn a_torn_last_line_is_skipped_with_a_warning_and_the_rest_is_used() {
        let whole = text_of(&[
            Line::Creating(entry("scabcdef70wxyz-a")),
            Line::Creating(entry("scabcdef70wxyz-b")),
        ]);
        let third =
            serde_json::to_string(&Line::Creating(entry("scabcdef70wxyz-c"))).unwrap_or_default();
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
        let mut bytes = text_of(&[Line::Creating(entry("scabcdef70wxyz-a"))]).into_bytes();
        bytes.extend_from_slice(b"{\"event\":\"creating\",\"run\":\"\xc3");
        let read = parse(&bytes);
        assert_eq!(read.lines.len(), 1);
        assert_eq!(read.warnings[0].problem, LineProblem::Torn);
    }

    #[test]
    fn a_malformed_line_elsewhere_is_skipped_and_reported_as_such() {
        let text = format!(
            "{}garbage\n{}",
            text_of(&[Line::Creating(entry("scabcdef70wxyz-a"))]),
            text_of(&[Line::Creating(entry("scabcdef70wxyz-b"))])
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
}
