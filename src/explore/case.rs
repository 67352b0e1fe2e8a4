//! A drawn request becomes a [`Case`]: the class's anchor with the request swapped in, what the
//! request itself may create, and the expectation recomputed where it depends on the request
//! (a page holds at most the PageSize asked for). Nothing else changes, so the case runs through
//! the same session, gate and check as any case of `run`.

use serde_json::{Map, Value};

use super::strategy::Class;
use crate::case::{case_token, Case, Kind, PREFIX_PLACEHOLDER};
use crate::generate::{accept_with_paging, cleanup_of_own_creation};
use crate::spec::{snake_case, Spec};

/// The id of the `n`th request of an exploration: `<operation>::explore::<valid|variant>::<n>`.
pub fn explore_id(class: &Class, n: usize) -> String {
    format!(
        "{}::explore::{}::{n}",
        snake_case(&class.operation),
        class.label()
    )
}

/// The case sending `request`, a member of `class`, under `id`. The anchor's names (its
/// fixtures, and the request where it names them) take this case's token, so that no two cases
/// of one class ever make, refuse or remove each other's resources.
pub fn case_of(spec: &Spec, class: &Class, request: Value, id: String, seed: u64) -> Case {
    let mut case = (*class.anchor).clone();
    let request = retoken(&mut case, &request, &id);
    let empty = Map::new();
    let members = request.as_object().unwrap_or(&empty);
    if let Some(op) = spec.operation(&class.operation) {
        // What the request may create, unless a fixture of the same name stands for it.
        case.creates = cleanup_of_own_creation(spec, op, members)
            .into_iter()
            .filter(|c| !case.fixtures.iter().any(|f| f.resource == c.resource))
            .collect();
        if class.kind == Kind::Valid {
            case.expect = accept_with_paging(op, members);
        }
    }
    case.id = id;
    case.request = request;
    case.seed = seed;
    case
}

/// Rename what the anchor named with its case token after the token of `id`, in the fixtures
/// and in the request; what the request names otherwise (a drawn name) is left as drawn.
fn retoken(case: &mut Case, request: &Value, id: &str) -> Value {
    let from = format!("{PREFIX_PLACEHOLDER}{}-", case_token(&case.id));
    let to = format!("{PREFIX_PLACEHOLDER}{}-", case_token(id));
    let rename = |v: &Value| rename_strings(v, &from, &to);
    for fixture in &mut case.fixtures {
        if fixture.shared {
            continue;
        }
        fixture.resource.keys = match rename(&Value::Object(fixture.resource.keys.clone())) {
            Value::Object(keys) => keys,
            _ => continue,
        };
        fixture.create.request = rename(&fixture.create.request);
        fixture.delete.request = rename(&fixture.delete.request);
    }
    rename(request)
}

fn rename_strings(value: &Value, from: &str, to: &str) -> Value {
    match value {
        Value::String(s) => Value::String(s.replace(from, to)),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| rename_strings(v, from, to)).collect())
        }
        Value::Object(obj) => Value::Object(
            obj.iter()
                .map(|(k, v)| (k.clone(), rename_strings(v, from, to)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The same case under the id `generate` gives its class, for the target profile's known
/// divergences, which are written against `generate`'s ids.
pub fn as_gen_case(class: &Class, case: &Case) -> Case {
    let mut renamed = case.clone();
    renamed.id = class.gen_id("explore");
    renamed
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::explore::strategy::classes_for;

    #[test]
    fn a_drawn_create_is_cleaned_up_under_its_own_name() {
        let spec = Arc::new(Spec::load_default().unwrap_or_else(|e| panic!("{e}")));
        let op = spec
            .operation("CreateEmailTemplate")
            .unwrap_or_else(|| panic!("CreateEmailTemplate"));
        let classes = classes_for(&spec, op);
        let valid = &classes[0];
        let mut request = valid.anchor.request.clone();
        request["TemplateName"] = Value::String("sc000000000000-drawn".into());
        let case = case_of(&spec, valid, request, explore_id(valid, 7), 1);
        assert_eq!(case.id, "create_email_template::explore::valid::7");
        assert_eq!(case.creates.len(), 1);
        assert_eq!(
            case.creates[0].resource.keys["TemplateName"],
            Value::String("sc000000000000-drawn".into())
        );
        assert_eq!(
            as_gen_case(valid, &case).id,
            "create_email_template::valid::all_members::explore"
        );
    }
}
