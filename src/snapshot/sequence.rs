//! Snapshots of sequences: each step's requests and normalised answers, under
//! `snapshots/<target>/sequences/`.

use serde_json::{json, Map, Value};

use super::answers::{assert_value, normalise_answer, redact_text, shorten_strings};
use crate::sequence::{SequenceResult, StepRecord};
use crate::spec::Spec;

/// Compare (or record) a sequence's snapshot under `snapshots/<target>/sequences/`: each step's
/// requests and normalised answers. A listing walk is kept as the run items it showed, not page
/// by page: which page an item lands on depends on what else the target holds.
pub fn assert_sequence(spec: &Spec, target: &str, result: &SequenceResult) {
    let info = json!({
        "seed": result.seed,
        "drawn_steps": result.drawn_steps,
        "verdict": result.verdict,
    });
    let description = format!("{} ({} steps shown)", result.id, result.steps.len());
    assert_value(
        &format!("{target}/sequences"),
        &result.id,
        &description,
        &info,
        &sequence_value(spec, result),
    );
}

/// A sequence's steps as snapshotted.
pub fn sequence_value(spec: &Spec, result: &SequenceResult) -> Value {
    let steps: Vec<Value> = result
        .steps
        .iter()
        .map(|step| {
            let mut out = Map::new();
            out.insert("step".into(), json!(step.step));
            let listing = step
                .calls
                .first()
                .is_some_and(|c| c.operation.starts_with("List"));
            if listing {
                out.insert(
                    "run_items".into(),
                    json!(listed_run_items(step, &result.prefix)),
                );
            } else {
                let calls: Vec<Value> = step
                    .calls
                    .iter()
                    .map(|call| {
                        let answer = call
                            .observation
                            .as_ref()
                            .map(|obs| normalise_answer(spec, &call.operation, obs));
                        json!({
                            "operation": call.operation,
                            "request": shorten_strings(&call.request),
                            "expected": call.expected,
                            "answer": answer,
                        })
                    })
                    .collect();
                out.insert("calls".into(), Value::Array(calls));
            }
            for (key, value) in [
                ("not_judged", step.inconclusive.as_deref()),
                ("unsupported", step.unsupported.as_deref()),
            ] {
                if let Some(value) = value {
                    out.insert(key.into(), json!(redact_text(value)));
                }
            }
            if let Some(finding) = &step.finding {
                out.insert("finding".into(), json!(finding));
            }
            Value::Object(out)
        })
        .collect();
    Value::Array(steps)
}

/// The names under the execution's prefix that a listing walk showed, sorted.
fn listed_run_items(step: &StepRecord, prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = step
        .calls
        .iter()
        .filter_map(|c| c.observation.as_ref()?.body.as_ref())
        .flat_map(|body| {
            body.as_object()
                .into_iter()
                .flat_map(|o| o.values())
                .filter_map(Value::as_array)
                .flatten()
                .filter_map(|item| item.get("TemplateName")?.as_str())
                .filter(|n| n.starts_with(prefix))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    names.sort();
    names
}
