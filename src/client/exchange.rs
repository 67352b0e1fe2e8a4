//! What one request and its answer look like once they have crossed the wire: the request as
//! sent, the raw answer, and what the SDK made of it. This is all `check` ever sees.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

/// Headers whose values are secrets: kept in an exchange only as `[redacted]`.
const SECRET_HEADERS: [&str; 2] = ["authorization", "x-amz-security-token"];

/// Headers as an exchange keeps them: names lowercase, secret values redacted, so no credential
/// or signature is ever held where it could be printed.
pub fn kept_headers(headers: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    headers
        .into_iter()
        .map(|(k, v)| {
            let k = k.to_ascii_lowercase();
            let v = if SECRET_HEADERS.contains(&k.as_str()) {
                "[redacted]".to_string()
            } else {
                v
            };
            (k, v)
        })
        .collect()
}

/// A request as it went on the wire.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SentRequest {
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub uri: String,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    #[serde(skip)]
    pub body: Vec<u8>,
}

/// An answer as it came off the wire.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers, in order, names lowercase.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    #[serde(skip)]
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The first header of that (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// What the SDK made of an answer (the SDK path only).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "sdk", rename_all = "snake_case")]
pub enum SdkView {
    /// The request went on the wire path; the SDK did not parse anything.
    NotUsed,
    /// The typed output, printed as JSON.
    Output {
        /// The output's members.
        output: Value,
    },
    /// A modelled or unmodelled service error, as the SDK read it.
    ServiceError {
        /// The error code the SDK read.
        code: Option<String>,
        /// The message the SDK read.
        message: Option<String>,
    },
    /// The SDK could not turn a response into an output or an error.
    ResponseError {
        /// Why.
        detail: String,
    },
    /// The SDK refused to build the request.
    ConstructionFailure {
        /// Why.
        detail: String,
    },
}

/// Why no answer came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "failure", rename_all = "snake_case")]
pub enum TransportFailure {
    /// No answer within the timeout.
    Timeout {
        /// What timed out.
        detail: String,
    },
    /// The connection could not be made or broke.
    Connection {
        /// What happened.
        detail: String,
    },
    /// The request could not be built or signed.
    Construction {
        /// What happened.
        detail: String,
    },
    /// The gate kept the request from leaving: nothing was sent.
    Refused {
        /// The rule (`run-prefix`, `opt-in`, `mailbox-simulator`, ...).
        rule: String,
        /// What the gate saw.
        detail: String,
    },
}

impl TransportFailure {
    /// A one-line description.
    pub fn describe(&self) -> String {
        match self {
            TransportFailure::Timeout { detail } => format!("timeout: {detail}"),
            TransportFailure::Connection { detail } => format!("connection failed: {detail}"),
            TransportFailure::Construction { detail } => format!("request not built: {detail}"),
            TransportFailure::Refused { rule, detail } => {
                format!("refused before sending (rule {rule}): {detail}")
            }
        }
    }
}

/// One request and what came of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exchange {
    /// The request as sent, if it got that far.
    pub request: Option<SentRequest>,
    /// The raw answer, if one came.
    pub response: Option<RawResponse>,
    /// What the SDK made of it.
    pub sdk: SdkView,
    /// Why there is no answer.
    pub failure: Option<TransportFailure>,
    /// How long it took.
    #[serde(skip)]
    pub elapsed: Duration,
}

impl Exchange {
    /// The exchange of a request the gate refused: nothing was sent.
    pub fn refused(refusal: &crate::gate::Refusal) -> Exchange {
        Exchange {
            request: None,
            response: None,
            sdk: SdkView::NotUsed,
            failure: Some(TransportFailure::Refused {
                rule: refusal.rule().to_string(),
                detail: refusal.to_string(),
            }),
            elapsed: Duration::ZERO,
        }
    }

    /// What the gate needs to know of how the request fared.
    pub fn fate(&self) -> crate::gate::Fate {
        use crate::gate::Fate;
        match (&self.response, &self.failure, &self.request) {
            (Some(r), _, _) => Fate::Answered(r.status),
            (
                None,
                Some(TransportFailure::Refused { .. } | TransportFailure::Construction { .. }),
                _,
            ) => Fate::NotSent,
            (None, _, None) => Fate::NotSent,
            (None, _, Some(_)) => Fate::NoAnswer,
        }
    }
}

/// An answer as it can be served again: status, the headers that carry meaning, the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RawAnswer {
    /// HTTP status.
    pub status: u16,
    /// `content-type` and `x-amzn-errortype`, when present.
    pub headers: std::collections::BTreeMap<String, String>,
    /// The body text.
    pub body: String,
}
