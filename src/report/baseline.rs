//! `record`'s reporter: each case that was sent is written to the baseline as it finishes; a
//! case that was not sent (skipped, interrupted) keeps its previous recording.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use super::events::{ReportError, ReportEvent, Reporter};
use crate::baseline::{entry, write_entry, write_meta, Meta};
use crate::run::Outcome;
use crate::spec::Spec;

/// Writes a run's answers into a baseline directory, then says how many on `out`.
pub struct Writer<W: Write> {
    spec: Arc<Spec>,
    dir: PathBuf,
    meta: Meta,
    out: W,
    written: usize,
}

impl<W: Write> Writer<W> {
    /// A writer into `dir`, recording `meta`.
    pub fn new(spec: Arc<Spec>, dir: PathBuf, meta: Meta, out: W) -> Writer<W> {
        Writer {
            spec,
            dir,
            meta,
            out,
            written: 0,
        }
    }
}

impl<W: Write> Reporter for Writer<W> {
    fn on_event(&mut self, event: &ReportEvent<'_>) -> Result<(), ReportError> {
        match event {
            ReportEvent::Started { .. } => write_meta(&self.dir, &self.meta)?,
            ReportEvent::Finished(finished) => {
                let result = &finished.result;
                if let Outcome::Ran {
                    verdict,
                    observation,
                    ..
                } = &result.outcome
                {
                    let entry = entry(
                        &self.spec,
                        &result.case,
                        &self.meta,
                        verdict,
                        observation,
                        SystemTime::now(),
                    );
                    write_entry(&self.dir, &entry)?;
                    self.written += 1;
                }
            }
            // Baselines hold single answers by case id; a sequence's answers depend on its run.
            ReportEvent::Sequence { .. } | ReportEvent::Done { .. } => {}
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), ReportError> {
        let _ = writeln!(
            self.out,
            "recorded {} cases from {} into {}",
            self.written,
            self.meta.target,
            self.dir.display()
        );
        Ok(())
    }
}
