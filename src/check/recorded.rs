//! What a run records of an answer once it has been judged. Against real SES the account holds
//! the user's own resources, and answers that list resources by name (policies, templates,
//! custom verification templates) show them: only the entries the run named are recorded
//! (`--json`, JUnit, snapshots, baselines, the console), and the answer says how many were left
//! out. The checks have already judged the whole answer, so a page with more items than asked
//! for is caught however many of its items are the user's.
//!
//! Which output members list resources, and where each entry's name is, is data in the spec
//! (`lists_by_name` on an output member).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::observe::Observation;
use crate::case::PREFIX_PLACEHOLDER;
use crate::client::exchange::SdkView;
use crate::spec::{NameAt, Spec};

/// The member a recorded answer gains when entries were left out: how many, per listing member.
pub const WITHHELD_MEMBER: &str = "[withheld]";

/// What a name left out becomes where a message or detail quoted it.
const WITHHELD_NAME: &str = "\"[withheld]\"";

/// The entries left out of one answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Withheld {
    /// How many, per output member.
    pub counts: BTreeMap<String, usize>,
    /// Their names (entries without a readable name have none here).
    names: Vec<String>,
}

impl Withheld {
    /// Whether nothing was left out.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// `text` (a verdict's detail) with every name left out, as checks quote it (`"name"`),
    /// replaced.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for name in &self.names {
            let quoted = format!("{name:?}");
            if out.contains(&quoted) {
                out = out.replace(&quoted, WITHHELD_NAME);
            }
        }
        out
    }
}

/// The answer to a call of `operation` as a run against real SES records it: in every form it
/// is kept (body, raw answer, the SDK's view), the entries of members that list resources by
/// name keep only the run's names (which unbound read `sc000000000000-…`), and a
/// [`WITHHELD_MEMBER`] says how many others there were. Error answers and answers of other
/// operations are returned as they are.
pub fn only_the_runs(spec: &Spec, operation: &str, obs: &Observation) -> (Observation, Withheld) {
    let listings = listing_members(spec, operation);
    let mut recorded = obs.clone();
    let mut withheld = Withheld::default();
    if listings.is_empty() || !obs.is_success() {
        return (recorded, withheld);
    }
    if let Some(body) = &mut recorded.body {
        withheld = keep_the_runs(body, &listings);
    }
    if let Some(raw) = &mut recorded.raw {
        if let Ok(mut body) = serde_json::from_str::<Value>(&raw.body) {
            let from_raw = keep_the_runs(&mut body, &listings);
            if !from_raw.is_empty() {
                raw.body = body.to_string();
            }
            merge(&mut withheld, from_raw);
        }
    }
    if let SdkView::Output { output } = &mut recorded.sdk {
        merge(&mut withheld, keep_the_runs(output, &listings));
    }
    (recorded, withheld)
}

/// The output members of `operation` that list resources by name: wire name, and where a name
/// is.
fn listing_members<'s>(spec: &'s Spec, operation: &str) -> Vec<(&'s str, &'s NameAt)> {
    spec.operation_or_setup(operation)
        .map(|op| {
            op.output
                .iter()
                .filter_map(|(name, m)| m.lists_by_name.as_ref().map(|at| (m.wire_name(name), at)))
                .collect()
        })
        .unwrap_or_default()
}

/// Keep only the run's entries of each listing member of `body`, and say in it how many were
/// left out.
fn keep_the_runs(body: &mut Value, listings: &[(&str, &NameAt)]) -> Withheld {
    let mut withheld = Withheld::default();
    let Some(obj) = body.as_object_mut() else {
        return withheld;
    };
    for (member, at) in listings {
        let Some(entries) = obj.get_mut(*member) else {
            continue;
        };
        let names = match (at, entries) {
            (NameAt::Key, Value::Object(map)) => keep_keys(map),
            (NameAt::Member(name), Value::Array(items)) => keep_items(items, name),
            (NameAt::Item, Value::Array(items)) => keep_names(items),
            // Not the documented type: the shape check says so. Nothing in it can be told to be
            // the run's, so nothing of it is recorded.
            (_, other) => {
                *other = Value::Null;
                vec![None]
            }
        };
        if !names.is_empty() {
            withheld.counts.insert(member.to_string(), names.len());
            withheld.names.extend(names.into_iter().flatten());
        }
    }
    if !withheld.is_empty() {
        obj.insert(WITHHELD_MEMBER.into(), json!(withheld.counts));
    }
    withheld
}

/// Drop the keys that are not the run's names; the names dropped.
fn keep_keys(map: &mut Map<String, Value>) -> Vec<Option<String>> {
    let foreign: Vec<String> = map.keys().filter(|k| !is_the_runs(k)).cloned().collect();
    for key in &foreign {
        map.remove(key);
    }
    foreign.into_iter().map(Some).collect()
}

/// Drop the items whose `name` member is not one of the run's names (or not a string); the
/// names dropped.
fn keep_items(items: &mut Vec<Value>, name: &str) -> Vec<Option<String>> {
    let mut dropped = Vec::new();
    items.retain(|item| {
        let found = item.get(name).and_then(Value::as_str);
        let keep = found.is_some_and(is_the_runs);
        if !keep {
            dropped.push(found.map(str::to_string));
        }
        keep
    });
    dropped
}

/// Drop the items (names themselves) that are not the run's names (or not strings); the names
/// dropped.
fn keep_names(items: &mut Vec<Value>) -> Vec<Option<String>> {
    let mut dropped = Vec::new();
    items.retain(|item| {
        let found = item.as_str();
        let keep = found.is_some_and(is_the_runs);
        if !keep {
            dropped.push(found.map(str::to_string));
        }
        keep
    });
    dropped
}

/// Whether an unbound name is one the run gave.
fn is_the_runs(name: &str) -> bool {
    name.starts_with(PREFIX_PLACEHOLDER)
}

fn merge(into: &mut Withheld, other: Withheld) {
    for (member, n) in other.counts {
        let count = into.counts.entry(member).or_default();
        *count = (*count).max(n);
    }
    for name in other.names {
        if !into.names.contains(&name) {
            into.names.push(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::exchange::RawAnswer;

    fn spec() -> Spec {
        Spec::load_default().unwrap_or_else(|e| panic!("{e}"))
    }

    fn answer(body: Value) -> Observation {
        Observation {
            status: Some(200),
            error_type: None,
            message: None,
            content_type: Some("application/json".into()),
            body: Some(body.clone()),
            body_excerpt: None,
            sdk: SdkView::Output {
                output: body.clone(),
            },
            failure: None,
            raw: Some(RawAnswer {
                status: 200,
                headers: Default::default(),
                body: body.to_string(),
            }),
        }
    }

    fn own(name: &str) -> String {
        format!("{PREFIX_PLACEHOLDER}{name}")
    }

    #[test]
    fn only_the_runs_policies_are_recorded_in_every_form() {
        let body = json!({"Policies": {own("p0"): "{}", "partner": "{\"Principal\":\"x\"}", "mine": "{}"}});
        for operation in ["GetEmailIdentityPolicies", "GetEmailIdentity"] {
            let (recorded, withheld) = only_the_runs(&spec(), operation, &answer(body.clone()));
            let expected = json!({"Policies": {own("p0"): "{}"}, "[withheld]": {"Policies": 2}});
            assert_eq!(recorded.body.as_ref(), Some(&expected));
            assert_eq!(
                recorded.sdk,
                SdkView::Output {
                    output: expected.clone()
                }
            );
            let raw: Value =
                serde_json::from_str(&recorded.raw.map(|r| r.body).unwrap_or_default())
                    .unwrap_or_default();
            assert_eq!(raw, expected);
            assert_eq!(withheld.counts, BTreeMap::from([("Policies".into(), 2)]));
        }
    }

    #[test]
    fn only_the_runs_templates_are_recorded_from_listings() {
        for (operation, member) in [
            ("ListEmailTemplates", "TemplatesMetadata"),
            (
                "ListCustomVerificationEmailTemplates",
                "CustomVerificationEmailTemplates",
            ),
        ] {
            let body = json!({member: [{"TemplateName": "newsletter"}, {"TemplateName": own("t0")}, {"TemplateName": 5}], "NextToken": "n"});
            let (recorded, withheld) = only_the_runs(&spec(), operation, &answer(body));
            assert_eq!(
                recorded.body,
                Some(
                    json!({member: [{"TemplateName": own("t0")}], "NextToken": "n", "[withheld]": {member: 2}})
                )
            );
            assert_eq!(
                withheld.scrub("a detail quoting \"newsletter\""),
                "a detail quoting \"[withheld]\""
            );
        }
    }

    #[test]
    fn only_the_runs_names_are_recorded_from_a_list_of_names() {
        let body = json!({"ConfigurationSets": ["production", own("cs0"), 7], "NextToken": "n"});
        let (recorded, withheld) = only_the_runs(&spec(), "ListConfigurationSets", &answer(body));
        assert_eq!(
            recorded.body,
            Some(
                json!({"ConfigurationSets": [own("cs0")], "NextToken": "n", "[withheld]": {"ConfigurationSets": 2}})
            )
        );
        assert_eq!(
            withheld.scrub("a detail quoting \"production\""),
            "a detail quoting \"[withheld]\""
        );
    }

    #[test]
    fn errors_other_operations_and_all_own_answers_are_recorded_whole() {
        let policies = json!({"Policies": {own("p0"): "{}"}});
        let (recorded, withheld) = only_the_runs(
            &spec(),
            "GetEmailIdentityPolicies",
            &answer(policies.clone()),
        );
        assert_eq!(recorded.body, Some(policies));
        assert!(withheld.is_empty());
        let other = json!({"Policies": {"partner": "{}"}});
        let (recorded, _) = only_the_runs(&spec(), "GetAccount", &answer(other.clone()));
        assert_eq!(recorded.body, Some(other.clone()));
        let mut error = answer(other.clone());
        error.status = Some(400);
        let (recorded, _) = only_the_runs(&spec(), "GetEmailIdentityPolicies", &error);
        assert_eq!(recorded.body, Some(other));
    }

    #[test]
    fn a_listing_of_the_wrong_type_is_not_recorded() {
        let body = json!({"Policies": ["partner"]});
        let (recorded, withheld) =
            only_the_runs(&spec(), "GetEmailIdentityPolicies", &answer(body));
        assert_eq!(
            recorded.body,
            Some(json!({"Policies": null, "[withheld]": {"Policies": 1}}))
        );
        assert!(!withheld.is_empty());
    }
}
