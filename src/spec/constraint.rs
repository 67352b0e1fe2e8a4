//! Named constraints: every constraint of the table gets a stable name built from the member path
//! and the constraint kind (`Tags[].Key.length`), which cases and violations share.

use std::fmt;

use super::kinds::{self, ConstraintKind, Documented};
use super::model::{Location, Member, MemberType, Operation, Shape};
use super::Spec;

/// One step of a member path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// A named member of a structure (or of the request).
    Member(String),
    /// Any item of a list.
    Item,
    /// Any key of a map.
    Key,
    /// Any value of a map.
    Value,
}

/// A path from the request root to a member, e.g. `BulkEmailEntries[].ReplacementTags[].Name`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct MemberPath(pub Vec<PathStep>);

impl MemberPath {
    /// The path one step further.
    pub fn child(&self, step: PathStep) -> MemberPath {
        let mut steps = self.0.clone();
        steps.push(step);
        MemberPath(steps)
    }

    /// The path one member further.
    pub fn member(&self, name: &str) -> MemberPath {
        self.child(PathStep::Member(name.to_string()))
    }

    /// The path as a snake_case identifier for case names: `bulk_email_entries_replacement_tags_name`.
    pub fn snake(&self) -> String {
        let mut parts = Vec::new();
        for step in &self.0 {
            match step {
                PathStep::Member(name) => parts.push(snake_case(name)),
                PathStep::Key => parts.push("key".to_string()),
                PathStep::Value => parts.push("value".to_string()),
                PathStep::Item => {}
            }
        }
        if parts.is_empty() {
            "request".to_string()
        } else {
            parts.join("_")
        }
    }

    /// True for the request root.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for MemberPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("request");
        }
        let mut first = true;
        for step in &self.0 {
            match step {
                PathStep::Member(name) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                PathStep::Item => f.write_str("[]")?,
                PathStep::Key => f.write_str("{key}")?,
                PathStep::Value => f.write_str("{}")?,
            }
            first = false;
        }
        Ok(())
    }
}

/// `TemplateContent` -> `template_content`, `WebsiteURL` -> `website_url`.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// One named constraint of an operation's input.
#[derive(Debug, Clone)]
pub struct ConstraintRef {
    /// Where in the request.
    pub path: MemberPath,
    /// What kind.
    pub kind: ConstraintKind,
    /// Where the documentation states it.
    pub source: String,
    /// Error types a conforming target answers with when the constraint is broken.
    pub errors: Vec<String>,
    /// Why SES certainly enforces it before acting on a request, when it does (see
    /// [`crate::spec::Sourced::enforced`]).
    pub enforced: Option<String>,
    /// Whether the seed documents it. A bound only the current API documents (`later` with no
    /// seed bound) has no cases: under the seed every value is valid.
    pub in_seed: bool,
}

impl ConstraintRef {
    /// The constraint of `kind` at `path`, as the table documents it.
    pub fn new(path: &MemberPath, kind: ConstraintKind, doc: Documented) -> ConstraintRef {
        ConstraintRef {
            path: path.clone(),
            kind,
            source: doc.source,
            errors: doc.errors,
            enforced: doc.enforced,
            in_seed: doc.in_seed,
        }
    }

    /// The constraint's name: `PolicyName.length`, `Content.exactly_one_of`.
    pub fn name(&self) -> String {
        constraint_name(&self.path, self.kind)
    }
}

/// The name of the constraint of `kind` at `path`.
pub fn constraint_name(path: &MemberPath, kind: ConstraintKind) -> String {
    format!("{path}.{kind}")
}

/// Every named constraint of an operation's input, in member order and, on each member, in the
/// order of the registry.
pub fn named_constraints(spec: &Spec, op: &Operation) -> Vec<ConstraintRef> {
    let mut out = Vec::new();
    let root = MemberPath::default();
    for kind in kinds::all() {
        if let Some(doc) = kind.def().on_request(spec, op) {
            out.push(ConstraintRef::new(&root, kind, doc));
        }
    }
    for (name, member) in &op.input {
        let path = root.member(name);
        for kind in kinds::all() {
            if let Some(doc) = kind.def().on_input(spec, op, member) {
                out.push(ConstraintRef::new(&path, kind, doc));
            }
        }
        member_constraints(spec, member, &path, &mut out);
    }
    out
}

/// Whether the operation sends a JSON body.
pub fn has_body(op: &Operation) -> bool {
    op.input
        .values()
        .any(|m| m.location == Some(Location::Body))
}

fn member_constraints(
    spec: &Spec,
    member: &Member,
    path: &MemberPath,
    out: &mut Vec<ConstraintRef>,
) {
    for kind in kinds::all() {
        let doc = match kind.row(member) {
            Some(row) => Some(Documented::of_row(kind, row)),
            None => kind.def().on_member(spec, member),
        };
        if let Some(doc) = doc {
            out.push(ConstraintRef::new(path, kind, doc));
        }
    }
    match member.ty {
        MemberType::List => {
            if let Some(item) = &member.member {
                member_constraints(spec, item, &path.child(PathStep::Item), out);
            }
        }
        MemberType::Map => {
            if let Some(key) = &member.key {
                member_constraints(spec, key, &path.child(PathStep::Key), out);
            }
            if let Some(value) = &member.value {
                member_constraints(spec, value, &path.child(PathStep::Value), out);
            }
        }
        MemberType::Structure => {
            if let Some(shape) = spec.members_of(member) {
                shape_constraints(spec, shape, path, out);
            }
        }
        _ => {}
    }
}

fn shape_constraints(spec: &Spec, shape: &Shape, path: &MemberPath, out: &mut Vec<ConstraintRef>) {
    for kind in kinds::all() {
        if let Some(rule) = kind.rule(&shape.rules) {
            out.push(ConstraintRef::new(
                path,
                kind,
                Documented::of_row(kind, rule),
            ));
        }
    }
    for (name, member) in &shape.members {
        member_constraints(spec, member, &path.member(name), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_handles_acronyms() {
        assert_eq!(snake_case("TemplateContent"), "template_content");
        assert_eq!(snake_case("WebsiteURL"), "website_url");
        assert_eq!(
            snake_case("SuccessRedirectionURL"),
            "success_redirection_url"
        );
        assert_eq!(snake_case("PageSize"), "page_size");
        assert_eq!(snake_case("Max24HourSend"), "max24_hour_send");
    }

    #[test]
    fn paths_display_like_the_documentation() {
        let p = MemberPath::default()
            .member("BulkEmailEntries")
            .child(PathStep::Item)
            .member("ReplacementTags")
            .child(PathStep::Item)
            .member("Name");
        assert_eq!(p.to_string(), "BulkEmailEntries[].ReplacementTags[].Name");
        assert_eq!(p.snake(), "bulk_email_entries_replacement_tags_name");
    }
}
