//! How a run behaves, beyond what the target's gate enforces.

use std::time::Duration;

/// How a run behaves.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Cases in flight at once.
    pub concurrency: usize,
    /// How often a throttled call is retried before the case is a harness error.
    pub throttle_retries: u32,
    /// The first backoff after a 429; doubled each time.
    pub backoff: Duration,
    /// Against real SES: the most recipients the run may mail (`--max-sends`); by default half
    /// of what is left of the account's 24-hour quota.
    pub max_sends: Option<u64>,
}

impl Default for RunConfig {
    fn default() -> RunConfig {
        RunConfig {
            concurrency: 1,
            throttle_retries: 6,
            backoff: Duration::from_millis(250),
            max_sends: None,
        }
    }
}
