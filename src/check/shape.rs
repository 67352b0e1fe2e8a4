//! Does a successful answer fit the documented output? Members that must be present, JSON types,
//! enum values, and documented counts. Members the documentation does not know are allowed:
//! SES adds output members over time.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::observe::Observation;
use crate::spec::kinds::promised::Promised;
use crate::spec::{Member, MemberType, Operation, Spec};

/// Every way the body of a 2xx answer departs from the documented output.
pub fn shape_issues(spec: &Spec, op: &Operation, obs: &Observation) -> Vec<String> {
    let mut issues = Vec::new();
    if let Some(excerpt) = &obs.body_excerpt {
        issues.push(format!("the body is not JSON: {excerpt:?}"));
        return issues;
    }
    match &obs.body {
        None if op.output.is_empty() => {}
        None => {
            let required: Vec<&String> = op
                .output
                .iter()
                .filter(|(_, m)| m.is_required())
                .map(|(n, _)| n)
                .collect();
            if !required.is_empty() {
                issues.push(format!(
                    "the body is empty but must hold {}",
                    join(&required)
                ));
            }
        }
        Some(Value::Object(obj)) => members(spec, &op.output, obj, "", &mut issues),
        Some(other) => issues.push(format!(
            "the body is JSON but not an object: {}",
            short(other)
        )),
    }
    issues
}

fn join(names: &[&String]) -> String {
    names
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        format!("{}...", s.chars().take(80).collect::<String>())
    } else {
        s
    }
}

fn at(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn members(
    spec: &Spec,
    members: &IndexMap<String, Member>,
    obj: &Map<String, Value>,
    path: &str,
    issues: &mut Vec<String>,
) {
    for (name, member) in members {
        let here = at(path, name);
        match obj.get(member.wire_name(name)).filter(|v| !v.is_null()) {
            None if member.is_required() => {
                issues.push(format!("{here}: documented member missing"))
            }
            None if Promised::of(member).is_some() => issues.push(format!(
                "{here}: missing, though the text promises it on success"
            )),
            None => {}
            Some(value) => self::value(spec, member, value, &here, issues),
        }
    }
}

fn value(spec: &Spec, member: &Member, value: &Value, here: &str, issues: &mut Vec<String>) {
    if !crate::spec::type_matches(member.ty, value) {
        issues.push(format!(
            "{here}: expected a {}, got {}",
            member.ty.as_str(),
            crate::spec::json_kind(value)
        ));
        return;
    }
    if let (Some(values), Some(text)) = (spec.enum_values(member), value.as_str()) {
        if !values.iter().any(|v| v == text) {
            issues.push(format!(
                "{here}: `{text}` is not one of the documented values {}",
                values.join(", ")
            ));
        }
    }
    let count = match value {
        Value::Array(items) => Some(items.len()),
        Value::Object(obj) if member.ty == MemberType::Map => Some(obj.len()),
        _ => None,
    };
    if let (Some(n), Some(max)) = (count, member.constraints.items.as_ref().and_then(|b| b.max)) {
        if n as i64 > max {
            issues.push(format!(
                "{here}: {n} entries, the documentation says at most {max}"
            ));
        }
    }
    match member.ty {
        MemberType::Structure => {
            if let (Some(shape), Some(obj)) = (spec.members_of(member), value.as_object()) {
                members(spec, &shape.members, obj, here, issues);
            }
        }
        MemberType::List => {
            if let (Some(item), Some(items)) = (member.member.as_deref(), value.as_array()) {
                for (i, v) in items.iter().enumerate() {
                    self::value(spec, item, v, &format!("{here}[{i}]"), issues);
                }
            }
        }
        MemberType::Map => {
            if let (Some(v_member), Some(obj)) = (member.value.as_deref(), value.as_object()) {
                for (k, v) in obj {
                    self::value(spec, v_member, v, &format!("{here}[{k:?}]"), issues);
                }
            }
        }
        _ => {}
    }
}
