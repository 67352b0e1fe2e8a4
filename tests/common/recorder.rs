//! A server that records every request it gets (when, which operation, what body) and answers
//! each one with what the test says: an SES stand-in that accepts everything, one that throttles
//! everything, and so on.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::{json, Value};
use ses_conformance::spec::http::decode;
use ses_conformance::spec::Spec;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

/// One request as the server got it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// When it arrived.
    pub at: Instant,
    /// The operation its route names (empty when none).
    pub operation: String,
    /// Its members, as SES would read them (`Null` when unreadable).
    pub request: Value,
    /// The raw body.
    pub body: String,
}

/// How the server answers: status, error type (for errors) and body, per operation and request.
pub type Answer = dyn Fn(&str, &Value) -> (u16, Option<&'static str>, Value) + Send + Sync;

/// A recording server.
pub struct Recorder {
    /// The server.
    pub server: MockServer,
    seen: Arc<Mutex<Vec<Seen>>>,
}

struct Responder {
    spec: Arc<Spec>,
    seen: Arc<Mutex<Vec<Seen>>>,
    answer: Box<Answer>,
}

impl Respond for Responder {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let path_and_query = match request.url.query() {
            Some(q) => format!("{}?{q}", request.url.path()),
            None => request.url.path().to_string(),
        };
        let decoded = decode(
            &self.spec,
            request.method.as_str(),
            &path_and_query,
            &request.body,
        );
        let (operation, members) = match decoded {
            Ok(d) => (d.op.operation.clone(), d.request),
            Err(_) => (String::new(), Value::Null),
        };
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Seen {
                at: Instant::now(),
                operation: operation.clone(),
                request: members.clone(),
                body: String::from_utf8_lossy(&request.body).into_owned(),
            });
        let (status, error_type, body) = (self.answer)(&operation, &members);
        let mut template = ResponseTemplate::new(status)
            .set_body_raw(body.to_string().into_bytes(), "application/json");
        if let Some(t) = error_type {
            template = template.insert_header("x-amzn-ErrorType", t);
        }
        template
    }
}

impl Recorder {
    /// A server answering with `answer`.
    pub async fn start(spec: Arc<Spec>, answer: Box<Answer>) -> Recorder {
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        Mock::given(any())
            .respond_with(Responder {
                spec,
                seen: Arc::clone(&seen),
                answer,
            })
            .mount(&server)
            .await;
        Recorder { server, seen }
    }

    /// A server that accepts every request (200), with a quota on GetAccount and a MessageId on
    /// sends: what a careless SES stand-in (or an SES that relaxed every rule) would do.
    pub async fn accept_all(spec: Arc<Spec>, max_send_rate: f64) -> Recorder {
        Self::start(
            spec,
            Box::new(move |operation, _| (200, None, accepted(operation, max_send_rate))),
        )
        .await
    }

    /// Everything it got so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// What it got of one operation.
    pub fn seen_of(&self, operation: &str) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|s| s.operation == operation)
            .collect()
    }

    /// Its URL.
    pub fn url(&self) -> String {
        self.server.uri()
    }
}

/// A 200 body for `operation`: a quota for GetAccount, a MessageId for sends, `{}` otherwise.
pub fn accepted(operation: &str, max_send_rate: f64) -> Value {
    match operation {
        "GetAccount" => json!({
            "SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": max_send_rate, "SentLast24Hours": 0.0},
            "ProductionAccessEnabled": false,
            "SendingEnabled": true
        }),
        "SendEmail" | "SendCustomVerificationEmail" => json!({"MessageId": "0100-accepted"}),
        _ => json!({}),
    }
}
