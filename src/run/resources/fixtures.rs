//! Shared fixtures: a resource every case that only reads it can use (one email template for
//! every Get, TestRender and templated send), created by the first case that needs it and removed
//! when the run ends, or before a listing that must not see it. This takes most of the load off
//! the busiest operations when calls are paced.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use crate::case::Fixture;
use crate::check::Observation;

/// How making a shared fixture went: `Err` holds the answer that refused it.
pub type Made = Result<(), Box<Observation>>;

/// The shared fixtures of one run.
#[derive(Debug, Default)]
pub struct SharedFixtures {
    live: Mutex<HashMap<String, FixtureEntry>>,
}

#[derive(Debug, Clone)]
struct FixtureEntry {
    fixture: Fixture,
    made: Arc<OnceCell<Made>>,
}

/// What makes two shared fixtures the same one: their kind and keys.
pub(crate) fn key(fixture: &Fixture) -> String {
    format!(
        "{}|{}",
        fixture.resource.kind,
        serde_json::Value::Object(fixture.resource.keys.clone())
    )
}

impl SharedFixtures {
    /// The cell of a fixture: whoever gets it first makes the fixture, the others wait for that.
    pub fn cell(&self, fixture: &Fixture) -> Arc<OnceCell<Made>> {
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        let entry = live.entry(key(fixture)).or_insert_with(|| FixtureEntry {
            fixture: fixture.clone(),
            made: Arc::new(OnceCell::new()),
        });
        Arc::clone(&entry.made)
    }

    /// Take out the fixtures of these kinds that were made, so they can be removed; the next case
    /// that needs one makes it again.
    pub fn take(&self, kinds: &[&str]) -> Vec<Fixture> {
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        let keys: Vec<String> = live
            .iter()
            .filter(|(_, e)| kinds.contains(&e.fixture.resource.kind.as_str()))
            .map(|(k, _)| k.clone())
            .collect();
        keys.into_iter()
            .filter_map(|k| live.remove(&k))
            .filter(|e| maybe_exists(e.made.get()))
            .map(|e| e.fixture)
            .collect()
    }

    /// Take out every fixture that was made (the run is over).
    pub fn take_all(&self) -> Vec<Fixture> {
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        live.drain()
            .map(|(_, e)| e)
            .filter(|e| maybe_exists(e.made.get()))
            .map(|e| e.fixture)
            .collect()
    }
}

/// Whether a fixture may exist: made. One whose create failed was removed right then if the
/// create may have made it (`Session::shared_fixture`), and a create that never left or was
/// refused made nothing: neither has anything left to remove.
fn maybe_exists(made: Option<&Made>) -> bool {
    matches!(made, Some(Ok(())))
}
