//! The gate: the one place every request passes before it leaves for a target. It decodes the
//! request the way SES would, judges it against the run's rules (against real SES: the run
//! prefix, opt-ins, identities, the mailbox simulator), counts it against the budgets, paces it,
//! and hears how it was answered. Cases, fixtures, removals, `cleanup`, and anything later built
//! on `Target::send` go through it: the target's clients are reachable only from there.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use super::budget::{RequestBudget, SendBudget};
use super::pace::{PaceSettings, Pacer, Slot};
use super::rules::{self, Judged, Policy};
use super::Refusal;
use crate::spec::Spec;
use crate::target::decode::{decode, DecodeError};

/// A request about to leave, as bytes: what the gate reads.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// Path and query string.
    pub path_and_query: &'a str,
    /// Body bytes.
    pub body: &'a [u8],
}

/// The gate's last check on the bytes of one request, as the transports call it.
pub type LastCheckFn = dyn Fn(Outgoing<'_>) -> Result<(), Refusal> + Send + Sync;

/// How strict the gate is and what it may spend.
#[derive(Debug, Clone, Default)]
pub struct Limits {
    /// The real-SES rules, when the target is real SES (or behaves like it).
    pub policy: Option<Policy>,
    /// `--max-requests`.
    pub max_requests: Option<u64>,
    /// Pacing.
    pub pace: PaceSettings,
}

/// Leave to send one scheduled request: what it is, what it may spend, and its slot in the
/// pacing queues (freed when the ticket is settled).
#[derive(Debug)]
pub struct Ticket {
    scheduled: Scheduled,
    _slot: Slot,
}

/// What a ticket allows: the operation and what it may spend. The last check compares the bytes
/// about to leave with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    operation: String,
    judged: Judged,
}

impl Ticket {
    /// What the ticket allows.
    pub fn scheduled(&self) -> &Scheduled {
        &self.scheduled
    }
}

impl Scheduled {
    /// The operation.
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// Recipients SES would deliver to.
    pub fn deliveries(&self) -> u64 {
        self.judged.deliveries
    }
}

/// How a sent request fared, as far as the gate cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// It never left (refused at the last check, or not built).
    NotSent,
    /// No answer came (a timeout, a broken connection): it may have been acted on.
    NoAnswer,
    /// An answer with this status.
    Answered(u16),
}

/// The gate of one target.
#[derive(Debug)]
pub struct Gate {
    spec: Arc<Spec>,
    policy: Option<Policy>,
    requests: RequestBudget,
    sends: SendBudget,
    pacer: Pacer,
    proven: Mutex<BTreeSet<String>>,
    throttled: Mutex<std::collections::BTreeMap<String, u64>>,
}

impl Gate {
    /// A gate with these limits.
    pub fn new(spec: Arc<Spec>, limits: Limits) -> Gate {
        Gate {
            spec,
            policy: limits.policy,
            requests: RequestBudget::new(limits.max_requests),
            sends: SendBudget::default(),
            pacer: Pacer::new(limits.pace),
            proven: Mutex::new(BTreeSet::new()),
            throttled: Mutex::default(),
        }
    }

    /// Whether the real-SES rules apply.
    pub fn is_strict(&self) -> bool {
        self.policy.is_some()
    }

    /// The real-SES rules, if they apply.
    pub fn policy(&self) -> Option<&Policy> {
        self.policy.as_ref()
    }

    /// The request budget (cases reserve from it before they start).
    pub fn requests(&self) -> &RequestBudget {
        &self.requests
    }

    /// The send budget (cases reserve recipients from it before they start).
    pub fn sends(&self) -> &SendBudget {
        &self.sends
    }

    /// The pacer.
    pub fn pacer(&self) -> &Pacer {
        &self.pacer
    }

    /// Record that an identity was proven added by the run (a ledger read by `cleanup`).
    pub fn prove_identity(&self, address: &str) {
        self.proven
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(address.to_string());
    }

    fn is_proven(&self, address: &str) -> bool {
        self.proven
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(address)
    }

    /// Judge a request without sending or counting anything: what the planner and `--dry-run`
    /// ask. Against a lenient target it only counts recipients.
    pub fn preflight(&self, outgoing: Outgoing<'_>) -> Result<(String, Judged), Refusal> {
        let decoded = match decode(
            &self.spec,
            outgoing.method,
            outgoing.path_and_query,
            outgoing.body,
        ) {
            Ok(d) => d,
            Err(e) => {
                let body_unreadable = matches!(e, DecodeError::Body { .. });
                let operation = self.undecodable(e, outgoing)?;
                let judged = Judged {
                    certain_rejection: body_unreadable.then(|| "request.json_body".into()),
                    ..Judged::default()
                };
                return Ok((operation, judged));
            }
        };
        let operation = decoded.op.operation.clone();
        let judged = match &self.policy {
            Some(policy) => rules::judge(&self.spec, policy, decoded.op, &decoded.request, &|a| {
                self.is_proven(a)
            })?,
            None => Judged {
                deliveries: super::recipients::check(&self.spec, decoded.op, &decoded.request)
                    .map(|r| r.deliveries)
                    .unwrap_or(0),
                ..Judged::default()
            },
        };
        Ok((operation, judged))
    }

    /// A request SES cannot read. Against real SES it may still go when it is a body the
    /// protocol certainly rejects before acting (a malformed JSON body, per the spec's
    /// `protocol.json`) and it holds no address at all; anything else unreadable is refused.
    fn undecodable(&self, error: DecodeError, outgoing: Outgoing<'_>) -> Result<String, Refusal> {
        let DecodeError::Body { operation, .. } = &error else {
            return if self.is_strict() {
                Err(Refusal::Unreadable {
                    detail: error.to_string(),
                })
            } else {
                Ok(String::new())
            };
        };
        if !self.is_strict() {
            return Ok(operation.clone());
        }
        let certain = self.spec.protocol.json_body.enforced.is_some();
        if certain && !outgoing.body.contains(&b'@') {
            Ok(operation.clone())
        } else {
            Err(Refusal::Unreadable {
                detail: error.to_string(),
            })
        }
    }

    /// Schedule a request: judge it, count it, and wait for its slot. The ticket must be shown
    /// at the last check ([`Gate::inspect`]) and settled with the answer ([`Gate::settle`]).
    pub async fn schedule(&self, outgoing: Outgoing<'_>) -> Result<Ticket, Refusal> {
        let (operation, judged) = self.preflight(outgoing)?;
        self.requests.take(&operation, judged.removal)?;
        if self.is_strict() {
            if let Err(refusal) = self.sends.send(judged.spends()) {
                self.requests.untake(&operation);
                return Err(refusal);
            }
        }
        let rate = self
            .spec
            .operation_or_setup(&operation)
            .and_then(|op| op.rate_limit.as_ref())
            .map(|r| r.per_second);
        let slot = self.pacer.acquire(&operation, rate, judged.spends()).await;
        Ok(Ticket {
            scheduled: Scheduled { operation, judged },
            _slot: slot,
        })
    }

    /// The last check, on the bytes as they leave: the same rules, and the same call as was
    /// scheduled with no more recipients.
    pub fn inspect(&self, ticket: &Scheduled, outgoing: Outgoing<'_>) -> Result<(), Refusal> {
        let (operation, judged) = self.preflight(outgoing)?;
        if operation != ticket.operation || judged.deliveries > ticket.judged.deliveries {
            return Err(Refusal::NotScheduled {
                scheduled: format!(
                    "{} to {} recipients",
                    ticket.operation, ticket.judged.deliveries
                ),
                sent: format!("{operation} to {} recipients", judged.deliveries),
            });
        }
        Ok(())
    }

    /// How the request fared: recipients of an accepted message are spent, a request that never
    /// left is given back, and an identity SES accepted is proven.
    pub fn settle(&self, ticket: Ticket, fate: Fate) {
        let accepted = matches!(fate, Fate::Answered(200..=299));
        if fate == Fate::Answered(429) {
            *self
                .throttled
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .entry(ticket.scheduled.operation.clone())
                .or_default() += 1;
        }
        let ticket = {
            let Ticket { scheduled, _slot } = ticket;
            // The slot goes now: the interval before the next call starts from this answer. An
            // error answer (or none sent) mailed no one, so it holds up no other message.
            match fate {
                Fate::NotSent | Fate::Answered(300..) => _slot.unsent(),
                _ => drop(_slot),
            }
            scheduled
        };
        if fate == Fate::NotSent {
            self.requests.untake(&ticket.operation);
        }
        if self.is_strict() {
            let spent = accepted || fate == Fate::NoAnswer;
            self.sends.settle(ticket.judged.spends(), spent);
        }
        if let (true, Some(address)) = (accepted, &ticket.judged.adds_identity) {
            self.prove_identity(address);
        }
    }

    /// Answers of 429 (throttling) so far, per operation.
    pub fn throttled(&self) -> std::collections::BTreeMap<String, u64> {
        self.throttled
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Requests sent so far.
    pub fn requests_sent(&self) -> u64 {
        self.requests.spent()
    }

    /// Identities a 200 proved the run added, so far.
    pub fn proven_identities(&self) -> Vec<String> {
        self.proven
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect()
    }
}
