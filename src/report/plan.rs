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
            (Role::SharedFixture, _) => note.push_str(" (shared: made once per run, removed at its end)"),
            (Role::RemovalIfProven, _) => note.push_str(
                " (only if SES answers 200, which proves it added the identity)",
            ),
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
                let _ = write!(note, " [mails {} recipient(s) at the simulator]", judged.spends());
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
    recipients: u64,
    last_start: Duration,
    shared_seen: std::collections::BTreeSet<String>,
}

impl Estimate {
    /// Count one case's plan; the gate's pacer is used on a virtual clock to find when its calls
    /// could start at the earliest.
    pub fn add(&mut self, spec: &Spec, plan: &CasePlan, gate: &Gate) {
        self.cases += 1;
        if plan.skip.is_some() {
            self.skipped += 1;
            return;
        }
        let origin = tokio::time::Instant::now();
        for call in plan.calls.iter().filter(|c| c.expected) {
            if call.role == Role::SharedFixture {
                let key = call.call.request.to_string();
                if !self.shared_seen.insert(key) {
                    continue;
                }
                // Its removal at the end of the run.
                *self.calls.entry(removal_of(&call.call.operation)).or_default() += 1;
            }
            let spends = match &call.decision {
                Some(Ok(judged)) => judged.spends(),
                _ => 0,
            };
            self.recipients += spends;
            *self.calls.entry(call.call.operation.clone()).or_default() += 1;
            let rate = spec
                .operation_or_setup(&call.call.operation)
                .and_then(|op| op.rate_limit.as_ref())
                .map(|r| r.per_second);
            let start = gate
                .pacer()
                .reserve(&call.call.operation, rate, spends, origin);
            self.last_start = self.last_start.max(start - origin);
        }
    }

    /// The closing lines.
    pub fn render(&self, real_aws: bool) -> String {
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
        let _ = writeln!(out, ", {} recipients at the mailbox simulator", self.recipients);
        if real_aws {
            let _ = writeln!(
                out,
                "estimate: at least {} of wall time at a sandbox account's rates (each operation at its documented rate or 1/s, 1 recipient/s across sends); a real run reads your account's rates and budget first",
                minutes(self.last_start)
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
