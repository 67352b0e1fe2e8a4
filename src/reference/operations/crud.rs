//! Plain CRUD, answered from the spec: an operation whose `resource.action` is create, read,
//! list, update or delete on a family with a `store` in `specs/resources.json` needs no Rust of
//! its own. What an answer holds is the operation's output members (a list's items: its item
//! shape's members), which error it gives is its documented behaviours', and the words are the
//! family's.

use serde_json::{json, Value};

use super::paging::{page, with_next_token};
use crate::reference::error::ApiError;
use crate::reference::state::{text, Reply, State};
use crate::reference::store::Item;
use crate::spec::{BehaviourKind, Member, MemberType, Operation, ResourceAction, Spec, StoreDef};

/// One plain CRUD call: the operation, its family and the key the request names.
struct Call<'a> {
    spec: &'a Spec,
    op: &'a Operation,
    family: &'a str,
    words: &'a StoreDef,
    request: &'a Item,
    key: String,
}

impl State {
    /// The answer of `op` when it is plain CRUD on a family the store serves; `None` when it is
    /// not (no resource, a `use`, a family without a `store`, a key of more than one member).
    pub(super) fn crud(&mut self, spec: &Spec, op: &Operation, request: &Item) -> Option<Reply> {
        let resource = op.resource.as_ref()?;
        let def = spec.resources.get(&resource.kind)?;
        let words = def.store.as_ref()?;
        let [key_member] = def.keys.as_slice() else {
            return None;
        };
        let call = Call {
            spec,
            op,
            family: &resource.kind,
            words,
            request,
            key: text(request, key_member).to_string(),
        };
        Some(match resource.action {
            ResourceAction::Create => self.create_item(&call),
            ResourceAction::Read => self.read_item(&call),
            ResourceAction::List => self.list_items(&call),
            ResourceAction::Update => self.update_item(&call),
            ResourceAction::Delete => self.delete_item(&call),
            ResourceAction::Use => return None,
        })
    }

    fn create_item(&mut self, call: &Call) -> Reply {
        let duplicate_accepted = self.faults.accepts_duplicate_create(&call.op.operation);
        if self.store.has(call.family, &call.key) && !duplicate_accepted {
            return Err(call.error(BehaviourKind::RejectsDuplicate, &call.words.already_exists));
        }
        // A create that replaces the item (a fault of the reference) takes no more room.
        let replaced = usize::from(self.store.has(call.family, &call.key));
        let held = self.store.keys(call.family).len() - replaced;
        if let Some(refusal) = call.over_quota(held) {
            return Err(refusal);
        }
        let mut item = call.request.clone();
        // Every member stamped at the create holds the same time (a new item's last update is
        // its create).
        if !call.words.stamped.is_empty() {
            let now = json!(self.tick());
            for member in &call.words.stamped {
                item.insert(member.clone(), now.clone());
            }
        }
        for (member, value) in &call.words.defaults {
            if item.get(member).is_none_or(Value::is_null) {
                item.insert(member.clone(), value.clone());
            }
        }
        let answer = call.answer(&item);
        self.store.insert(call.family, call.key.clone(), item);
        Ok(answer)
    }

    fn read_item(&mut self, call: &Call) -> Reply {
        match self.store.item(call.family, &call.key) {
            Some(item) => Ok(call.answer(item)),
            None => Err(call.not_found()),
        }
    }

    fn update_item(&mut self, call: &Call) -> Reply {
        if !self.store.has(call.family, &call.key) {
            if call.succeeds_when_missing() {
                // "Returns successfully even if ... does not exist": taken as a create.
                self.store
                    .insert(call.family, call.key.clone(), call.request.clone());
                return Ok(call.answer(call.request));
            }
            return Err(call.not_found());
        }
        let restamps: Vec<(String, Value)> = match call.words.restamped.as_slice() {
            [] => Vec::new(),
            members => {
                let now = json!(self.tick());
                members.iter().map(|m| (m.clone(), now.clone())).collect()
            }
        };
        let item = self
            .store
            .item_mut(call.family, &call.key)
            .ok_or_else(|| call.not_found())?;
        for (member, value) in call.request.iter().map(|(m, v)| (m.clone(), v.clone())) {
            item.insert(member, value);
        }
        item.extend(restamps);
        Ok(call.answer(item))
    }

    fn delete_item(&mut self, call: &Call) -> Reply {
        match self.store.remove(call.family, &call.key) {
            Some(item) => Ok(call.answer(&item)),
            None if call.succeeds_when_missing() => Ok(json!({})),
            None => Err(call.not_found()),
        }
    }

    fn list_items(&mut self, call: &Call) -> Reply {
        let list = call
            .op
            .behaviours
            .iter()
            .find(|b| b.kind == BehaviourKind::Paginates)
            .and_then(|b| b.list.as_deref())
            .ok_or_else(|| {
                ApiError::new("InternalFailure", "a list without a paginates behaviour")
            })?;
        let keys = self.store.keys(call.family);
        let (page, next) = if self.faults.ignores_paging(&call.op.operation) {
            (keys, None)
        } else {
            page(&keys, call.request, call.default_page_size())?
        };
        let item_member = call.op.output.get(list).and_then(|m| m.member.as_deref());
        let items: Vec<Value> = page
            .iter()
            .filter_map(|key| Some((key, self.store.item(call.family, key)?)))
            .map(|(key, item)| call.list_entry(key, item, item_member))
            .collect();
        let mut body = serde_json::Map::new();
        body.insert(list.to_string(), Value::Array(items));
        Ok(with_next_token(Value::Object(body), next))
    }
}

impl Call<'_> {
    /// The stored members the operation's output has, by wire name; an output structure the
    /// item does not hold itself is built from the item's members its shape names
    /// (GetDedicatedIpPool answers the pool inside `DedicatedIpPool`).
    fn answer(&self, item: &Item) -> Value {
        let names = self.op.output.iter().map(|(name, m)| m.wire_name(name));
        let mut answer = keep(item, names);
        for (name, member) in &self.op.output {
            let wire = member.wire_name(name);
            if member.ty != MemberType::Structure || answer.contains_key(wire) {
                continue;
            }
            let wrapped = self.members_of(item, Some(member));
            if !wrapped.is_empty() {
                answer.insert(wire.to_string(), Value::Object(wrapped));
            }
        }
        Value::Object(answer)
    }

    /// One entry of a listing: the name itself when the list holds names (ListConfigurationSets),
    /// else the stored members its item shape has.
    fn list_entry(&self, key: &str, item: &Item, item_member: Option<&Member>) -> Value {
        match item_member {
            Some(member) if member.ty == MemberType::String => Value::String(key.to_string()),
            _ => Value::Object(self.members_of(item, item_member)),
        }
    }

    /// The stored members a list item's (or a structure's) shape has.
    fn members_of(&self, item: &Item, shape_member: Option<&Member>) -> Item {
        let members = shape_member.and_then(|m| self.spec.members_of(m));
        let names = members
            .into_iter()
            .flat_map(|shape| shape.members.iter().map(|(name, m)| m.wire_name(name)));
        keep(item, names)
    }

    /// A page holds at most the documented largest PageSize when the request names none.
    fn default_page_size(&self) -> usize {
        self.op
            .input
            .get("PageSize")
            .and_then(|m| m.constraints.range.as_ref())
            .and_then(|range| range.max)
            .map_or(100, |max| max.max(1) as usize)
    }

    /// The refusal of a create when the account already holds `held` of a family that may hold
    /// only so many (`per_account`), in the store's words.
    fn over_quota(&self, held: usize) -> Option<ApiError> {
        let quota = self.spec.resources.get(self.family)?.per_account.as_ref()?;
        let words = self.words.over_quota.as_ref()?;
        (held >= quota.max).then(|| ApiError::new(&words.error, &words.message))
    }

    fn succeeds_when_missing(&self) -> bool {
        self.op
            .behaviours
            .iter()
            .any(|b| b.kind == BehaviourKind::SucceedsWhenMissing)
    }

    fn not_found(&self) -> ApiError {
        self.error(BehaviourKind::FailsWhenMissing, &self.words.not_found)
    }

    /// The first error type the operation's behaviour of `kind` documents (the usual type when
    /// it has none), with the family's words for it.
    fn error(&self, kind: BehaviourKind, words: &str) -> ApiError {
        let fallback = match kind {
            BehaviourKind::RejectsDuplicate => "AlreadyExistsException",
            _ => "NotFoundException",
        };
        let error_type = self
            .op
            .behaviours
            .iter()
            .find(|b| b.kind == kind)
            .and_then(|b| b.errors.first())
            .map_or(fallback, String::as_str);
        ApiError::new(error_type, fill(words, self.request))
    }
}

/// The members of `item` named in `names`, in the item's order.
fn keep<'n>(item: &Item, names: impl Iterator<Item = &'n str>) -> Item {
    let names: Vec<&str> = names.collect();
    item.iter()
        .filter(|(k, _)| names.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// `{Member}` in `words` replaced by the request's string member of that name.
fn fill(words: &str, request: &Item) -> String {
    let mut out = words.to_string();
    for (name, value) in request {
        if let Some(text) = value.as_str() {
            out = out.replace(&format!("{{{name}}}"), text);
        }
    }
    out
}
