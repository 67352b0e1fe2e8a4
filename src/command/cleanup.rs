//! `cleanup`: remove what crashed runs left behind, from their ledgers.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::exit;
use crate::names::{is_well_formed_run_id, RunKey};
use crate::redact::Redactor;
use crate::run::ledger::{LedgerError, Proof};
use crate::run::{self, CleanupError, CleanupStep};
use crate::spec::Spec;

use super::durations::TIMEOUT;
use super::ledger::report_ledger_lines;
use super::prepare::{embedded_safety_data, endpoint_flag, runtime, usage_error};

/// Options of `cleanup`.
#[derive(Debug, Clone)]
pub struct CleanupOptions {
    /// The ledger to clean; every unfinished ledger in the state directory when `None`.
    pub ledger: Option<PathBuf>,
    /// `--endpoint`: what to connect to and check entries against (default: the AWS endpoint
    /// variables, else real SES in `region`).
    pub endpoint: Option<String>,
    /// `--region`.
    pub region: String,
    /// `--timeout` in seconds.
    pub timeout_secs: f64,
    /// `--run-id`: runs the user vouches for, copied from their own output (a ledger from
    /// another machine).
    pub run_ids: Vec<String>,
    /// `--key-file`: keys of other installations whose runs the user vouches for.
    pub key_files: Vec<PathBuf>,
    /// `--allow`: only `sends-mail`, which lets cleanup delete identities of real SES a run
    /// added under that opt-in.
    pub allow: Vec<String>,
}

/// `cleanup [LEDGER]`: remove what crashed runs left behind, and only what they named, at the
/// endpoint given by the flags. Exit 0 when nothing is left, 1 when an entry was refused, could
/// not be removed or could not be read, 2 when a ledger does not load or `--endpoint` is not a
/// URL the harness accepts, 3 when the endpoint cannot be set up, 4 when a ledger cannot be
/// written.
pub fn cleanup(spec: Arc<Spec>, options: CleanupOptions) -> i32 {
    // Cleanup deletes on real SES: what it may delete is the embedded table's to say.
    if let Err(e) = embedded_safety_data(&spec, "cleanup") {
        return usage_error(e);
    }
    let timeout = match TIMEOUT.duration(options.timeout_secs) {
        Ok(timeout) => timeout,
        Err(e) => return usage_error(e),
    };
    let endpoint = match endpoint_flag(options.endpoint.as_deref()) {
        Ok(endpoint) => endpoint,
        Err(e) => return usage_error(e),
    };
    let to = run::CleanupTarget::new(endpoint, &options.region, timeout);
    let paths = match ledgers_to_clean(&options) {
        Ok(paths) => paths,
        Err(code) => return code,
    };
    let proof = match proof(&options) {
        Ok(proof) => proof,
        Err(code) => return code,
    };
    let runtime = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    // One cleanup for every ledger: their deletes share its pacing.
    if let Some(other) = options.allow.iter().find(|a| a.as_str() != "sends-mail") {
        return usage_error(format!(
            "cleanup --allow {other}: cleanup takes only sends-mail (to delete identities a run added under it)"
        ));
    }
    let allow_identities = options.allow.iter().any(|a| a == "sends-mail");
    let cleanup = run::Cleanup::new(spec, to, proof).allowing_identities(allow_identities);
    paths
        .iter()
        .map(|path| runtime.block_on(cleanup_ledger(&cleanup, path)))
        .max()
        .unwrap_or(exit::OK)
}

/// What vouches for the runs cleanup may act on: this installation's key (when it has one: an
/// installation that never ran against real SES or kept a ledger made no run to clean up
/// after), the keys of `--key-file`, and the run ids of `--run-id`.
fn proof(options: &CleanupOptions) -> Result<Proof, i32> {
    if let Some(bad) = options.run_ids.iter().find(|r| !is_well_formed_run_id(r)) {
        return Err(usage_error(format!(
            "--run-id {bad}: not a run id (six letters, two check digits, four letters, as a run prints it: `run <id>: every resource it creates is recorded …`)"
        )));
    }
    let mut keys: Vec<RunKey> = Vec::new();
    match crate::state::existing_installation_key() {
        Ok(Some(key)) => keys.push(key),
        Ok(None) | Err(crate::state::KeyError::NoStateDir) => {}
        Err(e) => return Err(usage_error(format!("the installation key: {e}"))),
    }
    for path in &options.key_files {
        match crate::state::key_from_file(path) {
            Ok(key) => keys.push(key),
            Err(e) => return Err(usage_error(format!("--key-file {}: {e}", path.display()))),
        }
    }
    Ok(Proof::new(keys, options.run_ids.iter().cloned()))
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

/// Print one step as it happens: removals on stdout, the rest on stderr. A ledger is a file
/// anyone can write, and an entry may name an ARN: what is printed is redacted like an answer.
fn print_step(redactor: &Redactor, step: &CleanupStep) {
    let line = redactor.mask(&step.to_string());
    match step {
        CleanupStep::Removed { .. } => outln!("{line}"),
        CleanupStep::Refused(_) | CleanupStep::Left { .. } => errln!("{line}"),
    }
}

/// Clean one ledger; its exit code.
async fn cleanup_ledger(cleanup: &run::Cleanup, path: &Path) -> i32 {
    let redactor = Redactor::default();
    let print = |step: &CleanupStep| print_step(&redactor, step);
    let cleaned = match cleanup.ledger(path, print).await {
        Ok(cleaned) => cleaned,
        Err(CleanupError::Ledger(e @ LedgerError::InUse { .. })) => {
            // A live run removes what it made itself; its ledger is not this cleanup's.
            errln!("note: skipping {e}");
            return exit::OK;
        }
        Err(CleanupError::Ledger(e @ LedgerError::Io { .. })) if !path.exists() => {
            return usage_error(e);
        }
        Err(e @ CleanupError::Connect { .. }) => {
            errln!("error: {e}");
            return exit::UNREACHABLE;
        }
        Err(e @ CleanupError::Ledger(_)) => {
            errln!("error: {e}");
            return exit::IO_FAILURE;
        }
    };
    let read = &cleaned.read;
    report_ledger_lines(path, read);
    let tally = cleaned.tally();
    let unread = read.malformed().count();
    let clean = cleaned.finished;
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
