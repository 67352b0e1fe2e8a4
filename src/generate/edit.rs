//! Editing one member of a valid request, wherever it sits: the path is walked from the root,
//! missing containers are created with valid values, and the leaf is handed to an edit.
//!
//! Entering a member of an `exactly_one_of` group drops its siblings, so a constraint on
//! `Content.Raw.Data` turns a Simple message into a Raw one instead of sending both.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::values::Ctx;
use crate::spec::{Member, MemberPath, PathStep, ShapeRules};

/// What happens to the value at the end of a path: given the member and its current value (if
/// any), return the new value, or `None` to leave the member out.
pub type Leaf<'f> = dyn FnMut(&mut Ctx, &Member, Option<Value>) -> Option<Value> + 'f;

/// Apply `leaf` at `path` in `request`.
pub fn edit_path(
    ctx: &mut Ctx,
    request: &mut Map<String, Value>,
    path: &MemberPath,
    leaf: &mut Leaf,
) {
    let op = ctx.op;
    edit_in_structure(
        ctx,
        &op.input,
        &ShapeRules::default(),
        request,
        &path.0,
        true,
        leaf,
    );
}

fn edit_in_structure(
    ctx: &mut Ctx,
    members: &IndexMap<String, Member>,
    rules: &ShapeRules,
    obj: &mut Map<String, Value>,
    steps: &[PathStep],
    top: bool,
    leaf: &mut Leaf,
) {
    let Some((PathStep::Member(name), rest)) = steps.split_first() else {
        return;
    };
    let Some(member) = members.get(name) else {
        return;
    };
    if rest.is_empty() {
        let current = obj.shift_remove(name).filter(|v| !v.is_null());
        if let Some(value) = leaf(ctx, member, current) {
            drop_exclusive_siblings(rules, name, obj);
            obj.insert(name.clone(), value);
        }
        return;
    }
    drop_exclusive_siblings(rules, name, obj);
    if obj.get(name).is_none_or(Value::is_null) {
        let value = ctx.member_value(name, member, top);
        obj.insert(name.clone(), value);
    }
    if let Some(slot) = obj.get_mut(name) {
        edit_in_value(ctx, member, slot, rest, leaf);
    }
}

fn edit_in_value(
    ctx: &mut Ctx,
    member: &Member,
    slot: &mut Value,
    steps: &[PathStep],
    leaf: &mut Leaf,
) {
    let spec = ctx.spec;
    match steps.first() {
        Some(PathStep::Member(_)) => {
            let Some(shape) = spec.members_of(member) else {
                return;
            };
            if !slot.is_object() {
                *slot = ctx.typed_value(member);
            }
            if let Some(obj) = slot.as_object_mut() {
                edit_in_structure(ctx, &shape.members, &shape.rules, obj, steps, false, leaf);
            }
        }
        Some(PathStep::Item) => {
            let Some(item_member) = member.member.as_deref() else {
                return;
            };
            if !slot.is_array() {
                *slot = Value::Array(Vec::new());
            }
            let Some(items) = slot.as_array_mut() else {
                return;
            };
            if items.is_empty() {
                items.push(ctx.typed_value(item_member));
            }
            let rest = &steps[1..];
            if rest.is_empty() {
                let current = items.remove(0);
                if let Some(value) = leaf(ctx, item_member, Some(current)) {
                    items.insert(0, value);
                }
            } else {
                edit_in_value(ctx, item_member, &mut items[0], rest, leaf);
            }
        }
        // Input maps do not occur in the table; nothing to edit.
        Some(PathStep::Key) | Some(PathStep::Value) | None => {}
    }
}

/// Entering one member of an exclusive group (`exactly_one_of`) removes the others.
fn drop_exclusive_siblings(rules: &ShapeRules, name: &str, obj: &mut Map<String, Value>) {
    for (_, group) in super::kind::groups(rules) {
        if group.exclusive && group.members.iter().any(|m| m == name) {
            for other in group.members.iter().filter(|m| *m != name) {
                obj.shift_remove(other);
            }
        }
    }
}

/// The member a path leads to.
pub fn member_at<'s>(
    spec: &'s crate::spec::Spec,
    op: &'s crate::spec::Operation,
    path: &MemberPath,
) -> Option<&'s Member> {
    spec.member_at(op, path)
}
