//! Budgets: requests a run may send (`--max-requests`), and recipients it may mail (`--max-sends`,
//! a bounded share of what is left of the account's 24-hour quota). A case reserves what it may
//! spend before it starts, so a case that cannot be paid for is skipped instead of failing half
//! way; every request draws from the budget as it leaves, so nothing exceeds it.
//!
//! Removals are never sent past the budget either: a request that may make a resource pays for
//! its delete when it is admitted (it needs two requests of the budget, its own and the delete's),
//! and the reservation is given back once the answer shows it made nothing. Running out of
//! budget then never strands a resource: its delete is already paid for.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use super::footprint::{Footprint, ResourceKey};
use super::{Fate, Refusal};

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
    /// Resources whose delete is paid for: made (or maybe made) and not yet removed.
    held: BTreeSet<ResourceKey>,
    by_operation: BTreeMap<String, u64>,
}

impl Tally {
    fn committed(&self) -> u64 {
        self.spent + self.held.len() as u64
    }
}

/// What one admitted request drew from the budget; [`RequestBudget::settle`] takes it back with
/// the request's fate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draw {
    operation: String,
    footprint: Footprint,
    /// The delete this request paid for (it may make a resource whose delete was not yet paid).
    paid_delete: Option<ResourceKey>,
    /// The paid delete this request is (a removal of a resource the run made).
    used_delete: Option<ResourceKey>,
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
    /// not fit beside what is spent, reserved and held for deletes.
    pub fn reserve(&self, n: u64) -> bool {
        let mut t = self.tally();
        if self
            .max
            .is_some_and(|max| t.committed() + t.reserved + n > max)
        {
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

    /// Count one request of `operation` about to leave, with what it may make or remove. A
    /// request that may make a resource needs room for its delete too; a delete of what the run
    /// made was paid for then and always goes. Nothing is counted when it is refused.
    pub fn take(&self, operation: &str, footprint: &Footprint) -> Result<Draw, Refusal> {
        let mut t = self.tally();
        let mut draw = Draw {
            operation: operation.to_string(),
            footprint: footprint.clone(),
            paid_delete: None,
            used_delete: None,
        };
        // Without a budget there is nothing to pay for.
        if let Some(max) = self.max {
            match footprint {
                Footprint::Removes(key) if t.held.contains(key) => {
                    draw.used_delete = Some(key.clone())
                }
                Footprint::Makes(key) | Footprint::AddsIfAccepted(key) if !t.held.contains(key) => {
                    draw.paid_delete = Some(key.clone())
                }
                _ => {}
            }
            let needs = match (&draw.used_delete, &draw.paid_delete) {
                (Some(_), _) => 0,
                (None, Some(_)) => 2,
                (None, None) => 1,
            };
            if t.committed() + needs > max {
                return Err(Refusal::RequestBudget { max });
            }
        }
        if let Some(key) = &draw.used_delete {
            t.held.remove(key);
        }
        if let Some(key) = &draw.paid_delete {
            t.held.insert(key.clone());
        }
        t.spent += 1;
        *t.by_operation.entry(operation.to_string()).or_default() += 1;
        Ok(draw)
    }

    /// How the request fared. One that never left is given back. A create that made nothing
    /// (never sent, or answered 4xx) gives back its delete, and so does an identity SES adds only
    /// when it accepted the request and did not. A delete that may have left its resource in
    /// place (throttled, failed, unanswered) pays for its retry now, if the budget still can;
    /// otherwise the resource stays in the ledger for `cleanup`.
    pub fn settle(&self, draw: Draw, fate: Fate) {
        let mut t = self.tally();
        if fate == Fate::NotSent {
            t.spent = t.spent.saturating_sub(1);
            if let Some(n) = t.by_operation.get_mut(&draw.operation) {
                *n = n.saturating_sub(1);
            }
        }
        if let Some(key) = draw.paid_delete {
            let made = match draw.footprint {
                Footprint::AddsIfAccepted(_) => matches!(fate, Fate::Answered(200..=299)),
                _ => !fate.made_nothing(),
            };
            if !made {
                t.held.remove(&key);
            }
        }
        if let Some(key) = draw.used_delete {
            let gone = matches!(fate, Fate::Answered(200..=299 | 404));
            let room = self.max.is_none_or(|max| t.committed() < max);
            if fate == Fate::NotSent || (!gone && room) {
                t.held.insert(key);
            }
        }
    }

    /// Requests sent so far, per operation.
    pub fn by_operation(&self) -> BTreeMap<String, u64> {
        self.tally().by_operation.clone()
    }

    /// Requests sent so far.
    pub fn spent(&self) -> u64 {
        self.tally().spent
    }

    /// Deletes paid for and not yet sent.
    pub fn held(&self) -> u64 {
        self.tally().held.len() as u64
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
        within_budget(t.max, t.committed + t.in_flight + t.reserved, n)?;
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
        within_budget(t.max, t.committed + t.in_flight, n)?;
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

/// Refused when `n` more recipients on top of `used` would pass `max`.
fn within_budget(max: Option<u64>, used: u64, n: u64) -> Result<(), Refusal> {
    match max {
        Some(max) if used + n > max => Err(Refusal::SendBudget {
            needed: n,
            left: max.saturating_sub(used),
            max,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(name: &str) -> ResourceKey {
        ResourceKey {
            kind: "email_template".into(),
            names: vec![name.into()],
        }
    }

    #[test]
    fn requests_past_the_budget_are_refused_and_a_refused_one_is_not_counted() {
        let b = RequestBudget::new(Some(2));
        let first = b.take("Op", &Footprint::Nothing);
        assert!(first.is_ok());
        assert!(b.take("Op", &Footprint::Nothing).is_ok());
        assert_eq!(
            b.take("Op", &Footprint::Nothing),
            Err(Refusal::RequestBudget { max: 2 })
        );
        let removal = Footprint::Removes(template("t"));
        assert!(
            b.take("Delete", &removal).is_err(),
            "a delete nothing paid for is refused like any request"
        );
        assert_eq!(b.spent(), 2);
        if let Ok(draw) = first {
            b.settle(draw, Fate::NotSent);
        }
        assert_eq!(b.spent(), 1, "a request that never left is given back");
        assert_eq!(b.by_operation().get("Op"), Some(&1));
    }

    #[test]
    fn a_create_pays_for_its_delete_which_then_always_goes() {
        let b = RequestBudget::new(Some(3));
        let makes = Footprint::Makes(template("t"));
        let create = b.take("Create", &makes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((b.spent(), b.held()), (1, 1));
        b.settle(create, Fate::Answered(200));
        assert!(b.take("Read", &Footprint::Nothing).is_ok());
        assert!(
            b.take("Read", &Footprint::Nothing).is_err(),
            "the last request is the delete's"
        );
        assert!(
            b.take("Create", &Footprint::Makes(template("u"))).is_err(),
            "a create needs room for its own delete"
        );
        let delete = b.take("Delete", &Footprint::Removes(template("t")));
        assert!(delete.is_ok(), "the delete was paid for");
        assert_eq!((b.spent(), b.held()), (3, 0));
    }

    #[test]
    fn a_create_that_made_nothing_gives_its_delete_back() {
        let b = RequestBudget::new(Some(4));
        let makes = Footprint::Makes(template("t"));
        for fate in [Fate::NotSent, Fate::Answered(400), Fate::Answered(429)] {
            let draw = b.take("Create", &makes).unwrap_or_else(|e| panic!("{e}"));
            b.settle(draw, fate);
            assert_eq!(b.held(), 0, "{fate:?}");
        }
        assert_eq!(b.spent(), 2, "the 400 and the 429 were sent");
        let b = RequestBudget::new(Some(4));
        for fate in [Fate::NoAnswer, Fate::Answered(500)] {
            let draw = b
                .take("Create", &Footprint::Makes(template(&format!("{fate:?}"))))
                .unwrap_or_else(|e| panic!("{e}"));
            b.settle(draw, fate);
        }
        assert_eq!(
            b.held(),
            2,
            "a create that may have made it keeps its delete"
        );
    }

    #[test]
    fn a_second_create_of_a_held_resource_pays_nothing_more() {
        let b = RequestBudget::new(Some(3));
        let makes = Footprint::Makes(template("t"));
        let first = b.take("Create", &makes).unwrap_or_else(|e| panic!("{e}"));
        b.settle(first, Fate::Answered(200));
        let again = b.take("Create", &makes).unwrap_or_else(|e| panic!("{e}"));
        b.settle(again, Fate::Answered(400));
        assert_eq!(
            b.held(),
            1,
            "the refused second create keeps the first one's delete"
        );
        assert!(b.take("Delete", &Footprint::Removes(template("t"))).is_ok());
    }

    #[test]
    fn a_throttled_delete_pays_for_its_retry_only_while_there_is_room() {
        let b = RequestBudget::new(Some(4));
        let makes = Footprint::Makes(template("t"));
        let removes = Footprint::Removes(template("t"));
        let create = b.take("Create", &makes).unwrap_or_else(|e| panic!("{e}"));
        b.settle(create, Fate::Answered(200));
        let delete = b.take("Delete", &removes).unwrap_or_else(|e| panic!("{e}"));
        b.settle(delete, Fate::Answered(429));
        assert_eq!((b.spent(), b.held()), (2, 1), "the retry is paid for");
        let retry = b.take("Delete", &removes).unwrap_or_else(|e| panic!("{e}"));
        b.settle(retry, Fate::Answered(429));
        assert_eq!((b.spent(), b.held()), (3, 1));
        let last = b.take("Delete", &removes).unwrap_or_else(|e| panic!("{e}"));
        b.settle(last, Fate::Answered(429));
        assert_eq!((b.spent(), b.held()), (4, 0), "no room: left for cleanup");
        assert!(b.take("Delete", &removes).is_err());
        let b = RequestBudget::new(Some(2));
        let create = b.take("Create", &makes).unwrap_or_else(|e| panic!("{e}"));
        b.settle(create, Fate::Answered(200));
        let delete = b.take("Delete", &removes).unwrap_or_else(|e| panic!("{e}"));
        b.settle(delete, Fate::NotSent);
        assert_eq!(
            (b.spent(), b.held()),
            (1, 1),
            "a delete that never left is paid still"
        );
    }

    #[test]
    fn an_identity_is_held_only_when_the_send_was_accepted() {
        let b = RequestBudget::new(Some(10));
        let adds = |a: &str| {
            Footprint::AddsIfAccepted(ResourceKey {
                kind: "identity".into(),
                names: vec![a.into()],
            })
        };
        for (address, fate) in [("a", Fate::NoAnswer), ("b", Fate::Answered(500))] {
            let draw = b
                .take("Send", &adds(address))
                .unwrap_or_else(|e| panic!("{e}"));
            b.settle(draw, fate);
        }
        assert_eq!(b.held(), 0, "not proven added: the run does not remove it");
        let draw = b.take("Send", &adds("c")).unwrap_or_else(|e| panic!("{e}"));
        b.settle(draw, Fate::Answered(200));
        assert_eq!(b.held(), 1);
    }

    #[test]
    fn reservations_fit_beside_what_is_spent_and_held() {
        let b = RequestBudget::new(Some(5));
        assert!(b.reserve(3));
        assert!(!b.reserve(3));
        b.release(3);
        assert!(b.reserve(5));
        b.release(5);
        let create = b.take("Create", &Footprint::Makes(template("t")));
        assert!(create.is_ok());
        assert!(b.reserve(3));
        assert!(!b.reserve(1), "one spent and one held for the delete");
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
