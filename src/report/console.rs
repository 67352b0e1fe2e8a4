//! The console, once a run is over: for each failing case, the case, its request, what the
//! contract expected, what came back, and the one command that reproduces it; then a
//! per-operation summary and what the run spent. (The progress display while it goes is
//! `progress`.)

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::coverage::Coverage;
use crate::case::{Case, Expect};
use crate::check::VerdictName;
use crate::generate::DEFAULT_RANDOM_CASES;
use crate::run::{CaseResult, Totals};

use super::events::{ReportError, ReportEvent, Reporter};
use super::record::{Record, RecordVerdict};
use crate::sequence::SequenceResult;

/// How to reproduce a case from the command line.
#[derive(Debug, Clone)]
pub struct Repro {
    /// `--target` value.
    pub target: String,
    /// `--endpoint` value, if the target is not the embedded reference.
    pub endpoint: Option<String>,
    /// `--seed` value, shown if not 0.
    pub seed: u64,
    /// `--cases` value, shown if not the default: a case `::3` exists only with `--cases 3` or
    /// more.
    pub cases: usize,
    /// `--identity` value, for real SES.
    pub identity: Option<String>,
    /// `--regressions` value: a regression case exists only with it.
    pub regressions: Option<String>,
}

impl Repro {
    /// The command reproducing one case.
    pub fn command(&self, case_id: &str) -> String {
        let mut cmd = self.target_and_seed();
        if self.cases != DEFAULT_RANDOM_CASES {
            let _ = write!(cmd, " --cases {}", self.cases);
        }
        if let Some(path) = self.regressions.as_ref().filter(|_| is_regression(case_id)) {
            let _ = write!(cmd, " --regressions {path}");
        }
        let _ = write!(cmd, " --case '{case_id}'");
        cmd
    }

    /// The command reproducing one sequence: its id and the run's seed draw the same steps.
    pub fn sequence_command(&self, sequence_id: &str) -> String {
        let mut cmd = self.target_and_seed();
        let _ = write!(cmd, " --sequence '{sequence_id}'");
        cmd
    }

    /// `ses-conformance run` at the same target, with the same identity and seed.
    fn target_and_seed(&self) -> String {
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
        cmd
    }
}

/// Whether a case id names a kept regression (`<operation>::regression::<hash>`).
fn is_regression(case_id: &str) -> bool {
    case_id.contains("::regression::")
}

/// The console reporter: the failing cases in full, then the summary table and the totals line,
/// written to `out` once the run is over.
pub struct Console<W: std::io::Write> {
    out: W,
    repro: Repro,
    failures: String,
    records: Vec<Record>,
    totals: Totals,
    coverage: Option<Coverage>,
}

impl<W: std::io::Write> Console<W> {
    /// A console report on `out`, reproducing cases with `repro`.
    pub fn new(out: W, repro: Repro) -> Console<W> {
        Console {
            out,
            repro,
            failures: String::new(),
            records: Vec::new(),
            totals: Totals::default(),
            coverage: None,
        }
    }
}

impl<W: std::io::Write> Reporter for Console<W> {
    fn on_event(&mut self, event: &ReportEvent<'_>) -> Result<(), ReportError> {
        match event {
            ReportEvent::Started { .. } => {}
            ReportEvent::Finished(finished) => {
                if finished.record.fails() {
                    self.failures.push_str(&failure_report(
                        &finished.result,
                        &finished.record,
                        &self.repro,
                    ));
                }
                self.records.push(finished.record.clone());
            }
            ReportEvent::Sequence { result, record } => {
                if record.fails() {
                    self.failures
                        .push_str(&sequence_report(result, record, &self.repro));
                }
                self.records.push((*record).clone());
            }
            ReportEvent::Done {
                totals, coverage, ..
            } => {
                self.totals = (*totals).clone();
                self.coverage = coverage.cloned();
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), ReportError> {
        // The console is for people: a closed stdout does not fail the run.
        let failing = self.records.iter().filter(|r| r.fails()).count();
        let sequences = self.records.iter().filter(|r| r.kind == "sequence").count();
        let ran = match sequences {
            0 => format!("{} cases", self.records.len()),
            n => format!("{} cases and {n} sequences", self.records.len() - n),
        };
        let _ = write!(
            self.out,
            "{}\n{}{ran}, {failing} failing, {}\n",
            self.failures,
            summary_table(&self.records),
            totals(&self.totals)
        );
        if let Some(coverage) = &self.coverage {
            let _ = write!(self.out, "{}", coverage.summary());
        }
        let _ = self.out.flush();
        Ok(())
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
        match r.verdict {
            RecordVerdict::Ran(VerdictName::Conforms) => c.conforms += 1,
            RecordVerdict::Ran(VerdictName::Diverges) if r.known_as_listed() => c.known += 1,
            RecordVerdict::Ran(VerdictName::Diverges) => c.diverges += 1,
            RecordVerdict::Ran(VerdictName::Unsupported) => c.unsupported += 1,
            RecordVerdict::Ran(VerdictName::HarnessError) => c.errors += 1,
            RecordVerdict::Skipped => c.skipped += 1,
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
        crate::output::abbreviate(&case.request.to_string(), 600)
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
            .map(|m| crate::output::abbreviate(m, 300))
            .unwrap_or_default()
    );
    if let Some(detail) = &record.detail {
        let _ = writeln!(
            out,
            "    detail: {}",
            crate::output::abbreviate(detail, 600)
        );
    }
    let _ = writeln!(out, "    reproduce: {}", repro.command(&case.id));
    out
}

/// One failing sequence in full: its verdict, the shortest failing steps (request, expected,
/// observed), and the command that reproduces it.
pub fn sequence_report(result: &SequenceResult, record: &Record, repro: &Repro) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "--- {} [{}]", result.id, describe_verdict(record));
    if let Some(detail) = &record.detail {
        let _ = writeln!(out, "    {}", crate::output::abbreviate(detail, 600));
    }
    out.push_str(&result.render_steps());
    let _ = writeln!(out, "    reproduce: {}", repro.sequence_command(&result.id));
    out
}

fn describe_verdict(record: &Record) -> String {
    let mut s = record.verdict.to_string();
    if let Some(c) = &record.class {
        s = format!("{s}: {c}");
    }
    if !record.known.is_not_listed() {
        s = format!("{s}; known divergence {}", record.known);
    }
    s
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

/// The line printed when a real-SES run has read the account's sending quota: what it may mail,
/// or why it mails no one.
pub fn allowance(a: &crate::run::SendAllowance) -> String {
    use crate::gate::pace::shown;
    if let Some(why) = &a.refused {
        return format!(
            "account: this run sends nothing: {why}; every case that would mail someone is skipped"
        );
    }
    let rate = shown(a.max_send_rate);
    format!(
        "account: MaxSendRate {rate}/s, Max24HourSend {}, SentLast24Hours {} (read from GetAccount); this run may mail up to {} recipients (--max-sends), paced at {rate}/s across every sending operation",
        shown(a.max_24_hour_send),
        shown(a.sent_last_24_hours),
        a.budget
    )
}

/// What a run spent, in words: `123 requests sent (40 fixtures, 41 removals, 0 retries), 12 recipients mailed`.
pub fn totals(t: &Totals) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reproduction_carries_the_seed_and_case_count_that_name_the_case() {
        let repro = |seed, cases| Repro {
            target: "moto".into(),
            endpoint: Some("http://127.0.0.1:5000".into()),
            seed,
            cases,
            identity: None,
            regressions: None,
        };
        let id = "send_email::invalid::content_missing::3";
        assert_eq!(
            repro(0, DEFAULT_RANDOM_CASES).command(id),
            format!(
                "ses-conformance run --target moto --endpoint http://127.0.0.1:5000 --case '{id}'"
            )
        );
        assert_eq!(
            repro(7, 5).command(id),
            format!("ses-conformance run --target moto --endpoint http://127.0.0.1:5000 --seed 7 --cases 5 --case '{id}'")
        );
        assert_eq!(
            repro(0, 0).command(id),
            format!("ses-conformance run --target moto --endpoint http://127.0.0.1:5000 --cases 0 --case '{id}'")
        );
    }
}
