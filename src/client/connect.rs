//! A connected target: connecting (starting the embedded reference, or loading real SES's
//! credentials), sending one call through the gate on either path, and probing the endpoint.

use std::sync::Arc;

use aws_credential_types::provider::ProvideCredentials as _;
use serde_json::Value;

use super::config::{gate_limits, TargetConfig, TargetKind, LOCAL_ACCOUNT};
use super::exchange::{Exchange, TransportFailure};
use super::sdk::{self, Capture, Endpoint, LastCheck};
use super::serialize::{outgoing, serialize_call};
use super::wire::{self, WireClient};
use crate::case::{Bindings, RequestPath};
use crate::gate::{self, Gate, Outgoing, Policy};
use crate::profile::Profile;
use crate::redact::{Redactor, Secrets};
use crate::reference::{self, ReferenceServer};
use crate::spec::Spec;

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

/// Nothing answered at a local target's endpoint.
#[derive(Debug, thiserror::Error)]
#[error("{}", .failure.describe())]
pub struct Unreachable {
    /// What the probe ran into.
    pub failure: TransportFailure,
}

/// A connected target.
pub struct Target {
    /// Its name.
    pub name: String,
    /// Its profile.
    pub profile: Profile,
    /// This run's placeholder values.
    pub bindings: Bindings,
    /// What this run hides in everything it reads: its credentials (real SES), signature
    /// material, and the account ids it knows (its own, and any seen in an ARN or a policy).
    pub mask: Redactor,
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
                            // An STS error names the caller's ARN, and so the account; a
                            // provider's error may echo what it sent.
                            detail: crate::redact::mask_account_ids(&sdk::error_chain(&e)),
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
                    mask: Redactor::seeded(&account).with_secrets(secrets_of(&credentials)),
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
            mask: Redactor::seeded(account),
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
    pub async fn reachable(&self) -> Result<(), Unreachable> {
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
            Some(failure) if exchange.response.is_none() => Err(Unreachable { failure }),
            _ => Ok(()),
        }
    }
}

/// The run's credentials as the aws-config chain gave them, to be scrubbed from whatever comes
/// back. (A provider that refreshes them later hands the SDK new ones, which the redactor does
/// not know; signature material of any credentials is scrubbed all the same.)
fn secrets_of(credentials: &aws_credential_types::Credentials) -> Secrets {
    Secrets::new(
        [
            Some(credentials.access_key_id()),
            Some(credentials.secret_access_key()),
            credentials.session_token(),
        ]
        .into_iter()
        .flatten(),
    )
}
