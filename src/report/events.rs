//! What reporters read, and the one trait they implement.
//!
//! The runner emits `run::Event`s in the order cases finish. `Reporters` (see `dispatch`) makes
//! each finished case's record once, hands live reporters (the progress display) every event as
//! it comes, and the others each finished case in the run's planned order, as soon as every case
//! planned before it has finished: so a results file is written while the run goes and still
//! lists cases in the order the console shows them.

use std::path::PathBuf;

use super::coverage::Coverage;
use super::record::Record;
use crate::baseline::compare::Comparison;
use crate::run::{CaseResult, Totals};

/// A finished case as reporters see it.
#[derive(Debug, Clone)]
pub struct Finished {
    /// What the runner produced.
    pub result: CaseResult,
    /// Its record, the unit of every report.
    pub record: Record,
    /// How its answer compares with the baseline (`diff` only; `None` for a case that was not
    /// sent or not recorded).
    pub comparison: Option<Comparison>,
}

/// One event of a run, as reporters read it.
#[derive(Debug, Clone, Copy)]
pub enum ReportEvent<'a> {
    /// The run starts.
    Started {
        /// Number of cases.
        total: usize,
        /// Number of sequences that run after them.
        sequences: usize,
        /// The target name.
        target: &'a str,
    },
    /// A case finished.
    Finished(&'a Finished),
    /// A sequence finished (after every case).
    Sequence {
        /// What it did.
        result: &'a crate::sequence::SequenceResult,
        /// Its record.
        record: &'a Record,
    },
    /// The run is over; for ordered reporters, every finished case came before.
    Done {
        /// Whether it was interrupted.
        interrupted: bool,
        /// What it spent.
        totals: &'a Totals,
        /// Constraint coverage of every finished case, when the command counts it (`run`).
        coverage: Option<&'a Coverage>,
    },
}

/// A reader of a run's events: the console, the progress display, JSON lines, JUnit, the
/// baseline comparison, the baseline recorder. A reporter that fails gets no further events.
pub trait Reporter {
    /// Take one event.
    fn on_event(&mut self, event: &ReportEvent<'_>) -> Result<(), ReportError>;

    /// Every event has been delivered: write what is left.
    fn finish(&mut self) -> Result<(), ReportError> {
        Ok(())
    }
}

/// Why a reporter could not write its report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A report file could not be created or written.
    #[error("writing {what} {path}: {source}")]
    Write {
        /// Which report (`--json`, `--junit`).
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The JUnit report could not be serialised.
    #[error("writing --junit {path}: {source}")]
    Junit {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: quick_junit::SerializeError,
    },
    /// A baseline file could not be written.
    #[error("writing the baseline: {0}")]
    Baseline(#[from] crate::baseline::BaselineError),
}
