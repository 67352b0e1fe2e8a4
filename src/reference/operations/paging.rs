//! Paging of list operations: a page of sorted names after a NextToken, and the next token.

use serde_json::{json, Map, Value};

use crate::reference::error::ApiError;

/// One page of `names` (sorted) after the request's NextToken, and the token of the next page.
pub(super) fn page(
    names: &[String],
    request: &Map<String, Value>,
    default_size: usize,
) -> Result<(Vec<String>, Option<String>), ApiError> {
    let size = request
        .get("PageSize")
        .and_then(Value::as_u64)
        .map(|n| n as usize)
        .unwrap_or(default_size);
    let start = match request.get("NextToken").and_then(Value::as_str) {
        None => 0,
        Some(token) => {
            let after =
                decode_token(token).ok_or_else(|| ApiError::bad_request("Invalid NextToken."))?;
            names
                .iter()
                .position(|n| n.as_str() > after.as_str())
                .unwrap_or(names.len())
        }
    };
    let page: Vec<String> = names.iter().skip(start).take(size).cloned().collect();
    let next = (start + page.len() < names.len())
        .then(|| page.last().map(|last| encode_token(last)))
        .flatten();
    Ok((page, next))
}

pub(super) fn with_next_token(mut body: Value, next: Option<String>) -> Value {
    if let (Some(token), Some(obj)) = (next, body.as_object_mut()) {
        obj.insert("NextToken".into(), json!(token));
    }
    body
}

fn encode_token(last: &str) -> String {
    last.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_token(token: &str) -> Option<String> {
    if token.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| {
            token
                .get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    String::from_utf8(bytes?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::faults::Faults;
    use crate::reference::state::State;

    fn req(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn pages_follow_next_tokens_to_the_end() {
        let spec = std::sync::Arc::new(
            crate::spec::Spec::load_default().unwrap_or_else(|e| panic!("{e}")),
        );
        let mut s = State::new(spec, Faults::default());
        for n in ["a", "b", "c"] {
            assert!(s
                .handle(
                    "CreateEmailTemplate",
                    &req(json!({"TemplateName": n, "TemplateContent": {}}))
                )
                .is_ok());
        }
        let first = s
            .handle("ListEmailTemplates", &req(json!({"PageSize": 2})))
            .unwrap_or_default();
        assert_eq!(first["TemplatesMetadata"].as_array().map(Vec::len), Some(2));
        let token = first["NextToken"].as_str().unwrap_or_default().to_string();
        let second = s
            .handle(
                "ListEmailTemplates",
                &req(json!({"PageSize": 2, "NextToken": token})),
            )
            .unwrap_or_default();
        assert_eq!(second["TemplatesMetadata"][0]["TemplateName"], "c");
        assert!(second.get("NextToken").is_none());
        let bad = s.handle("ListEmailTemplates", &req(json!({"NextToken": "zz"})));
        assert_eq!(
            bad.map_err(|e| e.error_type),
            Err("BadRequestException".to_string())
        );
    }
}
