//! Reading a request the way real SES might, strictly: the gate judges what SES would act on, so
//! anything two parsers could read differently is refused rather than guessed at. A body with a
//! key twice (one parser keeps the first, another the last), a key the spec does not know (SES
//! may honour members the 2020 text lacks, such as message headers), trailing bytes after the
//! JSON, a byte-order mark: all refused. A body no JSON parser can read at all is kept apart:
//! SES cannot act on it, but the route and the query still name what the request is about.

use std::collections::BTreeSet;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::Refusal;
use crate::spec::http::{parse, query_pairs, route};
use crate::spec::{Location, Member, MemberType, Operation, Spec};

/// A request as the gate reads it.
#[derive(Debug, Clone)]
pub enum Read<'s> {
    /// The request, every member where SES would find it.
    Request {
        /// The operation.
        op: &'s Operation,
        /// Members by SDK name.
        request: Value,
    },
    /// A body no JSON parser can read: SES cannot act on it. The members the route and the
    /// query carry, which still name what the request is about.
    UnreadableBody {
        /// The operation.
        op: &'s Operation,
        /// Members from the route and the query.
        request: Value,
    },
}

/// Read a request strictly, or refuse it.
pub fn read_strictly<'s>(
    spec: &'s Spec,
    method: &str,
    path_and_query: &str,
    body: &[u8],
) -> Result<Read<'s>, Refusal> {
    let unreadable = |detail: String| Refusal::Unreadable { detail };
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let routed = route(spec, method, path)
        .ok_or_else(|| unreadable(format!("no SES v2 operation for {method} {path}")))?;
    let op = routed.op;
    let pairs = query_pairs(query);
    let mut seen = BTreeSet::new();
    if let Some((k, _)) = pairs
        .iter()
        .find(|(k, _)| !seen.insert(k.to_ascii_lowercase()))
    {
        return Err(unreadable(format!(
            "{}: the query names {k} twice",
            op.operation
        )));
    }
    let takes_body = op
        .input
        .values()
        .any(|m| m.location == Some(Location::Body));
    let blank = body.iter().all(u8::is_ascii_whitespace);
    if !takes_body && !blank {
        return Err(unreadable(format!(
            "{} takes no body, but one is sent",
            op.operation
        )));
    }
    if !blank {
        match serde_json::from_slice::<Checked>(body) {
            Ok(Checked(Value::Object(obj))) => unknown_members(spec, op, &obj)
                .map_or(Ok(()), |at| {
                    Err(unreadable(format!(
                        "{}: the body holds {at}, which the spec does not know: what SES would do with it cannot be told",
                        op.operation
                    )))
                })?,
            Ok(Checked(other)) => {
                return Err(unreadable(format!(
                    "{}: the body is JSON but not an object ({other})",
                    op.operation
                )))
            }
            Err(e) if e.to_string().starts_with(DUPLICATE) => {
                return Err(unreadable(format!("{}: {e}", op.operation)))
            }
            Err(e) => {
                if a_lenient_parser_reads(body) {
                    return Err(unreadable(format!(
                        "{}: the body is not strict JSON ({e}), but a lenient parser reads a value from it",
                        op.operation
                    )));
                }
                let request = parse(&routed, &pairs, b"").unwrap_or(Value::Null);
                return Ok(Read::UnreadableBody { op, request });
            }
        }
    }
    let request =
        parse(&routed, &pairs, body).map_err(|e| unreadable(format!("{}: {e:?}", op.operation)))?;
    Ok(Read::Request { op, request })
}

/// Whether a lenient JSON parser (one that skips a byte-order mark and ignores what follows the
/// first value) reads anything from the body.
fn a_lenient_parser_reads(body: &[u8]) -> bool {
    let trimmed = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    serde_json::Deserializer::from_slice(trimmed)
        .into_iter::<Value>()
        .next()
        .is_some_and(|first| first.is_ok())
}

/// The first key of the body the spec does not know, as a path, if there is one.
fn unknown_members(spec: &Spec, op: &Operation, body: &Map<String, Value>) -> Option<String> {
    for (key, value) in body {
        let member = op
            .input
            .iter()
            .find(|(name, m)| m.location == Some(Location::Body) && m.wire_name(name) == key);
        match member {
            None => return Some(key.clone()),
            Some((_, m)) => {
                if let Some(at) = unknown_within(spec, m, value, key) {
                    return Some(at);
                }
            }
        }
    }
    None
}

fn unknown_within(spec: &Spec, member: &Member, value: &Value, at: &str) -> Option<String> {
    match (member.ty, value) {
        (MemberType::Structure, Value::Object(obj)) => {
            let shape = spec.members_of(member)?;
            obj.iter().find_map(|(k, v)| match shape.members.get(k) {
                None => Some(format!("{at}.{k}")),
                Some(m) => unknown_within(spec, m, v, &format!("{at}.{k}")),
            })
        }
        (MemberType::List, Value::Array(items)) => {
            let item = member.member.as_deref()?;
            items
                .iter()
                .enumerate()
                .find_map(|(i, v)| unknown_within(spec, item, v, &format!("{at}[{i}]")))
        }
        (MemberType::Map, Value::Object(obj)) => {
            let value_member = member.value.as_deref()?;
            obj.iter()
                .find_map(|(k, v)| unknown_within(spec, value_member, v, &format!("{at}[{k:?}]")))
        }
        _ => None,
    }
}

const DUPLICATE: &str = "duplicate key";

/// A JSON value read with every object checked for a key given twice (case-insensitively: SES's
/// members differ in more than case).
struct Checked(Value);

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CheckedVisitor).map(Checked)
    }
}

struct CheckedVisitor;

impl<'de> Visitor<'de> for CheckedVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Checked(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        let mut seen = BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.to_lowercase()) {
                return Err(de::Error::custom(format!("{DUPLICATE} {key:?}")));
            }
            let Checked(value) = map.next_value()?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec::load_default().unwrap_or_else(|e| panic!("{e}"))
    }

    fn read(method: &str, path: &str, body: &str) -> Result<&'static str, Refusal> {
        let spec = spec();
        read_strictly(&spec, method, path, body.as_bytes()).map(|r| match r {
            Read::Request { .. } => "request",
            Read::UnreadableBody { .. } => "unreadable body",
        })
    }

    #[test]
    fn a_plain_request_is_read() {
        assert_eq!(
            read(
                "POST",
                "/v2/email/templates",
                r#"{"TemplateName":"t","TemplateContent":{"Subject":"s"}}"#
            ),
            Ok("request")
        );
    }

    #[test]
    fn what_two_parsers_could_read_differently_is_refused() {
        for body in [
            r#"{"TemplateName":"victim","TemplateName":"scabcdef70wxyz-x"}"#,
            r#"{"TemplateName":"t","templatename":"u"}"#,
            r#"{"TemplateName":"t","TemplateContent":{"Subject":"a","Subject":"b"}}"#,
            r#"{"TemplateName":"t"} x"#,
            "\u{feff}{\"TemplateName\":\"t\"}",
            r#"{"TemplateName":"t","Unknown":1}"#,
            r#"{"TemplateName":"t","TemplateContent":{"Headers":[]}}"#,
            r#"["not","an object"]"#,
        ] {
            assert!(read("POST", "/v2/email/templates", body).is_err(), "{body}");
        }
        assert!(read("GET", "/v2/email/templates?PageSize=1&PageSize=2", "").is_err());
        assert!(
            read("DELETE", "/v2/email/templates/t", "{").is_err(),
            "a body on a bodiless operation"
        );
        assert!(read("GET", "/v2/email/nowhere", "").is_err());
    }

    #[test]
    fn a_body_no_parser_reads_is_apart_and_keeps_its_route() {
        let spec = spec();
        let read = read_strictly(
            &spec,
            "POST",
            "/v2/email/identities/example.org/policies/userpolicy",
            b"{\"Policy\": ",
        );
        match read {
            Ok(Read::UnreadableBody { op, request }) => {
                assert_eq!(op.operation, "CreateEmailIdentityPolicy");
                assert_eq!(
                    request["PolicyName"], "userpolicy",
                    "the route still names it"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
