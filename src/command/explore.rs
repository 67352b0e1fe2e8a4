//! `explore`: proptest's search and shrinking against one target, through the same session as
//! `run` (so every real-SES rule of the gate holds), with each finding kept in the regressions
//! file for `run --regressions` to replay.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use crate::exit;
use crate::explore::{
    default_path, keep_findings, run_exploration, ExploreEvent, ExploreOptions, ExploreReport,
    Regressions, Stop,
};
use crate::report::explore::{record, render_console, ReplayCommand};
use crate::report::json::CoverageLine;
use crate::report::{Coverage, CoverageCounter};
use crate::spec::Spec;

use super::durations::TIME;
use super::execute::{close_session, connect_session};
use super::options::RunOptions;
use super::outputs::{check_outputs, Output, Writes};
use super::prepare::{check_ops, prepare_target, runtime, usage_error, Prepared};

/// Options of `explore`.
#[derive(Debug, Clone, Default)]
pub struct ExploreFlags {
    /// The target flags shared with `run`, `--op`, `--json` (one line per finding and a
    /// coverage line) and `--regressions` (where findings are kept).
    pub run: RunOptions,
    /// `--budget`: the most requests of the explored operations, shrink steps included.
    pub budget: Option<usize>,
    /// `--time` in seconds.
    pub time_secs: Option<f64>,
    /// `--seed`; one is picked and printed when absent.
    pub seed: Option<u64>,
}

/// What the search left behind, before anything is printed or kept.
struct Explored {
    report: ExploreReport,
    coverage: Coverage,
    ledger_failed: bool,
}

/// `explore`: search the target, shrink each divergence, keep the findings, print them.
pub fn explore(spec: Arc<Spec>, flags: ExploreFlags) -> i32 {
    let options = &flags.run;
    if let Err(e) = check_ops(&spec, &options.ops) {
        return usage_error(e);
    }
    let prepared = match prepare_target(&spec, options) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let regressions = options
        .regressions
        .clone()
        .unwrap_or_else(|| default_path(&prepared.name));
    // A file that cannot hold the findings is said before any request is sent, not after.
    let flag = match options.regressions {
        Some(_) => "--regressions",
        None => "the regressions file",
    };
    let kept = Output::new(flag, &regressions, Writes::ReplacedState);
    if let Err(code) = check_outputs([&kept]) {
        return code;
    }
    if let Err(e) = Regressions::load(&regressions) {
        return usage_error(e);
    }
    let seed = flags.seed.unwrap_or_else(crate::explore::run::pick_seed);
    errln!(
        "exploring {} with seed {seed} (`--seed {seed}` draws the same requests again)",
        prepared.name
    );
    let time = match flags.time_secs.map(|s| TIME.duration(s)).transpose() {
        Ok(time) => time,
        Err(e) => return usage_error(e),
    };
    let explore_options = ExploreOptions {
        operations: options.ops.clone(),
        budget: flags.budget,
        time,
        seed: Some(seed),
        ..ExploreOptions::default()
    };
    let explored = match runtime()
        .and_then(|rt| rt.block_on(search(&spec, options, &prepared, &explore_options)))
    {
        Ok(e) => e,
        Err(code) => return code,
    };
    let written = write_outputs(options, &prepared, &regressions, &explored);
    conclude(&explored, written)
}

/// Connect like `run`, explore until the budget, the time or a stop signal, and clean up.
async fn search(
    spec: &Arc<Spec>,
    options: &RunOptions,
    prepared: &Prepared,
    explore_options: &ExploreOptions,
) -> Result<Explored, i32> {
    let connected = connect_session(spec, options, prepared, false).await?;
    let session = Arc::clone(&connected.session);
    // Listening before the first request: a stop signal ends the search between requests, and
    // what it created is still removed.
    let mut stop = crate::run::signals::listen();
    let interrupter = {
        let session = Arc::clone(&session);
        tokio::spawn(async move {
            stop.recv().await;
            session.interrupt();
        })
    };
    // The constraints the search reaches are counted from its requests as they are judged, as
    // a run's are.
    let mut coverage = CoverageCounter::new(spec, &explore_options.operations);
    let mut progress = SearchProgress::new();
    let report = run_exploration(&session, Arc::clone(spec), explore_options, |event| {
        say_progress(event);
        progress.on(event);
        if let ExploreEvent::Ran { result, .. } = event {
            coverage.add(result);
        }
    })
    .await;
    interrupter.abort();
    // Dropped once the runtime gets to it: wait, so its handle on the session is gone.
    let _ = interrupter.await;
    session.finish().await;
    let ledger_failed = close_session(&connected);
    Ok(Explored {
        report,
        coverage: coverage.finish(),
        ledger_failed,
    })
}

/// A line on stderr now and then while the search goes (every few seconds: a long search is
/// never silent), with the requests sent, the shrink steps among them and the findings.
struct SearchProgress {
    requests: u64,
    shrink_steps: u64,
    findings: u64,
    started: std::time::Instant,
    last_line: std::time::Instant,
}

/// How often the search says how far it got.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

impl SearchProgress {
    fn new() -> SearchProgress {
        let now = std::time::Instant::now();
        SearchProgress {
            requests: 0,
            shrink_steps: 0,
            findings: 0,
            started: now,
            last_line: now,
        }
    }

    fn on(&mut self, event: &ExploreEvent) {
        match event {
            ExploreEvent::Ran { shrinking, .. } => {
                self.requests += 1;
                self.shrink_steps += u64::from(*shrinking);
            }
            ExploreEvent::Found(_) => self.findings += 1,
            ExploreEvent::Started { .. } => {}
        }
        if self.last_line.elapsed() >= PROGRESS_EVERY {
            let rate = self.requests as f64 / self.started.elapsed().as_secs_f64().max(0.001);
            errln!(
                "... {} requests ({} shrink steps), {} finding(s), {rate:.1}/s",
                self.requests,
                self.shrink_steps,
                self.findings
            );
            self.last_line = std::time::Instant::now();
        }
    }
}

/// What stderr shows while the search goes: each finding once it is shrunk.
fn say_progress(event: &ExploreEvent) {
    if let ExploreEvent::Found(finding) = event {
        errln!(
            "found {} [{}], shrunk in {} steps",
            finding.minimal.case.id,
            finding.class,
            finding.shrink_steps
        );
    }
}

/// Keep the findings, print the report and write `--json`; whether every file was written.
fn write_outputs(
    options: &RunOptions,
    prepared: &Prepared,
    regressions: &Path,
    explored: &Explored,
) -> bool {
    let report = &explored.report;
    let mut written = true;
    let kept = match keep_findings(regressions, &report.findings) {
        Ok(kept) => kept,
        Err(e) => {
            errln!("error: {e}");
            written = false;
            0
        }
    };
    let replay = ReplayCommand {
        target: prepared.name.clone(),
        endpoint: prepared.endpoint_flag(),
        identity: options.identity.clone(),
        regressions: regressions.display().to_string(),
    };
    out!("{}", render_console(report, &explored.coverage, &replay));
    out!("{}", explored.coverage.summary());
    if !report.findings.is_empty() {
        outln!(
            "{kept} new finding(s) kept in {} ({} already there)",
            regressions.display(),
            report.findings.len() - kept
        );
    }
    if let Some(path) = &options.json {
        if let Err(e) = write_json(path, report, &explored.coverage) {
            errln!("error: writing --json {}: {e}", path.display());
            written = false;
        }
    }
    written
}

/// `--json`: one line per finding (`run`'s record of the minimal case, plus the original
/// request, the shrink steps and the seed), then the coverage line `report` reads.
fn write_json(path: &Path, report: &ExploreReport, coverage: &Coverage) -> std::io::Result<()> {
    let mut text = String::new();
    for finding in &report.findings {
        let _ = writeln!(text, "{}", record(finding, &report.target));
    }
    let coverage = CoverageLine {
        target: report.target.clone(),
        coverage: coverage.clone(),
    };
    let _ = writeln!(
        text,
        "{}",
        serde_json::to_string(&coverage).map_err(std::io::Error::other)?
    );
    if crate::output::is_stdout(path) {
        use std::io::Write as _;
        return crate::output::DataStdout.write_all(text.as_bytes());
    }
    std::fs::write(path, text)
}

/// The exit code, by the one precedence of [`exit::of`], and what a stop says.
fn conclude(explored: &Explored, written: bool) -> i32 {
    let code = exit::of(exit::Ending {
        interrupted: explored.report.stop == Stop::Interrupted,
        stdout_closed: crate::output::stdout_closed(),
        write_failed: explored.ledger_failed || !written,
        diverged: !explored.report.findings.is_empty(),
        not_ses: false,
    });
    match code {
        exit::OUTPUT_CLOSED => errln!("stopped: stdout was closed (its reader went away); the request in flight stopped at its next wait and what the search created was removed"),
        exit::INTERRUPTED => errln!("interrupted: the request in flight stopped at its next wait and what the search created was removed"),
        _ => {}
    }
    code
}
