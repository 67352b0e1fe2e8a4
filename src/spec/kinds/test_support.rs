//! What the kinds' tests share: members written as the table writes them, the shipped table,
//! and the variants it gives one named constraint.
#![cfg(test)]

use std::sync::OnceLock;

use serde_json::Value;

use super::generation::{variants_for, Variant};
use crate::case::Kind;
use crate::spec::{named_constraints, Member, Operation, Spec};

/// A member as a spec file would write it.
pub(crate) fn member(json: Value) -> Member {
    serde_json::from_value(json).unwrap_or_else(|e| panic!("{e}"))
}

/// The shipped table.
pub(crate) fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| Spec::load_default().unwrap_or_else(|e| panic!("{e}")))
}

/// One operation of the shipped table.
pub(crate) fn op(name: &str) -> &'static Operation {
    spec()
        .operation(name)
        .unwrap_or_else(|| panic!("{name} is in the table"))
}

/// A made-up operation with these input members, routed to `uri`.
pub(crate) fn operation(uri: &str, input: Value) -> Operation {
    let op = serde_json::json!({
        "operation": "MadeUp",
        "summary": "made up for a test",
        "source": "test",
        "http": {"method": "POST", "uri": uri},
        "safety": "read",
        "input": input,
        "errors": {"types": ["BadRequestException"], "source": "test"},
    });
    serde_json::from_value(op).unwrap_or_else(|e| panic!("{e}"))
}

/// The variants of `op`'s named constraint `constraint` (`PolicyName.length`).
pub(crate) fn variants_of(op: &Operation, constraint: &str) -> Vec<Variant> {
    let c = named_constraints(spec(), op)
        .into_iter()
        .find(|c| c.name() == constraint)
        .unwrap_or_else(|| panic!("{} has no constraint {constraint}", op.operation));
    variants_for(spec(), op, &c)
}

/// The names of the variants of the shipped operation `op_name`'s constraint `constraint`.
pub(crate) fn variant_names(op_name: &str, constraint: &str) -> Vec<String> {
    names(&variants_of(op(op_name), constraint))
}

/// The names of `variants`, `+` before valid ones and `-` before invalid ones, `*` after those
/// with random instances, `(wire)` after those sent on the wire path.
pub(crate) fn names(variants: &[Variant]) -> Vec<String> {
    variants
        .iter()
        .map(|v| {
            let sign = if v.kind == Kind::Valid { '+' } else { '-' };
            let random = if v.random { "*" } else { "" };
            let wire = if v.path == crate::case::RequestPath::Wire {
                " (wire)"
            } else {
                ""
            };
            format!("{sign}{}{random}{wire}", v.name)
        })
        .collect()
}

/// A valid request of `op` with `variant` applied to it, instance `index`.
pub(crate) fn edited_request(op: &Operation, variant: &Variant, index: usize) -> Value {
    let mut ctx =
        crate::generate::Ctx::new(spec(), op, 7, crate::generate::Mode::Minimal, "tok123");
    let mut request = ctx.request();
    crate::generate::variants::apply(&mut ctx, &mut request, variant, index);
    Value::Object(request)
}

/// The request of the shipped `op_name`'s variant named `name` (`policy_name_length_at_max`).
pub(crate) fn request_of(op_name: &str, constraint: &str, name: &str, index: usize) -> Value {
    let variant = variants_of(op(op_name), constraint)
        .into_iter()
        .find(|v| v.name == name)
        .unwrap_or_else(|| panic!("{op_name} {constraint} has no variant {name}"));
    edited_request(op(op_name), &variant, index)
}
