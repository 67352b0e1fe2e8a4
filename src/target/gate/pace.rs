//! Pacing: every call of an operation spaced at its rate ("no more than once per second"), and
//! every message spaced so that recipients per second across all sending operations stay within
//! the account's maximum sending rate.
//!
//! The spacing is measured from the end of the previous call: a call of an operation waits until
//! the previous one has been answered and the interval has passed since. The previous request
//! arrived before it was answered, so two requests can never arrive closer than the interval,
//! whatever the jitter of the network or of this machine. Each operation (and sending) has one
//! queue, first come first served: concurrent cases share its slots, and calls of other
//! operations go on meanwhile.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};
use tokio::time::Instant;

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

/// When a queue's next call may start.
type Queue = Arc<AsyncMutex<Option<Instant>>>;

/// Hands out the right to call.
#[derive(Debug, Default)]
pub struct Pacer {
    settings: Mutex<PaceSettings>,
    calls: Mutex<HashMap<String, Queue>>,
    sends: Queue,
}

/// The right to make one call now. Dropping it (once the call is answered, or if it never went)
/// starts the interval before the next call of its queues.
#[derive(Debug)]
pub struct Slot {
    call: Option<(OwnedMutexGuard<Option<Instant>>, Duration)>,
    send: Option<(OwnedMutexGuard<Option<Instant>>, Duration)>,
}

impl Slot {
    /// The message was refused (an error answer) or never sent: SES spent none of the account's
    /// sending rate on it, so the next message need not wait for its recipients. The operation's
    /// own interval still runs.
    pub fn unsent(mut self) {
        if let Some((guard, _)) = self.send.take() {
            drop(guard);
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let now = Instant::now();
        for (guard, interval) in [self.send.as_mut(), self.call.as_mut()]
            .into_iter()
            .flatten()
        {
            **guard = Some(now + *interval);
        }
    }
}

impl Pacer {
    /// A pacer with these settings.
    pub fn new(settings: PaceSettings) -> Pacer {
        Pacer {
            settings: Mutex::new(settings),
            calls: Mutex::new(HashMap::new()),
            sends: Arc::default(),
        }
    }

    /// The settings in force.
    pub fn settings(&self) -> PaceSettings {
        *self.settings.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Change the account-wide sending rate (read from the account at the start of a run).
    pub fn set_send_rate(&self, per_second: Option<f64>) {
        self.settings
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send_rate = per_second.filter(|r| *r > 0.0);
    }

    /// The rate an operation is paced at, if it is paced.
    pub fn call_rate(&self, documented_rate: Option<f64>) -> Option<f64> {
        let settings = self.settings();
        documented_rate
            .or(settings.default_rate)
            .filter(|r| settings.per_operation && *r > 0.0)
    }

    /// Wait for the right to call `operation` with a message to `deliveries` recipients: its
    /// queue first, then (for a message) the account's sending queue, each until its interval
    /// since the previous call has passed.
    pub async fn acquire(
        &self,
        operation: &str,
        documented_rate: Option<f64>,
        deliveries: u64,
    ) -> Slot {
        let mut slot = Slot {
            call: None,
            send: None,
        };
        if let Some(rate) = self.call_rate(documented_rate) {
            let queue = self.queue(operation);
            let guard = queue.lock_owned().await;
            wait_until(*guard).await;
            slot.call = Some((guard, interval(1.0, rate)));
        }
        let send_rate = self.settings().send_rate;
        if let (Some(rate), true) = (send_rate, deliveries > 0) {
            let guard = Arc::clone(&self.sends).lock_owned().await;
            wait_until(*guard).await;
            slot.send = Some((guard, interval(deliveries as f64, rate)));
        }
        slot
    }

    fn queue(&self, operation: &str) -> Queue {
        let mut calls = self.calls.lock().unwrap_or_else(|p| p.into_inner());
        Arc::clone(calls.entry(operation.to_string()).or_default())
    }
}

async fn wait_until(at: Option<Instant>) {
    if let Some(at) = at {
        tokio::time::sleep_until(at).await;
    }
}

/// The time `units` take at `rate` per second.
pub fn interval(units: f64, rate: f64) -> Duration {
    Duration::from_secs_f64(units / rate)
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
    async fn calls_of_one_operation_are_spaced_from_the_end_of_the_previous_one() {
        let pacer = paced();
        let start = Instant::now();
        for _ in 0..3 {
            let slot = pacer.acquire("Op", Some(1.0), 0).await;
            // The call takes 100 ms to be answered.
            tokio::time::sleep(Duration::from_millis(100)).await;
            drop(slot);
        }
        assert_eq!(start.elapsed(), Duration::from_millis(2 * 1100 + 100));
        drop(pacer.acquire("Other", Some(1.0), 0).await);
        assert_eq!(
            start.elapsed(),
            Duration::from_millis(2300),
            "each operation has its own queue"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn recipients_are_spaced_across_sending_operations() {
        let pacer = paced();
        let start = Instant::now();
        drop(pacer.acquire("SendEmail", None, 3).await);
        drop(pacer.acquire("SendBulkEmail", None, 1).await);
        assert_eq!(
            start.elapsed(),
            interval(3.0, 1.0),
            "three recipients at one a second hold the next message for three seconds"
        );
        drop(pacer.acquire("SendEmail", None, 0).await);
        assert_eq!(
            start.elapsed(),
            interval(3.0, 1.0),
            "a call that mails no one does not wait for the sending rate"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_refused_message_spends_no_sending_time() {
        let pacer = paced();
        let start = Instant::now();
        pacer.acquire("SendEmail", Some(100.0), 5).await.unsent();
        drop(pacer.acquire("SendBulkEmail", None, 1).await);
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_queue_in_order_and_other_operations_go_on() {
        let pacer = Arc::new(paced());
        let start = Instant::now();
        let mut tasks = Vec::new();
        for op in ["A", "A", "A", "B"] {
            let pacer = Arc::clone(&pacer);
            tasks.push(tokio::spawn(async move {
                drop(pacer.acquire(op, Some(1.0), 0).await);
                (op, start.elapsed())
            }));
        }
        let mut done = Vec::new();
        for t in tasks {
            done.push(t.await.unwrap_or_else(|e| panic!("{e}")));
        }
        let a: Vec<Duration> = done
            .iter()
            .filter(|(o, _)| *o == "A")
            .map(|(_, d)| *d)
            .collect();
        assert_eq!(
            a,
            vec![
                Duration::ZERO,
                Duration::from_secs(1),
                Duration::from_secs(2)
            ]
        );
        assert!(done.contains(&("B", Duration::ZERO)));
    }

    #[tokio::test(start_paused = true)]
    async fn an_unpaced_operation_never_waits() {
        let start = Instant::now();
        for _ in 0..3 {
            drop(
                Pacer::new(PaceSettings::default())
                    .acquire("Op", Some(1.0), 5)
                    .await,
            );
            drop(paced().acquire("Op", None, 0).await);
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn the_default_rate_paces_undocumented_operations() {
        let pacer = Pacer::new(PaceSettings {
            per_operation: true,
            default_rate: Some(1.0),
            send_rate: None,
        });
        let start = Instant::now();
        drop(pacer.acquire("SendEmail", None, 1).await);
        drop(pacer.acquire("SendEmail", None, 1).await);
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }
}
