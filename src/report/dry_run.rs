//! `--dry-run`: every call a run would make (the quota read before the first case, each case's
//! calls, the removal of shared fixtures after the last), with the gate's decision on each, and
//! an estimate of what the run costs (calls, recipients, wall time at the account's rates, and
//! what the send budget would skip).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use crate::case::{Bindings, Case};
use crate::gate::Gate;
use crate::run::{CasePlan, PlannedCall, Role};
use crate::spec::Spec;

/// The lines of one case: `SKIP` with the reason, or each call with what the gate decided.
pub fn plan_lines(case: &Case, plan: &CasePlan, bindings: &Bindings) -> String {
    let mut out = String::new();
    if let Some(reason) = &plan.skip {
        let _ = writeln!(out, "SKIP   {}: {reason}", case.id);
        return out;
    }
    for call in &plan.calls {
        let what = match call.role {
            Role::Case => format!("{} {} via {:?}", case.id, call.call.operation, call.path),
            _ => call.call.operation.clone(),
        };
        let _ = writeln!(out, "{}", call_line(&what, call, bindings));
    }
    out
}

/// The lines of the calls a run makes outside any case (the quota read before the first, the
/// removals of shared fixtures after the last), each with the gate's decision spelt out: no
/// case is skipped in their place, so a refusal would otherwise go unseen.
pub fn run_lines(calls: &[PlannedCall], bindings: &Bindings) -> String {
    let mut out = String::new();
    for call in calls {
        let line = call_line(&call.call.operation, call, bindings);
        let _ = writeln!(out, "{line} {}", decision(call));
    }
    out
}

/// One call: the word for its role, what it is, its request, and notes on what it does.
fn call_line(what: &str, call: &PlannedCall, bindings: &Bindings) -> String {
    let request = crate::output::abbreviate(
        &bindings.bind_value(&call.call.request, &[]).to_string(),
        300,
    );
    let mut note = String::new();
    match call.role {
        Role::SharedFixture => note.push_str(" (shared: made once per run, removed at its end)"),
        Role::RemovalIfProven => {
            note.push_str(" (only if SES answers 200, which proves it added the identity)")
        }
        Role::Removal if !call.expected => {
            note.push_str(" (only if the target did not refuse or already remove it)")
        }
        Role::QuotaRead => note.push_str(
            " (before the first case: SendQuota sets the run's sending rate and send budget)",
        ),
        Role::RoomRead => note.push_str(
            " (before the first case that makes one: where the account already holds as many as SES allows, none of them the run's, every case that would make one is skipped; only the count is kept)",
        ),
        Role::SharedRemoval => {
            note.push_str(" (at the end of the run: the shared fixture the cases above made)")
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
    format!("{:<6} {what}: {request}{note}", call.role.word())
}

/// The gate's decision on a call, in brackets.
fn decision(call: &PlannedCall) -> String {
    match &call.decision {
        Some(Ok(judged)) if judged.removal => {
            "[gate: passes; a removal, which no budget refuses]".to_string()
        }
        Some(Ok(_)) => "[gate: passes]".to_string(),
        Some(Err(refusal)) => format!(
            "[gate: refuses {} (rule {}): {refusal}]",
            call.role.describe(),
            refusal.rule()
        ),
        None => "[gate: judged when it is sent]".to_string(),
    }
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
    /// Each case that may mail, in order: its recipients, and whether SES should accept it.
    sends: Vec<(u64, bool)>,
}

/// What a send budget leaves out (see [`Estimate::past_budget`]).
#[derive(Debug, Default)]
struct PastBudget {
    /// Recipients spent by the cases that fit.
    spent: u64,
    /// Valid sends skipped.
    valid: usize,
    /// Their recipients.
    valid_recipients: u64,
    /// Invalid cases that may mail, skipped.
    invalid: usize,
}

/// What a real-SES run reads from the account and the flags that bound its sending: the dry run
/// cannot read the account, so it assumes a fresh sandbox account's quota.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SendLimits {
    /// Recipients per second across sending operations (MaxSendRate assumed).
    pub send_rate: f64,
    /// `--max-sends`.
    pub max_sends: Option<u64>,
}

impl SendLimits {
    /// The budget a real run would use in a fresh sandbox account.
    fn sandbox_budget(&self) -> u64 {
        crate::run::pacing::allowance(None, self.max_sends).budget
    }

    /// Where a real run's budget comes from, in words.
    fn budget_rule(&self) -> String {
        let (_, daily) = crate::run::pacing::SANDBOX_QUOTA;
        match self.max_sends {
            Some(n) => format!(
                "--max-sends {n} recipients, never more than what is left of the account's Max24HourSend ({} in a fresh sandbox account of {daily} a day)",
                self.sandbox_budget()
            ),
            None => format!(
                "half of what is left of the account's Max24HourSend (Max24HourSend - SentLast24Hours, from GetAccount): {} in a fresh sandbox account of {daily} a day",
                self.sandbox_budget()
            ),
        }
    }
}

impl Estimate {
    /// Count the calls of one case's plan a target that answers as the contract says would see.
    pub fn add(&mut self, spec: &Spec, case: &Case, plan: &CasePlan, gate: &Gate) {
        self.cases += 1;
        if plan.skip.is_some() {
            self.skipped += 1;
            return;
        }
        let mails = plan.deliveries();
        if mails > 0 {
            self.sends
                .push((mails, case.kind == crate::case::Kind::Valid));
        }
        for call in plan.calls.iter().filter(|c| c.expected) {
            // A shared fixture is made once; its removal is among the run's closing calls.
            if call.role == Role::SharedFixture
                && !self.shared_seen.insert(call.call.request.to_string())
            {
                continue;
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

    /// Count the calls a run makes outside any case: its opening and closing calls.
    pub fn add_run_calls(&mut self, spec: &Spec, calls: &[PlannedCall], gate: &Gate) {
        for call in calls.iter().filter(|c| c.expected) {
            self.count(spec, gate, &call.call.operation);
        }
    }

    /// The cases that may mail but that a budget of `budget` recipients cannot cover when they
    /// start, taken in order: a case reserves what it may mail, and only what SES accepts (here:
    /// the valid cases' messages) is spent.
    fn past_budget(&self, budget: u64) -> PastBudget {
        let mut past = PastBudget::default();
        for &(recipients, valid) in &self.sends {
            if past.spent + recipients > budget {
                if valid {
                    past.valid += 1;
                    past.valid_recipients += recipients;
                } else {
                    past.invalid += 1;
                }
            } else if valid {
                past.spent += recipients;
            }
        }
        past
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

    /// The closing lines; against real SES (`limits`), the wall time at the account's rates and
    /// what its send budget leaves out.
    pub fn render(&self, limits: Option<SendLimits>) -> String {
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
            "; at most {} recipients at the mailbox simulator, {} of them from valid cases (the others are mailed only if the target accepts an invalid request)",
            self.recipients, self.expected_recipients
        );
        if let Some(limits) = limits {
            out.push_str(&self.render_budget(limits));
            let rate = limits.send_rate;
            // Each queue is worked through one call per interval; they run side by side.
            let calls = self.paced.values().cloned().fold(0.0, f64::max);
            // Only a message SES accepts holds up the next one, and the budget bounds them.
            let mailed = self.past_budget(limits.sandbox_budget()).spent;
            let sends = mailed as f64 / rate;
            let _ = writeln!(
                out,
                "estimate: at least {} of wall time at a sandbox account's rates (each operation at its documented rate or 1/s, {rate} recipient/s across sends); a real run reads your account's rates and budget first",
                minutes(Duration::from_secs_f64(calls.max(sends)))
            );
        }
        out
    }

    /// The send budget a real run would use, and which sends it would skip in a fresh sandbox
    /// account (the dry run cannot read the account's quota).
    fn render_budget(&self, limits: SendLimits) -> String {
        let mut out = format!(
            "send budget: a real run reads the account's SendQuota (GetAccount) first and mails at most {}; a case that may mail more than is left of it is skipped with the reason, not sent.",
            limits.budget_rule()
        );
        let past = self.past_budget(limits.sandbox_budget());
        if past.valid + past.invalid == 0 {
            out.push_str(
                " Every case above that may mail fits in a fresh sandbox account's budget.\n",
            );
        } else {
            // Which cases meet the limit depends on the order they start in, which a paced run
            // interleaves by operation.
            let _ = writeln!(
                out,
                " In a fresh sandbox account about {} valid send(s) ({} recipients) and {} invalid case(s) that may mail would be skipped at run time; which ones depends on the order cases start in, and an account that has sent today has less left.",
                past.valid, past.valid_recipients, past.invalid
            );
        }
        out
    }
}

fn minutes(d: Duration) -> String {
    let secs = d.as_secs();
    format!("{}m{:02}s", secs / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_send_the_budget_cannot_cover_is_counted_as_skipped_and_a_smaller_one_may_still_fit() {
        let estimate = Estimate {
            // valid 2, invalid 3 (reserved, never spent), valid 2, valid 1
            sends: vec![(2, true), (3, false), (2, true), (1, true)],
            ..Estimate::default()
        };
        let past = estimate.past_budget(3);
        assert_eq!(
            (past.spent, past.valid, past.valid_recipients, past.invalid),
            (3, 1, 2, 1)
        );
        let all = estimate.past_budget(100);
        assert_eq!((all.spent, all.valid, all.invalid), (5, 0, 0));
    }
}
