//! Comparing an answer with its baseline at two levels: the verdict level (status and error
//! type) and the full level (the whole normalised answer: message and body too).

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::RecordedCase;
use crate::profile::{glob_match, MismatchLevel, Profile};
use crate::run::{CaseResult, Outcome};
use crate::spec::Spec;

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

/// How an answer compares with its baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Match {
    /// Same status and error type.
    pub verdict: bool,
    /// Same normalised message and body as well.
    pub full: bool,
}

/// Compare two normalised answers (see `snapshot::normalise`).
pub fn compare(baseline: &Value, observed: &Value) -> Match {
    let level = |key: &str| baseline.get(key) == observed.get(key);
    let verdict = level("status") && level("error_type");
    Match {
        verdict,
        full: verdict && baseline == observed,
    }
}

/// Whether a difference from the baseline is explained by the target's profile. A case covered
/// by a known divergence may differ at any level: the profile already says how it departs from
/// the contract, and so from a conforming baseline.
pub fn explained(profile: &Profile, case: &crate::case::Case, m: Match) -> bool {
    let case_id = case.id.as_str();
    if m.full || profile.known_for(case_id, &case.request).is_some() {
        return true;
    }
    profile
        .baseline_mismatches
        .iter()
        .filter(|b| glob_match(&b.cases, case_id))
        .any(|b| m.verdict || b.level == MismatchLevel::Verdict)
}

/// A finished case's answer against its recorded one.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The recorded answer (normalised).
    pub recorded: Value,
    /// The answer just observed, normalised the same way.
    pub observed: Value,
    /// How far they agree.
    pub level: Match,
    /// Whether they agree, or the target's profile explains the difference (see `explained`).
    pub explained: bool,
}

impl Comparison {
    /// What a result record keeps of it.
    pub fn matched(&self) -> BaselineMatch {
        BaselineMatch {
            verdict: self.level.verdict,
            full: self.level.full,
            allowed: self.explained,
        }
    }
}

/// Compares each finished case of a run with its baseline entry.
pub struct Comparer {
    spec: Arc<Spec>,
    profile: Profile,
    recorded: HashMap<String, Value>,
}

impl Comparer {
    /// A comparer against these entries, explaining differences with the target's profile.
    pub fn new(spec: Arc<Spec>, profile: Profile, entries: &[RecordedCase]) -> Comparer {
        Comparer {
            spec,
            profile,
            recorded: entries
                .iter()
                .map(|e| (e.id.clone(), e.answer.clone()))
                .collect(),
        }
    }

    /// The comparison of a case that was sent and recorded.
    pub fn compare(&self, result: &CaseResult) -> Option<Comparison> {
        let Outcome::Ran { observation, .. } = &result.outcome else {
            return None;
        };
        let recorded = self.recorded.get(&result.case.id)?;
        let observed = crate::snapshot::normalise(&self.spec, &result.case, observation);
        let level = compare(recorded, &observed);
        Some(Comparison {
            recorded: recorded.clone(),
            observed,
            level,
            explained: explained(&self.profile, &result.case, level),
        })
    }
}

/// The two answers side by side, for a person.
pub fn side_by_side(baseline: &Value, observed: &Value) -> String {
    // Keys sorted on both sides, so lines pair up member by member.
    let b = serde_json::to_string_pretty(&sorted(baseline)).unwrap_or_default();
    let o = serde_json::to_string_pretty(&sorted(observed)).unwrap_or_default();
    let (bl, ol): (Vec<&str>, Vec<&str>) = (b.lines().collect(), o.lines().collect());
    let width = bl
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(20, 70);
    let mut out = format!("    {:<width$} | {}\n", "baseline", "observed");
    for i in 0..bl.len().max(ol.len()) {
        let left: String = bl
            .get(i)
            .copied()
            .unwrap_or("")
            .chars()
            .take(width)
            .collect();
        let right = ol.get(i).copied().unwrap_or("");
        let mark = if bl.get(i) == ol.get(i) { ' ' } else { '!' };
        out.push_str(&format!("  {mark} {left:<width$} | {right}\n"));
    }
    out
}

fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(obj) => {
            let mut keys: Vec<&String> = obj.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&obj[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn levels_separate_verdicts_from_wording() {
        let a = json!({"status": 400, "error_type": "BadRequestException", "message": "a", "body": null});
        let b = json!({"status": 400, "error_type": "BadRequestException", "message": "b", "body": null});
        let c = json!({"status": 200, "error_type": null, "message": null, "body": {}});
        assert_eq!(
            compare(&a, &a),
            Match {
                verdict: true,
                full: true
            }
        );
        assert_eq!(
            compare(&a, &b),
            Match {
                verdict: true,
                full: false
            }
        );
        assert_eq!(
            compare(&a, &c),
            Match {
                verdict: false,
                full: false
            }
        );
    }

    #[test]
    fn side_by_side_marks_differing_lines() {
        let text = side_by_side(&json!({"status": 400}), &json!({"status": 200}));
        assert!(text.contains("! "), "{text}");
    }
}
