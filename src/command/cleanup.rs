//! `cleanup`: remove what crashed runs left behind, from their ledgers.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::exit;
use crate::run::{self, CleanupError, Step};
use crate::spec::Spec;

use super::ledger::report_ledger_lines;
use super::prepare::{endpoint_flag, runtime, usage_error};

/// Options of `cleanup`.
#[derive(Debug, Clone)]
pub struct CleanupOptions {
    /// The ledger to clean; every unfinished ledger in the state directory when `None`.
    pub ledger: Option<PathBuf>,
    /// `--endpoint`: what to connect to and check entries against (default: real SES in
    /// `region`).
    pub endpoint: Option<String>,
    /// `--region`.
    pub region: String,
    /// `--timeout` in seconds.
    pub timeout_secs: f64,
}

/// `cleanup [LEDGER]`: remove what crashed runs left behind, and only what they named, at the
/// endpoint given by the flags. Exit 0 when nothing is left, 1 when an entry was refused, could
/// not be removed or could not be read, 2 when a ledger does not load or `--endpoint` is not a
/// URL the harness accepts, 3 when the endpoint cannot be set up, 4 when a ledger cannot be
/// written.
pub fn cleanup(spec: Arc<Spec>, options: CleanupOptions) -> i32 {
    let endpoint = match endpoint_flag(options.endpoint.as_deref()) {
        Ok(endpoint) => endpoint,
        Err(e) => return usage_error(e),
    };
    let to = run::CleanupTarget::new(
        endpoint,
        &options.region,
        Duration::from_secs_f64(options.timeout_secs.max(0.001)),
    );
    let paths = match ledgers_to_clean(&options) {
        Ok(paths) => paths,
        Err(code) => return code,
    };
    let runtime = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    // One cleanup for every ledger: their deletes share its pacing.
    let cleanup = run::Cleanup::new(spec, to);
    paths
        .iter()
        .map(|path| runtime.block_on(cleanup_ledger(&cleanup, path)))
        .max()
        .unwrap_or(exit::OK)
}

/// The ledger named on the command line, or every unfinished one in the state directory.
fn ledgers_to_clean(options: &CleanupOptions) -> Result<Vec<PathBuf>, i32> {
    if let Some(path) = &options.ledger {
        return Ok(vec![path.clone()]);
    }
    let dir = run::ledger::ledger_dir().map_err(usage_error)?;
    let paths = run::ledger::unfinished_ledgers(&dir).map_err(usage_error)?;
    if paths.is_empty() {
        outln!("{}: no unfinished ledgers", dir.display());
    }
    Ok(paths)
}

/// Print one step as it happens: removals on stdout, the rest on stderr.
fn print_step(step: &Step) {
    match step {
        Step::Removed { .. } => outln!("{step}"),
        Step::Refused(_) | Step::Left { .. } => errln!("{step}"),
    }
}

/// Clean one ledger; its exit code.
async fn cleanup_ledger(cleanup: &run::Cleanup, path: &Path) -> i32 {
    let read = match run::ledger::read(path) {
        Ok(r) => r,
        Err(e) => return usage_error(e),
    };
    report_ledger_lines(path, &read);
    let pending = read.pending();
    let cleaned = match cleanup.ledger(path, &pending.entries, print_step).await {
        Ok(cleaned) => cleaned,
        Err(e @ CleanupError::Connect { .. }) => {
            errln!("error: {e}");
            return exit::UNREACHABLE;
        }
        Err(e @ CleanupError::Ledger(_)) => {
            errln!("error: {e}");
            return exit::IO_FAILURE;
        }
    };
    let tally = cleaned.tally();
    let unread = read.malformed().count();
    let clean = tally.refused == 0 && tally.left == 0 && unread == 0;
    if clean && !read.is_finished() {
        if let Err(e) = run::ledger::Ledger::open(path).and_then(|l| l.finish()) {
            errln!("error: {e}");
            return exit::IO_FAILURE;
        }
    }
    outln!(
        "{}: {} removed, {} refused, {} could not be removed, {unread} unreadable lines{}",
        path.display(),
        tally.removed,
        tally.refused,
        tally.left,
        if clean { "; finished" } else { "" }
    );
    if clean {
        exit::OK
    } else {
        exit::DIVERGED
    }
}
