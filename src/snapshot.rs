//! Snapshots: the one place that sets up insta and its redactions. A snapshot holds a case's
//! normalised answer (status, error type, message, body); volatile values are replaced by stable
//! tokens, each only after checking the value has the shape it should, so a redaction can never
//! hide a real difference. The request goes into the snapshot's metadata.

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::case::Case;
use crate::check::Observation;
use crate::report::console::abbreviate;

/// The folder of a target's snapshots.
pub fn dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("snapshots")
        .join(target)
}

/// The snapshot name of a case: its id with `::` as `__`.
pub fn name(case_id: &str) -> String {
    case_id.replace("::", "__")
}

/// The normalised answer that is snapshotted.
pub fn normalise(case: &Case, obs: &Observation) -> Value {
    let mut out = Map::new();
    out.insert("status".into(), json!(obs.status));
    out.insert("error_type".into(), json!(obs.error_type));
    out.insert(
        "message".into(),
        json!(obs.message.as_deref().map(redact_text)),
    );
    let body = match (&obs.body, &obs.body_excerpt) {
        (Some(body), _) => redact(&case.operation, "", body),
        (None, Some(excerpt)) => json!({ "non_json_body": redact_text(excerpt) }),
        (None, None) => Value::Null,
    };
    out.insert("body".into(), body);
    if let Some(failure) = &obs.failure {
        out.insert("failure".into(), json!(redact_text(failure)));
    }
    Value::Object(out)
}

/// The request as snapshot metadata: long strings shortened (a 10 MB template body would
/// otherwise make a 10 MB snapshot).
pub fn request_info(case: &Case) -> Value {
    json!({
        "operation": case.operation,
        "path": case.path,
        "expect": case.expect,
        "request": shorten_strings(&case.request),
    })
}

fn shorten_strings(v: &Value) -> Value {
    match v {
        Value::String(s) if s.len() > 300 => json!(abbreviate(s, 120)),
        Value::Array(items) => Value::Array(items.iter().map(shorten_strings).collect()),
        Value::Object(obj) => Value::Object(
            obj.iter()
                .map(|(k, v)| (k.clone(), shorten_strings(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Compare (or record) a case's snapshot under `snapshots/<target>/`. Panics with insta's diff
/// when it differs, as an assertion does.
pub fn assert_case(target: &str, case: &Case, obs: &Observation) {
    let description = format!("{} ({})", case.id, case.constraint);
    assert_value(
        target,
        &case.id,
        &description,
        &request_info(case),
        &normalise(case, obs),
    );
}

/// Compare (or record) any JSON value as the snapshot `snapshots/<folder>/<id>.snap`. The one
/// place insta is set up.
pub fn assert_value(folder: &str, case_id: &str, description: &str, info: &Value, value: &Value) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir(folder));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_sort_maps(true);
    settings.set_info(info);
    settings.set_description(description);
    settings.bind(|| {
        insta::assert_json_snapshot!(name(case_id), value);
    });
}

/// The volatile values of any answer-like JSON value of `operation` masked, as in snapshots.
pub fn redact_value(operation: &str, value: &Value) -> Value {
    redact(operation, "", value)
}

/// Long strings shortened, as in snapshot metadata.
pub fn shorten(value: &Value) -> Value {
    shorten_strings(value)
}

/// Volatile values of a JSON body, by member name, each checked for shape before it is masked.
fn redact(operation: &str, path: &str, v: &Value) -> Value {
    match v {
        Value::Object(obj) => {
            let mut out = Map::new();
            for (k, child) in obj {
                let here = format!("{path}/{k}");
                out.insert(k.clone(), redact_member(operation, &here, k, child));
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|i| redact(operation, path, i)).collect())
        }
        Value::String(s) => json!(redact_text(s)),
        other => other.clone(),
    }
}

fn redact_member(operation: &str, path: &str, key: &str, v: &Value) -> Value {
    let token = |name: &str, ok: bool| {
        if ok {
            json!(format!("[{name}]"))
        } else {
            redact(operation, path, v)
        }
    };
    match key {
        "MessageId" => token("message-id", v.as_str().is_some_and(looks_like_id)),
        "ReportId" => token("report-id", v.as_str().is_some_and(looks_like_id)),
        "CaseId" => token("case-id", v.as_str().is_some_and(|s| !s.is_empty())),
        "NextToken" => token("next-token", v.as_str().is_some_and(|s| !s.is_empty())),
        "CreatedTimestamp" | "LastUpdatedTimestamp" => token("timestamp", v.is_number()),
        "Tokens" if path.contains("DkimAttributes") => match v.as_array() {
            Some(items) if items.iter().all(|t| t.as_str().is_some_and(looks_like_id)) => {
                Value::Array(items.iter().map(|_| json!("[dkim-token]")).collect())
            }
            _ => redact(operation, path, v),
        },
        "SentLast24Hours" | "Max24HourSend" | "MaxSendRate" if operation == "GetAccount" => {
            token("count", v.is_number())
        }
        // Account details change with every PutAccountDetails the suite (or the account's owner)
        // sends: keep their shape, not their values.
        "Details" if operation == "GetAccount" => shape_only(v),
        "RenderedTemplate" => json!(v.as_str().map(redact_rendered).unwrap_or_default()),
        _ => redact(operation, path, v),
    }
}

/// Letters, digits and dashes only (SES ids, UUIDs, DKIM tokens).
fn looks_like_id(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Values replaced by their JSON type, keys kept.
fn shape_only(v: &Value) -> Value {
    match v {
        Value::Object(obj) => Value::Object(
            obj.iter()
                .map(|(k, v)| (k.clone(), shape_only(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(shape_only).collect()),
        Value::String(_) => json!("[string]"),
        Value::Number(_) => json!("[number]"),
        Value::Bool(_) => json!("[boolean]"),
        Value::Null => Value::Null,
    }
}

/// A rendered MIME message: `Date:` and `Message-ID:` headers and a generated multipart
/// boundary change with every render.
fn redact_rendered(text: &str) -> String {
    let text = match multipart_boundary(text) {
        Some(boundary) => text.replace(&boundary, "[boundary]"),
        None => text.to_string(),
    };
    text.split("\r\n")
        .map(|line| {
            let lower = line.to_ascii_lowercase();
            if lower.starts_with("date:") {
                "Date: [date]".to_string()
            } else if lower.starts_with("message-id:") {
                "Message-ID: [message-id]".to_string()
            } else {
                redact_text(line)
            }
        })
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// The `boundary=` parameter of a multipart Content-Type header, if the message has one.
fn multipart_boundary(text: &str) -> Option<String> {
    let at = text.find("boundary=")?;
    let rest = &text[at + "boundary=".len()..];
    let value = match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next()?,
        None => rest.split(|c: char| c == ';' || c.is_whitespace()).next()?,
    };
    (!value.is_empty()).then(|| value.to_string())
}

/// Account ids inside ARNs (already masked by `check::observe`; kept here so a snapshot is
/// safe whatever it is given).
pub fn redact_text(text: &str) -> String {
    crate::check::observe::mask_account_ids(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_in_arns_are_masked() {
        assert_eq!(
            redact_text("see arn:aws:ses:eu-west-1:123456789012:identity/x.com and arn:aws:iam::123456789012:root"),
            "see arn:aws:ses:eu-west-1:[account]:identity/x.com and arn:aws:iam::[account]:root"
        );
        assert_eq!(
            redact_text("arn:aws:ses:eu-west-1:12345:identity/x"),
            "arn:aws:ses:eu-west-1:12345:identity/x"
        );
    }

    #[test]
    fn a_redaction_only_masks_values_of_the_right_shape() {
        let body = json!({"MessageId": "0100018c-abc-000000", "CreatedTimestamp": 1.5});
        assert_eq!(
            redact("SendEmail", "", &body),
            json!({"MessageId": "[message-id]", "CreatedTimestamp": "[timestamp]"})
        );
        // A message id that is not an id, or a timestamp that is text, stays visible.
        let odd = json!({"MessageId": "not an id!", "CreatedTimestamp": "yesterday"});
        assert_eq!(redact("SendEmail", "", &odd), odd);
    }

    #[test]
    fn generated_multipart_boundaries_are_masked_everywhere() {
        let text = "Content-Type: multipart/alternative;\r\n boundary=\"--_NmP-1c6c38dbfb814622-Part_1\"\r\n\r\n----_NmP-1c6c38dbfb814622-Part_1\r\nx\r\n----_NmP-1c6c38dbfb814622-Part_1--";
        let redacted = redact_rendered(text);
        assert!(!redacted.contains("1c6c38dbfb814622"), "{redacted}");
        assert_eq!(redacted.matches("[boundary]").count(), 3);
    }

    #[test]
    fn rendered_templates_lose_their_date_and_message_id() {
        let text = "Date: Sat, 28 Nov 2026\r\nMessage-ID: <abc@x>\r\nSubject: hi";
        assert_eq!(
            redact_rendered(text),
            "Date: [date]\r\nMessage-ID: [message-id]\r\nSubject: hi"
        );
    }
}
