//! Named constraints: every constraint of the table gets a stable name built from the member path
//! and the constraint kind (`Tags[].Key.length`), which cases and violations share.

use std::fmt;

use super::model::{Location, Member, MemberType, Operation, Shape};
use super::Spec;

/// One step of a member path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
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
pub struct MemberPath(pub Vec<Step>);

impl MemberPath {
    /// The path one step further.
    pub fn child(&self, step: Step) -> MemberPath {
        let mut steps = self.0.clone();
        steps.push(step);
        MemberPath(steps)
    }

    /// The path one member further.
    pub fn member(&self, name: &str) -> MemberPath {
        self.child(Step::Member(name.to_string()))
    }

    /// The path as a snake_case identifier for case names: `bulk_email_entries_replacement_tags_name`.
    pub fn snake(&self) -> String {
        let mut parts = Vec::new();
        for step in &self.0 {
            match step {
                Step::Member(name) => parts.push(snake_case(name)),
                Step::Key => parts.push("key".to_string()),
                Step::Value => parts.push("value".to_string()),
                Step::Item => {}
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
                Step::Member(name) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                Step::Item => f.write_str("[]")?,
                Step::Key => f.write_str("{key}")?,
                Step::Value => f.write_str("{}")?,
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

/// The kinds of constraint, named as they appear in constraint names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum ConstraintKind {
    Required,
    /// The JSON type of the value (only broken on the wire path).
    Type,
    Length,
    Bytes,
    Range,
    Items,
    Charset,
    Enum,
    Unique,
    ReservedPrefix,
    Json,
    Base64,
    MimeBlankLine,
    MimeLineLength,
    AsciiLocalPart,
    PunycodeDomain,
    ExactlyOneOf,
    AtLeastOneOf,
    AsciiOrCharset,
    /// The request body must be well-formed JSON (only broken on the wire path).
    JsonBody,
}

impl ConstraintKind {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConstraintKind::Required => "required",
            ConstraintKind::Type => "type",
            ConstraintKind::Length => "length",
            ConstraintKind::Bytes => "bytes",
            ConstraintKind::Range => "range",
            ConstraintKind::Items => "items",
            ConstraintKind::Charset => "charset",
            ConstraintKind::Enum => "enum",
            ConstraintKind::Unique => "unique",
            ConstraintKind::ReservedPrefix => "reserved_prefix",
            ConstraintKind::Json => "json",
            ConstraintKind::Base64 => "base64",
            ConstraintKind::MimeBlankLine => "mime_blank_line",
            ConstraintKind::MimeLineLength => "mime_line_length",
            ConstraintKind::AsciiLocalPart => "ascii_local_part",
            ConstraintKind::PunycodeDomain => "punycode_domain",
            ConstraintKind::ExactlyOneOf => "exactly_one_of",
            ConstraintKind::AtLeastOneOf => "at_least_one_of",
            ConstraintKind::AsciiOrCharset => "ascii_or_charset",
            ConstraintKind::JsonBody => "json_body",
        }
    }

    /// The error types a target answers with when it enforces a constraint of this kind but the
    /// spec row names none: type and syntax errors may come back as the `SerializationException`
    /// real SES uses outside its published model.
    pub fn default_errors(self) -> Vec<String> {
        match self {
            // A blob that is not base64 cannot be deserialized, like a wrong type.
            ConstraintKind::Type | ConstraintKind::JsonBody | ConstraintKind::Base64 => {
                vec![
                    "BadRequestException".into(),
                    "SerializationException".into(),
                ]
            }
            _ => vec!["BadRequestException".into()],
        }
    }
}

impl fmt::Display for ConstraintKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
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
    /// The constraint's name: `PolicyName.length`, `Content.exactly_one_of`.
    pub fn name(&self) -> String {
        constraint_name(&self.path, self.kind)
    }
}

/// The name of the constraint of `kind` at `path`.
pub fn constraint_name(path: &MemberPath, kind: ConstraintKind) -> String {
    format!("{path}.{kind}")
}

fn errors_or_default(errors: &[String], kind: ConstraintKind) -> Vec<String> {
    if errors.is_empty() {
        kind.default_errors()
    } else {
        errors.to_vec()
    }
}

/// Every named constraint of an operation's input, in member order.
pub fn named_constraints(spec: &Spec, op: &Operation) -> Vec<ConstraintRef> {
    let mut out = Vec::new();
    let root = MemberPath::default();
    let protocol = &spec.protocol;
    if has_body(op) {
        out.push(ConstraintRef {
            path: root.clone(),
            kind: ConstraintKind::JsonBody,
            source: protocol.json_body.source.clone(),
            errors: protocol.json_body.errors.clone(),
            enforced: protocol.json_body.enforced.clone(),
            in_seed: true,
        });
    }
    for (name, member) in &op.input {
        let path = root.member(name);
        if wire_type_can_be_broken(member) {
            out.push(ConstraintRef {
                path: path.clone(),
                kind: ConstraintKind::Type,
                source: format!("{}: type {}", op.source, member.ty.as_str()),
                errors: protocol.ty.errors.clone(),
                enforced: protocol.ty.enforced.clone(),
                in_seed: true,
            });
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

/// A wrong JSON type can be sent for body members and for non-string query members; URI labels
/// and string query parameters are text whatever the value.
fn wire_type_can_be_broken(member: &Member) -> bool {
    match member.location {
        Some(Location::Body) => true,
        Some(Location::Query) => member.ty != MemberType::String,
        _ => false,
    }
}

fn member_constraints(
    spec: &Spec,
    member: &Member,
    path: &MemberPath,
    out: &mut Vec<ConstraintRef>,
) {
    let c = &member.constraints;
    let mut push = |kind: ConstraintKind,
                    source: &str,
                    errors: &[String],
                    enforced: &Option<String>,
                    in_seed: bool| {
        out.push(ConstraintRef {
            path: path.clone(),
            kind,
            source: source.to_string(),
            errors: errors_or_default(errors, kind),
            enforced: enforced.clone(),
            in_seed,
        });
    };
    // A bound only the current API documents has no seed bound.
    let seed_bound = |b: &crate::spec::Bounds| b.min.is_some() || b.max.is_some();
    use ConstraintKind as K;
    if let Some(x) = &c.required {
        push(K::Required, &x.source, &x.errors, &x.enforced, true);
    }
    if let Some(x) = &c.length {
        push(K::Length, &x.source, &x.errors, &x.enforced, seed_bound(x));
    }
    if let Some(x) = &c.bytes {
        push(K::Bytes, &x.source, &x.errors, &x.enforced, seed_bound(x));
    }
    if let Some(x) = &c.range {
        push(K::Range, &x.source, &x.errors, &x.enforced, seed_bound(x));
    }
    if let Some(x) = &c.items {
        push(K::Items, &x.source, &x.errors, &x.enforced, seed_bound(x));
    }
    if let Some(x) = &c.charset {
        push(K::Charset, &x.source, &x.errors, &x.enforced, true);
    }
    if let Some(shape) = member.shape.as_ref().and_then(|s| spec.shapes.get(s)) {
        if spec.enum_values(member).is_some() {
            push(K::Enum, &shape.source, &[], &shape.enforced, true);
        }
    }
    if let Some(x) = &c.unique {
        push(K::Unique, &x.source, &x.errors, &x.enforced, true);
    }
    if let Some(x) = &c.reserved_prefix {
        push(K::ReservedPrefix, &x.source, &x.errors, &x.enforced, true);
    }
    if let Some(x) = &c.json {
        push(K::Json, &x.source, &x.errors, &x.enforced, true);
    }
    if let Some(x) = &c.base64 {
        push(K::Base64, &x.source, &x.errors, &x.enforced, true);
    }
    if let Some(x) = &c.mime_blank_line {
        push(K::MimeBlankLine, &x.source, &x.errors, &x.enforced, true);
    }
    if let Some(x) = &c.mime_line_length {
        push(K::MimeLineLength, &x.source, &x.errors, &x.enforced, true);
    }
    if let Some(x) = &c.ascii_local_part {
        push(K::AsciiLocalPart, &x.source, &x.errors, &x.enforced, true);
    }
    if let Some(x) = &c.punycode_domain {
        push(K::PunycodeDomain, &x.source, &x.errors, &x.enforced, true);
    }
    match member.ty {
        MemberType::List => {
            if let Some(item) = &member.member {
                member_constraints(spec, item, &path.child(Step::Item), out);
            }
        }
        MemberType::Map => {
            if let Some(key) = &member.key {
                member_constraints(spec, key, &path.child(Step::Key), out);
            }
            if let Some(value) = &member.value {
                member_constraints(spec, value, &path.child(Step::Value), out);
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
    let rules = &shape.rules;
    if let Some(set) = &rules.exactly_one_of {
        out.push(ConstraintRef {
            path: path.clone(),
            kind: ConstraintKind::ExactlyOneOf,
            source: set.source.clone(),
            errors: errors_or_default(&set.errors, ConstraintKind::ExactlyOneOf),
            enforced: set.enforced.clone(),
            in_seed: true,
        });
    }
    if let Some(set) = &rules.at_least_one_of {
        out.push(ConstraintRef {
            path: path.clone(),
            kind: ConstraintKind::AtLeastOneOf,
            source: set.source.clone(),
            errors: errors_or_default(&set.errors, ConstraintKind::AtLeastOneOf),
            enforced: set.enforced.clone(),
            in_seed: true,
        });
    }
    if let Some(rule) = &rules.ascii_or_charset {
        out.push(ConstraintRef {
            path: path.clone(),
            kind: ConstraintKind::AsciiOrCharset,
            source: rule.source.clone(),
            errors: errors_or_default(&rule.errors, ConstraintKind::AsciiOrCharset),
            enforced: rule.enforced.clone(),
            in_seed: true,
        });
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
            .child(Step::Item)
            .member("ReplacementTags")
            .child(Step::Item)
            .member("Name");
        assert_eq!(p.to_string(), "BulkEmailEntries[].ReplacementTags[].Name");
        assert_eq!(p.snake(), "bulk_email_entries_replacement_tags_name");
    }
}
