//! The result record: one per case, the unit every report is built from (JSON lines on disk,
//! JUnit, the matrix, the console summary).

use serde::{Deserialize, Serialize};

use crate::check::Known;
use crate::run::{CaseResult, Outcome};

/// What came back, in short.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Observed {
    /// HTTP status.
    pub status: Option<u16>,
    /// Error type.
    pub error_type: Option<String>,
    /// Error message.
    pub message: Option<String>,
}

/// One case's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Case id.
    pub id: String,
    /// Operation.
    pub operation: String,
    /// `valid` or `invalid`.
    pub kind: String,
    /// The constraint or behaviour.
    pub constraint: String,
    /// `accept` or `reject`.
    pub expect: String,
    /// What came back.
    pub observed: Observed,
    /// `conforms`, `diverges`, `unsupported`, `harness-error` or `skipped`.
    pub verdict: String,
    /// The divergence class, when it diverges.
    pub class: Option<String>,
    /// The detail of a divergence, an error or a skip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The target.
    pub target: String,
    /// Whether a known divergence of the target's profile covers it (`as-listed` or `stale`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known: Option<String>,
    /// Wall time in milliseconds.
    #[serde(default)]
    pub millis: u64,
    /// How the answer compares with a baseline (`diff` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineMatch>,
}

/// How an answer compares with its baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineMatch {
    /// Same status and error type.
    pub verdict: bool,
    /// Same normalised message and body as well.
    pub full: bool,
    /// A mismatch the target's profile explains.
    pub allowed: bool,
}

impl Record {
    /// The record of a finished case.
    pub fn of(result: &CaseResult, target: &str) -> Record {
        let case = &result.case;
        let (observed, verdict, class, detail, known) = match &result.outcome {
            Outcome::Skipped { reason } => (
                Observed::default(),
                "skipped".to_string(),
                None,
                Some(reason.clone()),
                None,
            ),
            Outcome::Ran {
                verdict,
                observation,
                known,
            } => {
                let detail = match verdict {
                    crate::check::Verdict::Conforms => None,
                    crate::check::Verdict::ConformsInItems { detail }
                    | crate::check::Verdict::Diverges { detail, .. }
                    | crate::check::Verdict::Unsupported { detail }
                    | crate::check::Verdict::HarnessError { detail } => Some(detail.clone()),
                };
                let known = match known {
                    Known::NotListed => None,
                    Known::AsListed => Some("as-listed".to_string()),
                    Known::Stale { pattern, expected } => {
                        Some(format!("stale: {pattern} expects {expected}"))
                    }
                };
                (
                    Observed {
                        status: observation.status,
                        error_type: observation.error_type.clone(),
                        message: observation.message.clone(),
                    },
                    verdict.name().to_string(),
                    verdict.class().map(|c| c.as_str().to_string()),
                    detail,
                    known,
                )
            }
        };
        Record {
            id: case.id.clone(),
            operation: case.operation.clone(),
            kind: case.kind.as_str().into(),
            constraint: case.constraint.clone(),
            expect: case.expect.as_str().into(),
            observed,
            verdict,
            class,
            detail,
            target: target.into(),
            known,
            millis: result.duration.as_millis() as u64,
            baseline: None,
        }
    }

    /// Whether the record fails a run (see `CaseResult::fails_run`).
    pub fn fails(&self) -> bool {
        match self.known.as_deref() {
            Some("as-listed") => false,
            Some(_) => true,
            None => matches!(
                self.verdict.as_str(),
                "diverges" | "harness-error" | "unsupported"
            ),
        }
    }
}
