//! Pacing a run: how much of the account's sending quota it may use (read once, at the start,
//! against real SES), and the order that spreads paced calls over every operation. The rate
//! limits themselves are kept at the target's gate (`target::gate::pace`), which every request
//! passes.

use std::sync::Arc;

use serde_json::{json, Value};

use super::session::{Session, SessionError};
use crate::case::{Call, Case, RequestPath};
use crate::gate::pace::{interval, shown, MAX_PACED_WAIT};

/// What a run may send of the account's sending quota, read at its start (real SES).
#[derive(Debug, Clone, PartialEq)]
pub struct SendAllowance {
    /// Recipients per second across every sending operation (MaxSendRate).
    pub max_send_rate: f64,
    /// The account's 24-hour quota (Max24HourSend).
    pub max_24_hour_send: f64,
    /// Sent in the last 24 hours (SentLast24Hours).
    pub sent_last_24_hours: f64,
    /// Recipients this run may mail.
    pub budget: u64,
    /// Why the run mails no one, when it does not: the quota allows no sending, or it cannot be
    /// read (then the numbers above are 0). The budget is then 0.
    pub refused: Option<String>,
}

/// The sandbox's documented quota: 1 recipient per second, 200 a day (what `--dry-run`
/// assumes; a real run reads the account's own).
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
        let rate = allowance
            .refused
            .is_none()
            .then_some(allowance.max_send_rate);
        gate.pacer().set_send_rate(rate);
        gate.sends().set_max(Some(allowance.budget));
        Ok(Some(allowance))
    }
}

/// The send allowance from GetAccount's answer: the account's rate, and a budget of half of
/// what is left of its 24-hour quota (or `--max-sends`, never more than what is left). A quota
/// that allows no sending, or one that cannot be read (missing, not a number, negative), allows
/// the run to mail no one: nothing is assumed about an account.
pub fn allowance(body: Option<&Value>, max_sends: Option<u64>) -> SendAllowance {
    let quota = match read_quota(body) {
        Ok(quota) => quota,
        Err(why) => return refused(Quota::default(), why),
    };
    let left = (quota.max_24_hour_send - quota.sent_last_24_hours)
        .max(0.0)
        .floor();
    // Saturating: a quota past u64 is as good as unlimited, and `as` saturates.
    let left = left as u64;
    let budget = match max_sends {
        Some(n) => n.min(left),
        None => left / 2,
    };
    SendAllowance {
        max_send_rate: quota.max_send_rate,
        max_24_hour_send: quota.max_24_hour_send,
        sent_last_24_hours: quota.sent_last_24_hours,
        budget,
        refused: None,
    }
}

/// The three numbers of a SendQuota, each read and found finite and not negative.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Quota {
    max_send_rate: f64,
    max_24_hour_send: f64,
    sent_last_24_hours: f64,
}

fn read_quota(body: Option<&Value>) -> Result<Quota, String> {
    let Some(quota) = body.and_then(|b| b.get("SendQuota")) else {
        return Err("GetAccount's answer has no SendQuota".into());
    };
    let number = |name: &str| -> Result<f64, String> {
        match quota.get(name) {
            None | Some(Value::Null) => Err(format!("GetAccount's SendQuota has no {name}")),
            Some(Value::Number(n)) => match n.as_f64() {
                Some(x) if x.is_finite() && x >= 0.0 => Ok(x),
                _ => Err(format!(
                    "GetAccount's SendQuota {name} {n} is not a number of recipients"
                )),
            },
            Some(other) => Err(format!(
                "GetAccount's SendQuota {name} {other} is not a number"
            )),
        }
    };
    let (max_24_hour_send, max_send_rate) = (number("Max24HourSend")?, number("MaxSendRate")?);
    if max_24_hour_send == 0.0 || max_send_rate == 0.0 {
        // Whatever was sent today: nothing more may be.
        return Err(format!(
            "GetAccount's SendQuota allows no sending (Max24HourSend {}, MaxSendRate {})",
            shown(max_24_hour_send),
            shown(max_send_rate)
        ));
    }
    if interval(1.0, max_send_rate).is_none() {
        // Waiting less than the rate asks would exceed it: too slow to send at all.
        return Err(format!(
            "GetAccount's SendQuota MaxSendRate {} is too low to wait for: one recipient would hold the next message for {} s, longer than the {} s a paced wait may last",
            shown(max_send_rate),
            shown(1.0 / max_send_rate),
            MAX_PACED_WAIT.as_secs()
        ));
    }
    Ok(Quota {
        max_send_rate,
        max_24_hour_send,
        sent_last_24_hours: number("SentLast24Hours")?,
    })
}

fn refused(quota: Quota, why: String) -> SendAllowance {
    SendAllowance {
        max_send_rate: quota.max_send_rate,
        max_24_hour_send: quota.max_24_hour_send,
        sent_last_24_hours: quota.sent_last_24_hours,
        budget: 0,
        refused: Some(why),
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

/// The first case of each operation, in order, then every other case in order.
pub fn each_operation_first(cases: Vec<Arc<Case>>) -> Vec<Arc<Case>> {
    let mut seen = std::collections::HashSet::new();
    let (first, rest): (Vec<_>, Vec<_>) = cases
        .into_iter()
        .partition(|case| seen.insert(case.operation.clone()));
    first.into_iter().chain(rest).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_operation_first_puts_one_case_of_each_operation_ahead_in_order() {
        let spec = crate::spec::Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
        let settings = crate::generate::Settings {
            random_cases: 0,
            operations: vec!["GetAccount".into(), "ListEmailTemplates".into()],
            ..crate::generate::Settings::default()
        };
        let cases: Vec<Arc<Case>> = crate::generate::generate(&spec, &settings)
            .into_iter()
            .map(Arc::new)
            .collect();
        let ordered = each_operation_first(cases.clone());
        assert_eq!(ordered.len(), cases.len());
        let first_two: Vec<&str> = ordered[..2].iter().map(|c| c.operation.as_str()).collect();
        assert_eq!(first_two, ["GetAccount", "ListEmailTemplates"]);
        let first_list = cases
            .iter()
            .position(|c| c.operation == "ListEmailTemplates")
            .unwrap_or_else(|| panic!("a ListEmailTemplates case"));
        assert_eq!(ordered[1].id, cases[first_list].id);
        // The rest keep their order.
        let rest: Vec<&str> = ordered[2..].iter().map(|c| c.id.as_str()).collect();
        let expected: Vec<&str> = cases
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 0 && *i != first_list)
            .map(|(_, c)| c.id.as_str())
            .collect();
        assert_eq!(rest, expected);
    }

    #[test]
    fn the_default_budget_is_half_of_what_is_left() {
        let fresh = json!({"SendQuota": {"Max24HourSend": 200.0, "MaxSendRate": 1.0, "SentLast24Hours": 0.0}});
        let a = allowance(Some(&fresh), None);
        assert_eq!((a.budget, a.max_send_rate, a.refused), (100, 1.0, None));
        let used = json!({"SendQuota": {"Max24HourSend": 200.0, "MaxSendRate": 1.0, "SentLast24Hours": 150.0}});
        assert_eq!(allowance(Some(&used), None).budget, 25);
        assert_eq!(allowance(Some(&used), Some(40)).budget, 40);
        assert_eq!(
            allowance(Some(&used), Some(500)).budget,
            50,
            "never more than what is left"
        );
        let huge = json!({"SendQuota": {"Max24HourSend": 1e300, "MaxSendRate": 1.0, "SentLast24Hours": 0}});
        assert_eq!(allowance(Some(&huge), Some(7)).budget, 7);
    }

    #[test]
    fn a_quota_of_zero_sends_nothing_and_says_so() {
        let zero = json!({"SendQuota": {"Max24HourSend": 0, "MaxSendRate": 0}});
        let a = allowance(Some(&zero), Some(10));
        assert_eq!(a.budget, 0);
        assert_eq!(
            a.refused.as_deref(),
            Some("GetAccount's SendQuota allows no sending (Max24HourSend 0, MaxSendRate 0)")
        );
        let no_rate =
            json!({"SendQuota": {"Max24HourSend": 200, "MaxSendRate": 0, "SentLast24Hours": 0}});
        assert_eq!(allowance(Some(&no_rate), None).budget, 0);
    }

    #[test]
    fn a_quota_that_cannot_be_read_sends_nothing_and_says_why() {
        for (body, why) in [
            (json!({}), "GetAccount's answer has no SendQuota"),
            (
                json!({"SendQuota": {"Max24HourSend": 200, "SentLast24Hours": 0}}),
                "GetAccount's SendQuota has no MaxSendRate",
            ),
            (
                json!({"SendQuota": {"Max24HourSend": -5, "MaxSendRate": 1, "SentLast24Hours": 0}}),
                "GetAccount's SendQuota Max24HourSend -5 is not a number of recipients",
            ),
            (
                json!({"SendQuota": {"Max24HourSend": "200", "MaxSendRate": 1, "SentLast24Hours": 0}}),
                "GetAccount's SendQuota Max24HourSend \"200\" is not a number",
            ),
            (
                json!({"SendQuota": {"Max24HourSend": 200, "MaxSendRate": 1, "SentLast24Hours": null}}),
                "GetAccount's SendQuota has no SentLast24Hours",
            ),
        ] {
            let a = allowance(Some(&body), None);
            assert_eq!((a.budget, a.refused.as_deref()), (0, Some(why)), "{body}");
        }
        assert_eq!(allowance(None, None).budget, 0, "a body that is not JSON");
    }

    #[test]
    fn a_rate_too_low_to_wait_for_sends_nothing_and_never_panics() {
        let at = |rate: f64| {
            allowance(
                Some(
                    &json!({"SendQuota": {"Max24HourSend": 200, "MaxSendRate": rate, "SentLast24Hours": 0}}),
                ),
                None,
            )
        };
        assert_eq!(
            at(0.001).refused.as_deref(),
            Some("GetAccount's SendQuota MaxSendRate 0.001 is too low to wait for: one recipient would hold the next message for 1000 s, longer than the 60 s a paced wait may last")
        );
        for rate in [1e-300, f64::MIN_POSITIVE, 5e-324, 0.0166] {
            let a = at(rate);
            assert_eq!(a.budget, 0, "{rate:e}");
            assert!(a.refused.is_some(), "{rate:e}");
        }
        assert_eq!(
            at(1.0 / 60.0).refused,
            None,
            "a minute a recipient can be waited for"
        );
        assert_eq!(at(1e300).refused, None);
    }
}
