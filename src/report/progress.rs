//! The progress display on stderr while a run goes: a live reporter.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use super::events::{ReportError, ReportEvent, Reporter};

/// Shows progress: a bar on a terminal once a run has taken a few seconds, a line now and then
/// otherwise, and a line for each failing case as it finishes (unless quiet).
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    quiet: bool,
    shown: bool,
    started: Instant,
    total: usize,
    /// How many of `total` are sequences (they run after the cases).
    sequences: usize,
    done: usize,
    last_line: Instant,
}

/// How long a run goes before it gets a progress bar.
const BAR_AFTER: Duration = Duration::from_secs(3);

impl Default for Progress {
    fn default() -> Progress {
        Progress::new()
    }
}

impl Progress {
    /// A progress display on stderr; it learns the number of cases when the run starts.
    pub fn new() -> Progress {
        Progress {
            bar: None,
            quiet: false,
            shown: false,
            started: Instant::now(),
            total: 0,
            sequences: 0,
            done: 0,
            last_line: Instant::now(),
        }
    }

    /// A progress display that prints no line (the bar alone, on a terminal, cleared at the
    /// end): for `--quiet`, whose only output is the summary line.
    pub fn quiet() -> Progress {
        Progress {
            quiet: true,
            ..Progress::new()
        }
    }

    /// The run's cases and its sequences (which run after them) are one count: a long run of
    /// sequences shows progress as cases do.
    fn start(&mut self, cases: usize, sequences: usize) {
        let total = cases + sequences;
        self.total = total;
        self.sequences = sequences;
        self.started = Instant::now();
        self.last_line = Instant::now();
        self.bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{bar:40}] {pos}/{len} {msg}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            // Hidden until the run has lasted a few seconds: short runs never flash a bar.
            bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
            bar
        });
    }

    fn case_finished(&mut self, failing: Option<String>) {
        self.done += 1;
        let failing = failing.filter(|_| !self.quiet);
        if let (Some(bar), false) = (&self.bar, self.shown) {
            if self.started.elapsed() >= BAR_AFTER {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
                self.shown = true;
            }
        }
        match &self.bar {
            Some(bar) => {
                bar.inc(1);
                if let Some(line) = failing {
                    // A hidden bar would swallow the line.
                    if self.shown {
                        bar.println(line);
                    } else {
                        errln!("{line}");
                    }
                }
            }
            None => {
                if let Some(line) = failing {
                    errln!("{line}");
                }
                if !self.quiet && self.last_line.elapsed() >= Duration::from_secs(5) {
                    errln!("... {}/{} {}", self.done, self.total, self.what());
                    self.last_line = Instant::now();
                }
            }
        }
    }
}

impl Progress {
    /// What the count counts.
    fn what(&self) -> &'static str {
        if self.sequences == 0 {
            "cases"
        } else {
            "cases and sequences"
        }
    }
}

impl Reporter for Progress {
    fn on_event(&mut self, event: &ReportEvent<'_>) -> Result<(), ReportError> {
        match event {
            ReportEvent::Started {
                total, sequences, ..
            } => self.start(*total, *sequences),
            ReportEvent::Finished(finished) => {
                let r = &finished.record;
                let failing = r.fails().then(|| match r.class {
                    Some(class) => format!("FAIL {} ({}: {class})", r.id, r.verdict),
                    None => format!("FAIL {} ({})", r.id, r.verdict),
                });
                self.case_finished(failing);
            }
            ReportEvent::Sequence { record, .. } => {
                let failing = record
                    .fails()
                    .then(|| format!("FAIL {} ({})", record.id, record.verdict));
                self.case_finished(failing);
            }
            ReportEvent::Done { .. } => {
                if let Some(bar) = &self.bar {
                    bar.finish_and_clear();
                }
            }
        }
        Ok(())
    }
}
