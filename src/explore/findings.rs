//! What an exploration found: each divergence shrunk to its minimal request, with its
//! expectation, observation, the original request and the shrink steps. `report::explore` says
//! it on the console and in `--json`.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::case::{Expect, Kind};
use crate::check::{DivergenceClass, Observation};
use crate::run::CaseResult;

/// One divergence found, shrunk.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The operation.
    pub operation: String,
    /// Whether the class is valid or invalid requests.
    pub kind: Kind,
    /// The constraint the class breaks (`request` for valid requests).
    pub constraint: String,
    /// `valid`, or the invalid variant (`page_size_above_max`).
    pub label: String,
    /// How the answer departs from the contract.
    pub class: DivergenceClass,
    /// The minimal failing case and its answer.
    pub minimal: CaseResult,
    /// The request first drawn, before shrinking.
    pub original: Value,
    /// Shrink steps tried (each one request of the operation).
    pub shrink_steps: usize,
    /// Of those, steps that still failed (each a smaller failing request).
    pub shrink_successes: usize,
    /// The exploration's seed.
    pub seed: u64,
}

impl Finding {
    /// The minimal request.
    pub fn request(&self) -> &Value {
        &self.minimal.case.request
    }

    /// What the contract expected.
    pub fn expect(&self) -> &Expect {
        &self.minimal.case.expect
    }

    /// What came back for the minimal request.
    pub fn observation(&self) -> Option<&Observation> {
        match &self.minimal.outcome {
            crate::run::Outcome::Ran { observation, .. } => Some(observation),
            crate::run::Outcome::Skipped { .. } => None,
        }
    }
}

/// Why an exploration stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stop {
    /// The exploration's budget (`--budget`) was spent.
    Budget,
    /// The run's request budget (`--max-requests`) could not pay for the next request.
    RequestBudget,
    /// The time limit passed.
    Time,
    /// Every class had a finding or could not be drawn.
    Exhausted,
    /// The run was interrupted.
    Interrupted,
}

/// The outcome of an exploration.
#[derive(Debug, Clone)]
pub struct ExploreReport {
    /// The target's name.
    pub target: String,
    /// The seed (picked when none was given): `--seed` with it draws the same requests.
    pub seed: u64,
    /// Requests of the explored operations sent (draws and shrink steps).
    pub requests: usize,
    /// Of those, shrink steps.
    pub shrink_requests: usize,
    /// Every request the gate counted (fixtures and removals too).
    pub gate_requests: u64,
    /// `--max-requests`, if given.
    pub max_requests: Option<u64>,
    /// Answers that diverged as the target's profile lists (not findings).
    pub known: usize,
    /// Requests that got no answer to judge (harness errors) or were skipped.
    pub not_judged: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Why it stopped.
    pub stop: Stop,
    /// The divergences found, shrunk.
    pub findings: Vec<Finding>,
    /// Classes that no request could be drawn for, with proptest's reason.
    pub undrawable: Vec<(String, String)>,
}

impl ExploreReport {
    /// Explored requests per second.
    pub fn requests_per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}
