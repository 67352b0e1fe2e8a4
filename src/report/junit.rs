//! JUnit XML: one test suite per operation, one test case per case, written once the run is
//! over. A failure carries what a CI reader needs to act on it: the request, what the contract
//! expected, what came back and the command that reproduces it (the console's own block, so it
//! is masked and scrubbed as the console is); a known divergence of the target's profile is
//! `skipped` with its class and what came back, never a pass.

use std::collections::BTreeMap;
use std::path::PathBuf;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::console::{failure_report, sequence_report, Repro};
use super::events::{ReportError, ReportEvent, Reporter};
use super::record::{Record, RecordVerdict};

/// The JUnit report of a run's records; `blocks` holds, by case id, the console's block for
/// each failing case (its request, expectation, answer and reproduction).
pub fn report(records: &[Record], name: &str, blocks: &BTreeMap<String, String>) -> Report {
    let mut report = Report::new(format!("ses-conformance {name}"));
    let mut suites: BTreeMap<&str, TestSuite> = BTreeMap::new();
    for r in records {
        let suite = suites
            .entry(&r.operation)
            .or_insert_with(|| TestSuite::new(r.operation.clone()));
        let mut case = TestCase::new(r.id.clone(), status(r, blocks.get(&r.id)));
        case.set_classname(format!("{}.{}", r.target, r.operation));
        case.set_time(std::time::Duration::from_millis(r.millis));
        suite.add_test_case(case);
    }
    report.add_test_suites(suites.into_values());
    report
}

/// A record's JUnit status: skipped when not judged or a known divergence happened as listed,
/// a failure (an error for the harness's own) when it fails the run, else a success.
fn status(r: &Record, block: Option<&String>) -> TestCaseStatus {
    if r.verdict == RecordVerdict::Skipped || r.verdict == RecordVerdict::UNSUPPORTED && !r.fails()
    {
        let mut s = TestCaseStatus::skipped();
        if let Some(d) = &r.detail {
            s.set_message(d.clone());
        }
        return s;
    }
    if r.known_as_listed() && !r.fails() {
        let mut s = TestCaseStatus::skipped();
        s.set_message(format!(
            "known divergence of the target's profile, as listed: {}",
            verdict_words(r)
        ));
        if let Some(d) = &r.detail {
            s.set_description(d.clone());
        }
        return s;
    }
    if !r.fails() {
        return TestCaseStatus::success();
    }
    let mut s = TestCaseStatus::non_success(if r.verdict == RecordVerdict::HARNESS_ERROR {
        NonSuccessKind::Error
    } else {
        NonSuccessKind::Failure
    });
    s.set_message(verdict_words(r));
    if let Some(text) = block.or(r.detail.as_ref()) {
        s.set_description(text.clone());
    }
    s
}

/// `diverges: accepted-invalid`, or the verdict alone.
fn verdict_words(r: &Record) -> String {
    match &r.class {
        Some(c) => format!("{}: {c}", r.verdict),
        None => r.verdict.to_string(),
    }
}

/// The `--junit` reporter: collects the records and writes the report once the run is over.
pub struct Junit {
    path: PathBuf,
    name: String,
    repro: Repro,
    records: Vec<Record>,
    blocks: BTreeMap<String, String>,
}

impl Junit {
    /// A reporter writing to `path`, the report named after the target `name`; a failure's
    /// reproduction is `repro`'s.
    pub fn new(path: PathBuf, name: &str, repro: Repro) -> Junit {
        Junit {
            path,
            name: name.to_string(),
            repro,
            records: Vec::new(),
            blocks: BTreeMap::new(),
        }
    }
}

impl Reporter for Junit {
    fn on_event(&mut self, event: &ReportEvent<'_>) -> Result<(), ReportError> {
        match event {
            ReportEvent::Finished(finished) => {
                if finished.record.fails() {
                    let block = failure_report(&finished.result, &finished.record, &self.repro);
                    self.blocks.insert(finished.record.id.clone(), block);
                }
                self.records.push(finished.record.clone());
            }
            ReportEvent::Sequence { result, record } => {
                if record.fails() {
                    let block = sequence_report(result, record, &self.repro);
                    self.blocks.insert(record.id.clone(), block);
                }
                self.records.push((*record).clone());
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), ReportError> {
        let xml = report(&self.records, &self.name, &self.blocks)
            .to_string()
            .map_err(|source| ReportError::Junit {
                path: self.path.clone(),
                source,
            })?;
        std::fs::write(&self.path, xml).map_err(|source| ReportError::Write {
            what: "--junit",
            path: self.path.clone(),
            source,
        })
    }
}
