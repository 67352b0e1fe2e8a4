//! JUnit XML: one test suite per operation, one test case per case.

use std::collections::BTreeMap;
use std::path::Path;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::record::Record;

/// The JUnit report of a run's records.
pub fn report(records: &[Record], name: &str) -> Report {
    let mut report = Report::new(format!("ses-conformance {name}"));
    let mut suites: BTreeMap<&str, TestSuite> = BTreeMap::new();
    for r in records {
        let suite = suites
            .entry(&r.operation)
            .or_insert_with(|| TestSuite::new(r.operation.clone()));
        let status = if r.verdict == "skipped" || r.verdict == "unsupported" && !r.fails() {
            let mut s = TestCaseStatus::skipped();
            if let Some(d) = &r.detail {
                s.set_message(d.clone());
            }
            s
        } else if r.fails() {
            let mut s = TestCaseStatus::non_success(if r.verdict == "harness-error" {
                NonSuccessKind::Error
            } else {
                NonSuccessKind::Failure
            });
            s.set_message(match &r.class {
                Some(c) => format!("{}: {c}", r.verdict),
                None => r.verdict.clone(),
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

/// Write the JUnit report to a file.
pub fn write(path: &Path, records: &[Record], name: &str) -> Result<(), String> {
    let xml = report(records, name)
        .to_string()
        .map_err(|e| e.to_string())?;
    std::fs::write(path, xml).map_err(|e| format!("{}: {e}", path.display()))
}
