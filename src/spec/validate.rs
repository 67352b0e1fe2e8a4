//! The request validator: `validate(spec, operation, request)` lists every documented constraint
//! a request breaks, by name. The generator's property tests and the reference target both use it.
//!
//! This module walks the request; what breaks each kind is the kind's own
//! ([`KindDef`](super::kinds::KindDef), in its module under `spec/kinds/`).

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::constraint::{constraint_name, MemberPath, PathStep};
use super::kinds::{self, ConstraintKind};
use super::model::{Member, MemberType, Operation, Shape};
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

/// Every constraint of `edition` that `request` breaks, in member order and, on each member, in
/// the order of the registry.
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
    let root = MemberPath::default();
    for kind in kinds::all() {
        if let Some(message) = kind.def().check_request(request) {
            v.push(&root, kind, "request", message);
            return v.out;
        }
    }
    if let Some(obj) = request.as_object() {
        v.members(&op.input, obj, &root, "");
    }
    v.out
}

struct Validator<'a> {
    spec: &'a Spec,
    edition: Edition,
    out: Vec<Violation>,
}

/// A member is absent when its key is missing or null: the SDK never sends null.
pub fn present<'v>(obj: &'v Map<String, Value>, name: &str) -> Option<&'v Value> {
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
        members: &IndexMap<String, Member>,
        obj: &Map<String, Value>,
        path: &MemberPath,
        at: &str,
    ) {
        for (name, member) in members {
            let child = path.member(name);
            let child_at = join(at, name);
            match present(obj, name) {
                None => {
                    for kind in kinds::all() {
                        let absent = kind.def().check_absent(self.edition, name, member);
                        if let Some(message) = absent {
                            self.push(&child, kind, &child_at, message);
                        }
                    }
                }
                Some(value) => self.value(member, value, &child, &child_at),
            }
        }
    }

    fn value(&mut self, member: &Member, value: &Value, path: &MemberPath, at: &str) {
        for kind in kinds::all() {
            if let Some(message) = kind.def().check_readable(member, value) {
                // A value that cannot be read is checked no further.
                self.push(path, kind, at, message);
                return;
            }
        }
        for kind in kinds::all().filter(|k| k.applies_to(member.ty)) {
            let broken = kind
                .def()
                .check_value(self.spec, self.edition, member, value);
            if let Some(message) = broken {
                self.push(path, kind, at, message);
            }
        }
        match (member.ty, value) {
            (MemberType::List, Value::Array(items)) => {
                if let Some(item_member) = &member.member {
                    let item_path = path.child(PathStep::Item);
                    for (i, item) in items.iter().enumerate() {
                        self.value(item_member, item, &item_path, &format!("{at}[{i}]"));
                    }
                }
            }
            (MemberType::Map, Value::Object(obj)) => self.map(member, obj, path, at),
            (MemberType::Structure, Value::Object(obj)) => {
                if let Some(shape) = self.spec.members_of(member) {
                    self.structure(shape, obj, path, at);
                }
            }
            _ => {}
        }
    }

    fn map(&mut self, member: &Member, obj: &Map<String, Value>, path: &MemberPath, at: &str) {
        for (k, v) in obj {
            if let Some(key_member) = &member.key {
                self.value(
                    key_member,
                    &Value::String(k.clone()),
                    &path.child(PathStep::Key),
                    &format!("{at}{{{k}}}"),
                );
            }
            if let Some(value_member) = &member.value {
                self.value(
                    value_member,
                    v,
                    &path.child(PathStep::Value),
                    &format!("{at}[{k:?}]"),
                );
            }
        }
    }

    fn structure(&mut self, shape: &Shape, obj: &Map<String, Value>, path: &MemberPath, at: &str) {
        for kind in kinds::all() {
            if let Some(message) = kind.def().check_members(shape, obj) {
                self.push(path, kind, at, message);
            }
        }
        self.members(&shape.members, obj, path, at);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec::load_default().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn violations_come_in_member_order_and_registry_order() {
        let spec = spec();
        let Some(op) = spec.operation("CreateEmailIdentityPolicy") else {
            panic!("CreateEmailIdentityPolicy is in the table");
        };
        let request = serde_json::json!({
            "EmailIdentity": "example.com",
            "PolicyName": format!("{} {}", "p".repeat(64), "x"),
        });
        let names: Vec<String> = validate(&spec, op, &request)
            .into_iter()
            .map(|v| v.constraint)
            .collect();
        assert_eq!(
            names,
            ["PolicyName.length", "PolicyName.charset", "Policy.required"]
        );
    }

    #[test]
    fn a_value_of_the_wrong_type_is_checked_no_further() {
        let spec = spec();
        let Some(op) = spec.operation("ListEmailTemplates") else {
            panic!("ListEmailTemplates is in the table");
        };
        let broken = validate(&spec, op, &serde_json::json!({"PageSize": "ten"}));
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert_eq!(broken[0].constraint, "PageSize.type");
        assert_eq!(broken[0].message, "expected a integer, got a string");
    }
}
