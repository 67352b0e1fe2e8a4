//! The JSON result file: one record per line, written as cases finish (in the run's planned
//! order), and read back by `report`.

use std::fs::File;
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::events::{ReportError, ReportEvent, Reporter};
use super::record::Record;

/// The `--json` reporter: creates the file when the run starts and writes each record as it
/// comes, so what finished is on disk whatever happens to the run.
pub struct JsonLines {
    path: PathBuf,
    out: Option<BufWriter<File>>,
}

impl JsonLines {
    /// A reporter writing to `path`.
    pub fn new(path: PathBuf) -> JsonLines {
        JsonLines { path, out: None }
    }

    fn error(&self) -> impl FnOnce(std::io::Error) -> ReportError + '_ {
        move |source| ReportError::Write {
            what: "--json",
            path: self.path.clone(),
            source,
        }
    }

    fn write(&mut self, record: &Record) -> std::io::Result<()> {
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
            ReportEvent::Started { .. } => {
                let file = File::create(&self.path).map_err(self.error())?;
                self.out = Some(BufWriter::new(file));
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
            ReportEvent::Done { .. } => {}
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), ReportError> {
        match self.out.take() {
            Some(out) => out
                .into_inner()
                .map(drop)
                .map_err(|e| self.error()(e.into_error())),
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

/// Read a result file written by `JsonLines` (or by any earlier version of `run --json`),
/// naming the file and line of anything unreadable.
pub fn read(path: &Path) -> Result<Vec<Record>, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io)?;
        if line.trim().is_empty() {
            continue;
        }
        let record = serde_json::from_str(&line).map_err(|source| ReadError::Parse {
            path: path.to_path_buf(),
            line: i + 1,
            source,
        })?;
        out.push(record);
    }
    Ok(out)
}
