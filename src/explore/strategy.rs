//! Request strategies from the spec: for each operation, one class of valid requests and one
//! class per invalid boundary variant `generate` names (`template_name_length_above_max`), each a
//! proptest `Strategy` of whole requests.
//!
//! Every class starts from its *anchor*, the case `generate` builds for it (the valid `all_members`
//! case, or the variant's boundary case): the anchor brings the fixtures, the path the request
//! travels, and the values the table cannot describe. The strategy draws the rest from the table
//! (`members.rs`) and, for an invalid class, breaks the variant's member on the anchor's side of
//! the constraint (`breaks.rs`).
//!
//! Shrinking keeps a request's class: every strategy is filtered with [`validate`], at every
//! draw and every shrink step. A valid request has no violation; an invalid one violates its
//! constraint and no other.

use std::sync::Arc;

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::breaks::breaking;
use super::members::{Shaper, ValueStrategy};
use crate::case::{case_id, Case, Kind};
use crate::generate::{self, Settings};
use crate::spec::{
    named_constraints, validate, ConstraintKind, ConstraintRef, Member, Operation, PathStep, Spec,
};

/// The variant name of the valid class (the `generate` baseline its anchor is).
pub const VALID_VARIANT: &str = "all_members";

/// One class of requests of one operation.
#[derive(Debug)]
pub struct Class {
    /// The operation.
    pub operation: String,
    /// Valid or invalid.
    pub kind: Kind,
    /// `all_members` for the valid class, else the `generate` variant (`page_size_above_max`).
    pub variant: String,
    /// The case `generate` builds for the class: fixtures, path, expectation, fixed values.
    pub anchor: Arc<Case>,
    /// Requests of the class.
    pub strategy: BoxedStrategy<Value>,
    /// Whether requests are drawn at all: a class whose request is a raw body (malformed JSON)
    /// has one request only, the anchor's.
    pub drawn: bool,
}

impl Class {
    /// `valid`, or the variant name: what explored case ids carry.
    pub fn label(&self) -> &str {
        match self.kind {
            Kind::Valid => "valid",
            Kind::Invalid => &self.variant,
        }
    }

    /// The id `generate` gives cases of this class: what the target profile's known divergences
    /// are written against.
    pub fn gen_id(&self, index: &str) -> String {
        format!(
            "{}::{}::{}::{index}",
            crate::spec::snake_case(&self.operation),
            self.kind.as_str(),
            self.variant
        )
    }
}

/// The classes of one operation: the valid one first, then one per invalid variant.
pub fn classes_for(spec: &Arc<Spec>, op: &Operation) -> Vec<Class> {
    let settings = Settings {
        random_cases: 0,
        operations: vec![op.operation.clone()],
        ..Settings::default()
    };
    let valid_id = case_id(&op.operation, Kind::Valid, VALID_VARIANT, 0);
    let mut out = Vec::new();
    for plan in generate::plans_for(spec, op, &settings) {
        let wanted = plan.id == valid_id
            || (plan.kind == Kind::Invalid && !plan.constraint.starts_with("behaviour:"));
        if !wanted {
            continue;
        }
        let Some(anchor) = plan.build(spec, &settings) else {
            continue;
        };
        let variant = variant_of(&plan.id);
        out.push(class_of(spec, op, variant, anchor));
    }
    out
}

/// The class of one operation named by its label (`valid`, or an invalid variant), built alone.
pub fn class_named(spec: &Arc<Spec>, op: &Operation, label: &str) -> Option<Class> {
    let settings = Settings {
        random_cases: 0,
        operations: vec![op.operation.clone()],
        ..Settings::default()
    };
    let (kind, variant) = match label {
        "valid" => (Kind::Valid, VALID_VARIANT),
        variant => (Kind::Invalid, variant),
    };
    let id = case_id(&op.operation, kind, variant, 0);
    let plan = generate::plans_for(spec, op, &settings)
        .into_iter()
        .find(|p| p.id == id && !p.constraint.starts_with("behaviour:"))?;
    let anchor = plan.build(spec, &settings)?;
    Some(class_of(spec, op, variant.to_string(), anchor))
}

/// The class of one anchor case.
pub fn class_of(spec: &Arc<Spec>, op: &Operation, variant: String, anchor: Case) -> Class {
    let anchor = Arc::new(anchor);
    let drawn = anchor.raw_body.is_none();
    let strategy = if drawn {
        request_strategy(spec, op, &anchor)
    } else {
        Just(anchor.request.clone()).boxed()
    };
    Class {
        operation: op.operation.clone(),
        kind: anchor.kind,
        variant,
        anchor,
        strategy,
        drawn,
    }
}

/// The variant part of a `generate` case id (`op::kind::variant::index`).
fn variant_of(id: &str) -> String {
    id.split("::").nth(2).unwrap_or_default().to_string()
}

fn request_strategy(spec: &Arc<Spec>, op: &Operation, anchor: &Case) -> BoxedStrategy<Value> {
    let shaper = Shaper {
        spec,
        fixture_names: anchor
            .fixtures
            .iter()
            .flat_map(|f| f.resource.keys.values().cloned())
            .collect(),
    };
    let empty = Map::new();
    let anchor_obj = anchor.request.as_object().unwrap_or(&empty);
    let constraint = match anchor.kind {
        Kind::Valid => None,
        Kind::Invalid => named_constraints(spec, op)
            .into_iter()
            .find(|c| c.name() == anchor.constraint),
    };
    let drawn = match &constraint {
        None => shaper.structure(&op.input, anchor_obj, None),
        Some(c) => broken_structure(&shaper, &op.input, anchor_obj, &c.path.0, c.kind)
            .unwrap_or_else(|| Just(anchor.request.clone()).boxed()),
    };
    let keeps_class = class_check(spec, op, constraint.as_ref());
    drawn
        .prop_filter("the request left its class", move |request| {
            keeps_class(request)
        })
        .boxed()
}

/// Whether a request is of the class: valid (no violation), or violating `constraint` alone.
pub fn class_check(
    spec: &Arc<Spec>,
    op: &Operation,
    constraint: Option<&ConstraintRef>,
) -> impl Fn(&Value) -> bool + Send + Sync + 'static {
    let spec = Arc::clone(spec);
    let op = op.clone();
    let name = constraint.map(ConstraintRef::name);
    move |request: &Value| {
        let violations = validate(&spec, &op, request);
        match &name {
            None => violations.is_empty(),
            Some(name) => {
                !violations.is_empty() && violations.iter().all(|v| &v.constraint == name)
            }
        }
    }
}

/// The request with the member at `steps` broken and everything else drawn valid; `None` when
/// the path leads somewhere the anchor has nothing (then the anchor's request stays).
fn broken_structure(
    shaper: &Shaper,
    members: &indexmap::IndexMap<String, Member>,
    anchor: &Map<String, Value>,
    steps: &[PathStep],
    kind: ConstraintKind,
) -> Option<ValueStrategy> {
    let (PathStep::Member(name), rest) = steps.split_first()? else {
        return None;
    };
    let member = members.get(name)?;
    let current = anchor.get(name).filter(|v| !v.is_null());
    let slot = if rest.is_empty() {
        breaking(shaper, kind, member, current).unwrap_or_else(|| Just(current.cloned()).boxed())
    } else {
        broken_value(shaper, member, current?, rest, kind)?
            .prop_map(Some)
            .boxed()
    };
    Some(shaper.structure(members, anchor, Some((name, slot))))
}

fn broken_value(
    shaper: &Shaper,
    member: &Member,
    anchor: &Value,
    steps: &[PathStep],
    kind: ConstraintKind,
) -> Option<ValueStrategy> {
    match steps.first()? {
        PathStep::Member(_) => {
            let shape = shaper.spec.members_of(member)?;
            broken_structure(shaper, &shape.members, anchor.as_object()?, steps, kind)
        }
        PathStep::Item => {
            let item = member.member.as_deref()?;
            let items = anchor.as_array()?;
            let (first, others) = items.split_first()?;
            let rest = &steps[1..];
            let broken: BoxedStrategy<Option<Value>> = if rest.is_empty() {
                breaking(shaper, kind, item, Some(first))
                    .unwrap_or_else(|| Just(Some(first.clone())).boxed())
            } else {
                broken_value(shaper, item, first, rest, kind)?
                    .prop_map(Some)
                    .boxed()
            };
            let others: Vec<ValueStrategy> =
                others.iter().map(|v| shaper.member(item, v)).collect();
            Some(
                (broken, others)
                    .prop_map(|(first, others)| {
                        Value::Array(first.into_iter().chain(others).collect())
                    })
                    .boxed(),
            )
        }
        PathStep::Key | PathStep::Value => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::PREFIX_PLACEHOLDER;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    fn spec() -> Arc<Spec> {
        Arc::new(Spec::load_default().unwrap_or_else(|e| panic!("{e}")))
    }

    fn classes(spec: &Arc<Spec>, operation: &str) -> Vec<Class> {
        let op = spec
            .operation(operation)
            .unwrap_or_else(|| panic!("{operation} is in the table"));
        classes_for(spec, op)
    }

    /// Draw and shrink all the way down, checking the class at every step.
    fn shrink_fully(spec: &Arc<Spec>, class: &Class, runner: &mut TestRunner) -> Value {
        let op = spec
            .operation(&class.operation)
            .unwrap_or_else(|| panic!("op"));
        let constraint = named_constraints(spec, op)
            .into_iter()
            .find(|c| c.name() == class.anchor.constraint);
        let keeps = class_check(spec, op, constraint.as_ref());
        let mut tree = class
            .strategy
            .new_tree(runner)
            .unwrap_or_else(|e| panic!("{}: {e}", class.variant));
        assert!(keeps(&tree.current()), "{}", class.variant);
        let mut steps = 0;
        while tree.simplify() && steps < 2000 {
            steps += 1;
            assert!(
                keeps(&tree.current()),
                "{}: {}",
                class.variant,
                tree.current()
            );
        }
        tree.current()
    }

    #[test]
    fn every_class_of_every_operation_draws_and_shrinks_within_its_class() {
        let spec = spec();
        let mut runner = TestRunner::deterministic();
        for op in spec.operations_named(&[]) {
            for class in classes_for(&spec, op).iter().filter(|c| c.drawn) {
                if class.variant.contains("bytes_above_max") {
                    continue; // 10 MiB values: drawn in explore, too slow to shrink here.
                }
                shrink_fully(&spec, class, &mut runner);
            }
        }
    }

    #[test]
    fn a_created_name_keeps_the_prefix_when_shrunk() {
        let spec = spec();
        let mut runner = TestRunner::deterministic();
        let all = classes(&spec, "CreateEmailTemplate");
        let valid = all
            .iter()
            .find(|c| c.kind == Kind::Valid)
            .unwrap_or_else(|| panic!("valid"));
        for _ in 0..10 {
            let request = shrink_fully(&spec, valid, &mut runner);
            assert_eq!(
                request["TemplateName"],
                Value::String(format!("{PREFIX_PLACEHOLDER}a"))
            );
        }
    }

    #[test]
    fn a_fixture_name_stays_the_fixtures() {
        let spec = spec();
        let mut runner = TestRunner::deterministic();
        let all = classes(&spec, "GetEmailTemplate");
        let valid = all
            .iter()
            .find(|c| c.kind == Kind::Valid)
            .unwrap_or_else(|| panic!("valid"));
        let fixture = valid.anchor.fixtures[0].resource.keys["TemplateName"].clone();
        for _ in 0..10 {
            let tree = valid
                .strategy
                .new_tree(&mut runner)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(tree.current()["TemplateName"], fixture);
        }
    }

    #[test]
    fn a_length_above_max_shrinks_to_max_plus_one_simple_characters() {
        let spec = spec();
        let mut runner = TestRunner::deterministic();
        let all = classes(&spec, "CreateEmailIdentityPolicy");
        let above = all
            .iter()
            .find(|c| c.variant == "policy_name_length_above_max")
            .unwrap_or_else(|| panic!("policy_name_length_above_max"));
        let request = shrink_fully(&spec, above, &mut runner);
        let name = request["PolicyName"].as_str().unwrap_or_default();
        assert_eq!(name.chars().count(), 65, "{name}");
        let rest = name
            .strip_prefix(PREFIX_PLACEHOLDER)
            .unwrap_or_else(|| panic!("{name}"));
        assert!(rest.chars().all(|c| c == 'a'), "{name}");
    }

    #[test]
    fn a_page_size_above_max_shrinks_to_max_plus_one() {
        let spec = spec();
        let mut runner = TestRunner::deterministic();
        let all = classes(&spec, "ListEmailTemplates");
        let above = all
            .iter()
            .find(|c| c.variant == "page_size_above_max")
            .unwrap_or_else(|| panic!("page_size_above_max"));
        let request = shrink_fully(&spec, above, &mut runner);
        assert_eq!(request["PageSize"], Value::from(11));
    }
}
