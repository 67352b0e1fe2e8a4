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
//!
//! No wait is ever shortened to fit a bound (the rate would be exceeded): a call whose interval
//! would pass [`MAX_PACED_WAIT`] is refused instead. And once the run is interrupted, a call still
//! waiting for its turn gives up at once, unless it is a removal (the run's cleanup must go on).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{watch, Mutex as AsyncMutex, OwnedMutexGuard};
use tokio::time::Instant;

use super::Refusal;

/// The longest one paced call may hold up the next of its queue: a rate slower than this is
/// refused, not waited for.
pub const MAX_PACED_WAIT: Duration = Duration::from_secs(60);

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
#[derive(Debug)]
pub struct Pacer {
    settings: Mutex<PaceSettings>,
    calls: Mutex<HashMap<String, Queue>>,
    sends: Queue,
    interrupted: watch::Sender<bool>,
}

impl Default for Pacer {
    fn default() -> Pacer {
        Pacer::new(PaceSettings::default())
    }
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

/// Whether a call may give up its wait when the run is interrupted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// It gives up: the run is stopping and this call is not part of its cleanup.
    UntilInterrupted,
    /// It waits its turn whatever happens: a removal of what the run made.
    Always,
}

impl Pacer {
    /// A pacer with these settings.
    pub fn new(settings: PaceSettings) -> Pacer {
        Pacer {
            settings: Mutex::new(settings),
            calls: Mutex::new(HashMap::new()),
            sends: Arc::default(),
            interrupted: watch::Sender::new(false),
        }
    }

    /// The settings in force.
    pub fn settings(&self) -> PaceSettings {
        *self.settings.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Change the account-wide sending rate (read from the account at the start of a run); a
    /// rate that is not a finite positive number paces nothing (the send budget decides then).
    pub fn set_send_rate(&self, per_second: Option<f64>) {
        self.settings
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send_rate = per_second.filter(|r| r.is_finite() && *r > 0.0);
    }

    /// The rate an operation is paced at, if it is paced.
    pub fn call_rate(&self, documented_rate: Option<f64>) -> Option<f64> {
        let settings = self.settings();
        documented_rate
            .or(settings.default_rate)
            .filter(|r| settings.per_operation && r.is_finite() && *r > 0.0)
    }

    /// The run is stopping: every wait of a call that may give up ends now, and no such call
    /// waits again.
    pub fn interrupt(&self) {
        self.interrupted.send_replace(true);
    }

    /// Resolves once [`Pacer::interrupt`] was called (at once if it was already).
    pub async fn interrupted(&self) {
        let mut stopped = self.interrupted.subscribe();
        // The sender lives as long as `self`: the wait cannot fail while it is borrowed.
        let _ = stopped.wait_for(|stopped| *stopped).await;
    }

    /// Wait for the right to call `operation` with a message to `deliveries` recipients: its
    /// queue first, then (for a message) the account's sending queue, each until its interval
    /// since the previous call has passed. Refused when an interval would pass
    /// [`MAX_PACED_WAIT`], or when the run is interrupted while a call that may give up waits.
    pub async fn acquire(
        &self,
        operation: &str,
        documented_rate: Option<f64>,
        deliveries: u64,
        wait: Wait,
    ) -> Result<Slot, Refusal> {
        let call_interval = self
            .call_rate(documented_rate)
            .map(|rate| interval(1.0, rate).map(|i| (i, rate)).ok_or(rate))
            .transpose()
            .map_err(|rate| too_slow(operation.to_string(), 1.0, rate))?;
        let send_interval = match (self.settings().send_rate, deliveries > 0) {
            (Some(rate), true) => Some(
                interval(deliveries as f64, rate)
                    .map(|i| (i, rate))
                    .ok_or_else(|| {
                        too_slow(
                            format!("{operation} to {deliveries} recipient(s)"),
                            deliveries as f64,
                            rate,
                        )
                    })?,
            ),
            _ => None,
        };
        let mut slot = Slot {
            call: None,
            send: None,
        };
        if let Some((interval, _)) = call_interval {
            let guard = self.turn(self.queue(operation), wait).await?;
            slot.call = Some((guard, interval));
        }
        if let Some((interval, _)) = send_interval {
            let guard = self.turn(Arc::clone(&self.sends), wait).await?;
            slot.send = Some((guard, interval));
        }
        Ok(slot)
    }

    /// The queue's lock once its interval has passed; given up when the run is interrupted and
    /// the call may give up.
    async fn turn(
        &self,
        queue: Queue,
        wait: Wait,
    ) -> Result<OwnedMutexGuard<Option<Instant>>, Refusal> {
        let turn = async {
            let guard = queue.lock_owned().await;
            if let Some(at) = *guard {
                tokio::time::sleep_until(at).await;
            }
            guard
        };
        match wait {
            Wait::Always => Ok(turn.await),
            Wait::UntilInterrupted => {
                tokio::select! {
                    biased;
                    () = self.interrupted() => Err(Refusal::Interrupted),
                    guard = turn => Ok(guard),
                }
            }
        }
    }

    fn queue(&self, operation: &str) -> Queue {
        let mut calls = self.calls.lock().unwrap_or_else(|p| p.into_inner());
        Arc::clone(calls.entry(operation.to_string()).or_default())
    }
}

/// The time `units` take at `rate` per second; `None` when that is not a finite time within
/// [`MAX_PACED_WAIT`] (a rate too low to wait for, or not a positive number).
pub fn interval(units: f64, rate: f64) -> Option<Duration> {
    let seconds = units / rate;
    if !(seconds.is_finite() && seconds >= 0.0 && seconds <= MAX_PACED_WAIT.as_secs_f64()) {
        return None;
    }
    Duration::try_from_secs_f64(seconds).ok()
}

fn too_slow(what: String, units: f64, rate: f64) -> Refusal {
    Refusal::TooSlow {
        what,
        rate: shown(rate),
        seconds: shown(units / rate),
        max: MAX_PACED_WAIT.as_secs(),
    }
}

/// A number as a person reads it: `200`, `0.02`, and `1e-300` rather than three hundred zeros.
pub fn shown(x: f64) -> String {
    if x == 0.0 || (1e-4..1e15).contains(&x.abs()) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn slot(pacer: &Pacer, operation: &str, rate: Option<f64>, deliveries: u64) -> Slot {
        pacer
            .acquire(operation, rate, deliveries, Wait::Always)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

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
            let held = slot(&pacer, "Op", Some(1.0), 0).await;
            // The call takes 100 ms to be answered.
            tokio::time::sleep(Duration::from_millis(100)).await;
            drop(held);
        }
        assert_eq!(start.elapsed(), Duration::from_millis(2 * 1100 + 100));
        drop(slot(&pacer, "Other", Some(1.0), 0).await);
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
        drop(slot(&pacer, "SendEmail", None, 3).await);
        drop(slot(&pacer, "SendBulkEmail", None, 1).await);
        assert_eq!(
            start.elapsed(),
            Duration::from_secs(3),
            "three recipients at one a second hold the next message for three seconds"
        );
        drop(slot(&pacer, "SendEmail", None, 0).await);
        assert_eq!(
            start.elapsed(),
            Duration::from_secs(3),
            "a call that mails no one does not wait for the sending rate"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_refused_message_spends_no_sending_time() {
        let pacer = paced();
        let start = Instant::now();
        slot(&pacer, "SendEmail", Some(100.0), 5).await.unsent();
        drop(slot(&pacer, "SendBulkEmail", None, 1).await);
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
                drop(slot(&pacer, op, Some(1.0), 0).await);
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
            drop(slot(&Pacer::new(PaceSettings::default()), "Op", Some(1.0), 5).await);
            drop(slot(&paced(), "Op", None, 0).await);
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
        drop(slot(&pacer, "SendEmail", None, 1).await);
        drop(slot(&pacer, "SendEmail", None, 1).await);
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[test]
    fn an_interval_is_a_finite_wait_within_the_bound_or_none() {
        assert_eq!(interval(60.0, 1.0), Some(MAX_PACED_WAIT));
        assert_eq!(interval(1.0, 0.02), Some(Duration::from_secs(50)));
        for (units, rate) in [
            (61.0, 1.0),
            (1.0, 0.001),
            (1.0, 1e-300),
            (1.0, 0.0),
            (1.0, -1.0),
            (1.0, f64::NAN),
            (f64::INFINITY, 1.0),
        ] {
            assert_eq!(interval(units, rate), None, "{units} at {rate}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_rate_too_low_to_wait_for_is_refused_not_shortened() {
        for rate in [0.001, 1e-300, 0.02] {
            let pacer = Pacer::new(PaceSettings {
                send_rate: Some(rate),
                ..PaceSettings::default()
            });
            let recipients = if rate == 0.02 { 2 } else { 1 };
            let refused = pacer
                .acquire("SendEmail", None, recipients, Wait::Always)
                .await;
            assert!(
                matches!(refused, Err(Refusal::TooSlow { .. })),
                "{rate}: {refused:?}"
            );
        }
        let pacer = Pacer::new(PaceSettings {
            send_rate: Some(0.02),
            ..PaceSettings::default()
        });
        let start = Instant::now();
        drop(slot(&pacer, "SendEmail", None, 1).await);
        drop(slot(&pacer, "SendEmail", None, 1).await);
        assert_eq!(
            start.elapsed(),
            Duration::from_secs(50),
            "one recipient at 0.02/s: the full 50 s, never less"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_interrupt_ends_a_wait_that_may_give_up_and_no_other() {
        let pacer = Arc::new(Pacer::new(PaceSettings {
            send_rate: Some(0.02),
            ..PaceSettings::default()
        }));
        let start = Instant::now();
        drop(slot(&pacer, "SendEmail", None, 1).await);
        let waiting = |wait| {
            let pacer = Arc::clone(&pacer);
            tokio::spawn(async move {
                let slot = pacer.acquire("SendEmail", None, 1, wait).await;
                (slot.map(drop), start.elapsed())
            })
        };
        let gives_up = waiting(Wait::UntilInterrupted);
        tokio::time::sleep(Duration::from_secs(1)).await;
        pacer.interrupt();
        let (refused, at) = gives_up.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(refused, Err(Refusal::Interrupted));
        assert_eq!(at, Duration::from_secs(1), "it gave up at once");
        let (went, at) = waiting(Wait::Always)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((went, at), (Ok(()), Duration::from_secs(50)));
        let late = pacer
            .acquire("SendEmail", None, 1, Wait::UntilInterrupted)
            .await;
        assert!(
            matches!(late, Err(Refusal::Interrupted)),
            "after the interrupt, such a call does not wait"
        );
    }
}
