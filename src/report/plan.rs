//! `--dry-run`: every call a run would make, with the gate's decision on each, and an estimate of
//! what the run costs (calls, recipients, wall time at the account's rates).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use crate::case::{Bindings, Case};
use crate::run::{CasePlan, Role};
use crate::spec::Spec;
use crate::target::gate::Gate;

/// The lines of one case: `SKIP` with the reason, or each call with what the gate decided.
pub fn plan_lines(case: &Case, plan: &CasePlan, bindings: &Bindings) -> String {
    let mut out = String::new();
    if let Some(reason) = &plan.skip {
        let _ = writeln!(out, "SKIP   {}: {reason}", case.id);
        return out;
    }
    for call in &plan.calls {
        let request = super::console::abbreviate(
            &bindings.bind_value(&call.call.request, &[]).to_string(),
            300,
        );
        let what = match call.role {
            Role::Case => format!("{} {} via {:?}", case.id, call.call.operation, call.path),
            _ => call.call.operation.clone(),
        };
        let mut note = String::new();
        match (&call.role, &call.decision) {
            (Role::SharedFixture, _) => {
                note.push_str(" (shared: made once per run, removed at its end)")
            }
            (Role::RemovalIfProven, _) => {
                note.push_str(" (only if SES answers 200, which proves it added the identity)")
            }
            (Role::Removal, _) if !call.expected => {
                note.push_str(" (only if the target did not refuse or already remove it)")
            }
            _ => {}
        }
        if let Some(Ok(judged)) = &call.decision {
            if let Some(rule) = &judged.certain_rejection {
                let _ = write!(note, " [SES certainly rejects it first: {rule}]");
            }
            if judged.spends() > 0 {
                let _ = write!(
                    note,
                    " [mails {} recipient(s) at the simulator]",
                    judged.spends()
                );
            }
        }
        let _ = writeln!(out, "{:<6} {what}: {request}{note}", call.role.word());
    }
    out
}

/// What a run would cost.
#[derive(Debug, Default)]
pub struct Estimate {
    cases: usize,
    skipped: usize,
    calls: BTreeMap<String, u64>,
    /// Seconds of pacing each operation needs: its calls times its interval.
    paced: BTreeMap<String, f64>,
    recipients: u64,
    expected_recipients: u64,
    shared_seen: std::collections::BTreeSet<String>,
}

impl Estimate {
    /// Count the calls of one case's plan a target that answers as the contract says would see.
    pub fn add(&mut self, spec: &Spec, case: &Case, plan: &CasePlan, gate: &Gate) {
        self.cases += 1;
        if plan.skip.is_some() {
            self.skipped += 1;
            return;
        }
        for call in plan.calls.iter().filter(|c| c.expected) {
            if call.role == Role::SharedFixture {
                let key = call.call.request.to_string();
                if !self.shared_seen.insert(key) {
                    continue;
                }
                // Its removal at the end of the run.
                self.count(spec, gate, &removal_of(&call.call.operation));
            }
            if let Some(Ok(judged)) = &call.decision {
                self.recipients += judged.spends();
                if case.kind == crate::case::Kind::Valid {
                    self.expected_recipients += judged.spends();
                }
            }
            self.count(spec, gate, &call.call.operation);
        }
    }

    fn count(&mut self, spec: &Spec, gate: &Gate, operation: &str) {
        *self.calls.entry(operation.to_string()).or_default() += 1;
        let documented = spec
            .operation_or_setup(operation)
            .and_then(|op| op.rate_limit.as_ref())
            .map(|r| r.per_second);
        if let Some(rate) = gate.pacer().call_rate(documented) {
            *self.paced.entry(operation.to_string()).or_default() += 1.0 / rate;
        }
    }

    /// The closing lines.
    pub fn render(&self, send_rate: Option<f64>) -> String {
        let mut out = String::new();
        let total: u64 = self.calls.values().sum();
        let _ = writeln!(
            out,
            "{} cases would be sent, {} skipped",
            self.cases - self.skipped,
            self.skipped
        );
        let busiest = self.calls.iter().max_by_key(|(_, n)| **n);
        let _ = write!(out, "estimate: {total} calls");
        if let Some((op, n)) = busiest {
            let _ = write!(out, " (busiest: {op}, {n})");
        }
        let _ = writeln!(
            out,
            "; at most {} recipients at the mailbox simulator, {} of them from valid cases (the others are mailed only if the target accepts an invalid request); a real run stops mailing at its send budget",
            self.recipients, self.expected_recipients
        );
        if let Some(rate) = send_rate {
            // Each queue is worked through one call per interval; they run side by side.
            let calls = self.paced.values().cloned().fold(0.0, f64::max);
            // Only a message SES accepts holds up the next one.
            let sends = self.expected_recipients as f64 / rate;
            let _ = writeln!(
                out,
                "estimate: at least {} of wall time at a sandbox account's rates (each operation at its documented rate or 1/s, {rate} recipient/s across sends); a real run reads your account's rates and budget first",
                minutes(Duration::from_secs_f64(calls.max(sends)))
            );
        }
        out
    }
}

/// `DeleteX` for a `CreateX`: the removal of a shared fixture at the end of a run.
fn removal_of(create: &str) -> String {
    create.replacen("Create", "Delete", 1)
}

fn minutes(d: Duration) -> String {
    let secs = d.as_secs();
    format!("{}m{:02}s", secs / 60, secs % 60)
}
