//! The options `run`, `record` and `diff` share.

use std::path::PathBuf;

use crate::report::console::Detail;

/// Options of `run` (and of `record` and `diff`).
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// `--endpoint`.
    pub endpoint: Option<String>,
    /// `--target`.
    pub target: Option<String>,
    /// `--region`, or where the AWS CLI would look next (see [`crate::client::region`]).
    pub region: String,
    /// What chose `region`: `--region`, `AWS_REGION`, ... (printed by the dry run).
    pub region_from: String,
    /// `--op`.
    pub ops: Vec<String>,
    /// `--case`.
    pub case_ids: Vec<String>,
    /// `--sequences`: how many sequences after the cases (`None`: the default for the target).
    pub sequences: Option<usize>,
    /// `--sequence`: only this sequence, and no case.
    pub sequence: Option<String>,
    /// `--seed`.
    pub seed: u64,
    /// `--cases`.
    pub random_cases: usize,
    /// `--json`.
    pub json: Option<PathBuf>,
    /// `--junit`.
    pub junit: Option<PathBuf>,
    /// `--concurrency`; by default 1, or 8 when calls are paced (real SES), so that waiting
    /// cases keep every operation's slots busy.
    pub concurrency: Option<usize>,
    /// `--timeout` in seconds.
    pub timeout_secs: f64,
    /// `--identity`.
    pub identity: Option<String>,
    /// `--account-id`.
    pub account_id: Option<String>,
    /// `--allow`.
    pub allow: Vec<String>,
    /// `--max-requests`.
    pub max_requests: Option<u64>,
    /// `--max-sends`: real SES, the most recipients the run may mail.
    pub max_sends: Option<u64>,
    /// `--dry-run`.
    pub dry_run: bool,
    /// `--ledger`.
    pub ledger: Option<PathBuf>,
    /// `--throttle`: the embedded reference enforces the documented rate limits.
    pub reference_throttle: bool,
    /// `--pace`: pace calls at the documented rate limits (always on for real SES).
    pub pace: bool,
    /// `--keep-going`: run every case even when the first answers are not SES-shaped.
    pub keep_going: bool,
    /// `--regressions`: `run` replays the findings kept there as cases; `explore` keeps its
    /// findings there (by default `regressions/<target>.json`).
    pub regressions: Option<PathBuf>,
    /// `--verbose` or `--quiet` (`run`): how much the console prints once the run is over.
    pub console: Detail,
}

/// The opt-in names `--allow` accepts.
pub const ALLOW_VALUES: [&str; 5] = [
    "account-change",
    "sends-mail",
    "billable",
    "user-data",
    "foreign-resource",
];
