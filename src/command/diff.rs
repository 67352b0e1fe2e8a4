//! `diff`: replay a baseline's cases against a target and compare the answers.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use crate::baseline::{self, compare::Comparer};
use crate::report::diff::BaselineDiff;
use crate::spec::Spec;

use super::execute::{conclude, execute_blocking, reporters, repro};
use super::options::RunOptions;
use super::prepare::{prepare, usage_error};

/// `diff`: replay a baseline's cases against a target and compare answers at two levels.
pub fn diff(spec: Arc<Spec>, mut options: RunOptions, baseline_dir: PathBuf) -> i32 {
    let meta = match baseline::read_meta(&baseline_dir) {
        Ok(m) => m,
        Err(e) => return usage_error(e),
    };
    let entries = match baseline::read_entries(&baseline_dir) {
        Ok(e) => e,
        Err(e) => return usage_error(e),
    };
    // The same ids, seeds and fixtures as the recording.
    options.seed = meta.seed;
    options.random_cases = meta.random_cases;
    let mut prepared = match prepare(&spec, &options) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let recorded: HashSet<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    prepared.cases.retain(|c| recorded.contains(c.id.as_str()));
    let comparer = Comparer::new(Arc::clone(&spec), prepared.profile.clone(), &entries);
    let printer = BaselineDiff::new(
        crate::output::HumanOut,
        repro(&options, &prepared),
        baseline_dir,
        meta,
    );
    let reporters = reporters(&options, &prepared, printer).compare_with(comparer);
    let executed = match execute_blocking(&spec, &options, &prepared, true, reporters) {
        Ok(e) => e,
        Err(code) => return code,
    };
    conclude(&executed, executed.summary.unexplained > 0)
}
