//! `cleanup`: remove what a crashed run left behind, from its ledger, and only what it named.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::ledger::{self, Entry, Ledger};
use crate::case::{Bindings, RequestPath};
use crate::check::observe;
use crate::spec::Spec;
use crate::target::{GateLimits, Profile, Target, TargetConfig, TargetKind};

/// Remove the pending resources of a ledger (newest first), refusing any the run did not name.
/// Returns the exit code: 0 when nothing of the run is left, 1 otherwise.
pub async fn cleanup_entries(
    spec: Arc<Spec>,
    ledger_path: &Path,
    pending: Vec<Entry>,
    region: &str,
    timeout: Duration,
) -> i32 {
    let ledger = match Ledger::open(ledger_path) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return crate::exit::USAGE_OR_SPEC;
        }
    };
    let mut left = 0;
    let mut targets: std::collections::HashMap<String, Arc<Target>> =
        std::collections::HashMap::new();
    for entry in pending.iter().rev() {
        if !ledger::named_by_run(entry) {
            eprintln!(
                "refusing to remove {} {}: its name does not carry the run prefix conf{}-",
                entry.kind, entry.delete_request, entry.run
            );
            left += 1;
            continue;
        }
        let target = match targets.get(&entry.endpoint) {
            Some(t) => Arc::clone(t),
            None => match connect_for_cleanup(Arc::clone(&spec), entry, region, timeout).await {
                Ok(t) => {
                    targets.insert(entry.endpoint.clone(), Arc::clone(&t));
                    t
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    return crate::exit::UNREACHABLE;
                }
            },
        };
        let exchange = target
            .send(
                &spec,
                &entry.delete_operation,
                &entry.delete_request,
                RequestPath::Sdk,
                None,
            )
            .await;
        let obs = observe(&exchange, &Bindings::placeholders(), &target.mask);
        if ledger::gone(obs.status, obs.error_type.as_deref()) {
            let mut removed = entry.clone();
            removed.event = "removed".into();
            if let Err(e) = ledger.append(&removed) {
                eprintln!("error: {e}");
            }
            println!("removed {} {}", entry.kind, entry.delete_request);
        } else {
            left += 1;
            eprintln!(
                "could not remove {} {}: {}",
                entry.kind,
                entry.delete_request,
                crate::check::verdict::describe_error(&obs)
            );
        }
    }
    if left == 0 {
        crate::exit::OK
    } else {
        crate::exit::DIVERGED
    }
}

async fn connect_for_cleanup(
    spec: Arc<Spec>,
    entry: &Entry,
    region: &str,
    timeout: Duration,
) -> Result<Arc<Target>, String> {
    let (kind, region) = if entry.real_aws {
        let (url, region) = match entry.endpoint.strip_prefix("aws:") {
            Some(r) => (None, r.to_string()),
            None => (Some(entry.endpoint.clone()), region.to_string()),
        };
        (
            TargetKind::Aws {
                url,
                identity: String::new(),
                account_id: None,
            },
            region,
        )
    } else {
        (
            TargetKind::Local {
                url: entry.endpoint.clone(),
            },
            region.to_string(),
        )
    };
    let profile = Profile::shipped(&spec.dir, &entry.target)
        .ok()
        .flatten()
        .unwrap_or_else(|| Profile::bare(&entry.target));
    let config = TargetConfig {
        name: entry.target.clone(),
        kind,
        region,
        timeout,
        profile,
        run_id: entry.run.clone(),
        limits: GateLimits::default(),
    };
    Target::connect(spec, config)
        .await
        .map(Arc::new)
        .map_err(|e| e.to_string())
}
