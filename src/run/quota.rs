//! Families an account may hold only so many of (`per_account` in `specs/resources.json`: one
//! contact list per account and Region). Against real SES the run learns, once per family, by
//! listing it, whether the account already holds as many as it may that the run did not make:
//! then it makes none, and skips every case that would, with the reason. Only counts are kept:
//! the names are the user's.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::sync::OnceCell;

use super::session::Session;
use crate::case::{Case, RequestPath};
use crate::check::recorded::only_the_runs;
use crate::check::verdict::describe_error;
use crate::spec::Spec;

/// Per family: why the run may make none of it, learnt once.
#[derive(Default)]
pub(super) struct Room {
    learnt: Mutex<BTreeMap<String, Arc<OnceCell<Option<String>>>>>,
}

impl Room {
    /// Against real SES, why the case may not make what it would of a family the account holds
    /// only so many of. Every other case of the family still runs (reads of a missing item,
    /// listings, invalid cases that make nothing).
    pub(super) async fn why_none(&self, session: &Session, case: &Case) -> Option<String> {
        if !session.target().real_aws {
            return None;
        }
        for family in quota_families_made_by(session.spec(), case) {
            let cell = {
                let mut learnt = self.learnt.lock().unwrap_or_else(|e| e.into_inner());
                learnt.entry(family.to_string()).or_default().clone()
            };
            let reason = cell
                .get_or_init(|| why_the_account_is_full(session, family))
                .await;
            if reason.is_some() {
                return reason.clone();
            }
        }
        None
    }
}

/// List the family once: `Some(why)` when the account holds as many as its quota allows that
/// the run did not make, or when that cannot be told (then the run makes none either: it fails
/// closed).
async fn why_the_account_is_full(session: &Session, family: &str) -> Option<String> {
    let spec = session.spec();
    let (_, quota) = spec.quota_family_of(family)?;
    let Some(list) = spec.listing_of(family) else {
        return Some(format!(
            "the account may hold {} {family} at most, and the table has no listing to tell how many it holds",
            quota.max
        ));
    };
    let empty = Value::Object(serde_json::Map::new());
    let (_, obs) = session
        .call(&list.operation, &empty, RequestPath::Sdk, None)
        .await;
    if !obs.is_success() {
        return Some(format!(
            "the account may hold {} {family} at most, and {} (to tell how many it holds) answered {}",
            quota.max,
            list.operation,
            describe_error(&obs)
        ));
    }
    let cannot_tell = |why: &str| {
        Some(format!(
            "the account may hold {} {family} at most, and {}'s answer cannot tell how many it holds: {why}",
            quota.max, list.operation
        ))
    };
    let names_its_items = list.output.values().any(|m| m.lists_by_name.is_some());
    if !names_its_items {
        return cannot_tell("the table says of no member of it that it lists items by name");
    }
    if obs.body.as_ref().is_none_or(|b| !b.is_object()) {
        return cannot_tell("its body is not a JSON object");
    }
    let (_, withheld) = only_the_runs(spec, &list.operation, &obs);
    let foreign: usize = withheld.counts.values().sum();
    // A further page holds more: as many as the quota allows, or the listing lies.
    let more = obs
        .body
        .as_ref()
        .and_then(|b| b.get("NextToken"))
        .is_some_and(|t| !t.is_null());
    (foreign >= quota.max || more).then(|| {
        format!(
            "the account already holds {foreign}{} {family} the run did not make and may hold {} at most (specs/resources.json: {family}.per_account): the run makes none and touches none of the user's",
            if more { " or more" } else { "" },
            quota.max,
        )
    })
}

/// The families with a per-account quota of which `case` makes an item (a fixture, or what its
/// own call creates), each once. A family living in one (a contact in a list) is not counted:
/// its items take no room of the parent's quota, and the parent's fixture is counted itself.
pub(crate) fn quota_families_made_by<'s>(spec: &'s Spec, case: &Case) -> Vec<&'s str> {
    let made = case
        .fixtures
        .iter()
        .map(|f| &f.resource)
        .chain(case.creates.iter().map(|m| &m.resource));
    let families: std::collections::BTreeSet<&str> = made
        .filter_map(|r| spec.resources.get_key_value(&r.kind))
        .filter(|(_, def)| def.per_account.is_some())
        .map(|(kind, _)| kind.as_str())
        .collect();
    families.into_iter().collect()
}
