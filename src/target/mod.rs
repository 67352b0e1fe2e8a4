//! Targets: where cases are sent (the embedded reference, any local endpoint, or real SES), and
//! the two paths a request travels (the SDK and the wire).

pub mod decode;
pub mod exchange;
pub mod gate;
pub mod profile;
pub mod reference;
pub mod replay;
pub mod safety;
pub mod sdk;
pub mod sdk_ops;
pub mod wire;

use std::sync::Arc;
use std::time::Duration;

use aws_credential_types::provider::ProvideCredentials as _;
use serde_json::Value;

use crate::case::{Bindings, RequestPath};
use crate::check::AccountMask;
use crate::spec::{blob_pointers, Spec};
use exchange::Exchange;
use gate::{Gate, Outgoing, Policy};
pub use profile::{IdentityMode, Profile};
use reference::ReferenceServer;
use sdk::Endpoint;
use sdk::{Capture, LastCheck};
use wire::WireClient;

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
}

/// Why a target could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// Credentials could not be loaded from the `aws-config` chain.
    #[error("target {target}: no AWS credentials from the aws-config chain: {detail}")]
    Credentials {
        /// The target name.
        target: String,
        /// Why.
        detail: String,
    },
}

/// A connected target.
pub struct Target {
    /// Its name.
    pub name: String,
    /// Its profile.
    pub profile: Profile,
    /// This run's placeholder values.
    pub bindings: Bindings,
    /// The account ids this run knows (its own, and any seen in an ARN), masked in what it reads.
    pub mask: AccountMask,
    /// Where it is, for messages (a URL or `aws:<region>`; never credentials).
    pub endpoint: String,
    /// Whether it is real SES (safety rules apply).
    pub real_aws: bool,
    /// The gate every request passes.
    pub gate: Arc<Gate>,
    sdk: aws_sdk_sesv2::Client,
    wire: WireClient,
    _reference: Option<ReferenceServer>,
}

impl Target {
    /// Connect (starting the reference if asked to).
    pub async fn connect(spec: Arc<Spec>, config: TargetConfig) -> Result<Target, TargetError> {
        let account = config
            .profile
            .account
            .clone()
            .unwrap_or_else(|| LOCAL_ACCOUNT.to_string());
        match config.kind.clone() {
            TargetKind::Reference(options) => {
                let server = ReferenceServer::start(Arc::clone(&spec), options).await;
                let url = server.url();
                let mut target = Self::local(spec, &config.name, &url, &config, &account);
                target._reference = Some(server);
                Ok(target)
            }
            TargetKind::Local { url } => {
                Ok(Self::local(spec, &config.name, &url, &config, &account))
            }
            TargetKind::Aws {
                url,
                identity,
                account_id,
            } => {
                let endpoint = Endpoint {
                    url: url.clone(),
                    region: config.region.clone(),
                    timeout: config.timeout,
                };
                let (client, shared) = sdk::aws_client(&endpoint).await;
                let credentials = match shared.credentials_provider() {
                    Some(provider) => provider.provide_credentials().await.map_err(|e| {
                        TargetError::Credentials {
                            target: config.name.clone(),
                            // An STS error names the caller's ARN, and so the account.
                            detail: crate::check::mask_account_ids(&sdk::error_chain(&e)),
                        }
                    })?,
                    None => {
                        return Err(TargetError::Credentials {
                            target: config.name.clone(),
                            detail: "no credentials provider configured".into(),
                        });
                    }
                };
                let base = url
                    .clone()
                    .unwrap_or_else(|| format!("https://email.{}.amazonaws.com", config.region));
                let account = account_id.unwrap_or_else(|| "000000000000".into());
                let policy = Policy {
                    run_id: config.run_id.clone(),
                    identity: identity.clone(),
                    allow: config.limits.allow.iter().cloned().collect(),
                };
                Ok(Target {
                    gate: Arc::new(Gate::new(spec, gate_limits(&config.limits, Some(policy)))),
                    name: config.name.clone(),
                    profile: config.profile.clone(),
                    bindings: Bindings::for_identity(
                        &config.run_id,
                        &identity,
                        &config.region,
                        &account,
                    ),
                    mask: AccountMask::seeded(&account),
                    endpoint: url.unwrap_or_else(|| format!("aws:{}", config.region)),
                    real_aws: true,
                    sdk: client,
                    wire: WireClient::new(&base, &config.region, credentials, config.timeout),
                    _reference: None,
                })
            }
        }
    }

    fn local(
        spec: Arc<Spec>,
        name: &str,
        url: &str,
        config: &TargetConfig,
        account: &str,
    ) -> Target {
        let endpoint = Endpoint {
            url: Some(url.to_string()),
            region: config.region.clone(),
            timeout: config.timeout,
        };
        Target {
            name: name.to_string(),
            profile: config.profile.clone(),
            bindings: Bindings::local(&config.run_id, &config.region, account),
            mask: AccountMask::seeded(account),
            endpoint: url.to_string(),
            real_aws: false,
            gate: Arc::new(Gate::new(spec, gate_limits(&config.limits, None))),
            sdk: sdk::local_client(&endpoint),
            wire: WireClient::new(
                url,
                &config.region,
                sdk::local_credentials(),
                config.timeout,
            ),
            _reference: None,
        }
    }

    /// Send one call, placeholders bound to this run's values. It passes the gate twice: when it
    /// is scheduled (judged, counted, paced) from the request as the spec serializes it, and at
    /// the last moment on the exact bytes the SDK or the wire client is about to send.
    pub async fn send(
        &self,
        spec: &Spec,
        operation: &str,
        request: &Value,
        path: RequestPath,
        raw_body: Option<&str>,
    ) -> Exchange {
        let Some((serialized, bound)) =
            serialize_call(spec, &self.bindings, operation, request, raw_body)
        else {
            return Exchange::refused(&gate::Refusal::Unreadable {
                detail: format!("{operation} is not an operation of the spec"),
            });
        };
        let ticket = match self.gate.schedule(outgoing(&serialized)).await {
            Ok(ticket) => ticket,
            Err(refusal) => return Exchange::refused(&refusal),
        };
        let check: LastCheck = {
            let gate = Arc::clone(&self.gate);
            let scheduled = ticket.scheduled().clone();
            Arc::new(move |o: Outgoing<'_>| gate.inspect(&scheduled, o))
        };
        let exchange = match path {
            RequestPath::Wire => self.wire.send(&serialized, Some(check.as_ref())).await,
            RequestPath::Sdk => {
                sdk::send(&self.sdk, operation, &bound, Capture::checked(check)).await
            }
        };
        self.gate.settle(ticket, exchange.fate());
        exchange
    }

    /// What the embedded reference has seen, when the target is the embedded reference.
    pub fn reference_stats(&self) -> Option<&reference::Stats> {
        self._reference.as_ref().map(ReferenceServer::stats)
    }

    /// Whether anything answers at the endpoint (any HTTP answer counts). Real SES is not
    /// probed: the run's first call (reading the account's quota) tells.
    pub async fn reachable(&self) -> Result<(), String> {
        if self.real_aws {
            return Ok(());
        }
        let probe = wire::WireRequest {
            method: "GET",
            path_and_query: "/".into(),
            body: None,
        };
        let exchange = self.wire.send(&probe, None).await;
        match exchange.failure {
            Some(f) if exchange.response.is_none() => Err(f.describe()),
            _ => Ok(()),
        }
    }
}

/// The request as the gate reads it.
pub fn outgoing(request: &wire::WireRequest) -> Outgoing<'_> {
    Outgoing {
        method: request.method,
        path_and_query: &request.path_and_query,
        body: request.body.as_deref().unwrap_or_default(),
    }
}

fn gate_limits(limits: &GateLimits, policy: Option<Policy>) -> gate::Limits {
    gate::Limits {
        policy,
        max_requests: limits.max_requests,
        pace: limits.pace,
    }
}

/// A call as the spec serializes it, placeholders bound to `bindings` (inside raw messages too):
/// what the gate judges when it schedules the call, and the JSON the SDK path is given. `None`
/// for an operation the spec does not know.
pub fn serialize_call(
    spec: &Spec,
    bindings: &Bindings,
    operation: &str,
    request: &Value,
    raw_body: Option<&str>,
) -> Option<(wire::WireRequest, Value)> {
    let op = spec.operation_or_setup(operation)?;
    let mut bound = bindings.bind_value(request, &blob_pointers(spec, op, request));
    keep_documented_sizes(op, request, &mut bound);
    let raw = raw_body.map(|b| bindings.bind_text(b));
    Some((wire::serialize(op, &bound, raw.as_deref()), bound))
}

/// A size boundary case stays at its boundary once bound: a run's identity is rarely as long as
/// its placeholder, so a policy document of exactly 4096 bytes that names it would otherwise
/// grow or shrink. JSON text is padded (or unpadded) with white space before its closing brace,
/// which is where the generator pads it.
fn keep_documented_sizes(op: &crate::spec::Operation, unbound: &Value, bound: &mut Value) {
    for (name, member) in &op.input {
        let c = &member.constraints;
        if c.bytes.is_none() || c.json.is_none() {
            continue;
        }
        let (Some(Value::String(before)), Some(Value::String(after))) =
            (unbound.get(name), bound.get_mut(name))
        else {
            continue;
        };
        if let Some(resized) = resize_json_padding(after, before.len()) {
            *after = resized;
        }
    }
}

/// `text` (JSON ending in `}`) with the white space before its closing brace changed so that it
/// is `size` bytes long, when that is possible.
fn resize_json_padding(text: &str, size: usize) -> Option<String> {
    let body = text.strip_suffix('}')?;
    let content = body.trim_end_matches(' ');
    let padding = (size.checked_sub(content.len() + 1))?;
    let resized = format!("{content}{}}}", " ".repeat(padding));
    serde_json::from_str::<Value>(&resized).ok()?;
    Some(resized)
}
