//! Target profiles (`specs/targets/<name>.json`): what a target implements, how the harness
//! gets a verified identity on it, and its known divergences. Known divergences are strict: one
//! that stops happening fails the run, so a fixed emulator bug is noticed and the list never rots.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::spec::{parse_file, Spec, SpecError};

/// How the harness gets a verified identity on a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityMode {
    /// Create one named with the run prefix (CreateEmailIdentity), delete it at the end.
    #[default]
    Create,
    /// The user names one they verified (`--identity`); the harness never creates or deletes it.
    Given,
    /// The target has no identities; cases use the placeholder identity as it is.
    None,
}

/// A target's profile.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The target name (matches the file name).
    pub target: String,
    /// One line about the target and the version the profile was written against.
    pub description: String,
    /// The environment variable that holds the target's URL when `--endpoint` is not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_env: Option<String>,
    /// How the harness gets a verified identity.
    #[serde(default)]
    pub identity: IdentityMode,
    /// The account id the target puts in ARNs (local targets); real SES uses `--account-id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Whether to pace calls at the documented rate limits.
    #[serde(default)]
    pub rate_limits: bool,
    /// The target follows the current API's rules (the spec's `later` rules: bounds that moved,
    /// rules that were dropped) instead of the seed's; says why, with the source. Every case whose
    /// request the two editions judge differently is then a known divergence, computed for any
    /// `--seed` and `--cases`: `accepted-invalid` where only the seed calls it invalid,
    /// `rejected-valid` where only the current rules do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_rules: Option<String>,
    /// Operations the target does not implement, with the reason: their cases become ignored
    /// trials.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub unsupported: IndexMap<String, String>,
    /// Divergences the target is known to have.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known_divergences: Vec<KnownDivergence>,
    /// Divergences the target is known to have inside sequences, by the operation whose answer
    /// departs: a call they cover is recorded as known, the model follows what the target did,
    /// and the sequence goes on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sequence_divergences: Vec<KnownStepDivergence>,
    /// Differences from a baseline (`diff`) the target is known to have. Unlike known
    /// divergences these are allowances: a case that matches anyway is fine.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub baseline_mismatches: Vec<BaselineMismatch>,
}

/// A divergence a target is known to have inside sequences.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KnownStepDivergence {
    /// The operation whose answer departs; `*` matches any run of characters.
    pub operation: String,
    /// How it departs.
    pub class: crate::check::DivergenceClass,
    /// Only when the model expected this (as sequences print it, e.g. `AlreadyExistsException`
    /// or `success*`; `*` matches any run of characters); any expectation when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What the target does.
    pub what: String,
    /// Why, with the source in the target's code.
    pub why: String,
}

/// A known difference from a baseline.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineMismatch {
    /// Case ids it covers; `*` matches any run of characters.
    pub cases: String,
    /// `verdict` (status or error type may differ, and so may the rest) or `full` (only the
    /// message or body may differ).
    pub level: MismatchLevel,
    /// Why.
    pub why: String,
}

/// How far an answer may differ from its baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MismatchLevel {
    /// Status and error type may differ.
    Verdict,
    /// Only message and body may differ.
    Full,
}

/// The outcome a known divergence names: a divergence class, or `unsupported`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
#[allow(missing_docs)]
pub enum KnownClass {
    AcceptedInvalid,
    RejectedValid,
    WrongErrorType,
    WrongStatus,
    MalformedError,
    ResponseShape,
    Behaviour,
    Unsupported,
}

impl KnownClass {
    /// The kebab-case name, as verdicts and reports spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            KnownClass::AcceptedInvalid => "accepted-invalid",
            KnownClass::RejectedValid => "rejected-valid",
            KnownClass::WrongErrorType => "wrong-error-type",
            KnownClass::WrongStatus => "wrong-status",
            KnownClass::MalformedError => "malformed-error",
            KnownClass::ResponseShape => "response-shape",
            KnownClass::Behaviour => "behaviour",
            KnownClass::Unsupported => "unsupported",
        }
    }
}

/// A divergence a target is known to have.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KnownDivergence {
    /// Case ids it covers; `*` matches any run of characters.
    pub cases: String,
    /// Only the cases whose request has this shape: what the target trips on, said of the
    /// request rather than of case ids, so the entry holds for any `--seed` and `--cases`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<RequestShape>,
    /// The class observed.
    pub class: KnownClass,
    /// What differs.
    pub what: String,
    /// Why (a link to the emulator's source or issue, a documentation change, ...).
    pub why: String,
}

/// A shape of request: at the member path `at` (`BulkEmailEntries[].ReplacementEmailContent`,
/// `[]` for every item), a value that lacks a member, or an integer in a range.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RequestShape {
    /// The member path.
    pub at: String,
    /// A value there lacks this member (a dotted path within it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lacks: Option<String>,
    /// A value there is an integer within these bounds (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub between: Option<[i64; 2]>,
}

impl RequestShape {
    /// Whether `request` has the shape.
    pub fn matches(&self, request: &serde_json::Value) -> bool {
        values_at(request, &self.at).into_iter().any(|v| {
            let lacks = self
                .lacks
                .as_ref()
                .is_none_or(|path| lookup(v, path).is_none_or(serde_json::Value::is_null));
            let between = self
                .between
                .is_none_or(|[lo, hi]| v.as_i64().is_some_and(|n| (lo..=hi).contains(&n)));
            lacks && between
        })
    }
}

/// Every value at a member path; `Name[]` steps into every item of the list `Name`.
fn values_at<'v>(value: &'v serde_json::Value, path: &str) -> Vec<&'v serde_json::Value> {
    let mut current = vec![value];
    for step in path.split('.') {
        let (name, items) = match step.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (step, false),
        };
        current = current
            .into_iter()
            .filter_map(|v| v.get(name))
            .flat_map(|v| match (items, v.as_array()) {
                (true, Some(list)) => list.iter().collect::<Vec<_>>(),
                (true, None) => Vec::new(),
                (false, _) => vec![v],
            })
            .collect();
    }
    current
}

fn lookup<'v>(value: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    path.split('.').try_fold(value, |v, step| v.get(step))
}

impl Profile {
    /// The profile of `name` in a spec directory's `targets/`, if there is one.
    pub fn shipped(spec_dir: &Path, name: &str) -> Result<Option<Profile>, SpecError> {
        let file = Self::path(spec_dir, name);
        if !file.exists() {
            return Ok(None);
        }
        Self::load(&file).map(Some)
    }

    /// Where the profile of `name` lives under a spec directory.
    pub fn path(spec_dir: &Path, name: &str) -> PathBuf {
        spec_dir.join("targets").join(format!("{name}.json"))
    }

    /// Load and check a profile file.
    pub fn load(file: &Path) -> Result<Profile, SpecError> {
        parse_file(file)
    }

    /// A profile with nothing in it, for an endpoint without a shipped profile.
    pub fn bare(name: &str) -> Profile {
        Profile {
            target: name.into(),
            description: format!("{name}: no profile; every operation is expected to conform"),
            endpoint_env: None,
            identity: IdentityMode::Create,
            account: None,
            rate_limits: false,
            current_rules: None,
            unsupported: IndexMap::new(),
            known_divergences: Vec::new(),
            sequence_divergences: Vec::new(),
            baseline_mismatches: Vec::new(),
        }
    }

    /// Check the profile's operation names against the spec.
    pub fn check_operations(&self, spec: &Spec) -> Result<(), String> {
        for op in self.unsupported.keys() {
            if spec.operation(op).is_none() {
                return Err(format!(
                    "profile {}: unsupported operation `{op}` is not one of the 22",
                    self.target
                ));
            }
        }
        Ok(())
    }

    /// Why the target cannot run a case of `operation`, if it cannot.
    pub fn unsupported_reason(&self, operation: &str) -> Option<&str> {
        self.unsupported.get(operation).map(String::as_str)
    }

    /// The known divergence covering a case, if any: the first whose ids match and whose
    /// request shape (if it names one) the case's request has.
    pub fn known_step(
        &self,
        operation: &str,
        class: crate::check::DivergenceClass,
        expected: &str,
    ) -> Option<&KnownStepDivergence> {
        self.sequence_divergences.iter().find(|k| {
            k.class == class
                && glob_match(&k.operation, operation)
                && k.expected
                    .as_deref()
                    .is_none_or(|e| glob_match(e, expected))
        })
    }

    /// The known divergence covering a case, if any.
    pub fn known_for(
        &self,
        case_id: &str,
        request: &serde_json::Value,
    ) -> Option<&KnownDivergence> {
        self.known_divergences.iter().find(|k| {
            glob_match(&k.cases, case_id) && k.when.as_ref().is_none_or(|w| w.matches(request))
        })
    }
}

/// `*` matches any run of characters; everything else matches itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(stripped) = rest.strip_prefix(part) else {
                return false;
            };
            rest = stripped;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_shapes_match_by_member_path() {
        use serde_json::json;
        let lacks = RequestShape {
            at: "BulkEmailEntries[].ReplacementEmailContent".into(),
            lacks: Some("ReplacementTemplate.ReplacementTemplateData".into()),
            between: None,
        };
        let with = |content: serde_json::Value| json!({"BulkEmailEntries": [{"Destination": {}}, {"ReplacementEmailContent": content}]});
        assert!(lacks.matches(&with(json!({}))));
        assert!(lacks.matches(&with(json!({"ReplacementTemplate": {}}))));
        assert!(!lacks.matches(&with(
            json!({"ReplacementTemplate": {"ReplacementTemplateData": "{}"}})
        )));
        assert!(!lacks.matches(&json!({"BulkEmailEntries": [{"Destination": {}}]})));
        let page = RequestShape {
            at: "PageSize".into(),
            lacks: None,
            between: Some([11, 100]),
        };
        assert!(page.matches(&json!({"PageSize": 11})));
        assert!(!page.matches(&json!({"PageSize": 101})));
        assert!(!page.matches(&json!({})));
    }

    #[test]
    fn globs_match_case_ids() {
        assert!(glob_match(
            "list_email_templates::*",
            "list_email_templates::invalid::page_size_above_max::0"
        ));
        assert!(glob_match(
            "*::page_size_above_max::0",
            "list_email_templates::invalid::page_size_above_max::0"
        ));
        assert!(glob_match("a*b*c", "aXXbYYc"));
        assert!(!glob_match("a*b*c", "aXXbYY"));
        assert!(glob_match("exact", "exact"));
        assert!(!glob_match("exact", "exact2"));
    }
}
