//! `diff`'s reporter: each answer that differs from its baseline in a way the target's profile
//! does not explain, side by side with the recorded one, then the per-operation comparison.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::console::{baseline_table, Repro};
use super::events::{ReportError, ReportEvent, Reporter};
use super::record::Record;
use crate::baseline::compare::side_by_side;
use crate::baseline::Meta;

/// The comparison with a baseline, written to `out` once the run is over.
pub struct BaselineDiff<W: std::io::Write> {
    out: W,
    repro: Repro,
    dir: PathBuf,
    meta: Meta,
    mismatches: String,
    unexplained: usize,
    records: Vec<Record>,
}

impl<W: std::io::Write> BaselineDiff<W> {
    /// A comparison with the baseline in `dir`, recorded as `meta` says.
    pub fn new(out: W, repro: Repro, dir: PathBuf, meta: Meta) -> BaselineDiff<W> {
        BaselineDiff {
            out,
            repro,
            dir,
            meta,
            mismatches: String::new(),
            unexplained: 0,
            records: Vec::new(),
        }
    }
}

impl<W: std::io::Write> Reporter for BaselineDiff<W> {
    fn on_event(&mut self, event: &ReportEvent<'_>) -> Result<(), ReportError> {
        let ReportEvent::Finished(finished) = event else {
            return Ok(());
        };
        if let Some(c) = finished.comparison.as_ref().filter(|c| !c.explained) {
            self.unexplained += 1;
            let level = if c.level.verdict {
                "full (message or body)"
            } else {
                "verdict (status or error type)"
            };
            let id = &finished.record.id;
            let out = &mut self.mismatches;
            let _ = writeln!(
                out,
                "--- {id} differs from the baseline at the {level} level"
            );
            out.push_str(&side_by_side(&c.recorded, &c.observed));
            let _ = writeln!(out, "    reproduce: {}", self.repro.command(id));
        }
        self.records.push(finished.record.clone());
        Ok(())
    }

    fn finish(&mut self) -> Result<(), ReportError> {
        // The console is for people: a closed stdout does not fail the run.
        let _ = write!(
            self.out,
            "{}\n{}{} cases compared with {} (recorded from {} in {}), {} unexplained mismatches\n",
            self.mismatches,
            baseline_table(&self.records),
            self.records.iter().filter(|r| r.baseline.is_some()).count(),
            self.dir.display(),
            self.meta.target,
            self.meta.region,
            self.unexplained
        );
        let _ = self.out.flush();
        Ok(())
    }
}
