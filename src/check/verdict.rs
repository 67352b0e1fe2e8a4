//! Verdicts: does an observation conform to what the case expects?

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::profile::DivergenceClass;
use crate::profile::KnownClass;

use super::observe::Observation;
use super::shape::shape_issues;
use crate::case::{Case, Expect, Origin, ResponseCheck};
use crate::spec::Spec;

impl std::fmt::Display for DivergenceClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The verdict on one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum Verdict {
    /// The answer is what the contract says.
    Conforms,
    /// An invalid item of a list the service answers item by item was refused in its own result,
    /// not by the whole request: how the contract's rejection happened.
    ConformsInItems {
        /// Which items and how they were refused.
        detail: String,
    },
    /// The answer departs from the contract.
    Diverges {
        /// How.
        class: DivergenceClass,
        /// What exactly, for people.
        detail: String,
    },
    /// The target said it does not implement the operation.
    Unsupported {
        /// What it said.
        detail: String,
    },
    /// No answer to judge: transport failure, timeout, throttling that did not let up.
    HarnessError {
        /// What went wrong.
        detail: String,
    },
}

/// What a verdict says, without its detail: the word reports print and result files keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerdictName {
    /// `conforms` (also when the rejection happened item by item).
    Conforms,
    /// `diverges`.
    Diverges,
    /// `unsupported`.
    Unsupported,
    /// `harness-error`.
    HarnessError,
}

impl VerdictName {
    /// Every name.
    pub const ALL: [VerdictName; 4] = [
        VerdictName::Conforms,
        VerdictName::Diverges,
        VerdictName::Unsupported,
        VerdictName::HarnessError,
    ];

    /// The kebab-case word.
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictName::Conforms => "conforms",
            VerdictName::Diverges => "diverges",
            VerdictName::Unsupported => "unsupported",
            VerdictName::HarnessError => "harness-error",
        }
    }

    /// Parse a kebab-case word.
    pub fn parse(text: &str) -> Option<VerdictName> {
        Self::ALL.into_iter().find(|n| n.as_str() == text)
    }
}

impl std::fmt::Display for VerdictName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Verdict {
    /// What a verdict shows, in the terms of a known divergence: its class, `unsupported`, or
    /// nothing a known divergence could name (it conforms, or nothing was judged).
    pub fn known_class(&self) -> Option<KnownClass> {
        match self {
            Verdict::Diverges { class, .. } => Some(KnownClass::Diverges(*class)),
            Verdict::Unsupported { .. } => Some(KnownClass::Unsupported),
            _ => None,
        }
    }

    /// `conforms`, `diverges`, `unsupported` or `harness-error`.
    pub fn name(&self) -> VerdictName {
        match self {
            Verdict::Conforms | Verdict::ConformsInItems { .. } => VerdictName::Conforms,
            Verdict::Diverges { .. } => VerdictName::Diverges,
            Verdict::Unsupported { .. } => VerdictName::Unsupported,
            Verdict::HarnessError { .. } => VerdictName::HarnessError,
        }
    }

    /// The detail of anything but a plain `conforms`.
    pub fn detail(&self) -> Option<&str> {
        match self {
            Verdict::Conforms => None,
            Verdict::ConformsInItems { detail }
            | Verdict::Diverges { detail, .. }
            | Verdict::Unsupported { detail }
            | Verdict::HarnessError { detail } => Some(detail),
        }
    }

    /// The same verdict, its detail (if it has one) rewritten by `rewrite`: what a report may
    /// show of a detail that quotes the answer.
    pub fn with_detail(mut self, rewrite: impl FnOnce(&str) -> String) -> Verdict {
        match &mut self {
            Verdict::Conforms => {}
            Verdict::ConformsInItems { detail }
            | Verdict::Diverges { detail, .. }
            | Verdict::Unsupported { detail }
            | Verdict::HarnessError { detail } => *detail = rewrite(detail),
        }
        self
    }

    /// The divergence class, if it diverges.
    pub fn class(&self) -> Option<DivergenceClass> {
        match self {
            Verdict::Diverges { class, .. } => Some(*class),
            _ => None,
        }
    }

    fn diverges(class: DivergenceClass, detail: impl Into<String>) -> Verdict {
        Verdict::Diverges {
            class,
            detail: detail.into(),
        }
    }
}

/// Whether an answer is throttling (which the runner retries and never counts as a divergence).
pub fn is_throttled(obs: &Observation) -> bool {
    obs.status == Some(429) || obs.error_type.as_deref() == Some("TooManyRequestsException")
}

/// Whether an answer says "I do not implement this operation": an `UnknownOperationException`,
/// a 501, or a body saying so. (A bare HTML 404 says it only for a valid request: see
/// `is_missing_route`.)
pub fn is_unknown_operation(obs: &Observation) -> bool {
    let type_says = obs
        .error_type
        .as_deref()
        .is_some_and(|t| t.contains("UnknownOperation"));
    let body_says = obs.body_excerpt.as_deref().is_some_and(|b| {
        b.contains("UnknownOperation")
            || b.contains("not yet emulated")
            || b.contains("not implemented")
    });
    type_says || body_says || obs.status == Some(501)
}

/// A 404 HTML page with no error type: how emulators answer a route they lack. For a valid
/// request that means the operation is missing; for an invalid one (an empty path label) it is
/// the target's answer to the defect, and is judged as such.
pub fn is_missing_route(obs: &Observation) -> bool {
    let html = obs
        .content_type
        .as_deref()
        .is_some_and(|c| c.to_ascii_lowercase().contains("text/html"));
    obs.status == Some(404) && obs.error_type.is_none() && html
}

/// The verdict on a case whose fixture could not be made: the target lacks the operation
/// (`unsupported`), or something went wrong that leaves nothing to judge (`harness-error`).
pub fn fixture_failure(operation: &str, obs: &Observation) -> Verdict {
    let detail = match &obs.failure {
        Some(failure) => failure.clone(),
        None => describe_error(obs),
    };
    if is_unknown_operation(obs) || is_missing_route(obs) {
        Verdict::Unsupported {
            detail: format!("fixture {operation} answered {detail}"),
        }
    } else {
        Verdict::HarnessError {
            detail: format!("fixture {operation} could not be created: {detail}"),
        }
    }
}

/// Judge one observation against the case's expectation.
pub fn judge(spec: &Spec, case: &Case, obs: &Observation) -> Verdict {
    if let Some(failure) = &obs.failure {
        return Verdict::HarnessError {
            detail: failure.clone(),
        };
    }
    if is_throttled(obs) {
        return Verdict::HarnessError {
            detail: "still throttled (429) after backing off".into(),
        };
    }
    let valid_request_unrouted = case.kind == crate::case::Kind::Valid && is_missing_route(obs);
    if is_unknown_operation(obs) || valid_request_unrouted {
        return Verdict::Unsupported {
            detail: format!(
                "{} {}",
                describe_status(obs),
                obs.body_excerpt
                    .clone()
                    .or(obs.message.clone())
                    .unwrap_or_default()
            ),
        };
    }
    let behaviour = case.origin == Origin::Behaviour;
    match &case.expect {
        Expect::Accept { checks } => {
            if !obs.is_success() {
                let class = if behaviour {
                    DivergenceClass::Behaviour
                } else {
                    DivergenceClass::RejectedValid
                };
                return Verdict::diverges(class, format!("rejected: {}", describe_error(obs)));
            }
            let Some(op) = spec.operation(&case.operation) else {
                return Verdict::HarnessError {
                    detail: format!("no spec for {}", case.operation),
                };
            };
            if let Some((class, problem)) = super::semantic::success_problem(op, case, obs) {
                return Verdict::diverges(class, problem);
            }
            let mut issues = shape_issues(spec, op, obs);
            if let crate::client::exchange::SdkView::ResponseError { detail } = &obs.sdk {
                issues.push(format!("the SDK could not parse the answer: {detail}"));
            }
            if !issues.is_empty() {
                return Verdict::diverges(DivergenceClass::ResponseShape, issues.join("; "));
            }
            let failed: Vec<String> = checks
                .iter()
                .filter_map(|c| check_failure(c, obs.body.as_ref()))
                .collect();
            if !failed.is_empty() {
                return Verdict::diverges(DivergenceClass::Behaviour, failed.join("; "));
            }
            Verdict::Conforms
        }
        Expect::Reject { errors } => {
            if let Some(detail) = refused_in_items(spec, case, obs) {
                return Verdict::ConformsInItems { detail };
            }
            if obs.is_success() {
                let class = if behaviour {
                    DivergenceClass::Behaviour
                } else {
                    DivergenceClass::AcceptedInvalid
                };
                return Verdict::diverges(class, format!("accepted with {}", describe_status(obs)));
            }
            let errors: Vec<&str> = errors.iter().map(String::as_str).collect();
            match rejection_problem(spec, &errors, obs) {
                Some((class, detail)) => Verdict::diverges(class, detail),
                None => Verdict::Conforms,
            }
        }
    }
}

/// How an error answer departs from a rejection with one of `errors`: a body the protocol cannot
/// read, no readable error type, another type, or the right type with another status than the
/// documented one. `None` when it is the rejection asked for.
pub fn rejection_problem(
    spec: &Spec,
    errors: &[&str],
    obs: &Observation,
) -> Option<(DivergenceClass, String)> {
    if let Some(problem) = super::semantic::error_body_problem(obs) {
        return Some((DivergenceClass::MalformedError, problem));
    }
    let Some(error_type) = &obs.error_type else {
        return Some((
            DivergenceClass::MalformedError,
            format!(
                "{} without a readable error type (no x-amzn-ErrorType, __type or code)",
                describe_status(obs)
            ),
        ));
    };
    if !errors.contains(&error_type.as_str()) {
        return Some((
            DivergenceClass::WrongErrorType,
            format!("{error_type}, expected {}", errors.join(" or ")),
        ));
    }
    match spec.error_status(error_type) {
        Some(status) if Some(status) != obs.status => Some((
            DivergenceClass::WrongStatus,
            format!(
                "{error_type} with {}, documented status {status}",
                describe_status(obs)
            ),
        )),
        _ => None,
    }
}

/// An accepted request whose every violation lies inside items of a list the service answers
/// item by item, each of those items refused in its own result (a status other than the success
/// one, and no id): the rejection the contract asks for, item by item. Says which items.
fn refused_in_items(spec: &Spec, case: &Case, obs: &Observation) -> Option<String> {
    if !obs.is_success() {
        return None;
    }
    let op = spec.operation(&case.operation)?;
    let violations = crate::spec::validate(spec, op, &case.request);
    if violations.is_empty() {
        return None;
    }
    let (list, rule) = op
        .input
        .iter()
        .find_map(|(name, m)| m.item_results.as_ref().map(|r| (name, r)))?;
    let mut items = std::collections::BTreeSet::new();
    for v in &violations {
        let index =
            v.at.strip_prefix(list.as_str())
                .and_then(|rest| rest.strip_prefix('['))
                .and_then(|rest| rest.split_once(']'))
                .and_then(|(i, _)| i.parse::<usize>().ok())?;
        items.insert(index);
    }
    let results = obs.body.as_ref()?.get(&rule.output)?.as_array()?;
    let mut refused = Vec::new();
    for i in items {
        let result = results.get(i)?;
        let status = result.get(&rule.status).and_then(Value::as_str)?;
        let has_id = result.get(&rule.id).is_some_and(|v| !v.is_null());
        if status == rule.success || has_id {
            return None;
        }
        refused.push(format!("{}[{i}].{} {status}", rule.output, rule.status));
    }
    Some(format!(
        "HTTP 200, the invalid item refused in its own result: {}",
        refused.join(", ")
    ))
}

fn describe_status(obs: &Observation) -> String {
    obs.status
        .map(|s| format!("HTTP {s}"))
        .unwrap_or_else(|| "no answer".into())
}

/// `HTTP 400 BadRequestException: message`.
pub fn describe_error(obs: &Observation) -> String {
    let mut out = describe_status(obs);
    if let Some(t) = &obs.error_type {
        out.push(' ');
        out.push_str(t);
    }
    if let Some(m) = &obs.message {
        out.push_str(": ");
        out.push_str(m);
    }
    out
}

/// Why a response check fails, if it does.
fn check_failure(check: &ResponseCheck, body: Option<&Value>) -> Option<String> {
    let at = |pointer: &str| body.and_then(|b| b.pointer(pointer));
    match check {
        ResponseCheck::Equals { pointer, value } => match at(pointer) {
            None => Some(format!("{pointer}: absent, expected {}", short(value))),
            Some(found) if same_value(found, value) => None,
            Some(found) => Some(format!(
                "{pointer}: {} differs from what was created, {}",
                short(found),
                short(value)
            )),
        },
        ResponseCheck::AtMostItems { pointer, max } => {
            let n = at(pointer)
                .and_then(Value::as_array)
                .map(Vec::len)
                .unwrap_or(0);
            (n > *max).then(|| format!("{pointer}: {n} items for a page size of {max}"))
        }
        ResponseCheck::ExactlyItems { pointer, count } => {
            let n = at(pointer)
                .and_then(Value::as_array)
                .map(Vec::len)
                .unwrap_or(0);
            (n != *count).then(|| format!("{pointer}: {n} items, expected exactly {count}"))
        }
        ResponseCheck::Present { pointer } => at(pointer)
            .filter(|v| !v.is_null())
            .is_none()
            .then(|| format!("{pointer}: absent")),
    }
}

/// Equal as JSON; JSON text inside strings (policy documents) is compared as JSON, since a
/// server may store it reformatted.
pub(crate) fn same_value(found: &Value, expected: &Value) -> bool {
    if found == expected {
        return true;
    }
    match (found.as_str(), expected.as_str()) {
        (Some(a), Some(b)) => match (
            serde_json::from_str::<Value>(a),
            serde_json::from_str::<Value>(b),
        ) {
            (Ok(x), Ok(y)) => x.is_object() && x == y,
            _ => false,
        },
        _ => false,
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 {
        format!("{}...", s.chars().take(120).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_serialize_as_reports_spell_them() {
        for name in VerdictName::ALL {
            let json = serde_json::to_string(&name).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", name.as_str()));
            assert_eq!(VerdictName::parse(name.as_str()), Some(name));
            let back: VerdictName =
                serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(back, name);
        }
        for class in DivergenceClass::ALL {
            let json = serde_json::to_string(&class).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", class.as_str()));
            assert_eq!(DivergenceClass::parse(class.as_str()), Some(class));
            let back: DivergenceClass =
                serde_json::from_str(&json).unwrap_or_else(|e| panic!("{class}: {e}"));
            assert_eq!(back, class);
        }
    }
}
