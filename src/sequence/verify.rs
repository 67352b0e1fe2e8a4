//! Judge one step's answer against what the model expects.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::model::{Expected, Read};
use super::step::{self, Names};
use crate::check::semantic;
use crate::check::verdict::{
    describe_error, is_missing_route, is_throttled, is_unknown_operation, rejection_problem,
    same_value,
};
use crate::check::{DivergenceClass, Observation};
use crate::spec::Spec;

/// How one call went, against the model.
#[derive(Debug, Clone, PartialEq)]
pub enum StepOutcome {
    /// As expected; `succeeded` says whether the target answered with a success.
    Met {
        /// Whether the target answered with a success.
        succeeded: bool,
    },
    /// Not as expected.
    Diverged(Departure),
    /// Nothing to judge: no answer, or throttling that did not let up. The model is left as it
    /// was.
    Inconclusive(String),
    /// The target does not implement the operation. The model is left as it was.
    Unsupported(String),
    /// The step was not run against this target, and why.
    NotRun(String),
}

/// A departure found by a sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Departure {
    /// How the answer departs.
    pub class: DivergenceClass,
    /// What exactly.
    pub detail: String,
}

impl Departure {
    /// A finding of `class`.
    pub fn new(class: DivergenceClass, detail: impl Into<String>) -> Departure {
        Departure {
            class,
            detail: detail.into(),
        }
    }
}

/// Judge `obs`, the answer to `operation`, against `expected`.
pub fn judge_call(
    spec: &Spec,
    operation: &str,
    expected: &Expected,
    obs: &Observation,
    names: &Names,
) -> StepOutcome {
    if is_unknown_operation(obs) || is_missing_route(obs) {
        return StepOutcome::Unsupported(format!("{operation}: {}", describe_error(obs)));
    }
    if let Some(reason) = inconclusive(obs) {
        return StepOutcome::Inconclusive(reason);
    }
    let outcome = match (expected, obs.is_success()) {
        (Expected::Success(read), true) => judge_success(spec, operation, read, obs, names),
        (Expected::SuccessOrError(_), true) => {
            judge_success(spec, operation, &Read::Nothing, obs, names)
        }
        (Expected::Success(_), false) => Err(Departure::new(
            DivergenceClass::Behaviour,
            format!("expected a success, got {}", describe_error(obs)),
        )),
        (Expected::Error(errors), true) => Err(Departure::new(
            DivergenceClass::Behaviour,
            format!(
                "expected {}, got a success (HTTP {})",
                errors.join(" or "),
                obs.status.unwrap_or(0)
            ),
        )),
        (Expected::Error(errors), false) => judge_error(spec, errors, obs),
        (Expected::SuccessOrError(error), false) => judge_error(spec, &[*error], obs),
    };
    match outcome {
        Ok(()) => StepOutcome::Met {
            succeeded: obs.is_success(),
        },
        Err(finding) => StepOutcome::Diverged(finding),
    }
}

/// Why there is no answer to judge, if there is none.
pub fn inconclusive(obs: &Observation) -> Option<String> {
    if let Some(failure) = &obs.failure {
        return Some(failure.clone());
    }
    if is_throttled(obs) {
        return Some("still throttled (429) after backing off".into());
    }
    None
}

fn judge_error(spec: &Spec, errors: &[&str], obs: &Observation) -> Result<(), Departure> {
    match rejection_problem(spec, errors, obs) {
        Some((class, detail)) => Err(Departure::new(class, detail)),
        None => Ok(()),
    }
}

fn judge_success(
    spec: &Spec,
    operation: &str,
    read: &Read,
    obs: &Observation,
    names: &Names,
) -> Result<(), Departure> {
    let Some(op) = spec.operation_or_setup(operation) else {
        return Err(Departure::new(
            DivergenceClass::Behaviour,
            format!("{operation} is not in the spec"),
        ));
    };
    if let Some(problem) = semantic::success_status_problem(op, obs) {
        return Err(Departure::new(DivergenceClass::WrongStatus, problem));
    }
    let issues = crate::check::shape::shape_issues(spec, op, obs);
    if !issues.is_empty() {
        return Err(Departure::new(
            DivergenceClass::ResponseShape,
            issues.join("; "),
        ));
    }
    let body = obs.body.clone().unwrap_or(Value::Null);
    read_problem(read, &body, names).map_or(Ok(()), |p| {
        Err(Departure::new(DivergenceClass::Behaviour, p))
    })
}

/// How the body departs from what the model says it must show.
fn read_problem(read: &Read, body: &Value, names: &Names) -> Option<String> {
    match read {
        Read::Nothing => None,
        Read::Template { slot, content } => {
            let name = names.template(*slot);
            differs(body, "/TemplateName", &Value::String(name)).or_else(|| {
                let expected = step::template_content(*content);
                ["Subject", "Text", "Html"].iter().find_map(|member| {
                    differs(
                        body,
                        &format!("/TemplateContent/{member}"),
                        &expected[member],
                    )
                    .map(|d| format!("{d} (written by the last create or update)"))
                })
            })
        }
        Read::Rendered { content, data } => {
            let rendered = body.get("RenderedTemplate").and_then(Value::as_str)?;
            let (name, code) = step::render_data(*data);
            semantic::render_problem(
                rendered,
                &[("name", name.as_str()), ("code", code.as_str())],
            )
            .or_else(|| {
                let text = step::rendered_text(*content, *data);
                (!semantic::rendered_contains(rendered, &text)).then(|| {
                    format!("RenderedTemplate does not hold the stored template's text rendered, {text:?}")
                })
            })
        }
        Read::Verification { slot, content } => {
            let expected = step::verification_content(&names.verification(*slot), *content);
            expected.as_object()?.iter().find_map(|(member, value)| {
                differs(body, &format!("/{member}"), value)
                    .map(|d| format!("{d} (written by the last create or update)"))
            })
        }
        Read::IdentityType(ty) => differs(body, "/IdentityType", &Value::String(ty.to_string())),
        Read::Policies(policies) => policies_problem(
            body.get("Policies"),
            policies,
            names,
            "GetEmailIdentityPolicies",
        ),
        Read::IdentityPolicies(policies) => {
            policies_problem(body.get("Policies"), policies, names, "GetEmailIdentity")
        }
    }
}

/// Whether the value at `pointer` differs from `expected`; says how.
fn differs(body: &Value, pointer: &str, expected: &Value) -> Option<String> {
    match body.pointer(pointer) {
        Some(found) if found == expected => None,
        Some(found) => Some(format!("{pointer}: {found}, expected {expected}")),
        None => Some(format!("{pointer}: absent, expected {expected}")),
    }
}

/// Whether a Policies map shows exactly the model's run policies, with the same documents.
fn policies_problem(
    found: Option<&Value>,
    expected: &BTreeMap<String, u8>,
    names: &Names,
    view: &str,
) -> Option<String> {
    let empty = serde_json::Map::new();
    let map = match found {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(map)) => map,
        Some(other) => return Some(format!("{view} Policies is not a map: {other}")),
    };
    let shown: BTreeSet<&String> = map
        .keys()
        .filter(|k| k.starts_with(names.prefix()))
        .collect();
    let wanted: BTreeSet<&String> = expected.keys().collect();
    if shown != wanted {
        let missing: Vec<_> = wanted.difference(&shown).collect();
        let extra: Vec<_> = shown.difference(&wanted).collect();
        return Some(format!(
            "{view} Policies: missing {missing:?}, unexpected {extra:?}"
        ));
    }
    expected.iter().find_map(|(name, &document)| {
        let written = Value::String(step::policy_document(document));
        (!same_value(map.get(name)?, &written)).then(|| {
            format!("{view} Policies[{name:?}]: the document is not the one last written (version {document})")
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn policies_differing_only_in_formatting_agree() {
        let names = Names::new("abcde");
        let doc = step::policy_document(1);
        let pretty =
            serde_json::to_string_pretty(&serde_json::from_str::<Value>(&doc).unwrap()).unwrap();
        let name = names.policy(0);
        let body = json!({ name.clone(): pretty, "someone-elses": "{}" });
        let expected = BTreeMap::from([(name, 1u8)]);
        assert_eq!(policies_problem(Some(&body), &expected, &names, "v"), None);
    }

    #[test]
    fn a_policy_left_behind_is_reported() {
        let names = Names::new("abcde");
        let body = json!({ names.policy(2): step::policy_document(0) });
        let problem = policies_problem(Some(&body), &BTreeMap::new(), &names, "v").unwrap();
        assert!(problem.contains("unexpected"), "{problem}");
    }

    #[test]
    fn a_stale_template_content_is_reported() {
        let names = Names::new("abcde");
        let body = json!({
            "TemplateName": names.template(0),
            "TemplateContent": step::template_content(0),
        });
        let read = Read::Template {
            slot: 0,
            content: 1,
        };
        assert!(read_problem(&read, &body, &names).is_some());
        let read = Read::Template {
            slot: 0,
            content: 0,
        };
        assert_eq!(read_problem(&read, &body, &names), None);
    }
}
