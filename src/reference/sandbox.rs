//! The reference's real-SES sandbox mode: it answers the way real SES answers today in a
//! sandbox account, as `../shared/REAL-SES.md` describes, so the real-SES code path can be proven
//! on a local endpoint. The rules that moved since 2020 (PageSize to 100, UseCaseDescription
//! optional, the current model's bounds) come from the spec's `later` rules; the behaviours here
//! are the rest: missing policies answer 404, MAIL FROM attributes are partial, SendBulkEmail
//! reports bad recipients per entry, sending is limited to 1 recipient a second and 200 a day,
//! mail goes only to the simulator or verified identities, and every side effect a run must not
//! cause without opt-in (a production-access request, a billed test, a verification mail) is
//! recorded where a test can see it.

use std::time::{Duration, Instant};

use super::error::ApiError;

/// The sandbox's sending quota and what was spent of it.
#[derive(Debug)]
pub struct Sandbox {
    /// Recipients per second, account-wide (MaxSendRate).
    pub max_send_rate: f64,
    /// Recipients per 24 hours (Max24HourSend).
    pub max_24_hour_send: u64,
    /// Recipients of accepted messages so far (SentLast24Hours).
    pub sent: u64,
    /// When the next message may be accepted.
    next_send: Option<Instant>,
    /// A production-access review is open (a second PutAccountDetails conflicts).
    pub review_open: bool,
    /// Every side effect that reaches beyond the run's own resources, in order.
    pub side_effects: Vec<String>,
}

impl Default for Sandbox {
    fn default() -> Sandbox {
        Sandbox {
            max_send_rate: 1.0,
            max_24_hour_send: 200,
            sent: 0,
            next_send: None,
            review_open: false,
            side_effects: Vec::new(),
        }
    }
}

impl Sandbox {
    /// Accept a message to `recipients` recipients now, or refuse it the way SES does: faster
    /// than MaxSendRate gives 429 `Maximum sending rate exceeded.`, past the daily quota 429
    /// `Daily message quota exceeded.`.
    pub fn send(&mut self, recipients: u64) -> Result<(), ApiError> {
        let now = Instant::now();
        if self.next_send.is_some_and(|next| now < next) {
            return Err(throttled("Maximum sending rate exceeded."));
        }
        if self.sent + recipients > self.max_24_hour_send {
            return Err(throttled("Daily message quota exceeded."));
        }
        self.sent += recipients;
        self.next_send =
            Some(now + Duration::from_secs_f64(recipients as f64 / self.max_send_rate));
        Ok(())
    }

    /// Record a side effect.
    pub fn record(&mut self, what: String) {
        self.side_effects.push(what);
    }
}

fn throttled(message: &str) -> ApiError {
    ApiError {
        error_type: "TooManyRequestsException".into(),
        message: message.into(),
    }
}

/// In the sandbox, mail goes only to verified identities and the mailbox simulator: SES's
/// answer for any other recipient.
pub fn not_verified(address: &str) -> ApiError {
    ApiError {
        error_type: "MessageRejected".into(),
        message: format!(
            "Email address is not verified. The following identities failed the check in region US-EAST-1: {address}"
        ),
    }
}

/// What SES says of a malformed recipient in a bulk entry (REAL-SES.md).
pub fn recipient_error(address: &str) -> String {
    match address.rsplit_once('@') {
        None => "Missing final '@domain'".into(),
        Some((_, "")) => "Missing domain".into(),
        Some((local, _)) if !local.is_ascii() || local.chars().any(char::is_whitespace) => {
            "Local address contains control or whitespace".into()
        }
        Some(_) => "Domain contains control or whitespace".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_limited_per_second_and_per_day() {
        let mut s = Sandbox {
            max_send_rate: 1000.0,
            max_24_hour_send: 3,
            ..Sandbox::default()
        };
        assert!(s.send(2).is_ok());
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(
            s.send(2).map_err(|e| e.message),
            Err("Daily message quota exceeded.".to_string())
        );
        let mut slow = Sandbox::default();
        assert!(slow.send(1).is_ok());
        assert_eq!(
            slow.send(1).map_err(|e| e.message),
            Err("Maximum sending rate exceeded.".to_string())
        );
    }
}
