//! Target profiles (`specs/targets/<name>.json`): what a target implements, how the harness
//! gets a verified identity on it, and its known divergences. Known divergences are strict: one
//! that stops happening fails the run, so a fixed emulator bug is noticed and the list never rots.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::generate::{self, Plan, Settings};
use crate::profile::KnownClass;
use crate::spec::{parse_file, parse_in, snake_case, Spec, SpecError};

/// Why a profile does not load. Every variant names the file, and where it can, the JSON path.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The file cannot be read, is not JSON, or does not fit the model.
    #[error(transparent)]
    Parse(#[from] SpecError),
    /// An `unsupported` key is not an operation of the spec.
    #[error(
        "{file}: at $.unsupported.{operation}: `{operation}` is not an operation of the table"
    )]
    UnknownOperation {
        /// The profile file.
        file: PathBuf,
        /// The key.
        operation: String,
    },
    /// A known divergence or baseline mismatch that covers no case of the default suite: it can
    /// never happen, so it can never go stale either, and would rot unnoticed.
    #[error("{file}: at $.{list}[{index}]: `{pattern}` matches no case of the default suite{}", when.as_ref().map(|w| format!(" whose request has {w}")).unwrap_or_default())]
    DeadEntry {
        /// The profile file.
        file: PathBuf,
        /// The list it is in: `known_divergences` or `baseline_mismatches`.
        list: &'static str,
        /// The entry's index in that list.
        index: usize,
        /// The entry's `cases` pattern.
        pattern: String,
        /// The entry's request shape, if it names one.
        when: Option<Box<RequestShape>>,
    },
}

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
    /// and the sequence goes on. Lenient, unlike the other two lists: an entry that no run
    /// needed is not refused, because which (write, read) pairs of a family a seed's sequences
    /// reach still varies from seed to seed, so "not needed this run" does not mean dead. They
    /// become strict once every pair is reached in every run (the sequences issue).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sequence_divergences: Vec<KnownStepDivergence>,
    /// Differences from a baseline (`diff`) the target is known to have. Unlike known
    /// divergences these are allowances: a case that matches anyway is fine. An entry whose
    /// pattern matches no case of the default suite is refused at load, as a dead known
    /// divergence is.
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
    pub class: super::classes::DivergenceClass,
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
    /// Other classes the same fault shows, depending on what the target holds from earlier
    /// requests in its process: an emulator that stored a set named null from an invalid create
    /// answers the next such create "already exists". Still a divergence every time: a case
    /// that conforms makes the entry stale.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub or_classes: Vec<KnownClass>,
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

impl std::fmt::Display for RequestShape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}`", self.at)?;
        if let Some(lacks) = &self.lacks {
            write!(f, " lacking `{lacks}`")?;
        }
        if let Some([lo, hi]) = self.between {
            write!(f, " between {lo} and {hi}")?;
        }
        Ok(())
    }
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
    /// The profile of `name` in the spec directory's `targets/`, if there is one, checked
    /// against the spec (see `load`).
    pub fn shipped(spec: &Spec, name: &str) -> Result<Option<Profile>, ProfileError> {
        let relative = format!("targets/{name}.json");
        // A target name is a file name, never a path out of the table.
        if name.contains(['/', '\\']) || !spec.source.has(&relative) {
            return Ok(None);
        }
        let profile: Profile = parse_in(&spec.source, &relative)?;
        profile.check(spec, &spec.source.file(&relative))?;
        Ok(Some(profile))
    }

    /// The names of every target the spec table ships a profile for, sorted.
    pub fn shipped_names(spec: &Spec) -> Result<Vec<String>, ProfileError> {
        let files = spec.source.json_files("targets")?;
        Ok(files
            .iter()
            .filter_map(|f| f.strip_prefix("targets/")?.strip_suffix(".json"))
            .map(str::to_string)
            .collect())
    }

    /// The shipped profiles of emulators: every one that names the environment variable its
    /// URL is read from, as (target name, variable).
    pub fn shipped_emulators(spec: &Spec) -> Result<Vec<(String, String)>, ProfileError> {
        let mut emulators = Vec::new();
        for name in Self::shipped_names(spec)? {
            let profile = Self::shipped(spec, &name)?;
            if let Some(var) = profile.and_then(|p| p.endpoint_env) {
                emulators.push((name, var));
            }
        }
        Ok(emulators)
    }

    /// Load a profile file and check it against the spec: every `unsupported` key is an
    /// operation, and every known divergence covers a case of the default suite.
    pub fn load(spec: &Spec, file: &Path) -> Result<Profile, ProfileError> {
        let profile: Profile = parse_file(file)?;
        profile.check(spec, file)?;
        Ok(profile)
    }

    fn check(&self, spec: &Spec, file: &Path) -> Result<(), ProfileError> {
        if let Some(op) = self
            .unsupported
            .keys()
            .find(|op| spec.operation(op).is_none())
        {
            return Err(ProfileError::UnknownOperation {
                file: file.to_path_buf(),
                operation: op.clone(),
            });
        }
        if self.known_divergences.is_empty() && self.baseline_mismatches.is_empty() {
            return Ok(());
        }
        DefaultSuite::new(spec).check(self, file)
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

    /// Why the target cannot run a case of `operation`, if it cannot.
    pub fn unsupported_reason(&self, operation: &str) -> Option<&str> {
        self.unsupported.get(operation).map(String::as_str)
    }

    /// The known divergence covering a case, if any: the first whose ids match and whose
    /// request shape (if it names one) the case's request has.
    pub fn known_step(
        &self,
        operation: &str,
        class: super::classes::DivergenceClass,
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

/// The default suite (default seed and case count), planned per operation on demand: an entry's
/// pattern names the operation its cases belong to (a case id starts with the operation's
/// snake-case name), so a profile plans only the operations its entries can match, and builds a
/// request only for a case an entry's request shape has to be checked against, each at most once.
struct DefaultSuite<'s> {
    spec: &'s Spec,
    settings: Settings,
    /// Per operation of the table, in table order: its plans and their requests, once planned.
    operations: Vec<OnceLock<Vec<PlannedCase>>>,
}

struct PlannedCase {
    plan: Plan,
    request: OnceLock<Option<serde_json::Value>>,
}

impl<'s> DefaultSuite<'s> {
    fn new(spec: &'s Spec) -> DefaultSuite<'s> {
        DefaultSuite {
            spec,
            settings: Settings::default(),
            operations: spec.operations.values().map(|_| OnceLock::new()).collect(),
        }
    }

    /// Every known divergence and every baseline mismatch of the profile covers at least one
    /// case.
    fn check(&self, profile: &Profile, file: &Path) -> Result<(), ProfileError> {
        for (index, known) in profile.known_divergences.iter().enumerate() {
            if !self.covers(&known.cases, known.when.as_ref()) {
                return Err(ProfileError::DeadEntry {
                    file: file.to_path_buf(),
                    list: "known_divergences",
                    index,
                    pattern: known.cases.clone(),
                    when: known.when.clone().map(Box::new),
                });
            }
        }
        for (index, mismatch) in profile.baseline_mismatches.iter().enumerate() {
            if !self.covers(&mismatch.cases, None) {
                return Err(ProfileError::DeadEntry {
                    file: file.to_path_buf(),
                    list: "baseline_mismatches",
                    index,
                    pattern: mismatch.cases.clone(),
                    when: None,
                });
            }
        }
        Ok(())
    }

    /// Whether a case of the default suite has an id `pattern` matches and (if a shape is
    /// given) a request of that shape.
    fn covers(&self, pattern: &str, when: Option<&RequestShape>) -> bool {
        self.spec
            .operations
            .values()
            .enumerate()
            .filter(|(_, op)| may_name_operation(pattern, &snake_case(&op.operation)))
            .any(|(i, _)| {
                self.planned(i).iter().any(|case| {
                    glob_match(pattern, &case.plan.id)
                        && when.is_none_or(|shape| {
                            self.request(case)
                                .is_some_and(|request| shape.matches(request))
                        })
                })
            })
    }

    fn planned(&self, i: usize) -> &[PlannedCase] {
        self.operations[i].get_or_init(|| {
            let op = &self.spec.operations[i];
            generate::plans_for(self.spec, op, &self.settings)
                .into_iter()
                .map(|plan| PlannedCase {
                    plan,
                    request: OnceLock::new(),
                })
                .collect()
        })
    }

    fn request<'c>(&self, case: &'c PlannedCase) -> Option<&'c serde_json::Value> {
        case.request
            .get_or_init(|| {
                case.plan
                    .build(self.spec, &self.settings)
                    .map(|case| case.request)
            })
            .as_ref()
    }
}

/// Whether a case-id pattern can match a case of the operation whose snake-case name is `op`
/// (a case id is `<op>::...`, and `op` holds no `:`). Only the literal text before the first `*`
/// is sure to open every id the pattern matches; past it nothing can be told, so this never
/// rules out an operation the pattern could match.
fn may_name_operation(pattern: &str, op: &str) -> bool {
    let literal = pattern.split('*').next().unwrap_or_default();
    match literal.split_once("::") {
        Some((head, _)) => head == op,
        None => op.starts_with(literal) || literal.starts_with(op),
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
#[path = "load_tests.rs"]
mod tests;
