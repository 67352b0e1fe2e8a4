//! What a target is before it is connected: its kind (the embedded reference, a local
//! endpoint, real SES), its configuration, and the limits its gate enforces.

use std::sync::Arc;
use std::time::Duration;

use crate::gate::{self, Policy};
use crate::profile::Profile;
use crate::reference;

/// The account id local targets put in ARNs unless their profile says otherwise.
pub const LOCAL_ACCOUNT: &str = "123456789012";

/// Which kind of target to connect to.
#[derive(Debug, Clone)]
pub enum TargetKind {
    /// Start the embedded reference in this process.
    Reference(reference::Options),
    /// A local endpoint (an emulator): static dummy credentials.
    Local {
        /// Its base URL.
        url: String,
    },
    /// Real SES (or an endpoint that behaves like it): credentials from the `aws-config` chain.
    Aws {
        /// Endpoint override; the region's real endpoint when `None`.
        url: Option<String>,
        /// An identity the user verified.
        identity: String,
        /// The account id, for ARNs in policy documents (never printed).
        account_id: Option<String>,
    },
}

/// Everything needed to connect to a target.
#[derive(Debug, Clone)]
pub struct TargetConfig {
    /// The target's name (reports, snapshot folder, profile).
    pub name: String,
    /// What to connect to.
    pub kind: TargetKind,
    /// The region to sign for.
    pub region: String,
    /// Per-request timeout.
    pub timeout: Duration,
    /// The target's profile.
    pub profile: Profile,
    /// This run's id (six lowercase letters or digits).
    pub run_id: String,
    /// What the run may spend and how it is paced; against real SES the gate adds the run's
    /// rules (see [`gate`]).
    pub limits: GateLimits,
}

/// What a target's gate enforces beyond the real-SES rules (which come from the target kind).
#[derive(Debug, Clone, Default)]
pub struct GateLimits {
    /// `--allow`: opt-ins for operations whose calls reach beyond the run's resources.
    pub allow: Vec<String>,
    /// `--max-requests`.
    pub max_requests: Option<u64>,
    /// Pacing.
    pub pace: gate::PaceSettings,
    /// A pacer shared with other targets' gates (see [`gate::Limits::shared_pacer`]).
    pub shared_pacer: Option<Arc<gate::Pacer>>,
}

/// The gate's limits for `limits`, with the real-SES `policy` when the target is real SES.
pub(super) fn gate_limits(limits: &GateLimits, policy: Option<Policy>) -> gate::Limits {
    gate::Limits {
        policy,
        max_requests: limits.max_requests,
        pace: limits.pace,
        shared_pacer: limits.shared_pacer.clone(),
    }
}
