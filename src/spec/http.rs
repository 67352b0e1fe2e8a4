//! Reading an HTTP request the way SES would: which operation a method and path name, and the
//! JSON request the route, query and body carry, read back through the spec table. The reference
//! target answers what this reads, and the gate judges what this reads of every request before it
//! leaves for real SES.

use serde_json::{Map, Value};

use crate::spec::{uri_labels, Location, MemberType, Operation, Spec};

/// An operation and the URI labels its route matched.
pub struct Routed<'s> {
    /// The operation.
    pub op: &'s Operation,
    /// Label name -> percent-decoded value (possibly empty).
    pub labels: Vec<(String, String)>,
}

/// Find the operation (of the 22 or the setup ones) for a method and path. Literal segments must
/// match exactly; label segments match anything, even nothing (an empty label is the
/// operation's own business: it is a missing required member).
pub fn route<'s>(spec: &'s Spec, method: &str, path: &str) -> Option<Routed<'s>> {
    let segments: Vec<&str> = path.split('/').collect();
    spec.operations
        .values()
        .chain(spec.setup.values())
        .filter(|op| op.http.method.as_str() == method)
        .find_map(|op| {
            let template: Vec<&str> = op.http.uri.split('/').collect();
            if template.len() != segments.len() {
                return None;
            }
            let mut labels = Vec::new();
            for (t, s) in template.iter().zip(&segments) {
                if t.starts_with('{') && t.ends_with('}') {
                    labels.push((t[1..t.len() - 1].to_string(), percent_decode(s)));
                } else if t != s {
                    return None;
                }
            }
            // A label must come from the route's own template.
            let known = uri_labels(&op.http.uri);
            labels.retain(|(name, _)| known.contains(name));
            Some(Routed { op, labels })
        })
}

/// Why a request could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The body is not JSON, or not a JSON object.
    Body(String),
}

/// Rebuild the JSON request (members by SDK name) from labels, query pairs and the body. Query
/// values are typed by the member: an integer member whose text is not an integer stays text,
/// so the validator reports its type.
pub fn parse(
    routed: &Routed<'_>,
    query: &[(String, String)],
    body: &[u8],
) -> Result<Value, ParseError> {
    let op = routed.op;
    let body_obj: Map<String, Value> = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(obj)) => obj,
            Ok(other) => {
                return Err(ParseError::Body(format!(
                    "the body must be a JSON object, got {other}"
                )))
            }
            Err(e) => return Err(ParseError::Body(format!("the body is not JSON: {e}"))),
        }
    };
    let mut out = Map::new();
    for (name, member) in &op.input {
        let wire = member.wire_name(name);
        let value = match member.location {
            Some(Location::Uri) => routed
                .labels
                .iter()
                .find(|(l, _)| l == wire)
                .filter(|(_, v)| !v.is_empty())
                .map(|(_, v)| Value::String(v.clone())),
            Some(Location::Query) => query
                .iter()
                .find(|(k, _)| k == wire)
                .map(|(_, v)| typed_query_value(member.ty, v)),
            Some(Location::Body) | None => body_obj.get(wire).cloned(),
        };
        if let Some(v) = value {
            out.insert(name.clone(), v);
        }
    }
    Ok(Value::Object(out))
}

fn typed_query_value(ty: MemberType, text: &str) -> Value {
    match ty {
        MemberType::Integer => text
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(text.to_string())),
        MemberType::Boolean => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            other => Value::String(other.to_string()),
        },
        _ => Value::String(text.to_string()),
    }
}

/// An HTTP request read back: the operation it names and its members by SDK name.
#[derive(Debug, Clone)]
pub struct Decoded<'s> {
    /// The operation the route names.
    pub op: &'s Operation,
    /// Members by SDK name, as the wire carried them.
    pub request: Value,
}

/// Why an HTTP request could not be read as an SES v2 call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// No operation has this method and path.
    #[error("no SES v2 operation for {method} {path}")]
    NoRoute {
        /// The method.
        method: String,
        /// The path.
        path: String,
    },
    /// The route names an operation, but the body cannot be read as its members.
    #[error("{operation}: {message}")]
    Body {
        /// The operation.
        operation: String,
        /// Why.
        message: String,
    },
}

/// Read a whole request: method, path with its query string, and body bytes.
pub fn decode<'s>(
    spec: &'s Spec,
    method: &str,
    path_and_query: &str,
    body: &[u8],
) -> Result<Decoded<'s>, DecodeError> {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let routed = route(spec, method, path).ok_or_else(|| DecodeError::NoRoute {
        method: method.to_string(),
        path: path.to_string(),
    })?;
    let pairs = query_pairs(query);
    let request =
        parse(&routed, &pairs, body).map_err(|ParseError::Body(message)| DecodeError::Body {
            operation: routed.op.operation.clone(),
            message,
        })?;
    Ok(Decoded {
        op: routed.op,
        request,
    })
}

/// `a=1&b=x%20y` as decoded pairs; a key without `=` has an empty value.
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Decode `%XX` escapes; invalid escapes are kept as they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::wire::serialize;
    use serde_json::json;

    fn spec() -> Spec {
        Spec::load_default().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn routes_distinguish_list_from_get_and_policies_from_identity() {
        let spec = spec();
        let routed =
            |method: &str, path: &str| route(&spec, method, path).map(|r| r.op.operation.clone());
        for (method, path, operation) in [
            ("GET", "/v2/email/templates", "ListEmailTemplates"),
            ("GET", "/v2/email/templates/x", "GetEmailTemplate"),
            ("GET", "/v2/email/templates/", "GetEmailTemplate"),
            (
                "GET",
                "/v2/email/identities/a.com/policies",
                "GetEmailIdentityPolicies",
            ),
            (
                "DELETE",
                "/v2/email/identities/a.com",
                "DeleteEmailIdentity",
            ),
        ] {
            assert_eq!(
                routed(method, path).as_deref(),
                Some(operation),
                "{method} {path}"
            );
        }
        assert_eq!(routed("PATCH", "/v2/email/templates"), None);
        assert_eq!(routed("GET", "/v2/email/nothing-here"), None);
    }

    #[test]
    fn parse_inverts_serialize() {
        let spec = spec();
        for (op, request) in [
            (
                "DeleteEmailIdentityPolicy",
                json!({"EmailIdentity": "a b/c", "PolicyName": "p_1"}),
            ),
            (
                "ListEmailTemplates",
                json!({"PageSize": 7, "NextToken": "t/1"}),
            ),
            (
                "CreateEmailTemplate",
                json!({"TemplateName": "n", "TemplateContent": {"Subject": "s"}}),
            ),
        ] {
            let op = spec.operation(op).unwrap_or_else(|| panic!("{op}"));
            let wire = serialize(op, &request, None);
            let (path, query) = wire
                .path_and_query
                .split_once('?')
                .unwrap_or((&wire.path_and_query, ""));
            let query: Vec<(String, String)> = query
                .split('&')
                .filter(|p| !p.is_empty())
                .filter_map(|p| p.split_once('='))
                .map(|(k, v)| (percent_decode(k), percent_decode(v)))
                .collect();
            let routed =
                route(&spec, wire.method, path).unwrap_or_else(|| panic!("no route for {path}"));
            assert_eq!(routed.op.operation, op.operation);
            let parsed = parse(&routed, &query, wire.body.as_deref().unwrap_or_default());
            assert_eq!(parsed, Ok(request));
        }
    }

    #[test]
    fn malformed_bodies_are_parse_errors() {
        let spec = spec();
        let routed = route(&spec, "POST", "/v2/email/templates").unwrap_or_else(|| panic!("route"));
        assert!(matches!(
            parse(&routed, &[], b"{\"TemplateName\": "),
            Err(ParseError::Body(_))
        ));
        assert!(matches!(
            parse(&routed, &[], b"[1]"),
            Err(ParseError::Body(_))
        ));
        assert_eq!(parse(&routed, &[], b""), Ok(json!({})));
    }

    #[test]
    fn percent_decoding_tolerates_bad_escapes() {
        assert_eq!(percent_decode("a%20b%2Fc"), "a b/c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
