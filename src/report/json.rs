//! The JSON result file: one record per line, written as cases finish (in the run's planned
//! order), then (for `run`) one line `{"target": ..., "coverage": ...}` with the run's
//! constraint coverage; read back by `report`.

use std::fs::File;
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::coverage::Coverage;
use super::events::{ReportError, ReportEvent, Reporter};
use super::record::Record;

/// The last line of a result file: the constraint coverage of the run's cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageLine {
    /// The target.
    pub target: String,
    /// Per constraint, the requests that reached it.
    pub coverage: Coverage,
}

/// What a result file holds.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// One per case (or per finding, from `explore`).
    pub records: Vec<Record>,
    /// The coverage lines, when the command counted coverage.
    pub coverage: Vec<CoverageLine>,
}

/// The `--json` reporter: creates the file when the run starts and writes each record as it
/// comes, so what finished is on disk whatever happens to the run.
pub struct JsonLines {
    path: PathBuf,
    out: Option<Box<dyn Write + Send>>,
    target: String,
}

impl JsonLines {
    /// A reporter writing to `path`.
    pub fn new(path: PathBuf) -> JsonLines {
        JsonLines {
            path,
            out: None,
            target: String::new(),
        }
    }

    fn error(&self) -> impl FnOnce(std::io::Error) -> ReportError + '_ {
        move |source| ReportError::Write {
            what: "--json",
            path: self.path.clone(),
            source,
        }
    }

    fn write(&mut self, record: &impl Serialize) -> std::io::Result<()> {
        let Some(out) = &mut self.out else {
            return Ok(());
        };
        serde_json::to_writer(&mut *out, record)?;
        writeln!(out)?;
        out.flush()
    }
}

impl Reporter for JsonLines {
    fn on_event(&mut self, event: &ReportEvent<'_>) -> Result<(), ReportError> {
        match event {
            ReportEvent::Started { target, .. } => {
                self.out = Some(if crate::output::is_stdout(&self.path) {
                    // Buffered, so that records reach stdout in few writes (one per record
                    // unless a record is longer than the buffer); stdout carries nothing else.
                    Box::new(BufWriter::new(crate::output::DataStdout))
                } else {
                    let file = File::create(&self.path).map_err(self.error())?;
                    Box::new(BufWriter::new(file))
                });
                self.target = target.to_string();
            }
            ReportEvent::Finished(finished) => {
                if let Err(e) = self.write(&finished.record) {
                    return Err(self.error()(e));
                }
            }
            ReportEvent::Sequence { record, .. } => {
                if let Err(e) = self.write(record) {
                    return Err(self.error()(e));
                }
            }
            ReportEvent::Done {
                coverage: Some(coverage),
                ..
            } => {
                let line = CoverageLine {
                    target: self.target.clone(),
                    coverage: (*coverage).clone(),
                };
                if let Err(e) = self.write(&line) {
                    return Err(self.error()(e));
                }
            }
            ReportEvent::Done { coverage: None, .. } => {}
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), ReportError> {
        match self.out.take() {
            Some(mut out) => out.flush().map_err(self.error()),
            None => Ok(()),
        }
    }
}

/// Why a result file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A line is not a record.
    #[error("{path}: line {line}: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The 1-based line number.
        line: usize,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
}

/// Read the records of a result file written by `JsonLines` (or by any earlier version of
/// `run --json`), naming the file and line of anything unreadable; coverage lines are skipped.
pub fn read(path: &Path) -> Result<Vec<Record>, ReadError> {
    read_results(path).map(|results| results.records)
}

/// Read a result file: its records and its coverage lines.
pub fn read_results(path: &Path) -> Result<Results, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let mut out = Results::default();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io)?;
        if line.trim().is_empty() {
            continue;
        }
        let parse_error = |source| ReadError::Parse {
            path: path.to_path_buf(),
            line: i + 1,
            source,
        };
        if is_coverage_line(&line) {
            out.coverage
                .push(serde_json::from_str(&line).map_err(parse_error)?);
        } else {
            out.records
                .push(serde_json::from_str(&line).map_err(parse_error)?);
        }
    }
    Ok(out)
}

/// Whether a line is the coverage line: an object with `coverage` and no `id` (every record
/// has an id).
fn is_coverage_line(line: &str) -> bool {
    #[derive(Deserialize)]
    struct Keys {
        id: Option<serde::de::IgnoredAny>,
        coverage: Option<serde::de::IgnoredAny>,
    }
    serde_json::from_str::<Keys>(line)
        .is_ok_and(|keys| keys.coverage.is_some() && keys.id.is_none())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::coverage::{ConstraintCoverage, Tally};

    #[test]
    fn the_coverage_line_reads_back_apart_from_the_records() {
        let path = std::env::temp_dir().join(format!(
            "ses-conformance-json-{}.jsonl",
            crate::case::new_run_id()
        ));
        let record = r#"{"id":"get_account::valid::minimal::0","operation":"GetAccount","kind":"valid","constraint":"request","expect":"accept","observed":{"status":200,"error_type":null,"message":null},"verdict":"conforms","class":null,"target":"reference","millis":3}"#;
        let line = CoverageLine {
            target: "reference".into(),
            coverage: Coverage {
                constraints: vec![ConstraintCoverage {
                    operation: "ListEmailTemplates".into(),
                    constraint: "PageSize.range".into(),
                    valid: Tally {
                        sent: 2,
                        as_expected: 2,
                    },
                    invalid: Tally::default(),
                    unreached: None,
                }],
            },
        };
        let text = format!(
            "{record}\n{}\n",
            serde_json::to_string(&line).unwrap_or_default()
        );
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        let results = read_results(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(results.records.len(), 1);
        assert_eq!(results.coverage, vec![line]);
        assert_eq!(read(&path).map(|r| r.len()).ok(), Some(1));
        let _ = std::fs::remove_file(path);
    }
}
