//! The generic store: one item per key for each resource family, the members its create was
//! given (and stamps). Plain CRUD on it is answered from the spec (`operations/crud.rs`); the
//! named behaviours read and write the same items.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// A stored resource: members by wire name.
pub(super) type Item = Map<String, Value>;

/// Every family's items, by family and key, keys sorted (lists page in key order).
#[derive(Debug, Default)]
pub(super) struct Store(BTreeMap<String, BTreeMap<String, Item>>);

impl Store {
    /// The item of `family` named `key`.
    pub(super) fn item(&self, family: &str, key: &str) -> Option<&Item> {
        self.0.get(family)?.get(key)
    }

    /// The item of `family` named `key`, to change.
    pub(super) fn item_mut(&mut self, family: &str, key: &str) -> Option<&mut Item> {
        self.0.get_mut(family)?.get_mut(key)
    }

    /// Whether `family` holds `key`.
    pub(super) fn has(&self, family: &str, key: &str) -> bool {
        self.item(family, key).is_some()
    }

    /// Store `item` as `key` of `family`, replacing what was there.
    pub(super) fn insert(&mut self, family: &str, key: String, item: Item) {
        self.0
            .entry(family.to_string())
            .or_default()
            .insert(key, item);
    }

    /// Remove `key` of `family`; what it held.
    pub(super) fn remove(&mut self, family: &str, key: &str) -> Option<Item> {
        self.0.get_mut(family)?.remove(key)
    }

    /// The keys of `family`, sorted.
    pub(super) fn keys(&self, family: &str) -> Vec<String> {
        self.0
            .get(family)
            .map(|items| items.keys().cloned().collect())
            .unwrap_or_default()
    }
}
