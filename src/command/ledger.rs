//! What `run` and `cleanup` say about a ledger after reading it.

use std::path::Path;

use crate::redact::mask_account_ids;
use crate::run::ledger::{self, LineProblem, ReadLedger};

/// After the session's own cleanup: mark the ledger finished when nothing in it is pending, or
/// say what is left. Whether the ledger could be read and written.
pub(super) fn close_ledger(open: &ledger::Ledger) -> bool {
    let path = open.path();
    let read = match ledger::read(path) {
        Ok(r) => r,
        Err(e) => {
            errln!("error: {e}");
            return false;
        }
    };
    report_ledger_lines(path, &read);
    let pending = read.pending();
    if pending.is_empty() && read.malformed().next().is_none() {
        if let Err(e) = open.finish() {
            errln!("error: {e}");
            return false;
        }
    } else if !pending.is_empty() {
        errln!(
            "{}: {} resources are still pending; `ses-conformance cleanup` removes them",
            path.display(),
            pending.entries.len()
        );
    }
    true
}

/// Print what a ledger's reader skipped, and the identities with no proof of creation. Why a
/// line could not be read may quote it, and a ledger may name an ARN: what is printed is
/// redacted like an answer.
pub(super) fn report_ledger_lines(path: &Path, read: &ReadLedger) {
    for warning in &read.warnings {
        let level = match warning.problem {
            LineProblem::Torn => "warning",
            LineProblem::Malformed => "error",
        };
        let warning = mask_account_ids(&warning.to_string());
        errln!("{level}: {}: {warning}", path.display());
    }
    for unproven in &read.pending().unproven {
        let address = unproven.entry.delete_request["EmailIdentity"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| unproven.entry.delete_request.to_string());
        let address = mask_account_ids(&address);
        errln!(
            "note: {} line {}: no proof it was created; check the account for {address}",
            path.display(),
            unproven.line
        );
    }
}
