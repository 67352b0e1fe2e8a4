//! Why the gate keeps a request from leaving: one variant per rule, each naming what it saw.

/// A request the gate would not let leave. Nothing of it was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A call that creates, changes or deletes a resource names one the run did not name.
    #[error("{operation} would {action} `{value}` ({member}), which does not start with this run's prefix `{prefix}`: the run only touches what it named")]
    NotTheRunsName {
        /// The operation.
        operation: String,
        /// `create`, `change` or `delete`.
        action: &'static str,
        /// The name member (`PolicyName`, `TemplateName`, ...).
        member: String,
        /// Its value (empty when missing).
        value: String,
        /// The run prefix, `sc<run>-`.
        prefix: String,
    },
    /// A policy is to be put on, or taken off, an identity other than the run's own.
    #[error("{operation} would change `{value}` ({member}), which is neither the run's identity nor named by the run")]
    NotTheRunsIdentity {
        /// The operation.
        operation: String,
        /// The parent member (`EmailIdentity`).
        member: String,
        /// Its value.
        value: String,
    },
    /// An identity would be created or deleted on real SES.
    #[error("{operation} `{identity}`: {why}")]
    Identity {
        /// The operation.
        operation: String,
        /// The identity.
        identity: String,
        /// Why it is refused.
        why: String,
    },
    /// An operation whose calls reach beyond the run's resources, without the opt-in flag, and a
    /// request SES could act on.
    #[error("{operation} is {class}: SES could act on this request ({why}); pass --allow {flag} to send it")]
    OptIn {
        /// The operation.
        operation: String,
        /// Its safety class.
        class: &'static str,
        /// The `--allow` value that opts in.
        flag: &'static str,
        /// Why SES could act on it.
        why: String,
    },
    /// The operation has no reviewed safety class (an imported operation nobody has classed).
    #[error("{operation} has no reviewed safety class in its spec file (`safety`): nothing is sent to it until a person classes what SES would do with its requests")]
    Unclassified {
        /// The operation.
        operation: String,
    },
    /// An address SES could mail is not at the mailbox simulator, or cannot be read.
    #[error("{operation} {at}: {reason}")]
    Recipient {
        /// The operation.
        operation: String,
        /// Where in the request (`Destination.ToAddresses[0]`, `Content.Raw.Data header Cc`).
        at: String,
        /// What is wrong.
        reason: String,
    },
    /// The request cannot be read as an SES v2 call, so nothing about it can be shown safe.
    #[error("unreadable request: {detail}")]
    Unreadable {
        /// Why.
        detail: String,
    },
    /// The bytes about to leave are not the call that was scheduled.
    #[error("the request about to leave is {sent}, but {scheduled} was scheduled")]
    NotScheduled {
        /// What was scheduled (operation and recipients).
        scheduled: String,
        /// What is being sent.
        sent: String,
    },
    /// The pace this call would have to keep is so slow that the wait it causes (before the next
    /// call, or the next message) would pass the longest a paced wait may last: refused rather
    /// than waited for, since the rate must never be exceeded by waiting less.
    #[error("{what} at {rate}/s would hold the next one for {seconds} s, longer than the {max} s a paced wait may last")]
    TooSlow {
        /// What is paced: `SendEmail to 3 recipients`, `GetEmailTemplate`.
        what: String,
        /// The rate, as shown to people.
        rate: String,
        /// The wait it would cause, as shown to people.
        seconds: String,
        /// The longest a paced wait may last, in seconds.
        max: u64,
    },
    /// The run was stopped while this request waited for its turn.
    #[error("the run was interrupted while this request waited for its turn")]
    Interrupted,
    /// `--max-requests` is spent.
    #[error("the request budget (--max-requests {max}) is spent")]
    RequestBudget {
        /// The budget.
        max: u64,
    },
    /// The share of the account's 24-hour sending quota this run may use is spent.
    #[error("the send budget is spent: {needed} more recipients needed, {left} left of the run's {max} (--max-sends)")]
    SendBudget {
        /// Recipients the request would add.
        needed: u64,
        /// Recipients left.
        left: u64,
        /// The run's send budget.
        max: u64,
    },
}

impl Refusal {
    /// The rule's short name, as reports print it.
    pub fn rule(&self) -> &'static str {
        match self {
            Refusal::NotTheRunsName { .. } => "run-prefix",
            Refusal::NotTheRunsIdentity { .. } => "run-identity",
            Refusal::Identity { .. } => "identity",
            Refusal::OptIn { .. } => "opt-in",
            Refusal::Unclassified { .. } => "safety-class",
            Refusal::Recipient { .. } => "mailbox-simulator",
            Refusal::Unreadable { .. } => "unreadable",
            Refusal::NotScheduled { .. } => "not-scheduled",
            Refusal::TooSlow { .. } => "too-slow",
            Refusal::Interrupted => "interrupted",
            Refusal::RequestBudget { .. } => "request-budget",
            Refusal::SendBudget { .. } => "send-budget",
        }
    }
}
