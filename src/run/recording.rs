//! What a run records of each answer once it is judged: all of it, except against real SES,
//! where an answer that lists resources by name keeps only the run's (see `check::recorded`).
//! Cases and sequences record through here, so every report reads the same.

use super::outcome::Outcome;
use super::session::Session;
use crate::case::Case;
use crate::check::classify;
use crate::check::{only_the_runs, Observation, Verdict, Withheld};

impl Session {
    /// The answer to a call of `operation` as the run records it, and what was left out of it.
    pub fn recorded_answer(
        &self,
        operation: &str,
        answer: &Observation,
    ) -> (Observation, Withheld) {
        if self.target().gate.is_strict() {
            only_the_runs(self.spec(), operation, answer)
        } else {
            (answer.clone(), Withheld::default())
        }
    }

    /// A case's verdict and answer as the run records them: the verdict was reached on the
    /// whole answer, and its detail names nothing the recorded answer leaves out.
    pub(super) fn recorded(
        &self,
        operation: &str,
        verdict: Verdict,
        answer: Observation,
    ) -> (Verdict, Observation) {
        let (recorded, withheld) = self.recorded_answer(operation, &answer);
        if withheld.is_empty() {
            (verdict, recorded)
        } else {
            (verdict.with_detail(|d| withheld.scrub(d)), recorded)
        }
    }

    /// The outcome of a judged case, classified on the whole answer, recorded as the run records.
    pub(super) fn judged(
        &self,
        case: &Case,
        verdict: Verdict,
        observation: Observation,
    ) -> Outcome {
        let known = classify(self.spec(), &self.target().profile, case, &verdict);
        let (verdict, observation) = self.recorded(&case.operation, verdict, observation);
        Outcome::Ran {
            known,
            verdict,
            observation: Box::new(observation),
        }
    }

    /// The outcome of a case the harness could not take to its call.
    pub(super) fn harness_error(&self, case: &Case, detail: String) -> Outcome {
        let verdict = Verdict::HarnessError {
            detail: detail.clone(),
        };
        self.judged(case, verdict, Observation::failed(detail))
    }
}
