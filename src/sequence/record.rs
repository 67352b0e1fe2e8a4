//! What a sequence did, step by step, and how it is shown.

use serde::Serialize;
use serde_json::Value;

use super::model::{Expected, Read};
use super::verify::Departure;
use crate::check::verdict::describe_error;
use crate::check::{DivergenceClass, Observation};

/// One call of one step.
#[derive(Debug, Clone, Serialize)]
pub struct CallRecord {
    /// The operation.
    pub operation: String,
    /// The request, placeholders unbound.
    pub request: Value,
    /// What the model expected.
    pub expected: String,
    /// What came back, in one line.
    pub observed: String,
    /// What the target's profile says it is known to do here, when the answer departed in a
    /// way the profile declares.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known: Option<String>,
    /// The answer's body, for snapshots.
    #[serde(skip)]
    pub observation: Option<Observation>,
}

/// One step of an execution.
#[derive(Debug, Clone, Serialize)]
pub struct StepRecord {
    /// The step, in words.
    pub step: String,
    /// Its calls (a listing walks several pages, the limit step makes up to 21 policies).
    pub calls: Vec<CallRecord>,
    /// Why it was not judged, if it was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inconclusive: Option<String>,
    /// Why the step was not run (real SES: no identity is created, no 21 policies are made).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_run: Option<String>,
    /// The operation the target lacks, if it lacks the step's operation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsupported: Option<String>,
    /// How it departed, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding: Option<DepartureRecord>,
}

/// A finding, for records.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DepartureRecord {
    /// The divergence class.
    pub class: DivergenceClass,
    /// What exactly.
    pub detail: String,
}

impl From<&Departure> for DepartureRecord {
    fn from(f: &Departure) -> Self {
        DepartureRecord {
            class: f.class,
            detail: f.detail.clone(),
        }
    }
}

/// How a sequence ended.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum SequenceVerdict {
    /// Every step met the model.
    Conforms,
    /// A step departed from the model; the steps shown are the shortest sequence found that
    /// still departs.
    Diverges {
        /// The departure of the shortest sequence.
        class: DivergenceClass,
        /// What exactly.
        detail: String,
    },
    /// Steps could not be judged (no answer, throttling), and none departed.
    Inconclusive {
        /// Why.
        detail: String,
    },
}

/// The result of one sequence.
#[derive(Debug, Clone, Serialize)]
pub struct SequenceResult {
    /// `sequence::<n>`.
    pub id: String,
    /// The seed its steps were drawn from (derived from the run's seed and the id).
    pub seed: u64,
    /// How it ended.
    #[serde(flatten)]
    pub verdict: SequenceVerdict,
    /// The steps of the execution shown: the original when it conforms, the shrunk one when it
    /// diverges.
    pub steps: Vec<StepRecord>,
    /// How many steps the sequence drawn had.
    pub drawn_steps: usize,
    /// How many shrink attempts were made (each one a fresh execution against the target).
    pub shrink_attempts: usize,
    /// Every request sent for it, executions and cleanup included.
    pub requests: usize,
    /// The name prefix of the execution shown (placeholder form).
    pub prefix: String,
}

impl Expected {
    /// In words, for step listings.
    pub fn describe(&self) -> String {
        match self {
            Expected::Success(read) => match read {
                Read::Nothing => "success".into(),
                Read::Template { slot, content } => {
                    format!("success showing t{slot} with content {content}")
                }
                Read::Rendered { content, data } => {
                    format!("success rendering content {content} with data {data}")
                }
                Read::Verification { slot, content } => {
                    format!("success showing v{slot} with content {content}")
                }
                Read::IdentityType(ty) => format!("success showing IdentityType {ty}"),
                Read::Policies(p) | Read::IdentityPolicies(p) => {
                    let names: Vec<String> = p
                        .iter()
                        .map(|(n, d)| format!("{} (document {d})", short_name(n)))
                        .collect();
                    format!("success showing run policies [{}]", names.join(", "))
                }
            },
            Expected::Error(errors) => errors.join(" or "),
            Expected::SuccessOrError(error) => format!("success or {error}"),
        }
    }
}

/// A name without the execution prefix (`sc000000000000-qabcde-t1` → `t1`).
fn short_name(name: &str) -> &str {
    name.rsplit('-').next().unwrap_or(name)
}

/// An answer in one line.
pub fn describe_observation(obs: &Observation) -> String {
    if let Some(failure) = &obs.failure {
        return format!("no answer: {failure}");
    }
    if obs.is_success() {
        let body = obs
            .body
            .as_ref()
            .map(|b| short(&b.to_string(), 160))
            .or_else(|| obs.body_excerpt.as_ref().map(|e| short(e, 160)))
            .unwrap_or_default();
        return format!("HTTP {} {body}", obs.status.unwrap_or(0))
            .trim_end()
            .to_string();
    }
    describe_error(obs)
}

fn short(text: &str, max: usize) -> String {
    if text.chars().count() > max {
        format!("{}...", text.chars().take(max).collect::<String>())
    } else {
        text.to_string()
    }
}

impl SequenceResult {
    /// A sequence that did not run, and why.
    pub fn not_run(id: &str, seed: u64, why: &str) -> SequenceResult {
        SequenceResult {
            id: id.to_string(),
            seed,
            verdict: SequenceVerdict::Inconclusive {
                detail: why.to_string(),
            },
            steps: Vec::new(),
            drawn_steps: 0,
            shrink_attempts: 0,
            requests: 0,
            prefix: String::new(),
        }
    }

    /// The numbered steps, request, expected and observed, as the console prints them.
    pub fn render_steps(&self) -> String {
        let mut out = String::new();
        for (i, step) in self.steps.iter().enumerate() {
            out.push_str(&format!("  {}. {}\n", i + 1, step.step));
            for call in &step.calls {
                out.push_str(&format!(
                    "       request:  {} {}\n",
                    call.operation,
                    short(&call.request.to_string(), 200)
                ));
                out.push_str(&format!("       expected: {}\n", call.expected));
                out.push_str(&format!("       observed: {}\n", call.observed));
                if let Some(known) = &call.known {
                    out.push_str(&format!("       known divergence of the target: {known}\n"));
                }
            }
            if let Some(reason) = &step.inconclusive {
                out.push_str(&format!("       not judged: {reason}\n"));
            }
            if let Some(reason) = &step.not_run {
                out.push_str(&format!("       not run: {reason}\n"));
            }
            if let Some(reason) = &step.unsupported {
                out.push_str(&format!(
                    "       not judged, the target lacks it: {reason}\n"
                ));
            }
            if let Some(finding) = &step.finding {
                out.push_str(&format!(
                    "       => {}: {}\n",
                    finding.class, finding.detail
                ));
            }
        }
        out
    }
}
