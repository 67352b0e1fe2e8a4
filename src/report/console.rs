//! The console, once a run is over. By default the parity summary (`parity`): the score, the
//! failures grouped by cause with the largest groups in full (an example and the command that
//! reproduces it), then the summary line and coverage. `--verbose` adds, before it, every
//! failing case in full (the case, its request, what the contract expected, what came back,
//! its reproduction) and the per-operation table; `--quiet` prints the summary line alone. (The
//! progress display while it goes is `progress`.)

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::coverage::Coverage;
use crate::case::{Case, Expect};
use crate::check::VerdictName;
use crate::generate::DEFAULT_RANDOM_CASES;
use crate::run::{CaseResult, Totals};

use super::events::{ReportError, ReportEvent, Reporter};
use super::parity::{body_print, parity, Seen, Tally};
use super::parity_view::{parity_report, Example};
use super::record::{Record, RecordVerdict};
use crate::check::Observation;
use crate::run::Outcome;
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

/// How much the console prints once a run is over (`--quiet`, the default, `--verbose`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Detail {
    /// The summary line only.
    Quiet,
    /// The parity summary, its largest groups in full, the summary line and coverage.
    #[default]
    Summary,
    /// Every failing case in full, the per-operation table, every group, the summary line and
    /// coverage.
    Verbose,
}

/// The console reporter: what the run found, written to `out` once it is over, in as much
/// detail as asked.
pub struct Console<W: std::io::Write> {
    out: W,
    repro: Repro,
    detail: Detail,
    failures: String,
    seen: Vec<Seen>,
    examples: BTreeMap<usize, Example>,
    totals: Totals,
    coverage: Option<Coverage>,
}

impl<W: std::io::Write> Console<W> {
    /// A console report on `out`, reproducing cases with `repro`, in `detail`.
    pub fn new(out: W, repro: Repro, detail: Detail) -> Console<W> {
        Console {
            out,
            repro,
            detail,
            failures: String::new(),
            seen: Vec::new(),
            examples: BTreeMap::new(),
            totals: Totals::default(),
            coverage: None,
        }
    }

    /// Keep a record (and the example of a failing one) for the summary.
    fn keep(&mut self, record: &Record, body: Option<String>, example: Option<Example>) {
        if let Some(example) = example {
            self.examples.insert(self.seen.len(), example);
        }
        self.seen.push(Seen {
            record: record.clone(),
            body,
        });
    }

    /// `1354 cases and 80 sequences, 12 failing; parity 98.1% (...); 353 requests sent (...)`.
    fn summary_line(&self) -> String {
        let records: Vec<&Record> = self.seen.iter().map(|s| &s.record).collect();
        let failing = records.iter().filter(|r| r.fails()).count();
        let sequences = records.iter().filter(|r| r.kind == "sequence").count();
        let ran = match sequences {
            0 => format!("{} cases", records.len()),
            n => format!("{} cases and {n} sequences", records.len() - n),
        };
        let overall = Tally::of(records.iter().copied());
        format!(
            "{ran}, {failing} failing; parity {} of what was judged; {}",
            overall.score_with_counts(),
            totals(&self.totals)
        )
    }
}

impl<W: std::io::Write> Reporter for Console<W> {
    fn on_event(&mut self, event: &ReportEvent<'_>) -> Result<(), ReportError> {
        match event {
            ReportEvent::Started { .. } => {}
            ReportEvent::Finished(finished) => {
                let (result, record) = (&finished.result, &finished.record);
                if record.fails() && self.detail == Detail::Verbose {
                    self.failures
                        .push_str(&failure_report(result, record, &self.repro));
                }
                let example = record.fails().then(|| Example {
                    title: example_title(record),
                    what: case_example(result, record),
                    reproduce: self.repro.command(&record.id),
                });
                let body = match &result.outcome {
                    Outcome::Ran { observation, .. } => answer_body(observation),
                    Outcome::Skipped { .. } => None,
                };
                self.keep(record, body, example);
            }
            ReportEvent::Sequence { result, record } => {
                if record.fails() && self.detail == Detail::Verbose {
                    self.failures
                        .push_str(&sequence_report(result, record, &self.repro));
                }
                let example = record.fails().then(|| Example {
                    title: example_title(record),
                    what: record.detail.clone().unwrap_or_default(),
                    reproduce: self.repro.sequence_command(&result.id),
                });
                self.keep(record, failing_call_body(result), example);
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
        let mut text = String::new();
        if self.detail == Detail::Verbose {
            let records: Vec<Record> = self.seen.iter().map(|s| s.record.clone()).collect();
            text.push_str(&self.failures);
            text.push('\n');
            text.push_str(&summary_table(&records));
        }
        if self.detail != Detail::Quiet {
            for p in parity(&self.seen) {
                text.push('\n');
                text.push_str(&parity_report(&p, &self.examples, self.detail));
            }
            text.push('\n');
        }
        text.push_str(&self.summary_line());
        text.push('\n');
        if let (Some(coverage), false) = (&self.coverage, self.detail == Detail::Quiet) {
            text.push_str(&coverage.summary());
        }
        let _ = write!(self.out, "{text}");
        let _ = self.out.flush();
        Ok(())
    }
}

/// The print of an answer's body (see [`body_print`]); `None` when no answer came.
fn answer_body(observation: &Observation) -> Option<String> {
    observation.status?;
    let text = match (&observation.body, &observation.body_excerpt) {
        (Some(body), _) => body.to_string(),
        (None, Some(excerpt)) => excerpt.clone(),
        (None, None) => String::new(),
    };
    Some(body_print(&text))
}

/// The body of the call a failing sequence's record reports (the last call of its last step
/// that departed, as `Record::of_sequence` takes it).
fn failing_call_body(result: &SequenceResult) -> Option<String> {
    result
        .steps
        .iter()
        .filter(|s| s.finding.is_some())
        .filter_map(|s| s.calls.last())
        .next_back()
        .and_then(|c| c.observation.as_ref())
        .and_then(answer_body)
}

/// `<id> [<verdict>]`.
fn example_title(record: &Record) -> String {
    format!("{} [{}]", record.id, describe_verdict(record))
}

/// What a failing case expected and got, in one line: `expected ...; observed ... (detail)`.
fn case_example(result: &CaseResult, record: &Record) -> String {
    let mut line = format!(
        "expected {}; observed {}",
        expected_text(&result.case),
        observed_text(record)
    );
    if let Some(detail) = &record.detail {
        let _ = write!(line, " ({detail})");
    }
    line
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
    let _ = writeln!(out, "    expected: {}", expected_text(case));
    let _ = writeln!(out, "    observed: {}", observed_text(record));
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

/// What the contract expected of a case, in words.
fn expected_text(case: &Case) -> String {
    match &case.expect {
        Expect::Accept { checks } if checks.is_empty() => {
            "accept (2xx, documented output)".to_string()
        }
        Expect::Accept { checks } => format!(
            "accept, with {}",
            serde_json::to_string(checks).unwrap_or_default()
        ),
        Expect::Reject { errors } => format!("reject with {}", errors.join(" or ")),
    }
}

/// What came back, in words: status, error type, message (those it had).
fn observed_text(record: &Record) -> String {
    let o = &record.observed;
    let status = o
        .status
        .map(|s| s.to_string())
        .unwrap_or_else(|| "no answer".into());
    let message = o
        .message
        .as_deref()
        .map(|m| crate::output::abbreviate(m, 300));
    [Some(status), o.error_type.clone(), message]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
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
