//! The wire path: requests the SDK cannot express (a missing required member, an empty path
//! label, a wrong JSON type, malformed JSON) go as raw HTTP, serialized from the spec table and
//! SigV4-signed the way the SDK signs them.

use std::time::{Duration, Instant, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{Map, Value};

use super::exchange::{Exchange, RawResponse, SdkView, SentRequest, TransportFailure};
use crate::gate::{LastCheckFn, Outgoing};
use crate::spec::{Location, Operation};

/// The service name SES v2 signs with.
pub const SIGNING_NAME: &str = "ses";

/// A request serialized from the spec: method, path and query, body.
#[derive(Debug, Clone, PartialEq)]
pub struct WireRequest {
    /// HTTP method.
    pub method: &'static str,
    /// Path and query string.
    pub path_and_query: String,
    /// JSON body, if the operation has body members (or the case carries a raw body).
    pub body: Option<Vec<u8>>,
}

/// Serialize a JSON request for `op` as REST-JSON, exactly as the values say: wrong types stay
/// wrong, a missing URI label becomes an empty path segment. `raw_body` replaces the JSON body.
pub fn serialize(op: &Operation, request: &Value, raw_body: Option<&str>) -> WireRequest {
    let empty = Map::new();
    let members = request.as_object().unwrap_or(&empty);
    let mut path = op.http.uri.clone();
    let mut query: Vec<(String, String)> = Vec::new();
    let mut body = Map::new();
    for (name, member) in &op.input {
        let wire_name = member.wire_name(name);
        let value = members.get(name).filter(|v| !v.is_null());
        match member.location {
            Some(Location::Uri) => {
                let text = value.map(scalar_text).unwrap_or_default();
                path = path.replace(&format!("{{{wire_name}}}"), &percent_encode(&text));
            }
            Some(Location::Query) => {
                if let Some(v) = value {
                    query.push((wire_name.to_string(), scalar_text(v)));
                }
            }
            Some(Location::Body) | None => {
                if let Some(v) = value {
                    body.insert(wire_name.to_string(), v.clone());
                }
            }
        }
    }
    if !query.is_empty() {
        let pairs: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
            .collect();
        path = format!("{path}?{}", pairs.join("&"));
    }
    let has_body_members = op
        .input
        .values()
        .any(|m| m.location == Some(Location::Body));
    let body = match raw_body {
        Some(raw) => Some(raw.as_bytes().to_vec()),
        None if has_body_members => Some(Value::Object(body).to_string().into_bytes()),
        None => None,
    };
    WireRequest {
        method: op.http.method.as_str(),
        path_and_query: path,
        body,
    }
}

/// A URI label or query value as text: strings as they are, anything else as JSON.
fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// RFC 3986 percent-encoding of everything but unreserved characters, as the SDK encodes labels.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Sends wire requests to one endpoint, signed with the given credentials.
#[derive(Clone)]
pub struct WireClient {
    base_url: String,
    region: String,
    credentials: Credentials,
    timeout: Duration,
    http: Client<
        hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
        Full<Bytes>,
    >,
}

impl WireClient {
    /// A client for `base_url` (e.g. `http://127.0.0.1:5055` or `https://email.eu-west-1.amazonaws.com`).
    pub fn new(
        base_url: &str,
        region: &str,
        credentials: Credentials,
        timeout: Duration,
    ) -> WireClient {
        WireClient {
            base_url: base_url.trim_end_matches('/').to_string(),
            region: region.to_string(),
            credentials,
            timeout,
            http: Client::builder(TokioExecutor::new()).build(connector()),
        }
    }

    /// Sign and send one request; never fails, whatever the server does. `check` (the gate's
    /// last check) sees the exact bytes before they leave.
    pub async fn send(&self, request: &WireRequest, check: Option<&LastCheckFn>) -> Exchange {
        let started = Instant::now();
        if let Some(check) = check {
            let outgoing = Outgoing {
                method: request.method,
                path_and_query: &request.path_and_query,
                body: request.body.as_deref().unwrap_or_default(),
            };
            if let Err(refusal) = check(outgoing) {
                return Exchange::refused(&refusal);
            }
        }
        let built = self.build(request);
        let (http_request, sent) = match built {
            Ok(pair) => pair,
            Err(error) => {
                return Exchange {
                    request: None,
                    response: None,
                    sdk: SdkView::NotUsed,
                    failure: Some(TransportFailure::Construction {
                        detail: error.to_string(),
                    }),
                    elapsed: started.elapsed(),
                };
            }
        };
        let outcome = tokio::time::timeout(self.timeout, self.round_trip(http_request)).await;
        let (response, failure) = match outcome {
            Err(_) => (
                None,
                Some(TransportFailure::Timeout {
                    detail: format!("no complete answer within {:?}", self.timeout),
                }),
            ),
            Ok(Err(error)) => (
                None,
                Some(TransportFailure::Connection {
                    detail: error.to_string(),
                }),
            ),
            Ok(Ok(response)) => (Some(response), None),
        };
        Exchange {
            request: Some(sent),
            response,
            sdk: SdkView::NotUsed,
            failure,
            elapsed: started.elapsed(),
        }
    }

    async fn round_trip(
        &self,
        request: http::Request<Full<Bytes>>,
    ) -> Result<RawResponse, RoundTripError> {
        let response = self
            .http
            .request(request)
            .await
            .map_err(RoundTripError::Send)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(RoundTripError::Body)?
            .to_bytes()
            .to_vec();
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }

    fn build(
        &self,
        request: &WireRequest,
    ) -> Result<(http::Request<Full<Bytes>>, SentRequest), BuildError> {
        let url = format!("{}{}", self.base_url, request.path_and_query);
        let uri: http::Uri = url.parse().map_err(|source| BuildError::BadUrl {
            url: url.clone(),
            source,
        })?;
        let host = uri
            .authority()
            .map(|a| a.as_str().to_string())
            .ok_or_else(|| BuildError::NoHost { url: url.clone() })?;
        let body = request.body.clone().unwrap_or_default();
        let amz_date = aws_date(SystemTime::now());
        let mut headers: Vec<(String, String)> = vec![("host".into(), host)];
        if request.body.is_some() {
            headers.push(("content-type".into(), "application/json".into()));
        }
        headers.push(("x-amz-date".into(), amz_date));
        if let Some(token) = self.credentials.session_token() {
            headers.push(("x-amz-security-token".into(), token.to_string()));
        }
        let authorization = self.authorization(request.method, &url, &headers, &body)?;
        headers.push(("authorization".into(), authorization));

        let mut builder = http::Request::builder().method(request.method).uri(uri);
        for (k, v) in &headers {
            builder = builder.header(k, v);
        }
        let http_request = builder
            .body(Full::new(Bytes::from(body.clone())))
            .map_err(BuildError::Http)?;
        let sent = SentRequest {
            method: request.method.to_string(),
            uri: request.path_and_query.clone(),
            headers: super::exchange::kept_headers(headers),
            body,
        };
        Ok((http_request, sent))
    }

    fn authorization(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<String, BuildError> {
        let identity = self.credentials.clone().into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(SIGNING_NAME)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| BuildError::signing("signing parameters", e))?
            .into();
        let signable = SignableRequest::new(
            method,
            url,
            headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            SignableBody::Bytes(body),
        )
        .map_err(|e| BuildError::signing("signable request", e))?;
        let (instructions, _signature) = sign(signable, &params)
            .map_err(|e| BuildError::signing("signing", e))?
            .into_parts();
        let authorization = instructions
            .headers()
            .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
            .map(|(_, value)| value.to_string());
        authorization.ok_or(BuildError::NoAuthorization)
    }
}

/// Why a wire request could not be built and signed; the exchange records it as a
/// construction failure.
#[derive(Debug, thiserror::Error)]
enum BuildError {
    /// The base URL and the path do not make a URL.
    #[error("bad URL {url}: {source}")]
    BadUrl {
        /// The URL tried.
        url: String,
        /// Why it does not parse.
        #[source]
        source: http::uri::InvalidUri,
    },
    /// The URL names no host to sign for.
    #[error("URL {url} has no host")]
    NoHost {
        /// The URL tried.
        url: String,
    },
    /// SigV4 signing failed at `step`.
    #[error("{step}: {source}")]
    Signing {
        /// `signing parameters`, `signable request` or `signing`.
        step: &'static str,
        /// The signer's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The signer returned no `Authorization` header.
    #[error("the signer produced no Authorization header")]
    NoAuthorization,
    /// The HTTP request could not be assembled.
    #[error("building the request: {0}")]
    Http(#[source] http::Error),
}

impl BuildError {
    fn signing(step: &'static str, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        BuildError::Signing {
            step,
            source: Box::new(source),
        }
    }
}

/// Why no answer came back; the exchange records it as a connection failure. The message is the
/// whole error chain on one line (hyper's own message alone says little, e.g. "client error
/// (Connect)"), so the chain is not also exposed as a source.
#[derive(Debug, thiserror::Error)]
enum RoundTripError {
    /// The request could not be sent, or the connection failed before an answer.
    #[error("{}", super::sdk::error_chain(.0))]
    Send(hyper_util::client::legacy::Error),
    /// The answer's body could not be read to its end.
    #[error("reading the body: {}", super::sdk::error_chain(.0))]
    Body(hyper::Error),
}

/// An HTTP(S) connector: system roots when there are any, otherwise none (local endpoints are
/// plain HTTP, and an HTTPS endpoint then fails with a certificate error, not a panic).
fn connector() -> hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector> {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let builder = hyper_rustls::HttpsConnectorBuilder::new();
    let with_roots = match builder.with_provider_and_native_roots(provider.clone()) {
        Ok(b) => b,
        Err(_) => {
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map(|b| {
                    b.with_root_certificates(rustls::RootCertStore::empty())
                        .with_no_client_auth()
                });
            match config {
                Ok(config) => hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(config),
                Err(_) => hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(
                    rustls::ClientConfig::builder()
                        .with_root_certificates(rustls::RootCertStore::empty())
                        .with_no_client_auth(),
                ),
            }
        }
    };
    with_roots.https_or_http().enable_http1().build()
}

/// `YYYYMMDDTHHMMSSZ`.
fn aws_date(time: SystemTime) -> String {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (h, m, s) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    let (y, mo, d) = civil_from_days(days as i64);
    format!("{y:04}{mo:02}{d:02}T{h:02}{m:02}{s:02}Z")
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Spec;
    use serde_json::json;

    fn op(name: &str) -> Operation {
        Spec::load_default()
            .unwrap_or_else(|e| panic!("{e}"))
            .operation(name)
            .cloned()
            .unwrap_or_else(|| panic!("no {name}"))
    }

    #[test]
    fn labels_are_encoded_and_missing_labels_leave_an_empty_segment() {
        let op = op("DeleteEmailIdentityPolicy");
        let w = serialize(
            &op,
            &json!({"EmailIdentity": "a b/c", "PolicyName": "p"}),
            None,
        );
        assert_eq!(w.method, "DELETE");
        assert_eq!(
            w.path_and_query,
            "/v2/email/identities/a%20b%2Fc/policies/p"
        );
        assert_eq!(w.body, None);
        let w = serialize(&op, &json!({"EmailIdentity": "x"}), None);
        assert_eq!(w.path_and_query, "/v2/email/identities/x/policies/");
    }

    #[test]
    fn query_members_and_wrong_types_go_as_written() {
        let op = op("ListEmailTemplates");
        let w = serialize(&op, &json!({"PageSize": "ten"}), None);
        assert_eq!(w.path_and_query, "/v2/email/templates?PageSize=ten");
        let op2 = self::op("CreateEmailIdentityPolicy");
        let w = serialize(
            &op2,
            &json!({"EmailIdentity": "x", "PolicyName": "p", "Policy": 12345}),
            None,
        );
        assert_eq!(w.body.as_deref(), Some(&b"{\"Policy\":12345}"[..]));
    }

    #[test]
    fn a_raw_body_replaces_the_json() {
        let op = op("CreateEmailTemplate");
        let w = serialize(
            &op,
            &json!({"TemplateName": "t"}),
            Some("{\"TemplateName\": "),
        );
        assert_eq!(w.body.as_deref(), Some(&b"{\"TemplateName\": "[..]));
    }

    #[test]
    fn dates_are_formatted_like_sigv4_wants() {
        assert_eq!(aws_date(SystemTime::UNIX_EPOCH), "19700101T000000Z");
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_293_487);
        assert_eq!(aws_date(t), "20251128T013127Z");
    }
}
