//! Pacing: every call of an operation spaced at its rate ("no more than once per second"), and
//! every message spaced so that recipients per second across all sending operations stay within
//! the account's maximum sending rate. One lock hands out start times, so concurrent callers
//! queue in order and share each operation's slots instead of bursting.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Added to every interval: requests leave on time but arrive with jitter, and a server that
/// measures "once per second" between arrivals must never see less. A few milliseconds of jitter
/// on loopback, tens across the internet; 40 ms keeps the pace within 5% of the bound at one
/// call per second.
pub const PACING_MARGIN: Duration = Duration::from_millis(40);

/// How calls are paced.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PaceSettings {
    /// Space each operation's calls at its documented rate.
    pub per_operation: bool,
    /// The rate of operations whose documentation states none (real SES: 1 per second).
    pub default_rate: Option<f64>,
    /// Recipients per second across every sending operation (the account's MaxSendRate).
    pub send_rate: Option<f64>,
}

/// Hands out start times.
#[derive(Debug, Default)]
pub struct Pacer {
    settings: Mutex<PaceSettings>,
    slots: Mutex<Slots>,
}

#[derive(Debug, Default)]
struct Slots {
    next_call: HashMap<String, Instant>,
    next_send: Option<Instant>,
}

impl Pacer {
    /// A pacer with these settings.
    pub fn new(settings: PaceSettings) -> Pacer {
        Pacer {
            settings: Mutex::new(settings),
            slots: Mutex::new(Slots::default()),
        }
    }

    /// The settings in force.
    pub fn settings(&self) -> PaceSettings {
        *self.settings.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Change the account-wide sending rate (read from the account at the start of a run).
    pub fn set_send_rate(&self, per_second: Option<f64>) {
        self.settings.lock().unwrap_or_else(|p| p.into_inner()).send_rate =
            per_second.filter(|r| *r > 0.0);
    }

    /// Wait for this call's start time: no sooner than the operation's next slot and, for a
    /// message to `deliveries` recipients, than the account's next sending slot.
    pub async fn wait(&self, operation: &str, documented_rate: Option<f64>, deliveries: u64) {
        let start = self.reserve(operation, documented_rate, deliveries, Instant::now());
        tokio::time::sleep_until(start).await;
    }

    /// Reserve a start time at or after `now` (the whole decision, without waiting).
    pub fn reserve(
        &self,
        operation: &str,
        documented_rate: Option<f64>,
        deliveries: u64,
        now: Instant,
    ) -> Instant {
        let settings = self.settings();
        let call_rate = documented_rate
            .or(settings.default_rate)
            .filter(|r| settings.per_operation && *r > 0.0);
        let send_rate = settings.send_rate.filter(|_| deliveries > 0);
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let mut start = now;
        if call_rate.is_some() {
            if let Some(next) = slots.next_call.get(operation) {
                start = start.max(*next);
            }
        }
        if send_rate.is_some() {
            if let Some(next) = slots.next_send {
                start = start.max(next);
            }
        }
        if let Some(rate) = call_rate {
            slots
                .next_call
                .insert(operation.to_string(), start + interval(1.0, rate));
        }
        if let Some(rate) = send_rate {
            slots.next_send = Some(start + interval(deliveries as f64, rate));
        }
        start
    }
}

/// The time `units` take at `rate` per second, plus the margin.
pub fn interval(units: f64, rate: f64) -> Duration {
    Duration::from_secs_f64(units / rate) + PACING_MARGIN
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paced() -> Pacer {
        Pacer::new(PaceSettings {
            per_operation: true,
            default_rate: None,
            send_rate: Some(1.0),
        })
    }

    // Virtual time: the clock only moves when every task waits, so these are exact.
    #[tokio::test(start_paused = true)]
    async fn calls_of_one_operation_are_spaced_by_its_rate() {
        let pacer = paced();
        let start = Instant::now();
        for _ in 0..3 {
            pacer.wait("Op", Some(1.0), 0).await;
        }
        assert_eq!(start.elapsed(), 2 * interval(1.0, 1.0));
        pacer.wait("Other", Some(1.0), 0).await;
        assert_eq!(
            start.elapsed(),
            2 * interval(1.0, 1.0),
            "each operation has its own slots"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn recipients_are_spaced_across_sending_operations() {
        let pacer = paced();
        let start = Instant::now();
        pacer.wait("SendEmail", None, 3).await;
        pacer.wait("SendBulkEmail", None, 1).await;
        assert_eq!(
            start.elapsed(),
            interval(3.0, 1.0),
            "three recipients at one a second hold the next message for three seconds"
        );
        pacer.wait("SendEmail", None, 0).await;
        assert_eq!(
            start.elapsed(),
            interval(3.0, 1.0),
            "a call that mails no one does not wait for the sending rate"
        );
    }

    #[test]
    fn reserved_starts_never_go_backwards_for_an_operation() {
        let pacer = paced();
        let now = Instant::now();
        let a = pacer.reserve("SendEmail", Some(1.0), 50, now);
        let b = pacer.reserve("SendEmail", Some(1.0), 0, now);
        let c = pacer.reserve("SendEmail", Some(1.0), 1, now);
        assert!(b >= a + interval(1.0, 1.0));
        assert!(c >= a + interval(50.0, 1.0));
        assert!(c >= b + interval(1.0, 1.0));
    }

    #[tokio::test(start_paused = true)]
    async fn an_unpaced_operation_never_waits() {
        let start = Instant::now();
        for _ in 0..3 {
            Pacer::new(PaceSettings::default()).wait("Op", Some(1.0), 5).await;
            paced().wait("Op", None, 0).await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[test]
    fn the_default_rate_paces_undocumented_operations() {
        let pacer = Pacer::new(PaceSettings {
            per_operation: true,
            default_rate: Some(1.0),
            send_rate: None,
        });
        let now = Instant::now();
        let a = pacer.reserve("SendEmail", None, 1, now);
        let b = pacer.reserve("SendEmail", None, 1, now);
        assert_eq!(b - a, interval(1.0, 1.0));
    }
}
