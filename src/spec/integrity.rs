//! What the loader checks once every file has parsed: references resolve (shapes, resource
//! kinds, error types, URI labels), members and shapes are well formed, behaviours say what they
//! need, and every constraint row applies to its member, is sane and names its source (the rows
//! themselves are checked by their kinds, under `spec/kinds/`).

use std::collections::BTreeSet;
use std::path::Path;

use super::kinds::{self, ConstraintKind};
use super::load::SpecError;
use super::model::{Member, MemberType, NameAt, Operation, Shape, ShapeKind};
use super::Spec;

pub(super) fn check_operation(spec: &Spec, op: &Operation, file: &Path) -> Result<(), SpecError> {
    if op.source.trim().is_empty() {
        return Err(SpecError::invalid(file, "$.source", "empty source"));
    }
    if !op.http.uri.starts_with("/v2/") {
        return Err(SpecError::invalid(
            file,
            "$.http.uri",
            "URI template must start with /v2/",
        ));
    }
    if let Some(rate) = &op.rate_limit {
        if rate.per_second <= 0.0 {
            return Err(SpecError::invalid(
                file,
                "$.rate_limit.per_second",
                "rate limit must be positive",
            ));
        }
    }
    if let Some(resource) = &op.resource {
        if !spec.resources.contains_key(&resource.kind) {
            return Err(SpecError::invalid(
                file,
                "$.resource.kind",
                format!(
                    "unknown resource kind `{}` (known: {})",
                    resource.kind,
                    spec.resources
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    if let Some(effect) = &op.side_effect {
        let Some(def) = spec.resources.get(&effect.kind) else {
            return Err(SpecError::invalid(
                file,
                "$.side_effect.kind",
                format!("unknown resource kind `{}`", effect.kind),
            ));
        };
        for (key, member) in &effect.keys {
            if !def.keys.contains(key) {
                return Err(SpecError::invalid(
                    file,
                    format!("$.side_effect.keys.{key}"),
                    format!("`{key}` does not name a `{}`", effect.kind),
                ));
            }
            if !op.input.contains_key(member) {
                return Err(SpecError::invalid(
                    file,
                    format!("$.side_effect.keys.{key}"),
                    format!("no input member `{member}`"),
                ));
            }
        }
    }
    if op.errors.types.is_empty() {
        return Err(SpecError::invalid(file, "$.errors.types", "no error types"));
    }
    let error_lists = op
        .errors
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("$.errors.types[{i}]"), t))
        .chain(op.behaviours.iter().enumerate().flat_map(|(b, behaviour)| {
            behaviour
                .errors
                .iter()
                .enumerate()
                .map(move |(i, t)| (format!("$.behaviours[{b}].errors[{i}]"), t))
        }));
    for (path, error_type) in error_lists {
        if !spec.errors.contains_key(error_type) {
            return Err(SpecError::invalid(
                file,
                path,
                format!("unknown error type `{error_type}`: not in specs/errors.json"),
            ));
        }
    }
    check_uri_labels(op, file)?;
    for (name, member) in &op.input {
        let path = format!("$.input.{name}");
        if member.location.is_none() {
            return Err(SpecError::invalid(
                file,
                &path,
                "top-level input member needs a `location` (uri, query or body)",
            ));
        }
        check_not_personal(member, file, &path)?;
        check_member(spec, member, file, &path)?;
    }
    for (name, member) in &op.output {
        let path = format!("$.output.{name}");
        if member.location.is_some() {
            return Err(SpecError::invalid(
                file,
                format!("{path}.location"),
                "output members have no location",
            ));
        }
        check_member(spec, member, file, &path)?;
        check_lists_by_name(spec, member, file, &path)?;
    }
    for (i, behaviour) in op.behaviours.iter().enumerate() {
        let path = format!("$.behaviours[{i}]");
        check_behaviour(op, behaviour, file, &path)?;
    }
    Ok(())
}

fn check_uri_labels(op: &Operation, file: &Path) -> Result<(), SpecError> {
    let labels = crate::spec::uri_labels(&op.http.uri);
    for label in &labels {
        let bound = op.input.iter().any(|(name, m)| {
            m.location == Some(crate::spec::Location::Uri) && m.wire_name(name) == label
        });
        if !bound {
            return Err(SpecError::invalid(
                file,
                "$.http.uri",
                format!("URI label `{{{label}}}` has no input member with location `uri`"),
            ));
        }
    }
    for (name, member) in &op.input {
        if member.location == Some(crate::spec::Location::Uri) {
            if !labels.iter().any(|l| l == member.wire_name(name)) {
                return Err(SpecError::invalid(
                    file,
                    format!("$.input.{name}.location"),
                    format!(
                        "member is located in the URI but `{}` has no label `{{{}}}`",
                        op.http.uri,
                        member.wire_name(name)
                    ),
                ));
            }
            if !member.is_required() {
                return Err(SpecError::invalid(
                    file,
                    format!("$.input.{name}.constraints.required"),
                    "URI labels are always required",
                ));
            }
        }
    }
    Ok(())
}

fn check_behaviour(
    op: &Operation,
    behaviour: &crate::spec::Behaviour,
    file: &Path,
    path: &str,
) -> Result<(), SpecError> {
    use crate::spec::BehaviourKind as K;
    if behaviour.source.trim().is_empty() {
        return Err(SpecError::invalid(
            file,
            format!("{path}.source"),
            "empty source",
        ));
    }
    let needs_errors = matches!(
        behaviour.kind,
        K::FailsWhenMissing | K::RejectsDuplicate | K::RequiresVerifiedIdentity
    );
    if needs_errors && behaviour.errors.is_empty() {
        return Err(SpecError::invalid(
            file,
            format!("{path}.errors"),
            "a rejecting behaviour must list the error types it expects",
        ));
    }
    if !needs_errors && !behaviour.errors.is_empty() {
        return Err(SpecError::invalid(
            file,
            format!("{path}.errors"),
            "only rejecting behaviours list error types",
        ));
    }
    if behaviour.kind == K::Paginates {
        let Some(list) = &behaviour.list else {
            return Err(SpecError::invalid(
                file,
                format!("{path}.list"),
                "`paginates` needs the output list member",
            ));
        };
        if op.output.get(list).map(|m| m.ty) != Some(MemberType::List) {
            return Err(SpecError::invalid(
                file,
                format!("{path}.list"),
                format!("`{list}` is not a list member of the output"),
            ));
        }
    }
    if behaviour.kind == K::EchoesCreated && behaviour.echo.is_empty() {
        return Err(SpecError::invalid(
            file,
            format!("{path}.echo"),
            "`echoes_created` needs at least one output <- fixture pointer pair",
        ));
    }
    let needs_resource = !matches!(behaviour.kind, K::Paginates);
    if needs_resource && op.resource.is_none() {
        return Err(SpecError::invalid(
            file,
            format!("{path}.kind"),
            "this behaviour is about a resource, but the operation declares none",
        ));
    }
    Ok(())
}

/// `personal` and `lists_by_name` are read on top-level output members only (snapshots and
/// baselines withhold those): anywhere else they would be silently ignored.
fn check_not_personal(member: &Member, file: &Path, path: &str) -> Result<(), SpecError> {
    if member.personal {
        return Err(SpecError::invalid(
            file,
            format!("{path}.personal"),
            "only top-level output members can be marked personal",
        ));
    }
    if member.lists_by_name.is_some() {
        return Err(SpecError::invalid(
            file,
            format!("{path}.lists_by_name"),
            "only top-level output members can list resources by name",
        ));
    }
    Ok(())
}

/// `lists_by_name` must say where a name is in this member: the key of a map of strings, a
/// string member of the structures a list holds, or the items of a list of strings.
fn check_lists_by_name(
    spec: &Spec,
    member: &Member,
    file: &Path,
    path: &str,
) -> Result<(), SpecError> {
    let Some(at) = &member.lists_by_name else {
        return Ok(());
    };
    let path = format!("{path}.lists_by_name");
    let problem = match (at, member.ty) {
        (NameAt::Key, MemberType::Map) => None,
        (NameAt::Key, _) => Some("`key` names the entries of a map only".to_string()),
        (NameAt::Member(name), MemberType::List) => {
            let item_members = member
                .member
                .as_deref()
                .and_then(|item| spec.members_of(item));
            match item_members.and_then(|shape| shape.members.get(name)) {
                Some(m) if m.ty == MemberType::String => None,
                Some(_) => Some(format!(
                    "`{name}` is not a string member of the list's items"
                )),
                None => Some(format!("the list's items have no member `{name}`")),
            }
        }
        (NameAt::Member(_), _) => Some("`member` names the items of a list only".to_string()),
        (NameAt::Item, MemberType::List) => match member.member.as_deref() {
            Some(item) if item.ty == MemberType::String => None,
            _ => Some("`item` names a list of strings only".to_string()),
        },
        (NameAt::Item, _) => Some("`item` names the items of a list only".to_string()),
    };
    match problem {
        Some(problem) => Err(SpecError::invalid(file, path, problem)),
        None => Ok(()),
    }
}

fn check_member(spec: &Spec, member: &Member, file: &Path, path: &str) -> Result<(), SpecError> {
    let shape = match &member.shape {
        Some(name) => match spec.shapes.get(name) {
            Some(shape) => Some(shape),
            None => {
                return Err(SpecError::invalid(
                    file,
                    format!("{path}.shape"),
                    format!("dangling shape reference `{name}`: no specs/shapes/{name}.json"),
                ));
            }
        },
        None => None,
    };
    match member.ty {
        MemberType::Structure => match shape {
            Some(s) if s.kind == ShapeKind::Structure => {}
            Some(s) => {
                return Err(SpecError::invalid(
                    file,
                    format!("{path}.shape"),
                    format!(
                        "`{}` is an enum, a structure member needs a structure",
                        s.shape
                    ),
                ));
            }
            None => {
                return Err(SpecError::invalid(
                    file,
                    path,
                    "a structure member needs a `shape`",
                ));
            }
        },
        MemberType::String => {
            if let Some(s) = shape {
                if s.kind != ShapeKind::Enum {
                    return Err(SpecError::invalid(
                        file,
                        format!("{path}.shape"),
                        format!(
                            "`{}` is a structure, a string member may only name an enum",
                            s.shape
                        ),
                    ));
                }
            }
        }
        _ => {
            if shape.is_some() {
                return Err(SpecError::invalid(
                    file,
                    format!("{path}.shape"),
                    format!("a {} member cannot have a shape", member.ty.as_str()),
                ));
            }
        }
    }
    match member.ty {
        MemberType::List => match &member.member {
            Some(item) => {
                check_not_personal(item, file, &format!("{path}.member"))?;
                check_member(spec, item, file, &format!("{path}.member"))?
            }
            None => {
                return Err(SpecError::invalid(
                    file,
                    path,
                    "a list member needs `member`",
                ));
            }
        },
        MemberType::Map => match (&member.key, &member.value) {
            (Some(k), Some(v)) => {
                check_not_personal(k, file, &format!("{path}.key"))?;
                check_not_personal(v, file, &format!("{path}.value"))?;
                check_member(spec, k, file, &format!("{path}.key"))?;
                check_member(spec, v, file, &format!("{path}.value"))?;
            }
            _ => {
                return Err(SpecError::invalid(
                    file,
                    path,
                    "a map member needs `key` and `value`",
                ));
            }
        },
        _ => {
            if member.member.is_some() || member.key.is_some() || member.value.is_some() {
                return Err(SpecError::invalid(
                    file,
                    path,
                    format!(
                        "a {} member cannot have item/key/value members",
                        member.ty.as_str()
                    ),
                ));
            }
        }
    }

    check_rows(spec, member, file, path)
}

/// The rows of every kind on `member`, in three passes so the first error is the same whatever
/// the order of the registry: each row applies to the member's type, each row is sane, and each
/// row names its source.
fn check_rows(spec: &Spec, member: &Member, file: &Path, path: &str) -> Result<(), SpecError> {
    let row_path = |kind: ConstraintKind| format!("{path}.constraints.{kind}");
    for kind in kinds::all() {
        if kind.row(member).is_some() && !kind.applies_to(member.ty) {
            let message = kind.def().misapplied(kind.as_str(), member.ty);
            return Err(SpecError::invalid(file, row_path(kind), message));
        }
    }
    for kind in kinds::all() {
        if let Err(problem) = kind.def().check_row(spec, member) {
            let at = format!("{}{}", row_path(kind), problem.at);
            return Err(SpecError::invalid(file, at, problem.message));
        }
    }
    for kind in kinds::all() {
        if kind
            .row(member)
            .is_some_and(|row| row.source().trim().is_empty())
        {
            return Err(SpecError::invalid(
                file,
                format!("{}.source", row_path(kind)),
                "every constraint needs the place in the documentation that states it",
            ));
        }
    }
    Ok(())
}

pub(super) fn check_shape(spec: &Spec, shape: &Shape, file: &Path) -> Result<(), SpecError> {
    if shape.source.trim().is_empty() {
        return Err(SpecError::invalid(file, "$.source", "empty source"));
    }
    match shape.kind {
        ShapeKind::Enum => {
            if shape.values.is_empty() {
                return Err(SpecError::invalid(file, "$.values", "an enum needs values"));
            }
            if !shape.members.is_empty() || !shape.rules.is_empty() {
                return Err(SpecError::invalid(
                    file,
                    "$.members",
                    "an enum has values, not members or rules",
                ));
            }
            let mut seen = BTreeSet::new();
            for (i, v) in shape.values.iter().enumerate() {
                if !seen.insert(v) {
                    return Err(SpecError::invalid(
                        file,
                        format!("$.values[{i}]"),
                        format!("duplicate enum value `{v}`"),
                    ));
                }
            }
        }
        ShapeKind::Structure => {
            // A structure may be empty: the model has marker structures (a union's choice that
            // carries nothing, such as SigningScheme's DefaultScheme).
            if !shape.values.is_empty() {
                return Err(SpecError::invalid(
                    file,
                    "$.values",
                    "a structure has no values",
                ));
            }
            for (name, member) in &shape.members {
                if member.location.is_some() {
                    return Err(SpecError::invalid(
                        file,
                        format!("$.members.{name}.location"),
                        "members of shapes have no location",
                    ));
                }
                check_not_personal(member, file, &format!("$.members.{name}"))?;
                check_member(spec, member, file, &format!("$.members.{name}"))?;
            }
            check_rules(shape, file)?;
        }
    }
    Ok(())
}

fn check_rules(shape: &Shape, file: &Path) -> Result<(), SpecError> {
    for kind in kinds::all() {
        if let Err(problem) = kind.def().check_rule(shape) {
            let at = format!("$.rules.{kind}{}", problem.at);
            return Err(SpecError::invalid(file, at, problem.message));
        }
    }
    Ok(())
}

pub(super) fn check_resources(spec: &Spec, file: &Path) -> Result<(), SpecError> {
    for (kind, def) in &spec.resources {
        for (key, op_name) in [("create", &def.create), ("delete", &def.delete)] {
            let Some(op) = spec.operation_or_setup(op_name) else {
                return Err(SpecError::invalid(
                    file,
                    format!("$.{kind}.{key}"),
                    format!("unknown operation `{op_name}`"),
                ));
            };
            for (i, k) in def.keys.iter().enumerate() {
                if !op.input.contains_key(k) {
                    return Err(SpecError::invalid(
                        file,
                        format!("$.{kind}.keys[{i}]"),
                        format!("`{op_name}` has no input member `{k}`"),
                    ));
                }
            }
        }
        super::store_checks::check_store(spec, kind, def, file)?;
        if let Some(parent) = &def.parent {
            if !spec.resources.contains_key(parent) {
                return Err(SpecError::invalid(
                    file,
                    format!("$.{kind}.parent"),
                    format!("unknown resource kind `{parent}`"),
                ));
            }
        }
    }
    Ok(())
}
