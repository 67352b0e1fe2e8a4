//! The console: a progress display while the run goes, then a per-operation summary and, for
//! each divergence, the case, its request, what the contract expected, what came back, and the
//! one command that reproduces it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use crate::case::{Case, Expect};
use crate::run::{CaseResult, Event, Outcome};

use super::record::Record;

/// How to reproduce a case from the command line.
#[derive(Debug, Clone)]
pub struct Repro {
    /// `--target` value.
    pub target: String,
    /// `--endpoint` value, if the target is not the embedded reference.
    pub endpoint: Option<String>,
    /// `--seed` value, if not 0.
    pub seed: u64,
    /// `--identity` value, for real SES.
    pub identity: Option<String>,
}

impl Repro {
    /// The command reproducing one case.
    pub fn command(&self, case_id: &str) -> String {
        let mut cmd = format!("ses-conformance run --target {}", self.target);
        if let Some(e) = &self.endpoint {
            let _ = write!(cmd, " --endpoint {e}");
        }
        if let Some(i) = &self.identity {
            let _ = write!(cmd, " --identity {i}");
        }
        if self.seed != 0 {
            let _ = write!(cmd, " --seed {}", self.seed);
        }
        let _ = write!(cmd, " --case '{case_id}'");
        cmd
    }
}

/// Shows progress: a bar on a terminal once a run has taken a few seconds, a line now and then
/// otherwise.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    shown: bool,
    started: Instant,
    total: usize,
    done: usize,
    last_line: Instant,
}

/// How long a run goes before it gets a progress bar.
const BAR_AFTER: Duration = Duration::from_secs(3);

impl Progress {
    /// A progress display for `total` cases on stderr.
    pub fn new(total: usize) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
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
        Progress {
            bar,
            shown: false,
            started: Instant::now(),
            total,
            done: 0,
            last_line: Instant::now(),
        }
    }

    /// Take one event.
    pub fn on_event(&mut self, event: &Event) {
        let Event::Finished(result) = event else {
            return;
        };
        self.done += 1;
        let record_line = match &result.outcome {
            Outcome::Ran { .. } if result.fails_run() => Some(format!(
                "FAIL {} ({})",
                result.case.id,
                verdict_word(result)
            )),
            _ => None,
        };
        if let (Some(bar), false) = (&self.bar, self.shown) {
            if self.started.elapsed() >= BAR_AFTER {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
                self.shown = true;
            }
        }
        match &self.bar {
            Some(bar) => {
                bar.inc(1);
                if let Some(line) = record_line {
                    // A hidden bar would swallow the line.
                    if self.shown {
                        bar.println(line);
                    } else {
                        eprintln!("{line}");
                    }
                }
            }
            None => {
                if let Some(line) = record_line {
                    eprintln!("{line}");
                }
                if self.last_line.elapsed() >= Duration::from_secs(5) {
                    eprintln!("... {}/{} cases", self.done, self.total);
                    self.last_line = Instant::now();
                }
            }
        }
    }

    /// Remove the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn verdict_word(result: &CaseResult) -> String {
    match &result.outcome {
        Outcome::Skipped { .. } => "skipped".into(),
        Outcome::Ran { verdict, .. } => match verdict.class() {
            Some(class) => format!("diverges: {class}"),
            None => verdict.name().into(),
        },
    }
}

#[derive(Default)]
struct Counts {
    cases: usize,
    conforms: usize,
    diverges: usize,
    known: usize,
    unsupported: usize,
    errors: usize,
    skipped: usize,
}

/// The per-operation summary table.
pub fn summary_table(records: &[Record]) -> String {
    let mut by_op: BTreeMap<&str, Counts> = BTreeMap::new();
    for r in records {
        let c = by_op.entry(&r.operation).or_default();
        c.cases += 1;
        match r.verdict.as_str() {
            "conforms" => c.conforms += 1,
            "diverges" if r.known.as_deref() == Some("as-listed") => c.known += 1,
            "diverges" => c.diverges += 1,
            "unsupported" => c.unsupported += 1,
            "harness-error" => c.errors += 1,
            _ => c.skipped += 1,
        }
    }
    let width = by_op.keys().map(|k| k.len()).max().unwrap_or(9).max(9);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<width$}  {:>5}  {:>8}  {:>8}  {:>5}  {:>11}  {:>6}  {:>7}",
        "operation", "cases", "conforms", "diverges", "known", "unsupported", "errors", "skipped"
    );
    let mut total = Counts::default();
    for (op, c) in &by_op {
        let _ = writeln!(
            out,
            "{op:<width$}  {:>5}  {:>8}  {:>8}  {:>5}  {:>11}  {:>6}  {:>7}",
            c.cases, c.conforms, c.diverges, c.known, c.unsupported, c.errors, c.skipped
        );
        total.cases += c.cases;
        total.conforms += c.conforms;
        total.diverges += c.diverges;
        total.known += c.known;
        total.unsupported += c.unsupported;
        total.errors += c.errors;
        total.skipped += c.skipped;
    }
    let _ = writeln!(
        out,
        "{:<width$}  {:>5}  {:>8}  {:>8}  {:>5}  {:>11}  {:>6}  {:>7}",
        "total",
        total.cases,
        total.conforms,
        total.diverges,
        total.known,
        total.unsupported,
        total.errors,
        total.skipped
    );
    out
}

/// One failing case in full: id, request, expectation, answer, reproduction.
pub fn failure_report(result: &CaseResult, record: &Record, repro: &Repro) -> String {
    let case: &Case = &result.case;
    let mut out = String::new();
    let _ = writeln!(out, "--- {} [{}]", case.id, describe_verdict(record));
    let _ = writeln!(out, "    constraint: {}", case.constraint);
    let _ = writeln!(
        out,
        "    request ({:?} path): {}",
        case.path,
        abbreviate(&case.request.to_string(), 600)
    );
    let expected = match &case.expect {
        Expect::Accept { checks } if checks.is_empty() => {
            "accept (2xx, documented output)".to_string()
        }
        Expect::Accept { checks } => format!(
            "accept, with {}",
            serde_json::to_string(checks).unwrap_or_default()
        ),
        Expect::Reject { errors } => format!("reject with {}", errors.join(" or ")),
    };
    let _ = writeln!(out, "    expected: {expected}");
    let o = &record.observed;
    let _ = writeln!(
        out,
        "    observed: {} {} {}",
        o.status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "no answer".into()),
        o.error_type.clone().unwrap_or_default(),
        o.message
            .as_deref()
            .map(|m| abbreviate(m, 300))
            .unwrap_or_default()
    );
    if let Some(detail) = &record.detail {
        let _ = writeln!(out, "    detail: {}", abbreviate(detail, 600));
    }
    let _ = writeln!(out, "    reproduce: {}", repro.command(&case.id));
    out
}

fn describe_verdict(record: &Record) -> String {
    let mut s = record.verdict.clone();
    if let Some(c) = &record.class {
        s = format!("{s}: {c}");
    }
    if let Some(k) = &record.known {
        s = format!("{s}; known divergence {k}");
    }
    s
}

/// Cut long text in the middle of nothing important: keep the start, say how much was left out.
pub fn abbreviate(text: &str, max_chars: usize) -> String {
    let n = text.chars().count();
    if n <= max_chars {
        return text.to_string();
    }
    let head: String = text.chars().take(max_chars).collect();
    format!("{head}... [{} more characters]", n - max_chars)
}

/// The per-operation comparison with a baseline: cases compared, verdict-level and full-level
/// matches, and mismatches the target's profile does not explain.
pub fn baseline_table(records: &[Record]) -> String {
    let mut by_op: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for r in records {
        let Some(b) = r.baseline else { continue };
        let c = by_op.entry(&r.operation).or_default();
        c[0] += 1;
        c[1] += usize::from(b.verdict);
        c[2] += usize::from(b.full);
        c[3] += usize::from(!b.full && !b.allowed);
    }
    let width = by_op.keys().map(|k| k.len()).max().unwrap_or(9).max(9);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<width$}  {:>8}  {:>13}  {:>10}  {:>11}",
        "operation", "compared", "verdict-match", "full-match", "unexplained"
    );
    for (op, c) in &by_op {
        let _ = writeln!(
            out,
            "{op:<width$}  {:>8}  {:>13}  {:>10}  {:>11}",
            c[0], c[1], c[2], c[3]
        );
    }
    out
}

/// The line printed when a real-SES run has read the account's sending quota.
pub fn allowance(a: &crate::run::SendAllowance) -> String {
    let source = if a.assumed {
        "the account's answer held no readable SendQuota, so a sandbox account's is assumed"
    } else {
        "read from GetAccount"
    };
    format!(
        "account: MaxSendRate {}/s, Max24HourSend {}, SentLast24Hours {} ({source}); this run may mail up to {} recipients (--max-sends), paced at {}/s across every sending operation",
        a.max_send_rate, a.max_24_hour_send, a.sent_last_24_hours, a.budget, a.max_send_rate
    )
}

/// What a run spent, in words: `123 requests sent (40 fixtures, 41 removals, 0 retries), 12 recipients mailed`.
pub fn totals(t: &crate::run::Totals) -> String {
    let mut out = format!(
        "{} requests sent ({} to make fixtures, {} removals, {} retries after throttling",
        t.requests, t.fixtures, t.removals, t.retries
    );
    if !t.throttled.is_empty() {
        let list: Vec<String> = t
            .throttled
            .iter()
            .map(|(op, n)| format!("{op} {n}"))
            .collect();
        let _ = write!(out, " [429 from {}]", list.join(", "));
    }
    if let Some((op, n)) = t.by_operation.iter().max_by_key(|(_, n)| **n) {
        let _ = write!(out, "; busiest operation {op}, {n}");
    }
    out.push(')');
    if t.recipients > 0 {
        let _ = write!(out, ", {} recipients mailed", t.recipients);
    }
    if t.left > 0 {
        let _ = write!(
            out,
            ", {} resources could not be removed (see `ses-conformance cleanup`)",
            t.left
        );
    }
    out
}
