//! `report`: the conformance matrix over result files.

use std::path::PathBuf;

use crate::exit;
use crate::report::{json, matrix};

use super::prepare::usage_error;

/// `report RESULT.json...`: the conformance matrix.
pub fn report(files: &[PathBuf]) -> i32 {
    let mut records = Vec::new();
    for f in files {
        match json::read(f) {
            Ok(r) => records.extend(r),
            Err(e) => return usage_error(e),
        }
    }
    print!("{}", matrix::markdown(&records));
    exit::OK
}
