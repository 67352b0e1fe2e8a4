//! What `explore` says: each finding shrunk, with its request, expectation, observation and the
//! command that replays it, a summary with the seed and the coverage, and the `--json` lines.

use std::fmt::Write as _;

use serde_json::Value;

use super::coverage::Coverage;
use super::record::Record;
use crate::case::Expect;
use crate::explore::{ExploreReport, Finding, Stop};

/// The `--json` record: `run`'s record of the minimal case, plus the original request, the
/// shrink steps and the seed.
pub fn record(finding: &Finding, target: &str) -> Value {
    let mut record = serde_json::to_value(Record::of(&finding.minimal, target))
        .unwrap_or_else(|_| Value::Object(Default::default()));
    if let Some(obj) = record.as_object_mut() {
        obj.insert("request".into(), finding.request().clone());
        obj.insert("original_request".into(), finding.original.clone());
        obj.insert("shrink_steps".into(), finding.shrink_steps.into());
        obj.insert("seed".into(), finding.seed.into());
    }
    record
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
pub fn render_console(
    report: &ExploreReport,
    coverage: &Coverage,
    replay: &ReplayCommand,
) -> String {
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
        coverage.reached(),
        coverage.constraints.len()
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
        crate::output::abbreviate(&finding.original.to_string(), 400)
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
