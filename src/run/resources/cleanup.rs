//! Cleanup after a crash: the ledger is locked (a live run's is left alone), every pending entry
//! goes through `ledger::admit` against the endpoint the user chose and the proof of who made its
//! run, the admitted ones are deleted newest first, and marked `removed` only when the answer
//! shows the resource is gone. Each delete still passes the target's gate,
//! like every request: against real SES it is paced (one pacer for the whole invocation, however
//! many ledgers it cleans) and must name what the run named. A throttled delete is retried with
//! backoff before it is left pending.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::case::{Bindings, RequestPath};
use crate::check::verdict::is_throttled;
use crate::check::{observe, Observation};
use crate::client::{GateLimits, Target, TargetConfig, TargetError, TargetKind};
use crate::gate::{PaceSettings, Pacer};
use crate::profile::Profile;
use crate::spec::Spec;

use super::ledger::IDENTITY_KIND;
use super::ledger::{
    self, Admitted, Ledger, LedgerError, Line, Proof, ReadLedger, Recorded, Refused,
};

/// Where cleanup connects: never a ledger's own endpoint, which only selects what is admitted.
#[derive(Debug, Clone, PartialEq)]
pub struct CleanupTarget {
    /// A URL (`--endpoint`), or `aws:<region>` for real SES.
    pub endpoint: String,
    /// The region to sign for at a URL.
    pub region: String,
    /// Per-request timeout.
    pub timeout: Duration,
}

impl CleanupTarget {
    /// `--endpoint URL` when given, else real SES in `region`.
    pub fn new(endpoint: Option<String>, region: &str, timeout: Duration) -> CleanupTarget {
        CleanupTarget {
            endpoint: endpoint.unwrap_or_else(|| format!("aws:{region}")),
            region: region.to_string(),
            timeout,
        }
    }
}

/// What cleanup did with one pending entry.
#[derive(Debug, Clone, PartialEq)]
pub enum CleanupStep {
    /// `admit` refused it: never sent, still pending.
    Refused(Refused),
    /// Deleted now, or found already gone; marked removed in the ledger.
    Removed {
        /// The resource kind.
        kind: String,
        /// Its delete request.
        request: serde_json::Value,
    },
    /// Sent, but the answer did not show the resource gone: still pending.
    Left {
        /// The resource kind.
        kind: String,
        /// Its delete request.
        request: serde_json::Value,
        /// The ledger line that recorded it.
        line: usize,
        /// The answer, in short.
        answer: String,
    },
}

impl std::fmt::Display for CleanupStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CleanupStep::Refused(refused) => write!(f, "{refused}"),
            CleanupStep::Removed { kind, request } => write!(f, "removed {kind} {request}"),
            CleanupStep::Left {
                kind,
                request,
                line,
                answer,
            } => write!(
                f,
                "could not remove {kind} {request} (ledger line {line}): {answer}"
            ),
        }
    }
}

/// What a cleanup of one ledger did, entry by entry: the refused ones first, then the others
/// newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cleaned {
    /// The ledger as read under its lock.
    pub read: ReadLedger,
    /// Each step, in order.
    pub steps: Vec<CleanupStep>,
    /// Nothing was left, refused or unreadable: the ledger is marked finished.
    pub finished: bool,
}

impl Cleaned {
    /// The steps counted.
    pub fn tally(&self) -> Tally {
        let mut tally = Tally::default();
        for step in &self.steps {
            match step {
                CleanupStep::Refused(_) => tally.refused += 1,
                CleanupStep::Removed { .. } => tally.removed += 1,
                CleanupStep::Left { .. } => tally.left += 1,
            }
        }
        tally
    }
}

/// What a cleanup of one ledger did, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Deleted now, or found already gone.
    pub removed: usize,
    /// Refused by `admit`: still pending, never sent.
    pub refused: usize,
    /// Sent, but the answer did not show the resource gone.
    pub left: usize,
}

/// Why a cleanup stopped before it went through every entry.
#[derive(Debug, thiserror::Error)]
pub enum CleanupError {
    /// The ledger could not be opened or written.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The endpoint could not be set up (for real SES: no credentials).
    #[error("cleanup cannot connect to {endpoint}: {source}")]
    Connect {
        /// The endpoint.
        endpoint: String,
        /// Why.
        #[source]
        source: TargetError,
    },
}

/// Check every pending entry: the admitted ones, and the refused ones, which are never sent.
pub fn admit_all<'a>(
    spec: &Spec,
    pending: &'a [Recorded],
    endpoint: &str,
    proof: &Proof,
) -> (Vec<(&'a Recorded, Admitted)>, Vec<Refused>) {
    let mut admitted = Vec::new();
    let mut refused = Vec::new();
    for recorded in pending {
        match ledger::admit(spec, recorded, endpoint, proof) {
            Ok(a) => admitted.push((recorded, a)),
            Err(r) => refused.push(r),
        }
    }
    (admitted, refused)
}

/// How cleanup waits out throttling: like a run (`RunConfig`'s defaults), from a quarter of a
/// second, doubling up to 8 s, six times; an entry still throttled then is left pending.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// The wait after the first 429.
    pub first: Duration,
    /// How many times a throttled delete is sent again.
    pub retries: u32,
}

impl Default for Backoff {
    fn default() -> Backoff {
        let run = crate::run::RunConfig::default();
        Backoff {
            first: run.backoff,
            retries: run.throttle_retries,
        }
    }
}

/// One `cleanup` invocation, over as many ledgers as it is given. Every real-SES delete it sends
/// shares one pacer, whichever run's ledger it comes from: SES limits the account's calls of
/// an operation, not a connection's, so a pacer per ledger would let the first delete of the
/// next ledger follow the last of the previous one too soon.
pub struct Cleanup {
    spec: Arc<Spec>,
    to: CleanupTarget,
    proof: Proof,
    allow_identities: bool,
    real_ses_pacer: Arc<Pacer>,
    backoff: Backoff,
}

impl Cleanup {
    /// A cleanup connecting to `to`, acting on the runs `proof` vouches for.
    pub fn new(spec: Arc<Spec>, to: CleanupTarget, proof: Proof) -> Cleanup {
        Cleanup {
            spec,
            to,
            proof,
            allow_identities: false,
            real_ses_pacer: Arc::new(Pacer::new(real_ses_pacing())),
            backoff: Backoff::default(),
        }
    }

    /// Let this cleanup delete identities of real SES a run proved it added (`cleanup --allow
    /// sends-mail`): the opt-in the run needed to add them is needed again to remove them, since
    /// the `proven` line that says so is in a file.
    pub fn allowing_identities(mut self, allow: bool) -> Cleanup {
        self.allow_identities = allow;
        self
    }

    /// Remove the pending resources of a ledger (newest first, so a policy goes before its
    /// identity), refusing any that `admit` does not pass, and mark it finished when nothing is
    /// left. The ledger is locked first and read under the lock: one a live run holds is
    /// [`LedgerError::InUse`], and nothing in it is touched. Each step is handed to `on_step` as
    /// it happens (a paced cleanup takes a while) and returned with the others.
    pub async fn ledger(
        &self,
        ledger_path: &Path,
        mut on_step: impl FnMut(&CleanupStep),
    ) -> Result<Cleaned, CleanupError> {
        // Read once before opening, so a path that is no ledger is reported, not created.
        ledger::read(ledger_path)?;
        let ledger = Ledger::open(ledger_path)?;
        let read = ledger::read(ledger_path)?;
        let pending = read.pending();
        let (admitted, mut refused) =
            admit_all(&self.spec, &pending.entries, &self.to.endpoint, &self.proof);
        let (admitted, need_opt_in): (Vec<_>, Vec<_>) = admitted.into_iter().partition(|(_, a)| {
            self.allow_identities || !(a.real_aws() && a.kind() == IDENTITY_KIND)
        });
        refused.extend(need_opt_in.into_iter().map(|(recorded, a)| Refused {
            line: recorded.line,
            kind: a.kind().to_string(),
            request: a.request().to_string(),
            reason: ledger::Refusal::IdentityNeedsOptIn,
        }));
        let mut cleaned = Cleaned::default();
        let mut step = |step: CleanupStep| {
            on_step(&step);
            cleaned.steps.push(step);
        };
        for refusal in refused {
            step(CleanupStep::Refused(refusal));
        }
        let mut targets: HashMap<ConnectionKey, Arc<Target>> = HashMap::new();
        for (recorded, admitted) in admitted.iter().rev() {
            let target = self.target_for(&mut targets, admitted).await?;
            let obs = send_admitted_delete(&self.spec, &target, admitted, self.backoff).await;
            let kind = admitted.kind().to_string();
            let request = admitted.request().clone();
            let deleter = ledger::Deleter::Cleanup;
            if ledger::gone(&self.spec, admitted.operation(), &request, &obs, deleter) {
                ledger.append(&Line::Removed(recorded.entry.clone()))?;
                step(CleanupStep::Removed { kind, request });
            } else {
                step(CleanupStep::Left {
                    kind,
                    request,
                    line: admitted.line(),
                    answer: crate::check::verdict::describe_error(&obs),
                });
            }
        }
        let tally = cleaned.tally();
        cleaned.finished =
            tally.refused == 0 && tally.left == 0 && read.malformed().next().is_none();
        if cleaned.finished && !read.is_finished() {
            ledger.finish()?;
        }
        cleaned.read = read;
        Ok(cleaned)
    }

    /// The connection for an entry: one per run, kind of run, target and identity. A run's
    /// connection checks every request against that run's prefix, so two runs never share one.
    async fn target_for(
        &self,
        targets: &mut HashMap<ConnectionKey, Arc<Target>>,
        admitted: &Admitted,
    ) -> Result<Arc<Target>, CleanupError> {
        let key = ConnectionKey {
            run: admitted.run().to_string(),
            real_aws: admitted.real_aws(),
            target: admitted.target().to_string(),
            identity: parent_identity(admitted),
        };
        if let Some(target) = targets.get(&key) {
            return Ok(Arc::clone(target));
        }
        let pacer = Arc::clone(&self.real_ses_pacer);
        let target = connect_for_cleanup(Arc::clone(&self.spec), &self.to, admitted, pacer)
            .await
            .map(Arc::new)
            .map_err(|source| CleanupError::Connect {
                endpoint: self.to.endpoint.clone(),
                source,
            })?;
        targets.insert(key, Arc::clone(&target));
        Ok(target)
    }
}

/// What tells cleanup's connections apart.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ConnectionKey {
    run: String,
    real_aws: bool,
    target: String,
    identity: String,
}

/// How deletes of a real-SES run's resources are paced: each operation at its documented rate,
/// and 1 per second where none is documented, as a run is.
fn real_ses_pacing() -> PaceSettings {
    PaceSettings {
        per_operation: true,
        default_rate: Some(1.0),
        send_rate: None,
    }
}

/// Send one admitted delete and read the answer: the only request cleanup makes, and so the one
/// place to route through a request gate. A throttled delete is sent again after a growing
/// wait, each time through the gate's pacing, before the entry is given up as left.
pub async fn send_admitted_delete(
    spec: &Spec,
    target: &Target,
    admitted: &Admitted,
    backoff: Backoff,
) -> Observation {
    let mut wait = backoff.first;
    let mut retries = 0;
    loop {
        let exchange = target
            .send(
                spec,
                admitted.operation(),
                admitted.request(),
                RequestPath::Sdk,
                None,
            )
            .await;
        let obs = observe(&exchange, &Bindings::placeholders(), &target.mask);
        if !is_throttled(&obs) || retries >= backoff.retries {
            return obs;
        }
        retries += 1;
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(8));
    }
}

/// The identity a policy entry lives on (the gate lets a run change policies there only).
fn parent_identity(admitted: &Admitted) -> String {
    if admitted.kind() == IDENTITY_KIND {
        return String::new();
    }
    admitted
        .request()
        .get("EmailIdentity")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Connect to the endpoint cleanup was given: real SES in its region for `aws:<region>`; at a
/// URL, signed with the user's credentials only for entries of a real-SES run (the `aws` target
/// pointed at an endpoint), with the local dummy credentials otherwise.
/// Real-SES entries are paced by `real_ses_pacer`, which every connection of the invocation
/// shares.
pub async fn connect_for_cleanup(
    spec: Arc<Spec>,
    to: &CleanupTarget,
    admitted: &Admitted,
    real_ses_pacer: Arc<Pacer>,
) -> Result<Target, TargetError> {
    // Only identities reach here that the cleanup was allowed to delete (`--allow sends-mail`,
    // or a local run's own identity).
    let allow = if admitted.kind() == IDENTITY_KIND {
        vec!["sends-mail".to_string()]
    } else {
        Vec::new()
    };
    let aws = |url: Option<String>| TargetKind::Aws {
        url,
        identity: parent_identity(admitted),
        account_id: None,
    };
    let (kind, region) = match to.endpoint.strip_prefix("aws:") {
        Some(region) => (aws(None), region.to_string()),
        None if admitted.real_aws() => (aws(Some(to.endpoint.clone())), to.region.clone()),
        None => (
            TargetKind::Local {
                url: to.endpoint.clone(),
            },
            to.region.clone(),
        ),
    };
    // `admit` checked the name is plain, so it can only select a file in specs/targets/.
    let profile = Profile::shipped(&spec, admitted.target())
        .ok()
        .flatten()
        .unwrap_or_else(|| Profile::bare(admitted.target()));
    let real_aws = matches!(kind, TargetKind::Aws { .. });
    let config = TargetConfig {
        name: admitted.target().to_string(),
        kind,
        region,
        timeout: to.timeout,
        profile,
        run_id: admitted.run().to_string(),
        limits: GateLimits {
            allow,
            // Other entries are an emulator's: unpaced, as their run was.
            shared_pacer: real_aws.then_some(real_ses_pacer),
            ..GateLimits::default()
        },
    };
    let target = Target::connect(spec, config).await?;
    // An identity is pending only with a `proven` line (the 200 that proved the run added it);
    // the line is the ledger's word, which is why deleting one of real SES takes the opt-in.
    if admitted.kind() == IDENTITY_KIND {
        if let Some(address) = admitted
            .request()
            .get("EmailIdentity")
            .and_then(serde_json::Value::as_str)
        {
            target.gate.prove_identity(address);
        }
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_endpoint_is_real_ses_in_the_region() {
        let to = CleanupTarget::new(None, "eu-west-1", Duration::from_secs(1));
        assert_eq!(to.endpoint, "aws:eu-west-1");
        let to = CleanupTarget::new(
            Some("http://127.0.0.1:1".into()),
            "eu-west-1",
            Duration::from_secs(1),
        );
        assert_eq!(to.endpoint, "http://127.0.0.1:1");
    }
}
