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
    /// Run cases whose answers depend on what else exists (listings, reads of the identity)
    /// while no other case runs, so their answers are the same every time: what snapshots,
    /// baselines and diffs need. A plain run judges them alike either way (their checks hold
    /// whatever else exists), and does not wait for them.
    pub isolate_answers: bool,
    /// Start cases in an order that spreads them over operations, so that paced calls keep
    /// every operation's slots busy instead of queueing on one operation at a time.
    pub interleave: bool,
    /// Start with one case of each operation, then the rest in order: against a target with no
    /// profile, the first answers then show whether it speaks SES at all, whichever operations
    /// it lacks.
    pub each_operation_first: bool,
}

impl Default for RunConfig {
    fn default() -> RunConfig {
        RunConfig {
            concurrency: 1,
            throttle_retries: 6,
            backoff: Duration::from_millis(250),
            max_sends: None,
            isolate_answers: true,
            interleave: false,
            each_operation_first: false,
        }
    }
}
