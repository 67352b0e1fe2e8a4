//! What the rules over a set of a structure's members (`exactly_one_of`, `at_least_one_of`)
//! share: their row, the loader's check, and their variants and edit.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::generation::current_or_new;
use super::generation::{Draw, LeafEdit, Variants};
use super::{impl_row, Problem};
use crate::spec::{snake_case, GenerateHint, Member, Shape, ShapeRules};

/// A set of members a rule is about.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MemberSet {
    /// Member names.
    pub members: Vec<String>,
    /// Where the documentation states it.
    pub source: String,
    /// Error types a target may answer with; defaults to `BadRequestException`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// Present when SES certainly enforces this rule before acting on a request today (a member
    /// the current model requires, a value SES cannot deserialize, an enum value outside the
    /// current model's set); says why, with its source. Only a request breaking such a rule may go
    /// to an opt-in operation on real SES without `--allow`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforced: Option<String>,
}

impl_row!(MemberSet);

impl MemberSet {
    /// The loader's check of the rule `name` in `shape`: two members at least, each an optional
    /// member of the structure.
    pub fn check(&self, name: &str, shape: &Shape) -> Result<(), Problem> {
        if self.members.len() < 2 {
            return Err(Problem::at(
                ".members",
                "a rule across members needs at least two of them",
            ));
        }
        for (i, m) in self.members.iter().enumerate() {
            let at = format!(".members[{i}]");
            match shape.members.get(m) {
                None => {
                    let message = format!("`{m}` is not a member of `{}`", shape.shape);
                    return Err(Problem::at(at, message));
                }
                Some(member) if member.is_required() => {
                    let message =
                        format!("`{m}` is required, so `{name}` could never be broken by it");
                    return Err(Problem::at(at, message));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// How many of the members `obj` gives.
    pub fn given(&self, obj: &Map<String, Value>) -> usize {
        self.members
            .iter()
            .filter(|m| crate::spec::validate::present(obj, m).is_some())
            .count()
    }
}

/// The variants every rule over a set has, for the set `of(rules)` of the structure the
/// constraint is on: each member a valid request can carry, alone; and none of them. Returns
/// the set and those of its members a valid request can carry, for the kind's own variants.
pub fn variants(
    v: &mut Variants<'_>,
    of: fn(&ShapeRules) -> Option<&MemberSet>,
) -> (Vec<String>, Vec<String>) {
    let spec = v.spec;
    let shape = v.member.and_then(|m| spec.members_of(m));
    let group: Vec<String> = shape
        .and_then(|s| of(&s.rules))
        .map(|set| set.members.clone())
        .unwrap_or_default();
    let generatable: Vec<String> = group
        .iter()
        .filter(|g| {
            shape
                .and_then(|s| s.members.get(*g))
                .is_some_and(|m| m.generate != Some(GenerateHint::Never))
        })
        .cloned()
        .collect();
    for g in &generatable {
        let suffix = format!("only_{}", snake_case(g));
        v.valid(&suffix, Members::new(&group, std::slice::from_ref(g)));
    }
    v.invalid("none_of", Members::new(&group, &[]));
    (group, generatable)
}

/// A structure with exactly `present` of a rule's `group` given.
#[derive(Debug)]
pub struct Members {
    group: Vec<String>,
    present: Vec<String>,
}

impl Members {
    /// Give `present` of `group`, and none of the others.
    pub fn new(group: &[String], present: &[String]) -> Members {
        Members {
            group: group.to_vec(),
            present: present.to_vec(),
        }
    }
}

impl LeafEdit for Members {
    fn apply(
        &self,
        ctx: &mut dyn Draw<'_>,
        member: &Member,
        current: Option<Value>,
        _: usize,
    ) -> Option<Value> {
        let spec = ctx.spec();
        let shape = spec.members_of(member)?;
        let mut obj = current_or_new(ctx, member, current)
            .as_object()
            .cloned()
            .unwrap_or_default();
        for g in &self.group {
            obj.shift_remove(g);
        }
        for g in &self.present {
            if let Some(m) = shape.members.get(g) {
                let v = ctx.value_of(g, m);
                obj.insert(g.clone(), v);
            }
        }
        Some(Value::Object(obj))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::kinds::test_support::spec;

    fn set(members: &[&str]) -> MemberSet {
        MemberSet {
            members: members.iter().map(|m| m.to_string()).collect(),
            source: "doc".into(),
            errors: vec![],
            enforced: None,
        }
    }

    #[test]
    fn a_set_needs_two_optional_members_of_the_structure() {
        let Some(content) = spec().structure("EmailContent") else {
            panic!("EmailContent is a structure");
        };
        assert_eq!(
            set(&["Simple", "Raw"]).check("exactly_one_of", content),
            Ok(())
        );
        assert_eq!(
            set(&["Simple"])
                .check("exactly_one_of", content)
                .err()
                .map(|p| p.at),
            Some(".members".into())
        );
        assert_eq!(
            set(&["Simple", "Html"]).check("exactly_one_of", content),
            Err(Problem::at(
                ".members[1]",
                "`Html` is not a member of `EmailContent`"
            ))
        );
    }

    #[test]
    fn null_members_are_not_given() {
        let obj = serde_json::json!({"Simple": {}, "Raw": null});
        let given = obj.as_object().map(|o| set(&["Simple", "Raw"]).given(o));
        assert_eq!(given, Some(1));
    }
}
