//! The request validator: `validate(spec, operation, request)` lists every documented constraint
//! a request breaks, by name. The generator's property tests and the reference target both use it.

use base64::Engine as _;
use serde_json::{Map, Value};

use super::constraint::{constraint_name, ConstraintKind, MemberPath, Step};
use super::model::{Bounds, Member, MemberType, Operation, Shape};
use super::Spec;

/// One broken constraint.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    /// The constraint's name, e.g. `PolicyName.length`.
    pub constraint: String,
    /// Where in this request, with indices, e.g. `Tags[3].Key`.
    pub at: String,
    /// What is wrong, for people.
    pub message: String,
}

/// Which contract a request is validated against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Edition {
    /// The documented contract of the seed (the 2020 text): what cases are named after.
    #[default]
    Seed,
    /// The seed with every rule that changed since replaced by its `later` form: bounds that
    /// moved, rules that were dropped, bounds the current model added.
    Current,
}

/// Every documented constraint `request` breaks, in member order. An empty list means the request
/// is valid as far as the documentation can tell.
pub fn validate(spec: &Spec, op: &Operation, request: &Value) -> Vec<Violation> {
    validate_in(spec, op, request, Edition::Seed)
}

/// Every constraint of `edition` that `request` breaks, in member order.
pub fn validate_in(
    spec: &Spec,
    op: &Operation,
    request: &Value,
    edition: Edition,
) -> Vec<Violation> {
    let mut v = Validator {
        spec,
        edition,
        out: Vec::new(),
    };
    match request.as_object() {
        Some(obj) => v.members(&op.input, obj, &MemberPath::default(), ""),
        None => v.push(
            &MemberPath::default(),
            ConstraintKind::Type,
            "request",
            "the request must be a JSON object".into(),
        ),
    }
    v.out
}

struct Validator<'a> {
    spec: &'a Spec,
    edition: Edition,
    out: Vec<Violation>,
}

/// A member is absent when its key is missing or null: the SDK never sends null.
fn present<'v>(obj: &'v Map<String, Value>, name: &str) -> Option<&'v Value> {
    obj.get(name).filter(|v| !v.is_null())
}

fn join(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_string()
    } else {
        format!("{at}.{name}")
    }
}

impl Validator<'_> {
    /// The bounds of this edition: the seed's, or the later ones where the documentation moved.
    fn bounds(&self, b: &Bounds) -> Bounds {
        match (self.edition, &b.later) {
            (Edition::Current, Some(later)) => Bounds {
                min: later.min.or(b.min),
                max: later.max.or(b.max),
                ..b.clone()
            },
            _ => b.clone(),
        }
    }

    /// Whether `[REQUIRED]` still holds in this edition.
    fn requires(&self, member: &Member) -> bool {
        match (&member.constraints.required, self.edition) {
            (None, _) => false,
            (Some(r), Edition::Current) => !r.later.as_ref().is_some_and(|l| l.dropped),
            (Some(_), Edition::Seed) => true,
        }
    }

    fn push(&mut self, path: &MemberPath, kind: ConstraintKind, at: &str, message: String) {
        self.out.push(Violation {
            constraint: constraint_name(path, kind),
            at: if at.is_empty() {
                "request".into()
            } else {
                at.into()
            },
            message,
        });
    }

    fn members(
        &mut self,
        members: &indexmap::IndexMap<String, Member>,
        obj: &Map<String, Value>,
        path: &MemberPath,
        at: &str,
    ) {
        for (name, member) in members {
            let child = path.member(name);
            let child_at = join(at, name);
            match present(obj, name) {
                None if self.requires(member) => self.push(
                    &child,
                    ConstraintKind::Required,
                    &child_at,
                    format!("`{name}` is required"),
                ),
                None => {}
                Some(value) => self.value(member, value, &child, &child_at),
            }
        }
    }

    fn value(&mut self, member: &Member, value: &Value, path: &MemberPath, at: &str) {
        if !type_matches(member.ty, value) {
            self.push(
                path,
                ConstraintKind::Type,
                at,
                format!(
                    "expected a {}, got {}",
                    member.ty.as_str(),
                    json_kind(value)
                ),
            );
            return;
        }
        match member.ty {
            MemberType::String => self.string(member, value.as_str().unwrap_or_default(), path, at),
            MemberType::Integer => {
                self.integer(member, value.as_i64().unwrap_or_default(), path, at)
            }
            MemberType::Blob => self.blob(member, value.as_str().unwrap_or_default(), path, at),
            MemberType::List => self.list(
                member,
                value.as_array().map(Vec::as_slice).unwrap_or_default(),
                path,
                at,
            ),
            MemberType::Map => self.map(member, value.as_object(), path, at),
            MemberType::Structure => {
                if let (Some(shape), Some(obj)) = (self.spec.members_of(member), value.as_object())
                {
                    self.structure(shape, obj, path, at);
                }
            }
            MemberType::Boolean | MemberType::Double | MemberType::Timestamp => {}
        }
    }

    fn string(&mut self, member: &Member, text: &str, path: &MemberPath, at: &str) {
        let c = &member.constraints;
        if let Some(b) = &c.length {
            let n = text.chars().count() as i64;
            if let Some(msg) = out_of_bounds(&self.bounds(b), n, "characters") {
                self.push(path, ConstraintKind::Length, at, msg);
            }
        }
        if let Some(b) = &c.bytes {
            if let Some(msg) = out_of_bounds(&self.bounds(b), text.len() as i64, "bytes") {
                self.push(path, ConstraintKind::Bytes, at, msg);
            }
        }
        if let Some(rule) = &c.charset {
            if let Some(bad) = rule.first_forbidden(text) {
                self.push(
                    path,
                    ConstraintKind::Charset,
                    at,
                    format!("character {bad:?} (U+{:04X}) is not allowed", bad as u32),
                );
            }
        }
        if let Some(values) = self.spec.enum_values(member) {
            if !values.iter().any(|v| v == text) {
                self.push(
                    path,
                    ConstraintKind::Enum,
                    at,
                    format!("`{text}` is not one of {}", values.join(", ")),
                );
            }
        }
        if let Some(rule) = &c.reserved_prefix {
            let starts = if rule.ignore_case {
                text.len() >= rule.prefix.len()
                    && text.is_char_boundary(rule.prefix.len())
                    && text[..rule.prefix.len()].eq_ignore_ascii_case(&rule.prefix)
            } else {
                text.starts_with(&rule.prefix)
            };
            if starts {
                self.push(
                    path,
                    ConstraintKind::ReservedPrefix,
                    at,
                    format!("the prefix `{}` is reserved", rule.prefix),
                );
            }
        }
        if let Some(rule) = &c.json {
            match serde_json::from_str::<Value>(text) {
                Err(e) => self.push(
                    path,
                    ConstraintKind::Json,
                    at,
                    format!("not JSON text: {e}"),
                ),
                Ok(v) if rule.object && !v.is_object() => self.push(
                    path,
                    ConstraintKind::Json,
                    at,
                    format!("JSON text must be an object, got {}", json_kind(&v)),
                ),
                Ok(_) => {}
            }
        }
        if c.ascii_local_part.is_some() || c.punycode_domain.is_some() {
            if let Some((local, domain)) = text.rsplit_once('@') {
                if c.ascii_local_part.is_some() && !local.is_ascii() {
                    self.push(
                        path,
                        ConstraintKind::AsciiLocalPart,
                        at,
                        "the local part of the address must be 7-bit ASCII".into(),
                    );
                }
                if c.punycode_domain.is_some() && !domain.is_ascii() {
                    self.push(
                        path,
                        ConstraintKind::PunycodeDomain,
                        at,
                        "a non-ASCII domain must be written in Punycode".into(),
                    );
                }
            }
        }
    }

    fn integer(&mut self, member: &Member, n: i64, path: &MemberPath, at: &str) {
        if let Some(b) = &member.constraints.range {
            if let Some(msg) = out_of_bounds(&self.bounds(b), n, "") {
                self.push(path, ConstraintKind::Range, at, msg);
            }
        }
    }

    fn blob(&mut self, member: &Member, text: &str, path: &MemberPath, at: &str) {
        let c = &member.constraints;
        let decoded = match base64::engine::general_purpose::STANDARD.decode(text) {
            Ok(bytes) => bytes,
            Err(e) => {
                if c.base64.is_some() {
                    self.push(path, ConstraintKind::Base64, at, format!("not base64: {e}"));
                }
                return;
            }
        };
        let message = String::from_utf8_lossy(&decoded);
        if c.mime_blank_line.is_some() && !has_header_and_body(&message) {
            self.push(
                path,
                ConstraintKind::MimeBlankLine,
                at,
                "the message needs a header and a body separated by a blank line".into(),
            );
        }
        if let Some(b) = &c.mime_line_length {
            let longest = longest_line(&message) as i64;
            let b = self.bounds(b);
            if let Some(msg) = out_of_bounds(&b, longest, "characters in its longest line") {
                self.push(path, ConstraintKind::MimeLineLength, at, msg);
            }
        }
    }

    fn list(&mut self, member: &Member, items: &[Value], path: &MemberPath, at: &str) {
        let c = &member.constraints;
        if let Some(b) = &c.items {
            if let Some(msg) = out_of_bounds(&self.bounds(b), items.len() as i64, "items") {
                self.push(path, ConstraintKind::Items, at, msg);
            }
        }
        if let Some(rule) = &c.unique {
            let mut seen = std::collections::HashSet::new();
            for item in items {
                if let Some(key) = item.get(&rule.field).filter(|v| !v.is_null()) {
                    if !seen.insert(key.to_string()) {
                        self.push(
                            path,
                            ConstraintKind::Unique,
                            at,
                            format!("`{}` {key} appears more than once", rule.field),
                        );
                        break;
                    }
                }
            }
        }
        if let Some(item_member) = &member.member {
            let item_path = path.child(Step::Item);
            for (i, item) in items.iter().enumerate() {
                self.value(item_member, item, &item_path, &format!("{at}[{i}]"));
            }
        }
    }

    fn map(
        &mut self,
        member: &Member,
        obj: Option<&Map<String, Value>>,
        path: &MemberPath,
        at: &str,
    ) {
        let Some(obj) = obj else { return };
        if let Some(b) = &member.constraints.items {
            if let Some(msg) = out_of_bounds(&self.bounds(b), obj.len() as i64, "entries") {
                self.push(path, ConstraintKind::Items, at, msg);
            }
        }
        for (k, v) in obj {
            if let Some(key_member) = &member.key {
                self.value(
                    key_member,
                    &Value::String(k.clone()),
                    &path.child(Step::Key),
                    &format!("{at}{{{k}}}"),
                );
            }
            if let Some(value_member) = &member.value {
                self.value(
                    value_member,
                    v,
                    &path.child(Step::Value),
                    &format!("{at}[{k:?}]"),
                );
            }
        }
    }

    fn structure(&mut self, shape: &Shape, obj: &Map<String, Value>, path: &MemberPath, at: &str) {
        let rules = &shape.rules;
        if let Some(set) = &rules.exactly_one_of {
            let n = set
                .members
                .iter()
                .filter(|m| present(obj, m).is_some())
                .count();
            if n != 1 {
                self.push(
                    path,
                    ConstraintKind::ExactlyOneOf,
                    at,
                    format!(
                        "exactly one of {} must be given, got {n}",
                        set.members.join(", ")
                    ),
                );
            }
        }
        if let Some(set) = &rules.at_least_one_of {
            if !set.members.iter().any(|m| present(obj, m).is_some()) {
                self.push(
                    path,
                    ConstraintKind::AtLeastOneOf,
                    at,
                    format!("at least one of {} must be given", set.members.join(", ")),
                );
            }
        }
        if let Some(rule) = &rules.ascii_or_charset {
            let non_ascii = present(obj, &rule.data)
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_ascii());
            if non_ascii && present(obj, &rule.charset).is_none() {
                self.push(
                    path,
                    ConstraintKind::AsciiOrCharset,
                    at,
                    format!(
                        "`{}` is not 7-bit ASCII but no `{}` is given",
                        rule.data, rule.charset
                    ),
                );
            }
        }
        self.members(&shape.members, obj, path, at);
    }
}

/// Whether a JSON value has the wire type of a member type.
pub fn type_matches(ty: MemberType, value: &Value) -> bool {
    match ty {
        MemberType::String | MemberType::Blob => value.is_string(),
        MemberType::Integer => value.is_i64() || value.is_u64(),
        MemberType::Boolean => value.is_boolean(),
        MemberType::Double | MemberType::Timestamp => value.is_number(),
        MemberType::List => value.is_array(),
        MemberType::Map | MemberType::Structure => value.is_object(),
    }
}

/// A word for the JSON type of a value, for messages.
pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn out_of_bounds(b: &Bounds, n: i64, unit: &str) -> Option<String> {
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    if let Some(min) = b.min {
        if n < min {
            return Some(format!("{n}{unit} is below the minimum {min}"));
        }
    }
    if let Some(max) = b.max {
        if n > max {
            return Some(format!("{n}{unit} is above the maximum {max}"));
        }
    }
    None
}

/// A header block, then a blank line, then a body (which may be empty).
fn has_header_and_body(message: &str) -> bool {
    let split = message.find("\r\n\r\n").or_else(|| message.find("\n\n"));
    matches!(split, Some(i) if i > 0)
}

fn longest_line(message: &str) -> usize {
    message
        .split('\n')
        .map(|line| line.trim_end_matches('\r').chars().count())
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_body_need_a_blank_line_after_a_header() {
        assert!(has_header_and_body("Subject: x\r\n\r\nbody"));
        assert!(has_header_and_body("Subject: x\n\nbody"));
        assert!(!has_header_and_body("Subject: x\r\nbody"));
        assert!(!has_header_and_body("\r\n\r\nbody"));
    }

    #[test]
    fn longest_line_ignores_line_terminators() {
        assert_eq!(longest_line("ab\r\nabcd\r\n"), 4);
    }

    #[test]
    fn integer_type_rejects_floats_and_strings() {
        assert!(type_matches(MemberType::Integer, &serde_json::json!(3)));
        assert!(!type_matches(MemberType::Integer, &serde_json::json!(3.5)));
        assert!(!type_matches(MemberType::Integer, &serde_json::json!("3")));
    }
}
