//! What an exploration found: each divergence shrunk to its minimal request, with its
//! expectation, observation, the original request and the shrink steps, and the console text.

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::coverage::Coverage;
use crate::case::{Expect, Kind};
use crate::check::{DivergenceClass, Observation};
use crate::report::Record;
use crate::run::CaseResult;

/// One divergence found, shrunk.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The operation.
    pub operation: String,
    /// Whether the class is valid or invalid requests.
    pub kind: Kind,
    /// The constraint the class breaks (`request` for valid requests).
    pub constraint: String,
    /// `valid`, or the invalid variant (`page_size_above_max`).
    pub label: String,
    /// How the answer departs from the contract.
    pub class: DivergenceClass,
    /// The minimal failing case and its answer.
    pub minimal: CaseResult,
    /// The request first drawn, before shrinking.
    pub original: Value,
    /// Shrink steps tried (each one request of the operation).
    pub shrink_steps: usize,
    /// Of those, steps that still failed (each a smaller failing request).
    pub shrink_successes: usize,
    /// The exploration's seed.
    pub seed: u64,
}

impl Finding {
    /// The minimal request.
    pub fn request(&self) -> &Value {
        &self.minimal.case.request
    }

    /// What the contract expected.
    pub fn expect(&self) -> &Expect {
        &self.minimal.case.expect
    }

    /// What came back for the minimal request.
    pub fn observation(&self) -> Option<&Observation> {
        match &self.minimal.outcome {
            crate::run::Outcome::Ran { observation, .. } => Some(observation),
            crate::run::Outcome::Skipped { .. } => None,
        }
    }

    /// The `--json` record: `run`'s record of the minimal case, plus the original request, the
    /// shrink steps and the seed.
    pub fn record(&self, target: &str) -> Value {
        let mut record = serde_json::to_value(Record::of(&self.minimal, target))
            .unwrap_or_else(|_| Value::Object(Default::default()));
        if let Some(obj) = record.as_object_mut() {
            obj.insert("request".into(), self.request().clone());
            obj.insert("original_request".into(), self.original.clone());
            obj.insert("shrink_steps".into(), self.shrink_steps.into());
            obj.insert("seed".into(), self.seed.into());
        }
        record
    }
}

/// Why an exploration stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stop {
    /// The exploration's budget (`--budget`) was spent.
    Budget,
    /// The run's request budget (`--max-requests`) could not pay for the next request.
    RequestBudget,
    /// The time limit passed.
    Time,
    /// Every class had a finding or could not be drawn.
    Exhausted,
    /// The run was interrupted.
    Interrupted,
}

/// The outcome of an exploration.
#[derive(Debug, Clone)]
pub struct ExploreReport {
    /// The target's name.
    pub target: String,
    /// The seed (picked when none was given): `--seed` with it draws the same requests.
    pub seed: u64,
    /// Requests of the explored operations sent (draws and shrink steps).
    pub requests: usize,
    /// Of those, shrink steps.
    pub shrink_requests: usize,
    /// Every request the gate counted (fixtures and removals too).
    pub gate_requests: u64,
    /// `--max-requests`, if given.
    pub max_requests: Option<u64>,
    /// Answers that diverged as the target's profile lists (not findings).
    pub known: usize,
    /// Requests that got no answer to judge (harness errors) or were skipped.
    pub not_judged: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Why it stopped.
    pub stop: Stop,
    /// The divergences found, shrunk.
    pub findings: Vec<Finding>,
    /// Constraint coverage of every request sent.
    pub coverage: Coverage,
    /// Classes that no request could be drawn for, with proptest's reason.
    pub undrawable: Vec<(String, String)>,
}

impl ExploreReport {
    /// Explored requests per second.
    pub fn requests_per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// How the console tells a user to replay a finding.
#[derive(Debug, Clone)]
pub struct ReplayCommand {
    /// `--target` value.
    pub target: String,
    /// `--endpoint` value, when the target is not the embedded reference.
    pub endpoint: Option<String>,
    /// `--identity` value, for real SES (which a run needs).
    pub identity: Option<String>,
    /// The regressions file the findings were kept in.
    pub regressions: String,
}

impl ReplayCommand {
    /// `ses-conformance run --target <t> [--endpoint <e>] --regressions <file>`.
    pub fn command(&self) -> String {
        let mut cmd = format!("ses-conformance run --target {}", self.target);
        if let Some(e) = &self.endpoint {
            let _ = write!(cmd, " --endpoint {e}");
        }
        if let Some(i) = &self.identity {
            let _ = write!(cmd, " --identity {i}");
        }
        let _ = write!(cmd, " --regressions {}", self.regressions);
        cmd
    }
}

/// The console text of an exploration: each finding, then a summary with the seed.
pub fn render_console(report: &ExploreReport, replay: &ReplayCommand) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        out.push_str(&render_finding(finding, replay));
    }
    let _ = writeln!(
        out,
        "explored {} requests ({} shrink steps) against {} in {:.1}s ({:.1}/s), seed {}, stopped: {:?}",
        report.requests,
        report.shrink_requests,
        report.target,
        report.elapsed.as_secs_f64(),
        report.requests_per_second(),
        report.seed,
        report.stop
    );
    let _ = writeln!(
        out,
        "{} finding(s), {} known divergence(s), {} not judged; {} of {} constraints reached",
        report.findings.len(),
        report.known,
        report.not_judged,
        report.coverage.reached(),
        report.coverage.constraints.len()
    );
    if let (Stop::RequestBudget, Some(max)) = (report.stop, report.max_requests) {
        let _ = writeln!(
            out,
            "stopped: the request budget (--max-requests {max}) is spent: {} requests sent, fixtures and removals included",
            report.gate_requests
        );
    }
    for (class, reason) in &report.undrawable {
        let _ = writeln!(out, "  no request could be drawn for {class}: {reason}");
    }
    out
}

fn render_finding(finding: &Finding, replay: &ReplayCommand) -> String {
    let mut out = String::new();
    let case = &finding.minimal.case;
    let _ = writeln!(out, "--- {} [diverges: {}]", case.id, finding.class);
    let _ = writeln!(out, "    class: {} ({})", finding.label, finding.constraint);
    let _ = writeln!(
        out,
        "    minimal request ({:?} path): {}",
        case.path, case.request
    );
    let _ = writeln!(out, "    expected: {}", describe_expect(&case.expect));
    if let Some(obs) = finding.observation() {
        let _ = writeln!(
            out,
            "    observed: {} {} {}",
            obs.status.map_or("no answer".into(), |s| s.to_string()),
            obs.error_type.as_deref().unwrap_or_default(),
            obs.message.as_deref().unwrap_or_default()
        );
    }
    let _ = writeln!(
        out,
        "    shrunk in {} steps ({} still failing) from: {}",
        finding.shrink_steps,
        finding.shrink_successes,
        abbreviate(&finding.original.to_string(), 400)
    );
    let _ = writeln!(out, "    reproduce: {}", replay.command());
    out
}

fn describe_expect(expect: &Expect) -> String {
    match expect {
        Expect::Accept { checks } if checks.is_empty() => "accept (2xx, documented output)".into(),
        Expect::Accept { checks } => format!(
            "accept, with {}",
            serde_json::to_string(checks).unwrap_or_default()
        ),
        Expect::Reject { errors } => format!("reject with {}", errors.join(" or ")),
    }
}

fn abbreviate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max).collect();
    format!("{head}…")
}
