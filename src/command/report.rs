//! `report`: the conformance matrix over result files, and the constraint coverage of the runs
//! whose files hold it.

use std::path::PathBuf;

use crate::exit;
use crate::report::{coverage, json, matrix};

use super::prepare::usage_error;

/// `report RESULT.json...`: the conformance matrix, then a coverage section per coverage line.
pub fn report(files: &[PathBuf]) -> i32 {
    let mut records = Vec::new();
    let mut coverage_lines = Vec::new();
    for f in files {
        match json::read_results(f) {
            Ok(results) => {
                records.extend(results.records);
                coverage_lines.extend(results.coverage);
            }
            Err(e) => return usage_error(e),
        }
    }
    out!("{}", matrix::markdown(&records));
    out!("{}", coverage::markdown(&coverage_lines));
    exit::OK
}
