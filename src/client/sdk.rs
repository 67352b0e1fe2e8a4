//! The SDK path: `aws-sdk-sesv2` pointed at any endpoint, retries off, a timeout per request,
//! and an interceptor that keeps the raw request and answer next to the SDK's own reading.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_sesv2::config::{BehaviorVersion, Region};
use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    AfterDeserializationInterceptorContextRef, BeforeDeserializationInterceptorContextRef,
    BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use serde_json::Value;

use super::exchange::{Exchange, RawResponse, SdkView, SentRequest, TransportFailure};
use super::sdk_ops;
use crate::gate::{LastCheckFn, Outgoing, Refusal};

/// How to reach a target.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// Base URL, e.g. `http://127.0.0.1:5055`; `None` for the real AWS endpoint of the region.
    pub url: Option<String>,
    /// The region to sign for.
    pub region: String,
    /// Per-request timeout.
    pub timeout: Duration,
}

/// The HTTP client every path shares: hyper with rustls on the `ring` provider (no C build).
pub fn http_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls;
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https()
}

/// Fixed credentials for local endpoints, which check the shape of a signature but not its key.
pub fn local_credentials() -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::from_keys(
        "AKIDSESCONFORMANCE",
        "ses-conformance-local-secret",
        None,
    )
}

/// An SES v2 client for a local endpoint with static dummy credentials.
pub fn local_client(endpoint: &Endpoint) -> aws_sdk_sesv2::Client {
    let mut builder = base_config(endpoint).credentials_provider(local_credentials());
    if let Some(url) = &endpoint.url {
        builder = builder.endpoint_url(url);
    }
    aws_sdk_sesv2::Client::from_conf(builder.build())
}

/// An SES v2 client whose region and credentials come from the normal `aws-config` chain
/// (environment, profile, SSO, IMDS).
pub async fn aws_client(endpoint: &Endpoint) -> (aws_sdk_sesv2::Client, aws_config::SdkConfig) {
    let shared = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client())
        .region(Region::new(endpoint.region.clone()))
        .load()
        .await;
    let mut builder = aws_sdk_sesv2::config::Builder::from(&shared)
        .retry_config(RetryConfig::disabled())
        .timeout_config(timeouts(endpoint.timeout));
    if let Some(url) = &endpoint.url {
        builder = builder.endpoint_url(url);
    }
    (aws_sdk_sesv2::Client::from_conf(builder.build()), shared)
}

fn timeouts(timeout: Duration) -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(timeout)
        .operation_attempt_timeout(timeout)
        .operation_timeout(timeout)
        .build()
}

fn base_config(endpoint: &Endpoint) -> aws_sdk_sesv2::config::Builder {
    aws_sdk_sesv2::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(endpoint.region.clone()))
        .http_client(http_client())
        // The harness decides about retries itself (throttling only); the SDK must show every
        // answer as it came.
        .retry_config(RetryConfig::disabled())
        .timeout_config(timeouts(endpoint.timeout))
}

/// The gate's last check on the bytes about to leave.
pub type LastCheck = Arc<LastCheckFn>;

/// What the capture interceptor saw of one call.
#[derive(Default)]
struct Captured {
    request: Option<SentRequest>,
    response: Option<RawResponse>,
    refused: Option<Refusal>,
}

/// Keeps the request as signed and the answer as received, and runs the gate's last check on
/// the signed request before it is transmitted.
#[derive(Clone, Default)]
pub struct Capture {
    captured: Arc<Mutex<Captured>>,
    check: Option<LastCheck>,
}

impl std::fmt::Debug for Capture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Capture").finish_non_exhaustive()
    }
}

fn headers_of(headers: &aws_smithy_runtime_api::http::Headers) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect()
}

impl Capture {
    /// A capture that runs `check` on the signed request before it is transmitted.
    pub fn checked(check: LastCheck) -> Capture {
        Capture {
            captured: Arc::default(),
            check: Some(check),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Captured) -> R) -> R {
        let mut guard = self
            .captured
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut guard)
    }

    fn take(&self) -> (Option<SentRequest>, Option<RawResponse>, Option<Refusal>) {
        self.with(|c| (c.request.take(), c.response.take(), c.refused.take()))
    }
}

impl Intercept for Capture {
    fn name(&self) -> &'static str {
        "ses-conformance capture"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        if let Some(check) = &self.check {
            let path_and_query = request
                .uri()
                .parse::<http::Uri>()
                .ok()
                .and_then(|u| u.path_and_query().map(|p| p.as_str().to_string()))
                .unwrap_or_default();
            let verdict = match request.body().bytes() {
                Some(body) => check(Outgoing {
                    method: request.method(),
                    path_and_query: &path_and_query,
                    body,
                }),
                None => Err(Refusal::Unreadable {
                    detail: "a streaming body cannot be read before it leaves".into(),
                }),
            };
            if let Err(refusal) = verdict {
                self.with(|c| c.refused = Some(refusal.clone()));
                return Err(Box::new(refusal));
            }
        }
        let sent = SentRequest {
            method: request.method().to_string(),
            uri: request.uri().to_string(),
            headers: super::exchange::kept_headers(headers_of(request.headers())),
            body: request
                .body()
                .bytes()
                .map(<[u8]>::to_vec)
                .unwrap_or_default(),
        };
        self.with(|c| c.request = Some(sent));
        Ok(())
    }

    fn read_after_transmit(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response();
        let raw = RawResponse {
            status: response.status().as_u16(),
            headers: headers_of(response.headers()),
            body: Vec::new(),
        };
        self.with(|c| c.response = Some(raw));
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // By now a non-streaming body has been read into memory.
        let body = context.response().body().bytes().map(<[u8]>::to_vec);
        self.with(|c| {
            if let (Some(resp), Some(body)) = (c.response.as_mut(), body) {
                resp.body = body;
            }
        });
        Ok(())
    }
}

/// The SDK's result of a call, before the raw exchange is attached.
pub enum SdkResult {
    /// The typed output, as JSON.
    Output(Value),
    /// The call failed; the summary says how.
    Failed(SdkFailure),
}

/// A summary of an `SdkError` that keeps what the SDK read and drops the rest.
pub enum SdkFailure {
    /// An error answer the SDK parsed.
    Service {
        /// The error code read.
        code: Option<String>,
        /// The message read.
        message: Option<String>,
    },
    /// An answer the SDK could not parse.
    Response(String),
    /// No answer in time.
    Timeout(String),
    /// No connection.
    Dispatch(String),
    /// The request could not be built.
    Construction(String),
}

/// Summarise an SDK error generically over the operation's error type.
pub fn summarize<E, R>(err: SdkError<E, R>) -> SdkFailure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let detail = error_chain(&err);
    match err {
        SdkError::ServiceError(e) => {
            let e = e.into_err();
            SdkFailure::Service {
                code: e.code().map(str::to_string),
                message: e.message().map(str::to_string),
            }
        }
        SdkError::TimeoutError(_) => SdkFailure::Timeout(detail),
        SdkError::DispatchFailure(e) if e.is_timeout() => SdkFailure::Timeout(detail),
        SdkError::DispatchFailure(_) => SdkFailure::Dispatch(detail),
        SdkError::ResponseError(_) => SdkFailure::Response(detail),
        _ => SdkFailure::Construction(detail),
    }
}

/// An error and its sources on one line.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Send one call through the SDK and gather everything about it; `capture` may carry the gate's
/// last check.
pub async fn send(
    client: &aws_sdk_sesv2::Client,
    operation: &str,
    request: &Value,
    capture: Capture,
) -> Exchange {
    let started = Instant::now();
    let result = sdk_ops::call(client, operation, request, &capture).await;
    let elapsed = started.elapsed();
    let (sent, response, refused) = capture.take();
    if let Some(refusal) = refused {
        return Exchange::refused(&refusal);
    }
    let (sdk, failure) = match result {
        Ok(SdkResult::Output(output)) => (SdkView::Output { output }, None),
        Ok(SdkResult::Failed(f)) | Err(f) => match f {
            SdkFailure::Service { code, message } => {
                (SdkView::ServiceError { code, message }, None)
            }
            SdkFailure::Response(detail) => (SdkView::ResponseError { detail }, None),
            SdkFailure::Timeout(detail) => {
                (SdkView::NotUsed, Some(TransportFailure::Timeout { detail }))
            }
            SdkFailure::Dispatch(detail) => (
                SdkView::NotUsed,
                Some(TransportFailure::Connection { detail }),
            ),
            SdkFailure::Construction(detail) => (
                SdkView::ConstructionFailure {
                    detail: detail.clone(),
                },
                Some(TransportFailure::Construction { detail }),
            ),
        },
    };
    // A response error without a response (the body could not be read) leaves nothing to judge:
    // that is a transport failure, as is any answer cut short by a timeout or a broken connection.
    let failure = match (failure, &response, &sdk) {
        (None, None, SdkView::ResponseError { detail }) => Some(TransportFailure::Connection {
            detail: detail.clone(),
        }),
        (failure, _, _) => failure,
    };
    let response = if failure.is_some() { None } else { response };
    Exchange {
        request: sent,
        response,
        sdk,
        failure,
        elapsed,
    }
}
