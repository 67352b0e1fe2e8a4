//! Budgets: requests a run may send (`--max-requests`), and recipients it may mail (`--max-sends`,
//! a bounded share of what is left of the account's 24-hour quota). A case reserves what it may
//! spend before it starts, so a case that cannot be paid for is skipped instead of failing half
//! way; every request draws from the budget as it leaves, so nothing exceeds it.

use std::sync::Mutex;

use super::Refusal;

/// Counts requests against `--max-requests`.
#[derive(Debug, Default)]
pub struct RequestBudget {
    max: Option<u64>,
    state: Mutex<Tally>,
}

#[derive(Debug, Default, Clone)]
struct Tally {
    spent: u64,
    reserved: u64,
    by_operation: std::collections::BTreeMap<String, u64>,
}

impl RequestBudget {
    /// A budget of `max` requests (unlimited when `None`).
    pub fn new(max: Option<u64>) -> RequestBudget {
        RequestBudget {
            max,
            state: Mutex::new(Tally::default()),
        }
    }

    fn tally(&self) -> std::sync::MutexGuard<'_, Tally> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reserve `n` requests for a case about to start; false (nothing reserved) when they would
    /// not fit beside what is spent and reserved.
    pub fn reserve(&self, n: u64) -> bool {
        let mut t = self.tally();
        if self.max.is_some_and(|max| t.spent + t.reserved + n > max) {
            return false;
        }
        t.reserved += n;
        true
    }

    /// Give back a reservation when its case is over.
    pub fn release(&self, n: u64) {
        let mut t = self.tally();
        t.reserved = t.reserved.saturating_sub(n);
    }

    /// Count one request of `operation` about to leave. A removal of the run's own resource is
    /// never refused (leaving it behind is worse than one request over), but it is counted.
    pub fn take(&self, operation: &str, removal: bool) -> Result<(), Refusal> {
        let mut t = self.tally();
        if let Some(max) = self.max {
            if t.spent >= max && !removal {
                return Err(Refusal::RequestBudget { max });
            }
        }
        t.spent += 1;
        *t.by_operation.entry(operation.to_string()).or_default() += 1;
        Ok(())
    }

    /// Give back a request of `operation` that never left.
    pub fn untake(&self, operation: &str) {
        let mut t = self.tally();
        t.spent = t.spent.saturating_sub(1);
        if let Some(n) = t.by_operation.get_mut(operation) {
            *n = n.saturating_sub(1);
        }
    }

    /// Requests sent so far, per operation.
    pub fn by_operation(&self) -> std::collections::BTreeMap<String, u64> {
        self.tally().by_operation.clone()
    }

    /// Requests sent so far.
    pub fn spent(&self) -> u64 {
        self.tally().spent
    }

    /// The budget.
    pub fn max(&self) -> Option<u64> {
        self.max
    }
}

/// Counts recipients against the run's share of the 24-hour sending quota.
#[derive(Debug, Default)]
pub struct SendBudget {
    state: Mutex<SendTally>,
}

#[derive(Debug, Default, Clone, Copy)]
struct SendTally {
    max: Option<u64>,
    /// Recipients of messages SES accepted (2xx).
    committed: u64,
    /// Recipients of messages sent and not yet answered.
    in_flight: u64,
    /// Recipients cases reserved and have not yet sent.
    reserved: u64,
}

impl SendBudget {
    /// A budget of `max` recipients (unlimited when `None`).
    pub fn new(max: Option<u64>) -> SendBudget {
        SendBudget {
            state: Mutex::new(SendTally {
                max,
                ..SendTally::default()
            }),
        }
    }

    fn tally(&self) -> std::sync::MutexGuard<'_, SendTally> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Set the budget (read from the account at the start of a run).
    pub fn set_max(&self, max: Option<u64>) {
        self.tally().max = max;
    }

    /// The budget.
    pub fn max(&self) -> Option<u64> {
        self.tally().max
    }

    /// Reserve `n` recipients for a case about to start; the refusal says what is left. A case
    /// that mails no one needs no budget.
    pub fn reserve(&self, n: u64) -> Result<(), Refusal> {
        if n == 0 {
            return Ok(());
        }
        let mut t = self.tally();
        if let Some(max) = t.max {
            let used = t.committed + t.in_flight + t.reserved;
            if used + n > max {
                return Err(Refusal::SendBudget {
                    needed: n,
                    left: max.saturating_sub(used),
                    max,
                });
            }
        }
        t.reserved += n;
        Ok(())
    }

    /// Give back a case's reservation when it is over.
    pub fn release(&self, n: u64) {
        let mut t = self.tally();
        t.reserved = t.reserved.saturating_sub(n);
    }

    /// Count the recipients of a message about to leave: refused when what SES accepted and
    /// what is on its way would pass the budget, whatever was reserved.
    pub fn send(&self, n: u64) -> Result<(), Refusal> {
        if n == 0 {
            return Ok(());
        }
        let mut t = self.tally();
        if let Some(max) = t.max {
            let used = t.committed + t.in_flight;
            if used + n > max {
                return Err(Refusal::SendBudget {
                    needed: n,
                    left: max.saturating_sub(used),
                    max,
                });
            }
        }
        t.in_flight += n;
        Ok(())
    }

    /// The answer came: an accepted message spends its recipients; any other answer (an error,
    /// throttling, a refusal before sending) spends nothing. No answer at all counts as accepted:
    /// the message may have gone.
    pub fn settle(&self, n: u64, accepted: bool) {
        let mut t = self.tally();
        t.in_flight = t.in_flight.saturating_sub(n);
        if accepted {
            t.committed += n;
        }
    }

    /// Count recipients SES accepted beyond what was sent as spending (a message judged certain
    /// to be refused that was accepted after all).
    pub fn charge(&self, n: u64) {
        self.tally().committed += n;
    }

    /// Recipients of accepted messages so far.
    pub fn committed(&self) -> u64 {
        self.tally().committed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_past_the_budget_are_refused_but_removals_go() {
        let b = RequestBudget::new(Some(2));
        assert!(b.take("Op", false).is_ok());
        assert!(b.take("Op", false).is_ok());
        assert_eq!(b.take("Op", false), Err(Refusal::RequestBudget { max: 2 }));
        assert!(b.take("Delete", true).is_ok(), "a removal is never refused");
        assert_eq!(b.spent(), 3, "but it is counted");
        b.untake("Delete");
        assert_eq!(b.spent(), 2);
        assert_eq!(b.by_operation().get("Op"), Some(&2));
    }

    #[test]
    fn reservations_fit_beside_what_is_spent() {
        let b = RequestBudget::new(Some(5));
        assert!(b.reserve(3));
        assert!(!b.reserve(3));
        b.release(3);
        assert!(b.reserve(5));
        assert!(RequestBudget::new(None).reserve(1_000_000));
    }

    #[test]
    fn only_accepted_messages_spend_recipients() {
        let s = SendBudget::new(Some(3));
        assert!(s.send(2).is_ok());
        assert!(s.send(2).is_err(), "2 on their way, 2 more would pass 3");
        s.settle(2, false);
        assert!(s.send(3).is_ok(), "a rejected message spent nothing");
        s.settle(3, true);
        assert_eq!(s.committed(), 3);
        assert!(s.reserve(1).is_err());
        assert!(
            s.reserve(0).is_ok(),
            "a case that mails no one needs no budget"
        );
        assert_eq!(
            s.send(1),
            Err(Refusal::SendBudget {
                needed: 1,
                left: 0,
                max: 3
            })
        );
    }
}
