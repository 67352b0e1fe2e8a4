//! Pacing a run: how much of the account's sending quota it may use (read once, at the start,
//! against real SES), and the order that spreads paced calls over every operation. The rate
//! limits themselves are kept at the target's gate (`target::gate::pace`), which every request
//! passes.

use std::sync::Arc;

use serde_json::{json, Value};

use super::session::{Session, SessionError};
use crate::case::{Call, Case, RequestPath};

/// What a run may send of the account's sending quota, read at its start (real SES).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SendAllowance {
    /// Recipients per second across every sending operation (MaxSendRate).
    pub max_send_rate: f64,
    /// The account's 24-hour quota (Max24HourSend).
    pub max_24_hour_send: f64,
    /// Sent in the last 24 hours (SentLast24Hours).
    pub sent_last_24_hours: f64,
    /// Recipients this run may mail.
    pub budget: u64,
    /// The account's answer had no readable SendQuota: a sandbox account's values were assumed.
    pub assumed: bool,
}

/// The sandbox's documented quota: 1 recipient per second, 200 a day.
pub const SANDBOX_QUOTA: (f64, f64) = (1.0, 200.0);

/// The call that reads the account's sending quota, before a real-SES run's first case.
pub fn quota_read() -> Call {
    Call {
        operation: "GetAccount".into(),
        request: json!({}),
    }
}

impl Session {
    /// Against real SES: read the account's sending quota (GetAccount) and set the run's sending
    /// rate and send budget from it. Other targets need nothing: `Ok(None)`.
    pub async fn start(&self) -> Result<Option<SendAllowance>, SessionError> {
        if !self.target().gate.is_strict() {
            return Ok(None);
        }
        let read = quota_read();
        let (_, obs) = self
            .call(&read.operation, &read.request, RequestPath::Sdk, None)
            .await;
        if let Some(failure) = &obs.failure {
            return Err(SessionError::Quota {
                answer: failure.clone(),
            });
        }
        if !obs.is_success() {
            return Err(SessionError::Quota {
                answer: crate::check::verdict::describe_error(&obs),
            });
        }
        let allowance = allowance(obs.body.as_ref(), self.config().max_sends);
        let gate = &self.target().gate;
        gate.pacer().set_send_rate(Some(allowance.max_send_rate));
        gate.sends().set_max(Some(allowance.budget));
        Ok(Some(allowance))
    }
}

/// The send allowance from GetAccount's answer: the account's rate, and a budget of half of
/// what is left of its 24-hour quota (or `--max-sends`, never more than what is left).
pub fn allowance(body: Option<&Value>, max_sends: Option<u64>) -> SendAllowance {
    let quota = body.and_then(|b| b.get("SendQuota"));
    let number = |name: &str| quota.and_then(|q| q.get(name)).and_then(Value::as_f64);
    let (rate, max, sent) = (
        number("MaxSendRate").filter(|r| *r > 0.0),
        number("Max24HourSend").filter(|m| *m >= 0.0),
        number("SentLast24Hours").filter(|s| *s >= 0.0),
    );
    let assumed = rate.is_none() || max.is_none();
    let (max_send_rate, max_24_hour_send, sent_last_24_hours) = match (rate, max) {
        (Some(rate), Some(max)) => (rate, max, sent.unwrap_or(0.0)),
        _ => (SANDBOX_QUOTA.0, SANDBOX_QUOTA.1, sent.unwrap_or(0.0)),
    };
    let left = (max_24_hour_send - sent_last_24_hours).max(0.0).floor() as u64;
    let budget = match max_sends {
        Some(n) => n.min(left),
        None => left / 2,
    };
    SendAllowance {
        max_send_rate,
        max_24_hour_send,
        sent_last_24_hours,
        budget,
        assumed,
    }
}

/// Cases taken round-robin from each operation's cases, each operation's in their order: paced
/// calls then spread over every operation's slots.
pub fn interleave(cases: Vec<Arc<Case>>) -> Vec<Arc<Case>> {
    let mut by_operation: Vec<(String, std::collections::VecDeque<Arc<Case>>)> = Vec::new();
    for case in cases {
        match by_operation
            .iter_mut()
            .find(|(op, _)| *op == case.operation)
        {
            Some((_, queue)) => queue.push_back(case),
            None => by_operation.push((case.operation.clone(), [case].into())),
        }
    }
    let mut out = Vec::new();
    while by_operation.iter().any(|(_, q)| !q.is_empty()) {
        for (_, queue) in &mut by_operation {
            out.extend(queue.pop_front());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_budget_is_half_of_what_is_left() {
        let fresh = json!({"SendQuota": {"Max24HourSend": 200.0, "MaxSendRate": 1.0, "SentLast24Hours": 0.0}});
        let a = allowance(Some(&fresh), None);
        assert_eq!((a.budget, a.max_send_rate, a.assumed), (100, 1.0, false));
        let used = json!({"SendQuota": {"Max24HourSend": 200.0, "MaxSendRate": 1.0, "SentLast24Hours": 150.0}});
        assert_eq!(allowance(Some(&used), None).budget, 25);
        assert_eq!(allowance(Some(&used), Some(40)).budget, 40);
        assert_eq!(
            allowance(Some(&used), Some(500)).budget,
            50,
            "never more than what is left"
        );
        let unreadable = allowance(Some(&json!({})), None);
        assert!(unreadable.assumed);
        assert_eq!(unreadable.budget, 100, "a fresh sandbox account assumed");
    }
}
