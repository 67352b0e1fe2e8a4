//! Answering one HTTP request as SES would: the signature's shape, the route, the documented
//! rate, the table's validator, the sandbox's sending rules, then the operation's handler.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use wiremock::{Respond, ResponseTemplate};

use super::error::ApiError;
use super::faults::Faults;
use super::sandbox;
use super::server::Stats;
use super::state::State;
use crate::case::stable_hash;
use crate::spec::http::{parse, percent_decode, route, ParseError};
use crate::spec::kinds::{base64::Base64, wire_type::WireType};
use crate::spec::{validate_in, Edition, Spec};

pub(super) struct Responder {
    pub(super) spec: Arc<Spec>,
    pub(super) state: Arc<Mutex<State>>,
    /// Which contract requests are validated against: the seed's, or today's (sandbox mode).
    pub(super) edition: Edition,
    pub(super) faults: Faults,
    /// When throttling: the last accepted call of each operation.
    pub(super) last_call: Option<Mutex<HashMap<String, Instant>>>,
    pub(super) stats: Arc<Stats>,
}

impl Respond for Responder {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let request_id = self.request_id();
        let answer = self.answer(request);
        let (status, body, error) = match answer {
            Ok((operation, request, body)) => {
                let mut body = body;
                self.faults.rewrite_output(&operation, &mut body);
                self.faults.rewrite_answer(&operation, &request, &mut body);
                (self.faults.success_status(&operation), body, None)
            }
            Err(e) => {
                let documented = self.spec.error_status(&e.error_type).unwrap_or(400);
                let (error_type, status) = self.faults.error(&e.error_type, documented);
                (status, json!({"message": e.message}), Some(error_type))
            }
        };
        let template =
            ResponseTemplate::new(status).insert_header("x-amzn-RequestId", request_id.as_str());
        let mut template = match (&error, self.faults.error_body_as_text()) {
            (Some(error_type), true) => {
                let message = body
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                template.set_body_raw(
                    format!("{error_type}: {message}").into_bytes(),
                    "text/plain",
                )
            }
            _ => template.set_body_raw(body.to_string().into_bytes(), "application/json"),
        };
        if let (Some(error_type), true) = (error, self.faults.error_type_visible()) {
            // Real SES appends the model's namespace; checks must strip it.
            template = template.insert_header(
                "x-amzn-ErrorType",
                format!("{error_type}:http://internal.amazon.com/coral/com.amazonaws.sesv2/")
                    .as_str(),
            );
        }
        template
    }
}

impl Responder {
    fn request_id(&self) -> String {
        let n = self.stats.requests.fetch_add(1, Ordering::Relaxed);
        let h = stable_hash(&format!("request-{n}"));
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            (h >> 32) as u32,
            (h >> 16) as u16,
            (h >> 4) & 0xfff,
            (h >> 20) & 0xfff,
            h & 0xffff_ffff_ffff
        )
    }

    fn answer(&self, request: &wiremock::Request) -> Result<(String, Value, Value), ApiError> {
        check_signature_shape(request)?;
        let path = request.url.path();
        let method = request.method.as_str();
        let routed = route(&self.spec, method, path).ok_or_else(|| ApiError {
            error_type: "UnknownOperationException".into(),
            message: format!("no operation for {method} {path}"),
        })?;
        let operation = routed.op.operation.clone();
        self.throttle(
            &routed.op.operation,
            routed.op.rate_limit.as_ref().map(|r| r.per_second),
        )?;
        let query: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let json_request =
            parse(&routed, &query, &request.body).map_err(|ParseError::Body(message)| {
                ApiError {
                    error_type: "SerializationException".into(),
                    message,
                }
            })?;
        if let Some((error_type, message)) = self.faults.rejects(&operation, &json_request) {
            return Err(ApiError {
                error_type,
                message,
            });
        }
        let bad_entries = self.check_constraints(&operation, &json_request)?;
        let members = json_request.as_object().cloned().unwrap_or_default();
        if self.edition == Edition::Current && routed.op.safety != Some(crate::spec::Safety::Read) {
            if let Some(reply) = self.sandbox_send(routed.op, &json_request, &members, &bad_entries)
            {
                return reply.map(|body| (operation, json_request, body));
            }
        }
        if self.faults.skips_action(&operation) {
            return Ok((operation, json_request, json!({})));
        }
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        state
            .handle(&operation, &members)
            .map(|body| (operation, json_request, body))
    }

    /// Every documented constraint, through the table's validator. Input that cannot be
    /// deserialized is what a real deserializer rejects first, as SerializationException. In the
    /// sandbox mode, a malformed recipient inside one bulk entry is not a request error: it is
    /// returned (entry index and SES's words) to be reported in that entry's result.
    fn check_constraints(
        &self,
        operation: &str,
        request: &Value,
    ) -> Result<BTreeMap<usize, String>, ApiError> {
        let mut bad_entries = BTreeMap::new();
        let Some(op) = self.spec.operation_or_setup(operation) else {
            return Ok(bad_entries);
        };
        let violations: Vec<_> = validate_in(&self.spec, op, request, self.edition)
            .into_iter()
            .filter(|v| {
                !self
                    .faults
                    .ignores_violation(operation, &v.constraint, request)
            })
            .filter(|v| match self.entry_recipient(operation, &v.at, request) {
                Some((entry, address)) => {
                    bad_entries.insert(entry, sandbox::recipient_error(&address));
                    false
                }
                None => true,
            })
            .collect();
        let Some(first) = violations.first() else {
            return Ok(bad_entries);
        };
        let undeserializable = [WireType::KIND, Base64::KIND]
            .iter()
            .map(|k| format!(".{}", k.as_str()))
            .collect::<Vec<_>>();
        let serialization = violations.iter().any(|v| {
            undeserializable
                .iter()
                .any(|suffix| v.constraint.ends_with(suffix))
                && (v.constraint.ends_with(".type") || self.edition == Edition::Current)
        });
        Err(ApiError {
            error_type: if serialization {
                "SerializationException"
            } else {
                "BadRequestException"
            }
            .into(),
            message: format!("{} ({}): {}", first.at, first.constraint, first.message),
        })
    }

    /// In the sandbox mode, a violation at a recipient of one SendBulkEmail entry: the entry and
    /// the address.
    fn entry_recipient(
        &self,
        operation: &str,
        at: &str,
        request: &Value,
    ) -> Option<(usize, String)> {
        if self.edition != Edition::Current || operation != "SendBulkEmail" {
            return None;
        }
        let rest = at.strip_prefix("BulkEmailEntries[")?;
        let (index, rest) = rest.split_once(']')?;
        if !rest.starts_with(".Destination.") {
            return None;
        }
        // `BulkEmailEntries[0].Destination.ToAddresses[1]` -> `/BulkEmailEntries/0/Destination/...`
        let steps: String = at
            .trim_end_matches(']')
            .replace("].", "/")
            .chars()
            .map(|c| if matches!(c, '[' | '.') { '/' } else { c })
            .collect();
        let pointer = format!("/{steps}");
        let address = request.pointer(&pointer)?.as_str()?.to_string();
        Some((index.parse().ok()?, address))
    }

    /// In the sandbox mode, a sending operation: its recipients read as SES reads them, then the
    /// sandbox's rules. `None` for an operation that sends nothing.
    fn sandbox_send(
        &self,
        op: &crate::spec::Operation,
        request: &Value,
        members: &serde_json::Map<String, Value>,
        bad_entries: &BTreeMap<usize, String>,
    ) -> Option<Result<Value, ApiError>> {
        if !matches!(
            op.operation.as_str(),
            "SendEmail" | "SendBulkEmail" | "SendCustomVerificationEmail"
        ) {
            return None;
        }
        let recipients = match crate::gate::recipients::read(&self.spec, op, request) {
            Ok(r) => r,
            Err(refusal) => return Some(Err(ApiError::bad_request(refusal.to_string()))),
        };
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Some(state.send_in_sandbox(&op.operation, members, &recipients.delivered, bad_entries))
    }

    fn throttle(&self, operation: &str, per_second: Option<f64>) -> Result<(), ApiError> {
        let (Some(last_call), Some(rate)) = (&self.last_call, per_second) else {
            return Ok(());
        };
        let interval = Duration::from_secs_f64(1.0 / rate);
        let mut last = last_call
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        if let Some(previous) = last.get(operation) {
            if now.duration_since(*previous) < interval {
                self.stats.throttled.fetch_add(1, Ordering::Relaxed);
                return Err(ApiError {
                    error_type: "TooManyRequestsException".into(),
                    message: format!(
                        "Rate exceeded: {operation} allows {rate} call(s) per second."
                    ),
                });
            }
        }
        last.insert(operation.to_string(), now);
        Ok(())
    }
}

/// The reference does not check signatures (it has no secret to check them with), but like SES
/// it refuses requests that are not SigV4-signed for the `ses` service.
fn check_signature_shape(request: &wiremock::Request) -> Result<(), ApiError> {
    let auth = request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let decoded = percent_decode(auth);
    if decoded.starts_with("AWS4-HMAC-SHA256 ") && decoded.contains("/ses/aws4_request") {
        Ok(())
    } else {
        Err(ApiError {
            error_type: "MissingAuthenticationTokenException".into(),
            message: "Missing or malformed SigV4 authorization for service ses.".into(),
        })
    }
}
