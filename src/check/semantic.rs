//! Semantic checks of single answers: what a user of the SDK relies on beyond the documented
//! shape. The exact success status, an error body the protocol can read, bulk entry results
//! that agree with their own Status, and a rendered template that was really rendered.

use serde_json::Value;

use super::observe::Observation;
use super::verdict::DivergenceClass;
use crate::case::Case;
use crate::spec::{ItemResults, Operation};

/// The success status of every SES v2 operation: the model gives each of the 22 `@http(code:
/// 200)`, and the SDK treats any other 2xx as a success without saying so.
pub const DOCUMENTED_SUCCESS_STATUS: u16 = 200;

/// A 2xx answer whose status is not the documented one.
pub fn success_status_problem(op: &Operation, obs: &Observation) -> Option<String> {
    let status = obs.status?;
    ((200..300).contains(&status) && status != DOCUMENTED_SUCCESS_STATUS).then(|| {
        format!(
            "{} answered HTTP {status}, the documented success status is {DOCUMENTED_SUCCESS_STATUS}",
            op.operation
        )
    })
}

/// The semantic checks of a success answer to a case, in order: the status, the item results,
/// the rendering. The first problem found, with its class.
pub fn success_problem(
    op: &Operation,
    case: &Case,
    obs: &Observation,
) -> Option<(DivergenceClass, String)> {
    if let Some(problem) = success_status_problem(op, obs) {
        return Some((DivergenceClass::WrongStatus, problem));
    }
    let body = obs.body.as_ref()?;
    let items = op
        .input
        .iter()
        .find_map(|(name, m)| m.item_results.as_ref().map(|rule| (name, rule)));
    if let Some((list, rule)) = items {
        if let Some(problem) = item_results_problem(rule, list, &case.request, body) {
            return Some((DivergenceClass::ResponseShape, problem));
        }
    }
    let rendered = body.get("RenderedTemplate").and_then(Value::as_str);
    let data = case.request.get("TemplateData").and_then(Value::as_str);
    if let (Some(rendered), Some(data)) = (rendered, data) {
        if let Some(problem) = case_render_problem(case, rendered, data) {
            return Some((DivergenceClass::Behaviour, problem));
        }
    }
    None
}

/// A rendering that left a supplied tag in place, or lacks a supplied value whose tag the
/// case's stored template (its fixture) holds.
fn case_render_problem(case: &Case, rendered: &str, data: &str) -> Option<String> {
    let supplied = supplied_values(data);
    let pairs: Vec<(&str, &str)> = supplied
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    if let Some(problem) = render_problem(rendered, &pairs) {
        return Some(problem);
    }
    let template_texts: Vec<String> = case
        .fixtures
        .iter()
        .filter_map(|f| f.create.request.get("TemplateContent"))
        .filter_map(Value::as_object)
        .flat_map(|content| {
            content
                .values()
                .filter_map(Value::as_str)
                .map(str::to_string)
        })
        .collect();
    pairs.iter().find_map(|(tag, value)| {
        let used = template_texts.iter().any(|t| has_tag(t, tag));
        (used && !rendered_contains(rendered, value)).then(|| {
            format!("RenderedTemplate lacks the supplied value of {{{{{tag}}}}}, {value:?}")
        })
    })
}

/// An error answer whose body is not a JSON object. restJson1 errors carry a JSON object (the
/// SDK reads `message` and, without the header, `__type` or `code` from it); an HTML page or
/// plain text is a malformed error even when `x-amzn-ErrorType` names the type.
pub fn error_body_problem(obs: &Observation) -> Option<String> {
    let status = obs.status?;
    if (200..300).contains(&status) {
        return None;
    }
    match (&obs.body, &obs.body_excerpt) {
        (Some(Value::Object(_)), _) => None,
        (Some(other), _) => Some(format!(
            "HTTP {status} error body is JSON but not an object: {}",
            crate::spec::json_kind(other)
        )),
        (None, Some(excerpt)) => Some(format!(
            "HTTP {status} error body is not JSON ({}): {excerpt:?}",
            obs.content_type.as_deref().unwrap_or("no content type")
        )),
        (None, None) => Some(format!("HTTP {status} error with an empty body")),
    }
}

/// Item results (SendBulkEmail's BulkEmailEntryResults) that contradict their own Status, or
/// do not answer the request's entries one for one.
pub fn item_results_problem(
    rule: &ItemResults,
    list: &str,
    request: &Value,
    body: &Value,
) -> Option<String> {
    let results = body.get(&rule.output)?.as_array()?;
    let asked = request.get(list).and_then(Value::as_array).map(Vec::len);
    if let Some(asked) = asked {
        if results.len() != asked {
            return Some(format!(
                "{}: {} results for {asked} entries of {list}",
                rule.output,
                results.len()
            ));
        }
    }
    results.iter().enumerate().find_map(|(i, result)| {
        let status = result.get(&rule.status).and_then(Value::as_str);
        let id = result.get(&rule.id).filter(|v| !v.is_null());
        let here = format!("{}[{i}]", rule.output);
        match (status, id) {
            (None, _) => Some(format!("{here}: no {}", rule.status)),
            (Some(s), None) if s == rule.success => {
                Some(format!("{here}: {} {s} without a {}", rule.status, rule.id))
            }
            (Some(s), Some(id)) if s == rule.success && id.as_str().is_none_or(str::is_empty) => {
                Some(format!(
                    "{here}: {} {s} with an empty {}",
                    rule.status, rule.id
                ))
            }
            (Some(s), Some(_)) if s != rule.success => Some(format!(
                "{here}: {} {s} (not {}) yet a {}",
                rule.status, rule.success, rule.id
            )),
            _ => None,
        }
    })
}

/// A rendered template that still holds a tag for a value that was supplied. `supplied` pairs a
/// tag name with its value.
pub fn render_problem(rendered: &str, supplied: &[(&str, &str)]) -> Option<String> {
    let texts = rendered_texts(rendered);
    supplied.iter().find_map(|(tag, _)| {
        let unreplaced = texts.iter().any(|t| has_tag(t, tag));
        unreplaced.then(|| {
            format!("RenderedTemplate still holds {{{{{tag}}}}}, whose value was supplied")
        })
    })
}

/// Whether `{{tag}}` (spaces inside the braces allowed) occurs in `text`.
fn has_tag(text: &str, tag: &str) -> bool {
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        if let Some(end) = after.find("}}") {
            if after[..end].trim() == tag {
                return true;
            }
        }
        rest = after;
    }
    false
}

/// Whether the rendered message holds `text`, in its raw form or in any decoded part (a
/// renderer may encode parts quoted-printable or base64, and the subject as an encoded word).
pub fn rendered_contains(rendered: &str, text: &str) -> bool {
    rendered_texts(rendered).iter().any(|t| t.contains(text))
}

/// The raw message, its decoded headers and every decoded body part.
fn rendered_texts(rendered: &str) -> Vec<String> {
    let mut texts = vec![rendered.to_string()];
    if let Ok(mail) = mailparse::parse_mail(rendered.as_bytes()) {
        collect_parts(&mail, &mut texts);
    }
    texts
}

fn collect_parts(part: &mailparse::ParsedMail<'_>, texts: &mut Vec<String>) {
    for header in &part.headers {
        texts.push(header.get_value());
    }
    if part.subparts.is_empty() {
        if let Ok(body) = part.get_body() {
            texts.push(body);
        }
    }
    for sub in &part.subparts {
        collect_parts(sub, texts);
    }
}

/// The values a TemplateData JSON object supplies for tags, as (tag, text) pairs: strings as
/// they are, numbers and booleans as JSON text. Nested values are left out (their rendering is
/// not documented).
pub fn supplied_values(template_data: &str) -> Vec<(String, String)> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(template_data) else {
        return Vec::new();
    };
    map.into_iter()
        .filter_map(|(k, v)| match v {
            Value::String(s) => Some((k, s)),
            Value::Number(_) | Value::Bool(_) => Some((k, v.to_string())),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answered(status: u16, body: Option<Value>, excerpt: Option<&str>) -> Observation {
        Observation {
            status: Some(status),
            body,
            body_excerpt: excerpt.map(str::to_string),
            content_type: Some("text/html".into()),
            error_type: Some("NotFoundException".into()),
            ..Observation::failed(String::new())
        }
        .with_no_failure()
    }

    impl Observation {
        fn with_no_failure(mut self) -> Observation {
            self.failure = None;
            self
        }
    }

    #[test]
    fn an_html_error_page_is_malformed_even_with_the_type_header() {
        let obs = answered(404, None, Some("<html>Not Found</html>"));
        assert!(error_body_problem(&obs).unwrap().contains("not JSON"));
        let obs = answered(404, Some(json!({"message": "gone"})), None);
        assert_eq!(error_body_problem(&obs), None);
        let obs = answered(400, Some(json!(["x"])), None);
        assert!(error_body_problem(&obs).is_some());
        let obs = answered(400, None, None);
        assert!(error_body_problem(&obs).unwrap().contains("empty"));
    }

    fn bulk_rule() -> ItemResults {
        ItemResults {
            output: "BulkEmailEntryResults".into(),
            status: "Status".into(),
            id: "MessageId".into(),
            success: "SUCCESS".into(),
            source: String::new(),
        }
    }

    #[test]
    fn a_success_entry_needs_a_message_id_and_a_failed_one_has_none() {
        let request = json!({"BulkEmailEntries": [{}, {}]});
        let good = json!({"BulkEmailEntryResults": [
            {"Status": "SUCCESS", "MessageId": "m1"},
            {"Status": "INVALID_PARAMETER", "Error": "bad"},
        ]});
        assert_eq!(
            item_results_problem(&bulk_rule(), "BulkEmailEntries", &request, &good),
            None
        );
        let no_id = json!({"BulkEmailEntryResults": [{"Status": "SUCCESS"}, {"Status": "SUCCESS", "MessageId": "m"}]});
        assert!(item_results_problem(&bulk_rule(), "BulkEmailEntries", &request, &no_id).is_some());
        let id_on_failure = json!({"BulkEmailEntryResults": [
            {"Status": "SUCCESS", "MessageId": "m1"},
            {"Status": "FAILED", "MessageId": "m2"},
        ]});
        assert!(
            item_results_problem(&bulk_rule(), "BulkEmailEntries", &request, &id_on_failure)
                .is_some()
        );
        let short = json!({"BulkEmailEntryResults": [{"Status": "SUCCESS", "MessageId": "m1"}]});
        assert!(
            item_results_problem(&bulk_rule(), "BulkEmailEntries", &request, &short)
                .unwrap()
                .contains("1 results for 2")
        );
    }

    #[test]
    fn an_unreplaced_supplied_tag_is_found_in_any_part() {
        let rendered = "Subject: Hi {{name}}\r\nContent-Type: text/plain\r\n\r\nbody\r\n";
        assert!(render_problem(rendered, &[("name", "Ana")]).is_some());
        assert!(render_problem(rendered, &[("code", "1")]).is_none());
        assert!(has_tag("a {{ name }} b", "name"));
        assert!(!has_tag("a {{names}} b", "name"));
    }

    #[test]
    fn rendered_text_is_found_through_quoted_printable() {
        let rendered = "Subject: x\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nHello Nadia1x, variant 2, code=\r\n K1Q9.\r\n";
        assert!(rendered_contains(
            rendered,
            "Hello Nadia1x, variant 2, code K1Q9."
        ));
    }
}
