//! Pacing: calls of an operation spaced at its documented rate ("no more than once per
//! second"), and a budget on the total number of requests.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Spaces the calls of each operation.
#[derive(Debug, Default)]
pub struct Pacer {
    enabled: bool,
    next_slot: Mutex<HashMap<String, Instant>>,
}

impl Pacer {
    /// A pacer; a disabled one never waits.
    pub fn new(enabled: bool) -> Pacer {
        Pacer {
            enabled,
            next_slot: Mutex::new(HashMap::new()),
        }
    }

    /// Wait for the operation's next slot. Slots are handed out in order, so concurrent callers
    /// queue instead of bursting.
    pub async fn wait(&self, operation: &str, per_second: Option<f64>) {
        let Some(rate) = per_second.filter(|r| self.enabled && *r > 0.0) else {
            return;
        };
        // A tenth more than the documented interval: requests leave on time but arrive with
        // jitter, and a server measuring "once per second" between arrivals must never see less.
        let interval = Duration::from_secs_f64(1.1 / rate);
        let slot = {
            let mut next = self.next_slot.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let slot = next
                .get(operation)
                .copied()
                .filter(|s| *s > now)
                .unwrap_or(now);
            next.insert(operation.to_string(), slot + interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

/// A cap on the number of requests a run may send.
#[derive(Debug)]
pub struct Budget {
    max: Option<u64>,
    spent: AtomicU64,
}

impl Budget {
    /// A budget of `max` requests (unlimited when `None`).
    pub fn new(max: Option<u64>) -> Budget {
        Budget {
            max,
            spent: AtomicU64::new(0),
        }
    }

    /// Reserve `n` requests; false (and nothing reserved) when that would exceed the budget.
    pub fn reserve(&self, n: u64) -> bool {
        let Some(max) = self.max else {
            self.spent.fetch_add(n, Ordering::Relaxed);
            return true;
        };
        self.spent
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |spent| {
                (spent + n <= max).then_some(spent + n)
            })
            .is_ok()
    }

    /// Requests reserved so far.
    pub fn spent(&self) -> u64 {
        self.spent.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_refuses_what_it_cannot_cover() {
        let b = Budget::new(Some(3));
        assert!(b.reserve(2));
        assert!(!b.reserve(2));
        assert!(b.reserve(1));
        assert_eq!(b.spent(), 3);
        assert!(Budget::new(None).reserve(1_000_000));
    }

    // Virtual time: the clock only moves when every task waits, so these are exact.
    #[tokio::test(start_paused = true)]
    async fn paced_calls_are_spaced_by_the_rate() {
        let pacer = Pacer::new(true);
        let start = Instant::now();
        for _ in 0..3 {
            pacer.wait("Op", Some(1.0)).await;
        }
        // Two intervals of a tenth more than a second each.
        assert_eq!(start.elapsed(), Duration::from_millis(2200));
        pacer.wait("Other", Some(1.0)).await;
        assert_eq!(
            start.elapsed(),
            Duration::from_millis(2200),
            "each operation has its own slots"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_disabled_pacer_or_an_unlimited_operation_never_waits() {
        let start = Instant::now();
        for _ in 0..3 {
            Pacer::new(false).wait("Op", Some(1.0)).await;
            Pacer::new(true).wait("Op", None).await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
