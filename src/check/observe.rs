//! From a raw exchange to an observation: status, error type, message and body, read the way
//! SES v2's REST-JSON protocol says, with the run's values put back to placeholders.
//!
//! Nothing here trusts the server: any body, any content type, any header value is read without
//! panicking, and what cannot be read is said to be absent.

use serde::Serialize;
use serde_json::Value;

use crate::case::Bindings;
use crate::client::exchange::{Exchange, RawAnswer, SdkView};
use crate::redact::Redactor;

/// What came back, normalised: the input of every check and of snapshots.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    /// HTTP status; `None` when no answer came.
    pub status: Option<u16>,
    /// The error type, read from `x-amzn-ErrorType`, else the body's `__type` or `code`.
    pub error_type: Option<String>,
    /// The error message, from `message` or `Message`.
    pub message: Option<String>,
    /// The `Content-Type` of the answer.
    pub content_type: Option<String>,
    /// The body, when it is JSON (placeholders restored).
    pub body: Option<Value>,
    /// The body's first bytes when it is not JSON (placeholders restored).
    pub body_excerpt: Option<String>,
    /// What the SDK made of the answer.
    pub sdk: SdkView,
    /// Why there is no answer.
    pub failure: Option<String>,
    /// The answer itself, as far as a replay needs it (placeholders restored).
    #[serde(skip)]
    pub raw: Option<RawAnswer>,
}

/// Headers a replay needs: the ones the protocol reads.
const MEANINGFUL_HEADERS: [&str; 2] = ["content-type", "x-amzn-errortype"];

impl Observation {
    /// An observation of no answer at all.
    pub fn failed(detail: String) -> Observation {
        Observation {
            status: None,
            error_type: None,
            message: None,
            content_type: None,
            body: None,
            body_excerpt: None,
            sdk: SdkView::NotUsed,
            failure: Some(detail),
            raw: None,
        }
    }

    /// True for a 2xx answer.
    pub fn is_success(&self) -> bool {
        matches!(self.status, Some(200..=299))
    }

    /// Whether the answer could come from an SES v2 endpoint or an emulator of one at all: a
    /// JSON body (success or error, typed or not), an error whose type can be read
    /// (`x-amzn-ErrorType`), or a success with an empty body (aws-ses-v2-local answers its
    /// creates so). An HTML page or other text is not. `None` when no answer came: that says
    /// nothing about what the server is.
    pub fn is_ses_shaped(&self) -> Option<bool> {
        let status = self.status?;
        let empty = self.body.is_none() && self.body_excerpt.as_deref().is_none_or(str::is_empty);
        Some(
            self.body.is_some()
                || self.error_type.is_some()
                || ((200..300).contains(&status) && empty),
        )
    }

    /// The answer in a line: status, content type and the body's first characters.
    pub fn short(&self) -> String {
        let status = self
            .status
            .map_or_else(|| "no answer".to_string(), |s| s.to_string());
        let content_type = self.content_type.as_deref().unwrap_or("no content type");
        let body = match (&self.body, &self.body_excerpt) {
            (Some(json), _) => json.to_string(),
            (None, Some(text)) => text.clone(),
            (None, None) => String::new(),
        };
        let body: String = body.chars().take(SHORT_BODY_CHARS).collect();
        format!("{status} {content_type} {body:?}")
    }
}

/// How much of a body [`Observation::short`] shows.
const SHORT_BODY_CHARS: usize = 60;

/// How much of a non-JSON body is kept.
const EXCERPT_CHARS: usize = 200;

/// Read an exchange, restoring placeholders for the run's values, scrubbing the run's
/// credentials and signature material and masking account ids (see [`Redactor`]) in everything
/// read: body, headers, the SDK's view, transport failures.
pub fn observe(exchange: &Exchange, bindings: &Bindings, mask: &Redactor) -> Observation {
    let failure = exchange
        .failure
        .as_ref()
        .map(|f| clean(bindings, mask, &f.describe()));
    let Some(response) = &exchange.response else {
        return Observation {
            sdk: unbind_sdk(&exchange.sdk, bindings, mask),
            ..Observation::failed(failure.unwrap_or_else(|| "no answer".into()))
        };
    };
    let (text, body) = read_body(bindings, mask, &response.body_text());
    let excerpt = match (&body, text.trim().is_empty()) {
        (None, false) => Some(text.chars().take(EXCERPT_CHARS).collect()),
        _ => None,
    };
    let is_error = !(200..300).contains(&response.status);
    // A header is whatever the server put there: read cleaned, like the body.
    let header = |name: &str| response.header(name).map(|v| clean(bindings, mask, v));
    let error_type = if is_error {
        error_type(header("x-amzn-errortype").as_deref(), body.as_ref())
    } else {
        None
    };
    let message = if is_error {
        error_message(body.as_ref())
    } else {
        None
    };
    Observation {
        status: Some(response.status),
        error_type,
        message,
        content_type: header("content-type"),
        body,
        body_excerpt: excerpt,
        sdk: unbind_sdk(&exchange.sdk, bindings, mask),
        failure: None,
        raw: Some(RawAnswer {
            status: response.status,
            headers: MEANINGFUL_HEADERS
                .iter()
                .filter_map(|h| {
                    response
                        .header(h)
                        .map(|v| (h.to_string(), clean(bindings, mask, v)))
                })
                .collect(),
            body: text.clone(),
        }),
    }
}

fn unbind_sdk(sdk: &SdkView, bindings: &Bindings, mask: &Redactor) -> SdkView {
    match sdk {
        SdkView::Output { output } => SdkView::Output {
            output: clean_value(bindings, mask, output),
        },
        SdkView::ServiceError { code, message } => SdkView::ServiceError {
            code: code.as_ref().map(|c| clean(bindings, mask, c)),
            message: message.as_ref().map(|m| clean(bindings, mask, m)),
        },
        SdkView::ResponseError { detail } => SdkView::ResponseError {
            detail: clean(bindings, mask, detail),
        },
        SdkView::ConstructionFailure { detail } => SdkView::ConstructionFailure {
            detail: clean(bindings, mask, detail),
        },
        SdkView::NotUsed => SdkView::NotUsed,
    }
}

/// Unbind, then redact (credentials, signatures, account ids).
fn clean(bindings: &Bindings, mask: &Redactor, text: &str) -> String {
    mask.mask(&bindings.unbind_text(text))
}

/// A body as text and, when it is JSON, as a value; both unbound and masked.
fn read_body(bindings: &Bindings, mask: &Redactor, raw: &str) -> (String, Option<Value>) {
    let unbound = bindings.unbind_text(raw);
    let text = mask.mask(&unbound);
    match serde_json::from_str(&text) {
        Ok(body) => (text, Some(body)),
        // A known id as a JSON number: masking the text broke the JSON, so the value is masked
        // instead and written back.
        Err(_) => match serde_json::from_str::<Value>(&unbound) {
            Ok(body) => {
                let body = mask.mask_value(&body);
                (body.to_string(), Some(body))
            }
            Err(_) => (text, None),
        },
    }
}

fn clean_value(bindings: &Bindings, mask: &Redactor, value: &Value) -> Value {
    mask.mask_value(&bindings.unbind_value(value))
}

/// The error type as the REST-JSON protocol carries it: the `x-amzn-ErrorType` header, cleaned
/// of anything after `:` and before `#`; else the body's `__type`, else its `code`.
pub fn error_type(header: Option<&str>, body: Option<&Value>) -> Option<String> {
    let from_body = || {
        let obj = body?.as_object()?;
        ["__type", "code"]
            .iter()
            .find_map(|k| obj.get(*k).and_then(Value::as_str))
            .map(str::to_string)
    };
    let raw = header
        .map(str::to_string)
        .filter(|h| !h.trim().is_empty())
        .or_else(from_body)?;
    let cleaned = clean_error_type(&raw);
    (!cleaned.is_empty()).then_some(cleaned)
}

/// `aws.protocoltests#NotFoundException:http://internal...` -> `NotFoundException`.
pub fn clean_error_type(raw: &str) -> String {
    let before_colon = raw.split(':').next().unwrap_or(raw);
    let after_hash = before_colon.rsplit('#').next().unwrap_or(before_colon);
    after_hash.trim().to_string()
}

/// The message of an error body: `message`, else `Message`; null or absent means none.
pub fn error_message(body: Option<&Value>) -> Option<String> {
    let obj = body?.as_object()?;
    ["message", "Message"]
        .iter()
        .find_map(|k| obj.get(*k).and_then(Value::as_str))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::exchange::{RawResponse, TransportFailure};
    use serde_json::json;
    use std::time::Duration;

    fn exchange(status: u16, headers: &[(&str, &str)], body: &str) -> Exchange {
        Exchange {
            request: None,
            response: Some(RawResponse {
                status,
                headers: headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                body: body.as_bytes().to_vec(),
            }),
            sdk: SdkView::NotUsed,
            failure: None,
            elapsed: Duration::ZERO,
        }
    }

    #[test]
    fn error_type_is_cleaned_from_the_header() {
        let e = exchange(
            404,
            &[(
                "x-amzn-errortype",
                "NotFoundException:http://internal.amazon.com/coral/com.amazonaws.sesv2/",
            )],
            r#"{"message":"nope"}"#,
        );
        let o = observe(&e, &Bindings::placeholders(), &Redactor::default());
        assert_eq!(o.error_type.as_deref(), Some("NotFoundException"));
        assert_eq!(o.message.as_deref(), Some("nope"));
    }

    #[test]
    fn error_type_falls_back_to_type_then_code_in_the_body() {
        assert_eq!(
            error_type(
                None,
                Some(&json!({"__type": "com.amazonaws.sesv2#BadRequestException"}))
            )
            .as_deref(),
            Some("BadRequestException")
        );
        assert_eq!(
            error_type(None, Some(&json!({"code": "Throttling"}))).as_deref(),
            Some("Throttling")
        );
        // aws-ses-v2-local's `type` key is not part of the protocol.
        assert_eq!(
            error_type(None, Some(&json!({"type": "BadRequestException"}))),
            None
        );
        assert_eq!(error_type(Some("  "), None), None);
    }

    #[test]
    fn message_may_be_capitalised_null_or_absent() {
        assert_eq!(
            error_message(Some(&json!({"Message": "x"}))).as_deref(),
            Some("x")
        );
        assert_eq!(error_message(Some(&json!({"message": null}))), None);
        assert_eq!(error_message(Some(&json!([1]))), None);
    }

    #[test]
    fn garbage_html_and_empty_bodies_are_read_without_panicking() {
        for body in [
            "<html><body>500</body></html>",
            "",
            "{\"trunc",
            "\u{0}\u{1}binary",
        ] {
            let o = observe(
                &exchange(500, &[("content-type", "text/html")], body),
                &Bindings::placeholders(),
                &Redactor::default(),
            );
            assert_eq!(o.status, Some(500));
            assert_eq!(o.error_type, None);
        }
    }

    #[test]
    fn no_answer_is_a_failure() {
        let e = Exchange {
            request: None,
            response: None,
            sdk: SdkView::NotUsed,
            failure: Some(TransportFailure::Timeout {
                detail: "2s".into(),
            }),
            elapsed: Duration::ZERO,
        };
        let o = observe(&e, &Bindings::placeholders(), &Redactor::default());
        assert_eq!(o.status, None);
        assert_eq!(o.failure.as_deref(), Some("timeout: 2s"));
    }

    const ACCOUNT: &str = "111122223333";

    fn govcloud() -> (Bindings, Redactor) {
        (
            Bindings::for_identity("abcdef", "example.org", "us-gov-west-1", ACCOUNT),
            Redactor::seeded(ACCOUNT),
        )
    }

    #[test]
    fn account_ids_leave_no_part_of_an_answer() {
        let (bindings, mask) = govcloud();
        let body = r#"{"message":"User arn:aws-us-gov:iam::444455556666:user/bob may not act for 111122223333","Policies":{"p":"{\"Condition\":{\"aws:SourceAccount\":\"111122223333\"},\"Principal\":\"arn:aws-us-gov:iam::111122223333:root\"}"}}"#;
        let mut e = exchange(
            403,
            &[
                ("content-type", "application/json"),
                (
                    "x-amzn-errortype",
                    "AccessDenied:arn:aws-us-gov:iam::444455556666:x",
                ),
            ],
            body,
        );
        e.sdk = SdkView::ServiceError {
            code: Some("AccessDenied".into()),
            message: Some("not authorized: 111122223333, 444455556666".into()),
        };
        let o = observe(&e, &bindings, &mask);
        let seen = format!("{o:?} {:?}", o.raw);
        for id in [ACCOUNT, "444455556666"] {
            assert!(!seen.contains(id), "{seen}");
        }
        // The run's own ARNs read as placeholders; others are masked.
        assert!(seen.contains("arn:aws:iam::000000000000:root"), "{seen}");
        assert!(
            seen.contains("arn:aws-us-gov:iam::[account]:user/bob"),
            "{seen}"
        );
    }

    #[test]
    fn an_id_learned_from_one_answer_is_masked_in_later_ones() {
        let (bindings, mask) = govcloud();
        let first = exchange(
            200,
            &[],
            r#"{"Arn":"arn:aws-us-gov:ses:us-gov-west-1:444455556666:identity/x"}"#,
        );
        let later = exchange(200, &[], r#"{"Owner":"444455556666"}"#);
        observe(&first, &bindings, &mask);
        let o = observe(&later, &bindings, &mask);
        assert_eq!(o.body, Some(json!({"Owner": "[account]"})));
    }

    #[test]
    fn accounts_named_bare_in_policy_documents_leave_no_part_of_an_answer() {
        // No --account-id: the run knows no id before this answer.
        let (bindings, mask) = (Bindings::placeholders(), Redactor::default());
        let document = r#"{"Statement":[{"Principal":{"AWS":"444455556666"},"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}"#;
        let body = json!({"Policies": {"partner": document}}).to_string();
        let mut e = exchange(200, &[("content-type", "application/json")], &body);
        e.sdk = SdkView::Output {
            output: json!({"Policies": {"partner": document}}),
        };
        let o = observe(&e, &bindings, &mask);
        let seen = format!("{o:?} {:?}", o.raw);
        for id in ["444455556666", "123456789012"] {
            assert!(!seen.contains(id), "{seen}");
        }
        assert!(seen.contains("partner"), "the policy is kept: {seen}");
    }

    #[test]
    fn encoded_arns_leave_no_part_of_an_answer() {
        let (bindings, mask) = (Bindings::placeholders(), Redactor::default());
        let json_body = r#"{"message":"User arn\u003aaws\u003aiam\u003a\u003a123456789012\u003auser/a","n":"id%20123456789012"}"#;
        let text_body = "denied: arn%3Aaws%3Ases%3Aus-east-1%3A123456789012%3Aidentity%2Fx";
        for (content_type, body) in [("application/json", json_body), ("text/plain", text_body)] {
            let o = observe(
                &exchange(403, &[("content-type", content_type)], body),
                &bindings,
                &mask,
            );
            let seen = format!("{o:?} {:?}", o.raw);
            assert!(!seen.contains("123456789012"), "{seen}");
            assert!(seen.contains("[account]"), "{seen}");
        }
    }

    #[test]
    fn the_runs_credentials_and_signatures_leave_no_part_of_an_answer() {
        use crate::redact::Secrets;
        const KEY: &str = "AKIDEXAMPLE000000001";
        const TOKEN: &str = "FwoGZXIvYXdzEXAMPLE/token+with/slashes==";
        let mask =
            Redactor::default().with_secrets(Secrets::new([KEY, "secret-access-key", TOKEN]));
        let authorization = format!("AWS4-HMAC-SHA256 Credential={KEY}/20260101/us-east-1/ses/aws4_request, SignedHeaders=host, Signature=0123abcd");
        let body = json!({
            "message": format!("signature mismatch: {authorization}"),
            "headers": {"Authorization": authorization, "x-amz-security-token": "FwoGOTHERtoken"},
            "query": format!("X-Amz-Security-Token={}", TOKEN.replace('/', "%2F").replace('+', "%2B").replace('=', "%3D")),
        });
        let mut e = exchange(
            403,
            &[
                ("content-type", "application/json"),
                ("x-amzn-errortype", &format!("Credential={KEY}")),
            ],
            &body.to_string(),
        );
        e.sdk = SdkView::ServiceError {
            code: Some("SignatureDoesNotMatch".into()),
            message: Some(format!("{authorization}, token {TOKEN}")),
        };
        let o = observe(&e, &Bindings::placeholders(), &mask);
        let failed = Exchange {
            request: None,
            response: None,
            sdk: SdkView::ResponseError {
                detail: format!("dispatch failure: {authorization}"),
            },
            failure: Some(TransportFailure::Connection {
                detail: format!("reset after x-amz-security-token: {TOKEN}"),
            }),
            elapsed: Duration::ZERO,
        };
        let f = observe(&failed, &Bindings::placeholders(), &mask);
        let seen = format!("{o:?} {:?} {f:?}", o.raw);
        for secret in [
            KEY,
            TOKEN,
            "FwoGOTHERtoken",
            "Signature=",
            "AWS4-HMAC-SHA256",
            "0123abcd",
        ] {
            assert!(!seen.contains(secret), "{secret}: {seen}");
        }
        assert!(o.body.is_some(), "the body stays JSON: {seen}");
    }

    #[test]
    fn a_known_id_as_a_json_number_keeps_the_body_json() {
        let (bindings, mask) = govcloud();
        let o = observe(
            &exchange(200, &[], r#"{"Account":111122223333,"n":1}"#),
            &bindings,
            &mask,
        );
        assert_eq!(o.body, Some(json!({"Account": "[account]", "n": 1})));
        assert_eq!(
            o.raw.map(|r| r.body).as_deref(),
            Some(r#"{"Account":"[account]","n":1}"#)
        );
    }

    #[test]
    fn transport_failures_are_masked() {
        let (bindings, mask) = govcloud();
        let e = Exchange {
            request: None,
            response: None,
            sdk: SdkView::ConstructionFailure {
                detail: "no route to arn:aws-cn:ses:cn-north-1:444455556666:x".into(),
            },
            failure: Some(TransportFailure::Connection {
                detail: "reset while 111122223333 was signing".into(),
            }),
            elapsed: Duration::ZERO,
        };
        let o = observe(&e, &bindings, &mask);
        assert_eq!(
            o.failure.as_deref(),
            Some("connection failed: reset while [account] was signing")
        );
        assert_eq!(
            o.sdk,
            SdkView::ConstructionFailure {
                detail: "no route to arn:aws-cn:ses:cn-north-1:[account]:x".into()
            }
        );
    }
}
