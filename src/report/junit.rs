//! JUnit XML: one test suite per operation, one test case per case, written once the run is
//! over.

use std::collections::BTreeMap;
use std::path::PathBuf;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::events::{ReportError, ReportEvent, Reporter};
use super::record::{Record, RecordVerdict};

/// The JUnit report of a run's records.
pub fn report(records: &[Record], name: &str) -> Report {
    let mut report = Report::new(format!("ses-conformance {name}"));
    let mut suites: BTreeMap<&str, TestSuite> = BTreeMap::new();
    for r in records {
        let suite = suites
            .entry(&r.operation)
            .or_insert_with(|| TestSuite::new(r.operation.clone()));
        let status = if r.verdict == RecordVerdict::Skipped
            || r.verdict == RecordVerdict::UNSUPPORTED && !r.fails()
        {
            let mut s = TestCaseStatus::skipped();
            if let Some(d) = &r.detail {
                s.set_message(d.clone());
            }
            s
        } else if r.fails() {
            let mut s = TestCaseStatus::non_success(if r.verdict == RecordVerdict::HARNESS_ERROR {
                NonSuccessKind::Error
            } else {
                NonSuccessKind::Failure
            });
            s.set_message(match &r.class {
                Some(c) => format!("{}: {c}", r.verdict),
                None => r.verdict.to_string(),
            });
            if let Some(d) = &r.detail {
                s.set_description(d.clone());
            }
            s
        } else {
            TestCaseStatus::success()
        };
        let mut case = TestCase::new(r.id.clone(), status);
        case.set_classname(format!("{}.{}", r.target, r.operation));
        case.set_time(std::time::Duration::from_millis(r.millis));
        suite.add_test_case(case);
    }
    report.add_test_suites(suites.into_values());
    report
}

/// The `--junit` reporter: collects the records and writes the report once the run is over.
pub struct Junit {
    path: PathBuf,
    name: String,
    records: Vec<Record>,
}

impl Junit {
    /// A reporter writing to `path`, the report named after the target `name`.
    pub fn new(path: PathBuf, name: &str) -> Junit {
        Junit {
            path,
            name: name.to_string(),
            records: Vec::new(),
        }
    }
}

impl Reporter for Junit {
    fn on_event(&mut self, event: &ReportEvent<'_>) -> Result<(), ReportError> {
        match event {
            ReportEvent::Finished(finished) => self.records.push(finished.record.clone()),
            ReportEvent::Sequence { record, .. } => self.records.push((*record).clone()),
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), ReportError> {
        let xml = report(&self.records, &self.name)
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
