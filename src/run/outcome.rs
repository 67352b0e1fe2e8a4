//! What a run produces: one result per case, and the events reporters read.

use std::sync::Arc;
use std::time::Duration;

use crate::case::Case;
use crate::check::Known;
use crate::check::{Observation, Verdict};

/// What happened to one case.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The case ran and was judged.
    Ran {
        /// The verdict.
        verdict: Verdict,
        /// The normalised answer.
        observation: Box<Observation>,
        /// How the verdict stands against the target's known divergences.
        known: Known,
    },
    /// The case was not sent.
    Skipped {
        /// Why.
        reason: String,
    },
}

/// One finished case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case.
    pub case: Arc<Case>,
    /// What happened.
    pub outcome: Outcome,
    /// Wall time including fixtures and cleanup.
    pub duration: Duration,
}

impl CaseResult {
    /// Whether this result fails a run: an unlisted divergence or harness error, or a listed
    /// divergence that no longer happens.
    pub fn fails_run(&self) -> bool {
        match &self.outcome {
            Outcome::Skipped { .. } => false,
            Outcome::Ran { verdict, known, .. } => known.fails(Some(verdict.name())),
        }
    }
}

/// What a run spent, counted at the gate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Requests sent per operation.
    pub by_operation: std::collections::BTreeMap<String, u64>,
    /// Answers of 429 (throttling) per operation.
    pub throttled: std::collections::BTreeMap<String, u64>,
    /// Every request sent: cases, fixtures, removals, retries.
    pub requests: u64,
    /// Of those, fixtures created.
    pub fixtures: u64,
    /// Of those, removals.
    pub removals: u64,
    /// Of those, retries after throttling.
    pub retries: u64,
    /// Recipients of messages SES accepted (real SES).
    pub recipients: u64,
    /// Resources the run could not remove (left in its ledger for `cleanup`).
    pub left: u64,
}

/// Events of a run, in order: `Started`, one `Finished` per case, `Done`.
#[derive(Debug, Clone)]
pub enum Event {
    /// The run starts with this many cases.
    Started {
        /// Number of cases.
        total: usize,
        /// Number of sequences that run after them.
        sequences: usize,
        /// The target name.
        target: String,
        /// The case ids in the order the run was given them: the order reports list them in,
        /// whatever order the cases finish in.
        order: Vec<String>,
    },
    /// A case finished.
    Finished(CaseResult),
    /// A sequence finished (sequences run after every case).
    Sequence(Box<crate::sequence::SequenceResult>),
    /// The run is over.
    Done {
        /// Whether it was interrupted.
        interrupted: bool,
        /// What it spent.
        totals: Totals,
    },
}
