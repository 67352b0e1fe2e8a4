//! Snapshots: the one place that sets up insta and its redactions. A snapshot holds a case's
//! normalised answer (status, error type, message, body); volatile values are replaced by stable
//! tokens, each only after checking the value has the shape it should, so a redaction can never
//! hide a real difference. The request goes into the snapshot's metadata.
//!
//! Personal values are the exception to shape checks: output members the spec marks `personal`
//! (GetAccount's `Details`: contact addresses, website, use case) keep their shape and never their
//! values, whatever the values look like, here and in recorded baselines ([`withhold_personal`]).

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::case::Case;
use crate::check::Observation;
use crate::client::exchange::RawAnswer;
use crate::output::abbreviate;
use crate::spec::{Member, MemberType, Spec, Volatile, VolatileShape};

/// What a personal string of a recorded answer becomes.
pub const PERSONAL_TOKEN: &str = "[account-detail]";

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
pub fn normalise(spec: &Spec, case: &Case, obs: &Observation) -> Value {
    normalise_answer(spec, &case.operation, obs)
}

/// The normalised answer to a call of `operation`.
pub fn normalise_answer(spec: &Spec, operation: &str, obs: &Observation) -> Value {
    let case_operation = operation;
    let mut out = Map::new();
    out.insert("status".into(), json!(obs.status));
    out.insert("error_type".into(), json!(obs.error_type));
    out.insert(
        "message".into(),
        json!(obs.message.as_deref().map(redact_text)),
    );
    let body = match (&obs.body, &obs.body_excerpt) {
        (Some(body), _) if body.is_object() => redact_body(spec, case_operation, body),
        (None, None) => Value::Null,
        // Personal values may be anywhere in a body that is not an object: none of it is shown.
        _ if may_hold_personal(spec, case_operation, obs.status) => json!(PERSONAL_TOKEN),
        (Some(body), _) => redact_body(spec, case_operation, body),
        (None, Some(excerpt)) => json!({ "non_json_body": redact_text(excerpt) }),
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

pub(super) fn shorten_strings(v: &Value) -> Value {
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
pub fn assert_case(spec: &Spec, target: &str, case: &Case, obs: &Observation) {
    let description = format!("{} ({})", case.id, case.constraint);
    assert_value(
        target,
        &case.id,
        &description,
        &request_info(case),
        &normalise(spec, case, obs),
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

/// The volatile values of any answer-like JSON value of `operation` masked, and its personal
/// members reduced to their shape, as in snapshots.
pub fn redact_value(spec: &Spec, operation: &str, value: &Value) -> Value {
    redact_body(spec, operation, value)
}

/// A recorded answer of `operation` as a baseline may keep it: the strings of its personal output
/// members replaced by [`PERSONAL_TOKEN`] (documented enum values aside, so that a replay parses
/// them as the SDK would), lists keeping their length. A 2xx body that is not a JSON object
/// cannot be shown to be free of them and is withheld whole.
pub fn withhold_personal(spec: &Spec, operation: &str, raw: &RawAnswer) -> RawAnswer {
    if !may_hold_personal(spec, operation, Some(raw.status)) {
        return raw.clone();
    }
    let body = match serde_json::from_str::<Value>(&raw.body) {
        Ok(Value::Object(mut body)) => {
            for (name, member) in personal_members(spec, operation) {
                if let Some(value) = body.get_mut(name) {
                    *value = withhold(spec, Some(member), value);
                }
            }
            Value::Object(body).to_string()
        }
        _ if raw.body.trim().is_empty() => raw.body.clone(),
        _ => PERSONAL_TOKEN.to_string(),
    };
    RawAnswer {
        body,
        ..raw.clone()
    }
}

/// The output members of `operation` the spec marks personal, by wire name.
fn personal_members<'a>(
    spec: &'a Spec,
    operation: &str,
) -> impl Iterator<Item = (&'a str, &'a Member)> {
    spec.operation(operation)
        .into_iter()
        .flat_map(|op| &op.output)
        .filter(|(_, member)| member.personal)
        .map(|(name, member)| (member.wire_name(name), member))
}

/// Whether an answer with this status may carry personal members: a successful answer of an
/// operation with any (error answers have no output members).
fn may_hold_personal(spec: &Spec, operation: &str, status: Option<u16>) -> bool {
    matches!(status, Some(200..=299)) && personal_members(spec, operation).next().is_some()
}

/// A body with volatile values masked and personal members reduced to their shape. Personal
/// values are never shown, not even documented enum values: account details change with every
/// PutAccountDetails the suite (or the account's owner) sends, so a snapshot keeping them would
/// depend on which case ran first.
fn redact_body(spec: &Spec, operation: &str, body: &Value) -> Value {
    let mut out = redact(spec, operation, "", body);
    if let (Value::Object(out_obj), Value::Object(obj)) = (&mut out, body) {
        for (name, _) in personal_members(spec, operation) {
            if let Some(value) = obj.get(name) {
                out_obj.insert(name.to_string(), shape_only(value));
            }
        }
    }
    out
}

/// Every string of a personal value replaced by [`PERSONAL_TOKEN`], except a documented value of
/// an enum member; keys, numbers, booleans and list lengths kept. Members the spec does not know
/// have no documented values, so all their strings go.
fn withhold(spec: &Spec, member: Option<&Member>, value: &Value) -> Value {
    match value {
        Value::String(s) => {
            let documented = member
                .and_then(|m| spec.enum_values(m))
                .is_some_and(|values| values.contains(s));
            json!(if documented {
                s.as_str()
            } else {
                PERSONAL_TOKEN
            })
        }
        Value::Array(items) => {
            let item = member.and_then(|m| m.member.as_deref());
            Value::Array(items.iter().map(|v| withhold(spec, item, v)).collect())
        }
        Value::Object(obj) => Value::Object(
            obj.iter()
                .map(|(k, v)| (k.clone(), withhold(spec, child(spec, member, k), v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The member of a structure (by wire name) or the value member of a map.
fn child<'a>(spec: &'a Spec, member: Option<&'a Member>, key: &str) -> Option<&'a Member> {
    let member = member?;
    match member.ty {
        MemberType::Map => member.value.as_deref(),
        _ => spec
            .members_of(member)?
            .members
            .iter()
            .find(|(name, m)| m.wire_name(name) == key)
            .map(|(_, m)| m),
    }
}

/// Long strings shortened, as in snapshot metadata.
pub fn shorten(value: &Value) -> Value {
    shorten_strings(value)
}

/// Volatile values of a JSON body (`specs/volatile.json`, by member name at any depth), each
/// checked for shape before it is masked.
fn redact(spec: &Spec, operation: &str, path: &str, v: &Value) -> Value {
    match v {
        Value::Object(obj) => {
            let mut out = Map::new();
            for (k, child) in obj {
                let here = format!("{path}/{k}");
                out.insert(k.clone(), redact_member(spec, operation, &here, k, child));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| redact(spec, operation, path, i))
                .collect(),
        ),
        Value::String(s) => json!(redact_text(s)),
        other => other.clone(),
    }
}

fn redact_member(spec: &Spec, operation: &str, path: &str, key: &str, v: &Value) -> Value {
    let applies = |rule: &&Volatile| {
        rule.operation.as_deref().is_none_or(|op| op == operation)
            && rule.within.as_deref().is_none_or(|w| path.contains(w))
    };
    match spec.volatile.get(key).filter(applies) {
        Some(rule) => masked(rule, v).unwrap_or_else(|| redact(spec, operation, path, v)),
        None => redact(spec, operation, path, v),
    }
}

/// A volatile value masked, when it has the shape its rule says; `None` when it does not (then
/// it is shown, so that a wrong value is a visible difference).
fn masked(rule: &Volatile, v: &Value) -> Option<Value> {
    let token = || json!(format!("[{}]", rule.token.as_deref().unwrap_or_default()));
    match rule.shape {
        VolatileShape::Id => v.as_str().is_some_and(looks_like_id).then(token),
        VolatileShape::NonEmpty => v.as_str().is_some_and(|s| !s.is_empty()).then(token),
        VolatileShape::Number => v.is_number().then(token),
        VolatileShape::Timestamp => match v {
            Value::Number(_) => Some(token()),
            Value::String(s) if looks_like_date_time(s) => Some(json!(format!(
                "[{} as a date-time string]",
                rule.token.as_deref().unwrap_or_default()
            ))),
            _ => None,
        },
        VolatileShape::IdList => {
            let items = v.as_array()?;
            let all_ids = items.iter().all(|t| t.as_str().is_some_and(looks_like_id));
            all_ids.then(|| Value::Array(items.iter().map(|_| token()).collect()))
        }
        VolatileShape::RenderedMessage => {
            Some(json!(v.as_str().map(redact_rendered).unwrap_or_default()))
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS` and what may follow it (fractions, a zone): an ISO 8601 date-time.
fn looks_like_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        range
            .into_iter()
            .all(|i| b.get(i).is_some_and(u8::is_ascii_digit))
    };
    b.len() >= 19
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && matches!(b[10], b'T' | b't' | b' ')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && s[19..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-:.".contains(c))
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
    crate::check::mask_account_ids(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec::load_default().unwrap_or_else(|e| panic!("{e}"))
    }

    fn answer(status: u16, body: &str) -> RawAnswer {
        RawAnswer {
            status,
            headers: [("content-type".to_string(), "application/json".to_string())].into(),
            body: body.into(),
        }
    }

    fn withheld_body(operation: &str, body: &Value) -> Value {
        let raw = withhold_personal(&spec(), operation, &answer(200, &body.to_string()));
        serde_json::from_str(&raw.body).unwrap_or_else(|e| panic!("{e}: {}", raw.body))
    }

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
            redact(&spec(), "SendEmail", "", &body),
            json!({"MessageId": "[message-id]", "CreatedTimestamp": "[timestamp]"})
        );
        // A message id that is not an id, or a timestamp that is text, stays visible.
        let odd = json!({"MessageId": "not an id!", "CreatedTimestamp": "yesterday"});
        assert_eq!(redact(&spec(), "SendEmail", "", &odd), odd);
    }

    #[test]
    fn a_date_time_string_timestamp_is_masked_apart_from_epoch_seconds() {
        let body = json!({"ContactLists": [{"LastUpdatedTimestamp": "2026-12-08T02:56:03.576Z"}],
            "CreatedTimestamp": "2026-12-08 02:56:03+00:00"});
        assert_eq!(
            redact(&spec(), "ListContactLists", "", &body),
            json!({"ContactLists": [{"LastUpdatedTimestamp": "[timestamp as a date-time string]"}],
                "CreatedTimestamp": "[timestamp as a date-time string]"})
        );
        // Epoch seconds, as the model says, keep the plain token.
        let seconds = json!({"CreatedTimestamp": 1765162563});
        assert_eq!(
            redact(&spec(), "GetContactList", "", &seconds),
            json!({"CreatedTimestamp": "[timestamp]"})
        );
        // Not a date-time: shown as it is.
        let odd = json!({"CreatedTimestamp": "2026-12-08"});
        assert_eq!(redact(&spec(), "GetContactList", "", &odd), odd);
    }

    #[test]
    fn what_is_masked_is_the_spec_tables_to_say() {
        let mut spec = spec();
        let body = json!({"MessageId": "0100018c-abc-000000", "SendQuota": {"MaxSendRate": 1.0}});
        let masked = json!({"MessageId": "[message-id]", "SendQuota": {"MaxSendRate": "[count]"}});
        assert_eq!(redact(&spec, "GetAccount", "", &body), masked);
        // A count is masked only in the operation its rule names.
        let elsewhere = json!({"MessageId": "[message-id]", "SendQuota": {"MaxSendRate": 1.0}});
        assert_eq!(redact(&spec, "SendEmail", "", &body), elsewhere);
        spec.volatile.shift_remove("MessageId");
        let kept =
            json!({"MessageId": "0100018c-abc-000000", "SendQuota": {"MaxSendRate": "[count]"}});
        assert_eq!(redact(&spec, "GetAccount", "", &body), kept);
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

    #[test]
    fn personal_values_keep_their_shape_and_only_documented_enum_values() {
        let body = json!({
            "SendingEnabled": true,
            "Details": {
                "MailType": "MARKETING",
                "WebsiteURL": "https://owner.example.net",
                "ContactLanguage": "KLINGON",
                "UseCaseDescription": "receipts",
                "AdditionalContactEmailAddresses": ["a@owner.example.net", "b@owner.example.net"],
                "ReviewDetails": {"Status": "GRANTED", "CaseId": "8867"},
                "Undocumented": {"Nested": ["x", 3]}
            }
        });
        assert_eq!(
            withheld_body("GetAccount", &body),
            json!({
                "SendingEnabled": true,
                "Details": {
                    "MailType": "MARKETING",
                    "WebsiteURL": PERSONAL_TOKEN,
                    "ContactLanguage": PERSONAL_TOKEN,
                    "UseCaseDescription": PERSONAL_TOKEN,
                    "AdditionalContactEmailAddresses": [PERSONAL_TOKEN, PERSONAL_TOKEN],
                    "ReviewDetails": {"Status": "GRANTED", "CaseId": PERSONAL_TOKEN},
                    "Undocumented": {"Nested": [PERSONAL_TOKEN, 3]}
                }
            })
        );
    }

    #[test]
    fn only_successful_answers_of_operations_with_personal_members_change() {
        let spec = spec();
        let error = answer(400, r#"{"message":"bad https://owner.example.net"}"#);
        assert_eq!(withhold_personal(&spec, "GetAccount", &error), error);
        let other = answer(200, r#"{"Details":{"WebsiteURL":"x"}}"#);
        assert_eq!(withhold_personal(&spec, "GetEmailTemplate", &other), other);
        let empty = answer(200, "");
        assert_eq!(withhold_personal(&spec, "GetAccount", &empty), empty);
    }

    #[test]
    fn an_unreadable_success_of_get_account_is_withheld_whole() {
        let spec = spec();
        let truncated = answer(200, r#"{"Details":{"WebsiteURL":"https://owner.exa"#);
        assert_eq!(
            withhold_personal(&spec, "GetAccount", &truncated).body,
            PERSONAL_TOKEN
        );
        let list = answer(200, r#"["https://owner.example.net"]"#);
        assert_eq!(
            withhold_personal(&spec, "GetAccount", &list).body,
            PERSONAL_TOKEN
        );
    }

    #[test]
    fn snapshots_show_personal_members_as_types_only() {
        let body = json!({
            "Details": {
                "MailType": "MARKETING",
                "AdditionalContactEmailAddresses": ["a@owner.example.net"],
                "ReviewDetails": {"Status": "GRANTED", "CaseId": "8867"}
            },
            "SendQuota": {"MaxSendRate": 1.0}
        });
        assert_eq!(
            redact_value(&spec(), "GetAccount", &body),
            json!({
                "Details": {
                    "MailType": "[string]",
                    "AdditionalContactEmailAddresses": ["[string]"],
                    "ReviewDetails": {"Status": "[string]", "CaseId": "[string]"}
                },
                "SendQuota": {"MaxSendRate": "[count]"}
            })
        );
    }

    #[test]
    fn an_unreadable_success_of_get_account_is_not_snapshotted() {
        let spec = spec();
        let settings = crate::generate::Settings {
            operations: vec!["GetAccount".into()],
            random_cases: 0,
            ..Default::default()
        };
        let Some(case) = crate::generate::generate(&spec, &settings)
            .into_iter()
            .next()
        else {
            panic!("no GetAccount case");
        };
        let truncated = Observation {
            status: Some(200),
            body_excerpt: Some(r#"{"Details":{"WebsiteURL":"https://owner.exa"#.into()),
            failure: None,
            ..Observation::failed(String::new())
        };
        assert_eq!(
            normalise(&spec, &case, &truncated)["body"],
            json!(PERSONAL_TOKEN)
        );
        let error = Observation {
            status: Some(500),
            ..truncated
        };
        assert_eq!(
            normalise(&spec, &case, &error)["body"]["non_json_body"],
            json!(r#"{"Details":{"WebsiteURL":"https://owner.exa"#)
        );
    }
}
