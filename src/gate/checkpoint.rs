//! The gate: the one place every request passes before it leaves for a target. It decodes the
//! request the way SES would, judges it against the run's rules (against real SES: the run
//! prefix, opt-ins, identities, the mailbox simulator), counts it against the budgets, paces it,
//! and hears how it was answered. Cases, fixtures, removals, `cleanup`, and anything later built
//! on `Target::send` go through it: the target's clients are reachable only from there.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use super::budget::{Draw, RequestBudget, SendBudget};
use super::footprint::{footprint, Footprint};
use super::pace::{PaceSettings, Pacer, Slot, Wait};
use super::read::{read_strictly, Read};
use super::rules::{self, Judged, Policy};
use super::Refusal;
use crate::spec::http::{decode, DecodeError};
use crate::spec::Spec;

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
    /// A pacer this gate shares with other gates, whose settings then stand instead of `pace`:
    /// `cleanup` connects once per run it cleans up after, and the rate limits are the
    /// account's, not a connection's.
    pub shared_pacer: Option<Arc<Pacer>>,
}

/// Leave to send one scheduled request: what it is, what it may spend, and its slot in the
/// pacing queues (freed when the ticket is settled).
#[derive(Debug)]
pub struct Ticket {
    scheduled: Scheduled,
    draw: Draw,
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

impl Fate {
    /// Whether a create with this fate certainly made nothing: it never left, or the target
    /// refused it (4xx). Anything else (a 2xx, a 5xx, no answer) may have made it.
    pub fn made_nothing(self) -> bool {
        matches!(self, Fate::NotSent | Fate::Answered(400..=499))
    }
}

/// The gate of one target.
#[derive(Debug)]
pub struct Gate {
    spec: Arc<Spec>,
    policy: Option<Policy>,
    requests: RequestBudget,
    sends: SendBudget,
    pacer: Arc<Pacer>,
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
            pacer: limits
                .shared_pacer
                .unwrap_or_else(|| Arc::new(Pacer::new(limits.pace))),
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
    /// ask. Against real SES the request is read strictly and judged by the real-SES rules;
    /// against a lenient target only its recipients are counted.
    pub fn preflight(&self, outgoing: Outgoing<'_>) -> Result<(String, Judged), Refusal> {
        if let Some(policy) = &self.policy {
            return self.preflight_strictly(policy, outgoing);
        }
        let decoded = match decode(
            &self.spec,
            outgoing.method,
            outgoing.path_and_query,
            outgoing.body,
        ) {
            Ok(d) => d,
            // A lenient target is told whatever it is sent.
            Err(DecodeError::Body { operation, .. }) => return Ok((operation, Judged::default())),
            Err(DecodeError::NoRoute { .. }) => return Ok((String::new(), Judged::default())),
        };
        let deliveries = super::recipients::check(&self.spec, decoded.op, &decoded.request)
            .map(|r| r.deliveries)
            .unwrap_or(0);
        let judged = Judged {
            deliveries,
            footprint: footprint(&self.spec, decoded.op, &decoded.request),
            ..Judged::default()
        };
        Ok((decoded.op.operation.clone(), judged))
    }

    /// The real-SES rules on a request read strictly (see `read`).
    fn preflight_strictly(
        &self,
        policy: &Policy,
        outgoing: Outgoing<'_>,
    ) -> Result<(String, Judged), Refusal> {
        let proven = |a: &str| self.is_proven(a);
        match read_strictly(
            &self.spec,
            outgoing.method,
            outgoing.path_and_query,
            outgoing.body,
        )? {
            Read::Request { op, request } => {
                let judged = rules::judge(&self.spec, policy, op, &request, &proven)?;
                let footprint = footprint(&self.spec, op, &request);
                Ok((
                    op.operation.clone(),
                    Judged {
                        footprint,
                        ..judged
                    },
                ))
            }
            Read::UnreadableBody { op, request } => {
                let judged = rules::judge_unreadable(&self.spec, policy, op, &request, &proven)?;
                // SES reads nothing of the body, but what the route names is still counted.
                let footprint = footprint(&self.spec, op, &request);
                Ok((
                    op.operation.clone(),
                    Judged {
                        footprint,
                        ..judged
                    },
                ))
            }
        }
    }

    /// Schedule a request: judge it, count it, and wait for its slot. The ticket must be shown
    /// at the last check ([`Gate::inspect`]) and settled with the answer ([`Gate::settle`]).
    pub async fn schedule(&self, outgoing: Outgoing<'_>) -> Result<Ticket, Refusal> {
        let (operation, judged) = self.preflight(outgoing)?;
        let draw = self.requests.take(&operation, &judged.footprint)?;
        if self.is_strict() {
            if let Err(refusal) = self.sends.send(judged.spends()) {
                self.requests.settle(draw, Fate::NotSent);
                return Err(refusal);
            }
        }
        let rate = self
            .spec
            .operation_or_setup(&operation)
            .and_then(|op| op.rate_limit.as_ref())
            .map(|r| r.per_second);
        // A removal waits its turn even when the run is stopping: its cleanup must go on.
        let wait = if judged.removal || matches!(judged.footprint, Footprint::Removes(_)) {
            Wait::Always
        } else {
            Wait::UntilInterrupted
        };
        let slot = match self
            .pacer
            .acquire(&operation, rate, judged.spends(), wait)
            .await
        {
            Ok(slot) => slot,
            Err(refusal) => {
                self.requests.settle(draw, Fate::NotSent);
                if self.is_strict() {
                    self.sends.settle(judged.spends(), false);
                }
                return Err(refusal);
            }
        };
        Ok(Ticket {
            scheduled: Scheduled { operation, judged },
            draw,
            _slot: slot,
        })
    }

    /// The last check, on the bytes as they leave: the same rules, and the same call as was
    /// scheduled, mailing and spending no more.
    pub fn inspect(&self, ticket: &Scheduled, outgoing: Outgoing<'_>) -> Result<(), Refusal> {
        let (operation, judged) = self.preflight(outgoing)?;
        let more = judged.deliveries > ticket.judged.deliveries
            || judged.spends() > ticket.judged.spends();
        if operation != ticket.operation || more {
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
    /// left is given back (and a delete a create that made nothing had paid for), and an
    /// identity SES accepted is proven.
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
        // A refusal (4xx) or a request that never left mailed no one; a 5xx or no answer may
        // have, like a 2xx.
        let mailed_no_one = matches!(fate, Fate::NotSent | Fate::Answered(300..=499));
        let ticket = {
            let Ticket {
                scheduled,
                draw,
                _slot,
            } = ticket;
            self.requests.settle(draw, fate);
            // The slot goes now: the interval before the next call starts from this answer, and a
            // message that mailed no one holds up no other.
            if mailed_no_one {
                _slot.unsent();
            } else {
                drop(_slot);
            }
            scheduled
        };
        if self.is_strict() {
            self.sends.settle(ticket.judged.spends(), !mailed_no_one);
            // Accepted although judged certain to be refused: the `enforced` mark was wrong for
            // this request, and what it mailed counts all the same.
            if accepted && ticket.judged.spends() < ticket.judged.deliveries {
                self.sends
                    .charge(ticket.judged.deliveries - ticket.judged.spends());
            }
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(allow: &[&str]) -> Gate {
        let spec = Arc::new(Spec::load_default().unwrap_or_else(|e| panic!("{e}")));
        Gate::new(
            spec,
            Limits {
                policy: Some(Policy {
                    run_id: "abcdef70wxyz".into(),
                    identity: "example.org".into(),
                    allow: allow.iter().map(|a| a.to_string()).collect(),
                }),
                max_requests: Some(0),
                ..Limits::default()
            },
        )
    }

    fn preflight(gate: &Gate, method: &str, path: &str, body: &str) -> Result<Judged, Refusal> {
        gate.preflight(Outgoing {
            method,
            path_and_query: path,
            body: body.as_bytes(),
        })
        .map(|(_, j)| j)
    }

    /// The review's findings: a body the gate cannot read never lets a request around the rules.
    #[test]
    fn an_unreadable_body_lets_nothing_around_the_rules() {
        let g = gate(&[]);
        for (method, path, body) in [
            (
                "DELETE",
                "/v2/email/identities/example.org/policies/userpolicy",
                "{",
            ),
            ("DELETE", "/v2/email/templates/welcome", "{"),
            ("DELETE", "/v2/email/identities/example.org", "{"),
            (
                "POST",
                "/v2/email/account/details",
                r#"{"MailType":"MARKETING","WebsiteURL":"https://x"} x"#,
            ),
            (
                "POST",
                "/v2/email/account/details",
                "\u{feff}{\"MailType\":\"MARKETING\",\"WebsiteURL\":\"https://x\"}",
            ),
            (
                "POST",
                "/v2/email/identities/example.org/policies/userpolicy",
                r#"{"Policy": "#,
            ),
        ] {
            assert!(
                preflight(&g, method, path, body).is_err(),
                "{method} {path} {body}"
            );
        }
        // A body no parser reads, on the run's own resource: SES cannot act on it.
        let own = preflight(
            &g,
            "POST",
            "/v2/email/identities/example.org/policies/scabcdef70wxyz-p",
            r#"{"Policy": "#,
        );
        assert_eq!(
            own.map(|j| j.certain_rejection),
            Ok(Some("request.json_body".into()))
        );
        // Opt-in operations: a truncated body is refused by SES before anything happens.
        let truncated = preflight(&g, "POST", "/v2/email/account/details", r#"{"MailType": "#);
        assert!(truncated.is_ok(), "{truncated:?}");
    }

    #[test]
    fn keys_given_twice_and_members_the_spec_lacks_are_refused() {
        let g = gate(&[]);
        for body in [
            r#"{"TemplateName":"victim","TemplateName":"scabcdef70wxyz-x","TemplateContent":{}}"#,
            r#"{"FromEmailAddress":"a@example.org","Destination":{"ToAddresses":["ceo@example.com"],"ToAddresses":["success@simulator.amazonses.com"]},"Content":{"Simple":{"Subject":{"Data":"s"},"Body":{"Text":{"Data":"b"}}}}}"#,
            r#"{"FromEmailAddress":"a@example.org","Destination":{"ToAddresses":["success@simulator.amazonses.com"]},"Content":{"Simple":{"Subject":{"Data":"s"},"Body":{"Text":{"Data":"b"}},"Headers":[{"Name":"Disposition-Notification-To","Value":"ceo@example.com"}]}}}"#,
        ] {
            let path = if body.contains("TemplateName") {
                "/v2/email/templates"
            } else {
                "/v2/email/outbound-emails"
            };
            assert!(preflight(&g, "POST", path, body).is_err(), "{body}");
        }
    }

    #[test]
    fn removing_a_proven_identity_is_a_removal() {
        let g = gate(&["sends-mail"]);
        let address = "success+scabcdef70wxyz-x@simulator.amazonses.com";
        g.prove_identity(address);
        let path = format!(
            "/v2/email/identities/{}",
            crate::client::wire::percent_encode(address)
        );
        let judged = preflight(&g, "DELETE", &path, "");
        let judged = judged.unwrap_or_else(|e| panic!("{e}"));
        assert!(judged.removal);
        assert!(matches!(judged.footprint, Footprint::Removes(_)));
    }
}
