//! The result record: one per case, the unit every report is built from (JSON lines on disk,
//! JUnit, the matrix, the console summary).

use serde::{Deserialize, Serialize};

use crate::check::Known;
use crate::check::{DivergenceClass, VerdictName};
use crate::run::{CaseResult, Outcome};
use crate::sequence::{SequenceResult, SequenceVerdict};

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

/// A record's verdict: the check's verdict on a case that ran, or `skipped`. Written as the
/// word (`conforms`, `diverges`, `unsupported`, `harness-error`, `skipped`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordVerdict {
    /// The case ran and was judged.
    Ran(VerdictName),
    /// The case was not sent.
    Skipped,
}

impl RecordVerdict {
    /// `conforms`.
    pub const CONFORMS: RecordVerdict = RecordVerdict::Ran(VerdictName::Conforms);
    /// `diverges`.
    pub const DIVERGES: RecordVerdict = RecordVerdict::Ran(VerdictName::Diverges);
    /// `unsupported`.
    pub const UNSUPPORTED: RecordVerdict = RecordVerdict::Ran(VerdictName::Unsupported);
    /// `harness-error`.
    pub const HARNESS_ERROR: RecordVerdict = RecordVerdict::Ran(VerdictName::HarnessError);

    /// The word.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordVerdict::Ran(name) => name.as_str(),
            RecordVerdict::Skipped => "skipped",
        }
    }

    /// Parse the word.
    pub fn parse(text: &str) -> Option<RecordVerdict> {
        match text {
            "skipped" => Some(RecordVerdict::Skipped),
            _ => VerdictName::parse(text).map(RecordVerdict::Ran),
        }
    }

    /// The check's verdict, if the case ran.
    pub fn ran(self) -> Option<VerdictName> {
        match self {
            RecordVerdict::Ran(name) => Some(name),
            RecordVerdict::Skipped => None,
        }
    }
}

impl std::fmt::Display for RecordVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RecordVerdict {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RecordVerdict {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<RecordVerdict, D::Error> {
        let text = String::deserialize(deserializer)?;
        RecordVerdict::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown verdict `{text}`, expected one of {}, skipped",
                VerdictName::ALL.map(VerdictName::as_str).join(", ")
            ))
        })
    }
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
    pub verdict: RecordVerdict,
    /// The divergence class, when it diverges.
    pub class: Option<DivergenceClass>,
    /// The detail of a divergence, an error or a skip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The target.
    pub target: String,
    /// Whether a known divergence of the target's profile covers it (`as-listed` or
    /// `stale: <pattern> expects <class>`; absent when none does).
    #[serde(default, skip_serializing_if = "Known::is_not_listed")]
    pub known: Known,
    /// Wall time in milliseconds.
    #[serde(default)]
    pub millis: u64,
    /// How the answer compares with a baseline (`diff` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<crate::baseline::BaselineMatch>,
    /// A sequence's seed and steps (the shortest failing ones when it diverges).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<serde_json::Value>,
}

impl Record {
    /// The record of a finished case.
    pub fn of(result: &CaseResult, target: &str) -> Record {
        let case = &result.case;
        let (observed, verdict, class, detail, known) = match &result.outcome {
            Outcome::Skipped { reason } => (
                Observed::default(),
                RecordVerdict::Skipped,
                None,
                Some(reason.clone()),
                Known::NotListed,
            ),
            Outcome::Ran {
                verdict,
                observation,
                known,
            } => (
                Observed {
                    status: observation.status,
                    error_type: observation.error_type.clone(),
                    message: observation.message.clone(),
                },
                RecordVerdict::Ran(verdict.name()),
                verdict.class(),
                verdict.detail().map(str::to_string),
                known.clone(),
            ),
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
            sequence: None,
        }
    }

    /// A sequence's result as a record: operation and kind `sequence`, the failing call's
    /// operation and expectation as its constraint and expectation.
    pub fn of_sequence(result: &SequenceResult, target: &str) -> Record {
        let failing_call = result
            .steps
            .iter()
            .filter(|s| s.finding.is_some())
            .filter_map(|s| s.calls.last())
            .next_back();
        let observed = failing_call
            .and_then(|c| c.observation.as_ref())
            .map(|o| Observed {
                status: o.status,
                error_type: o.error_type.clone(),
                message: o.message.clone(),
            })
            .unwrap_or_default();
        let (verdict, class, detail) = match &result.verdict {
            SequenceVerdict::Conforms => (RecordVerdict::CONFORMS, None, None),
            SequenceVerdict::Diverges { class, detail } => (
                RecordVerdict::DIVERGES,
                Some(*class),
                Some(format!(
                    "step {} (shrunk from {} steps in {} attempts): {detail}",
                    result.steps.len(),
                    result.drawn_steps,
                    result.shrink_attempts
                )),
            ),
            SequenceVerdict::Inconclusive { detail } => {
                (RecordVerdict::HARNESS_ERROR, None, Some(detail.clone()))
            }
        };
        Record {
            id: result.id.clone(),
            operation: "sequence".into(),
            kind: "sequence".into(),
            constraint: failing_call.map_or_else(|| "model".into(), |c| c.operation.clone()),
            expect: failing_call.map_or_else(|| "model".into(), |c| c.expected.clone()),
            observed,
            verdict,
            class,
            detail,
            target: target.into(),
            known: Known::NotListed,
            millis: 0,
            baseline: None,
            sequence: Some(serde_json::json!({
                "seed": result.seed,
                "drawn_steps": result.drawn_steps,
                "shrink_attempts": result.shrink_attempts,
                "requests": result.requests,
                "steps": result.steps,
            })),
        }
    }

    /// Whether the record fails a run (see `CaseResult::fails_run`).
    pub fn fails(&self) -> bool {
        self.known.fails(self.verdict.ran())
    }

    /// Whether a known divergence covers it and it happened as listed.
    pub fn known_as_listed(&self) -> bool {
        self.known == Known::AsListed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::KnownClass;

    /// Lines as `run --json` wrote them before records were typed.
    const WRITTEN_BEFORE: [&str; 4] = [
        r#"{"id":"get_account::valid::minimal::0","operation":"GetAccount","kind":"valid","constraint":"request","expect":"accept","observed":{"status":200,"error_type":null,"message":null},"verdict":"conforms","class":null,"target":"reference","millis":3}"#,
        r#"{"id":"list_email_templates::invalid::page_size_above_max::0","operation":"ListEmailTemplates","kind":"invalid","constraint":"PageSize.range","expect":"reject","observed":{"status":200,"error_type":null,"message":null},"verdict":"diverges","class":"accepted-invalid","detail":"accepted with HTTP 200","target":"aws","known":"stale: list_email_templates::invalid::page_size_above_max::0 (current rules) expects accepted-invalid","millis":40}"#,
        r#"{"id":"delete_email_template::invalid::template_name_missing::0","operation":"DeleteEmailTemplate","kind":"invalid","constraint":"TemplateName.required","expect":"reject","observed":{"status":404,"error_type":null,"message":null},"verdict":"unsupported","class":null,"detail":"HTTP 404 ","target":"aws-ses-v2-local","known":"as-listed","millis":2}"#,
        r#"{"id":"put_account_details::valid::minimal::0","operation":"PutAccountDetails","kind":"valid","constraint":"request","expect":"accept","observed":{"status":null,"error_type":null,"message":null},"verdict":"skipped","class":null,"detail":"needs --allow account-change","target":"aws","millis":0,"baseline":{"verdict":true,"full":false,"allowed":true}}"#,
    ];

    #[test]
    fn records_written_before_read_back_typed_and_write_the_same_line() {
        let records: Vec<Record> = WRITTEN_BEFORE
            .iter()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}")))
            .collect();
        assert_eq!(records[0].verdict, RecordVerdict::CONFORMS);
        assert_eq!(records[0].known, Known::NotListed);
        assert_eq!(records[1].class, Some(DivergenceClass::AcceptedInvalid));
        assert_eq!(
            records[1].known,
            Known::Stale {
                pattern: "list_email_templates::invalid::page_size_above_max::0 (current rules)"
                    .into(),
                expected: KnownClass::Diverges(DivergenceClass::AcceptedInvalid),
            }
        );
        assert!(records[1].fails());
        assert!(records[2].known_as_listed() && !records[2].fails());
        assert_eq!(records[3].verdict, RecordVerdict::Skipped);
        assert!(!records[3].fails());
        for (record, line) in records.iter().zip(WRITTEN_BEFORE) {
            assert_eq!(serde_json::to_string(record).unwrap_or_default(), line);
        }
    }

    #[test]
    fn an_unknown_verdict_is_refused() {
        let line = WRITTEN_BEFORE[0].replace("\"conforms\"", "\"passes\"");
        let err = serde_json::from_str::<Record>(&line)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("unknown verdict `passes`"), "{err}");
    }
}
