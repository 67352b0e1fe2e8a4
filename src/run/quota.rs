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
use crate::spec::{Operation, ResourceAction, Spec};

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
        let spec = session.spec();
        let made = case
            .fixtures
            .iter()
            .map(|f| &f.resource)
            .chain(case.creates.iter().map(|m| &m.resource));
        let mut families: Vec<&str> = made
            .filter_map(|r| spec.quota_family_of(&r.kind).map(|(kind, _)| kind))
            .collect();
        families.dedup();
        for family in families {
            let cell = {
                let mut learnt = self.learnt.lock().unwrap_or_else(|e| e.into_inner());
                learnt.entry(family.to_string()).or_default().clone()
            };
            let reason = cell.get_or_init(|| count_foreign(session, family)).await;
            if reason.is_some() {
                return reason.clone();
            }
        }
        None
    }
}

/// List the family once: `Some(why)` when the account holds as many as its quota allows that
/// the run did not make, or when that cannot be told.
async fn count_foreign(session: &Session, family: &str) -> Option<String> {
    let spec = session.spec();
    let (_, quota) = spec.quota_family_of(family)?;
    let Some(list) = listing_of(spec, family) else {
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

/// The operation that lists the family.
fn listing_of<'s>(spec: &'s Spec, family: &str) -> Option<&'s Operation> {
    spec.operations.values().find(|op| {
        op.resource
            .as_ref()
            .is_some_and(|r| r.kind == family && r.action == ResourceAction::List)
    })
}
