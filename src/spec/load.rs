//! The strict loader: reads `specs/`, and refuses anything it does not understand with an error
//! that names the file and the JSON path.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::de::DeserializeOwned;

use super::model::{
    Bounds, ErrorDef, Member, MemberType, Operation, Protocol, ResourceDef, Shape, ShapeKind,
    ShapeRules,
};
use super::{Spec, OPERATIONS, SETUP_OPERATIONS};

/// Why a spec directory could not be loaded. Every variant names the file, and where it can, the
/// JSON path inside it.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The file or directory could not be read.
    #[error("{file}: cannot read: {source}")]
    Read {
        /// The file.
        file: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid JSON, or does not fit the model (unknown key, wrong type, ...).
    #[error("{file}: at {path}: {message}")]
    Parse {
        /// The file.
        file: PathBuf,
        /// JSON path of the offending value, e.g. `$.input.PageSize.constraints.range`.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// The file parses but says something impossible or dangling.
    #[error("{file}: at {path}: {message}")]
    Invalid {
        /// The file.
        file: PathBuf,
        /// JSON path of the offending value.
        path: String,
        /// What was wrong.
        message: String,
    },
}

impl SpecError {
    fn invalid(file: &Path, path: impl Into<String>, message: impl Into<String>) -> SpecError {
        SpecError::Invalid {
            file: file.to_path_buf(),
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Load and check every file of a spec directory.
pub fn load_dir(dir: &Path) -> Result<Spec, SpecError> {
    let shapes = load_shapes(&dir.join("shapes"))?;
    let resources_file = dir.join("resources.json");
    let resources: IndexMap<String, ResourceDef> = parse_file(&resources_file)?;
    let errors_file = dir.join("errors.json");
    let errors: IndexMap<String, ErrorDef> = parse_file(&errors_file)?;
    let protocol: Protocol = parse_file(&dir.join("protocol.json"))?;
    let (operations, op_files) = load_operations(&dir.join("operations"), OPERATIONS)?;
    let (setup, setup_files) = load_operations(&dir.join("setup"), SETUP_OPERATIONS)?;

    let spec = Spec {
        dir: dir.to_path_buf(),
        operations,
        setup,
        shapes,
        resources,
        errors,
        protocol,
    };
    for (op, file) in spec.operations.values().zip(&op_files) {
        check_operation(&spec, op, file)?;
    }
    for (op, file) in spec.setup.values().zip(&setup_files) {
        check_operation(&spec, op, file)?;
    }
    for shape in spec.shapes.values() {
        let file = dir.join("shapes").join(format!("{}.json", shape.shape));
        check_shape(&spec, shape, &file)?;
    }
    check_resources(&spec, &resources_file)?;
    Ok(spec)
}

/// Parse one JSON file into `T`, reporting the JSON path of the first error.
pub fn parse_file<T: DeserializeOwned>(file: &Path) -> Result<T, SpecError> {
    let text = std::fs::read_to_string(file).map_err(|source| SpecError::Read {
        file: file.to_path_buf(),
        source,
    })?;
    parse_str(file, &text)
}

/// Parse JSON text that came from `file` into `T`, reporting the JSON path of the first error.
pub fn parse_str<T: DeserializeOwned>(file: &Path, text: &str) -> Result<T, SpecError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|err| SpecError::Parse {
        file: file.to_path_buf(),
        path: json_path(&err.path().to_string()),
        message: err.inner().to_string(),
    })?;
    de.end().map_err(|err| SpecError::Parse {
        file: file.to_path_buf(),
        path: "$".into(),
        message: err.to_string(),
    })?;
    Ok(value)
}

fn json_path(serde_path: &str) -> String {
    if serde_path == "." || serde_path.is_empty() {
        "$".into()
    } else {
        format!("$.{serde_path}")
    }
}

fn json_files(dir: &Path) -> Result<Vec<PathBuf>, SpecError> {
    let read_err = |source| SpecError::Read {
        file: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_err)? {
        let path = entry.map_err(read_err)?.path();
        if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn file_stem(file: &Path) -> String {
    file.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn load_shapes(dir: &Path) -> Result<IndexMap<String, Shape>, SpecError> {
    let mut shapes = IndexMap::new();
    for file in json_files(dir)? {
        let shape: Shape = parse_file(&file)?;
        if shape.shape != file_stem(&file) {
            return Err(SpecError::invalid(
                &file,
                "$.shape",
                format!(
                    "shape `{}` must live in a file named `{}.json`",
                    shape.shape, shape.shape
                ),
            ));
        }
        shapes.insert(shape.shape.clone(), shape);
    }
    Ok(shapes)
}

fn load_operations(
    dir: &Path,
    known: &[&str],
) -> Result<(IndexMap<String, Operation>, Vec<PathBuf>), SpecError> {
    let mut operations = IndexMap::new();
    let mut files = Vec::new();
    for file in json_files(dir)? {
        let op: Operation = parse_file(&file)?;
        if !known.contains(&op.operation.as_str()) {
            return Err(SpecError::invalid(
                &file,
                "$.operation",
                format!(
                    "unknown operation `{}`: this directory holds only {}",
                    op.operation,
                    known.join(", ")
                ),
            ));
        }
        if op.operation != file_stem(&file) {
            return Err(SpecError::invalid(
                &file,
                "$.operation",
                format!(
                    "operation `{}` must live in a file named `{}.json`",
                    op.operation, op.operation
                ),
            ));
        }
        operations.insert(op.operation.clone(), op);
        files.push(file);
    }
    let missing: Vec<&str> = known
        .iter()
        .copied()
        .filter(|name| !operations.contains_key(*name))
        .collect();
    if !missing.is_empty() {
        return Err(SpecError::invalid(
            dir,
            "$",
            format!("missing operation file(s): {}", missing.join(", ")),
        ));
    }
    Ok((operations, files))
}

fn check_operation(spec: &Spec, op: &Operation, file: &Path) -> Result<(), SpecError> {
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
    }
    for (i, behaviour) in op.behaviours.iter().enumerate() {
        let path = format!("$.behaviours[{i}]");
        check_behaviour(op, behaviour, file, &path)?;
    }
    Ok(())
}

fn check_uri_labels(op: &Operation, file: &Path) -> Result<(), SpecError> {
    let labels = super::uri_labels(&op.http.uri);
    for label in &labels {
        let bound = op.input.iter().any(|(name, m)| {
            m.location == Some(super::model::Location::Uri) && m.wire_name(name) == label
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
        if member.location == Some(super::model::Location::Uri) {
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
    behaviour: &super::model::Behaviour,
    file: &Path,
    path: &str,
) -> Result<(), SpecError> {
    use super::model::BehaviourKind as K;
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

/// `personal` is read on top-level output members only (snapshots and baselines withhold those):
/// anywhere else it would be silently ignored.
fn check_not_personal(member: &Member, file: &Path, path: &str) -> Result<(), SpecError> {
    if member.personal {
        return Err(SpecError::invalid(
            file,
            format!("{path}.personal"),
            "only top-level output members can be marked personal",
        ));
    }
    Ok(())
}

fn check_member(spec: &Spec, member: &Member, file: &Path, path: &str) -> Result<(), SpecError> {
    let c = &member.constraints;
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

    let is = |types: &[MemberType]| types.contains(&member.ty);
    let texty = [MemberType::String];
    let constraint_checks: [(&str, bool, &[MemberType]); 11] = [
        ("length", c.length.is_some(), &texty),
        ("bytes", c.bytes.is_some(), &texty),
        ("range", c.range.is_some(), &[MemberType::Integer]),
        (
            "items",
            c.items.is_some(),
            &[MemberType::List, MemberType::Map],
        ),
        ("charset", c.charset.is_some(), &texty),
        ("unique", c.unique.is_some(), &[MemberType::List]),
        ("reserved_prefix", c.reserved_prefix.is_some(), &texty),
        ("json", c.json.is_some(), &texty),
        ("base64", c.base64.is_some(), &[MemberType::Blob]),
        (
            "mime_blank_line",
            c.mime_blank_line.is_some(),
            &[MemberType::Blob],
        ),
        (
            "mime_line_length",
            c.mime_line_length.is_some(),
            &[MemberType::Blob],
        ),
    ];
    for (name, present, allowed) in constraint_checks {
        if present && !is(allowed) {
            return Err(SpecError::invalid(
                file,
                format!("{path}.constraints.{name}"),
                format!("`{name}` does not apply to a {} member", member.ty.as_str()),
            ));
        }
    }
    for (name, present) in [
        ("ascii_local_part", c.ascii_local_part.is_some()),
        ("punycode_domain", c.punycode_domain.is_some()),
    ] {
        if present && member.ty != MemberType::String {
            return Err(SpecError::invalid(
                file,
                format!("{path}.constraints.{name}"),
                format!("`{name}` applies to address strings only"),
            ));
        }
    }
    for (name, bounds) in [
        ("length", &c.length),
        ("bytes", &c.bytes),
        ("range", &c.range),
        ("items", &c.items),
        ("mime_line_length", &c.mime_line_length),
    ] {
        if let Some(b) = bounds {
            check_bounds(b, file, &format!("{path}.constraints.{name}"))?;
        }
    }
    if let Some(charset) = &c.charset {
        if charset.classes.is_empty() && charset.chars.is_empty() {
            return Err(SpecError::invalid(
                file,
                format!("{path}.constraints.charset"),
                "a charset that allows no character at all",
            ));
        }
    }
    if let Some(unique) = &c.unique {
        let field_exists = member
            .member
            .as_ref()
            .and_then(|item| item.shape.as_ref())
            .and_then(|s| spec.shapes.get(s))
            .is_some_and(|s| s.members.contains_key(&unique.field));
        if !field_exists {
            return Err(SpecError::invalid(
                file,
                format!("{path}.constraints.unique.field"),
                format!("list items have no member `{}`", unique.field),
            ));
        }
    }
    if let Some(prefix) = &c.reserved_prefix {
        if prefix.prefix.is_empty() {
            return Err(SpecError::invalid(
                file,
                format!("{path}.constraints.reserved_prefix.prefix"),
                "empty prefix",
            ));
        }
    }
    for (name, source) in constraint_sources(member) {
        if source.trim().is_empty() {
            return Err(SpecError::invalid(
                file,
                format!("{path}.constraints.{name}.source"),
                "every constraint needs the place in the documentation that states it",
            ));
        }
    }
    Ok(())
}

fn constraint_sources(member: &Member) -> Vec<(&'static str, &str)> {
    let c = &member.constraints;
    let all: [(&'static str, Option<&String>); 14] = [
        ("required", c.required.as_ref().map(|x| &x.source)),
        ("length", c.length.as_ref().map(|x| &x.source)),
        ("bytes", c.bytes.as_ref().map(|x| &x.source)),
        ("range", c.range.as_ref().map(|x| &x.source)),
        ("items", c.items.as_ref().map(|x| &x.source)),
        ("charset", c.charset.as_ref().map(|x| &x.source)),
        ("unique", c.unique.as_ref().map(|x| &x.source)),
        (
            "reserved_prefix",
            c.reserved_prefix.as_ref().map(|x| &x.source),
        ),
        ("json", c.json.as_ref().map(|x| &x.source)),
        ("base64", c.base64.as_ref().map(|x| &x.source)),
        (
            "mime_blank_line",
            c.mime_blank_line.as_ref().map(|x| &x.source),
        ),
        (
            "mime_line_length",
            c.mime_line_length.as_ref().map(|x| &x.source),
        ),
        (
            "ascii_local_part",
            c.ascii_local_part.as_ref().map(|x| &x.source),
        ),
        (
            "punycode_domain",
            c.punycode_domain.as_ref().map(|x| &x.source),
        ),
    ];
    all.into_iter()
        .filter_map(|(name, source)| source.map(|s| (name, s.as_str())))
        .collect()
}

fn check_bounds(b: &Bounds, file: &Path, path: &str) -> Result<(), SpecError> {
    // A bound only documented after the seed has no seed bound, but its later bound says something.
    let later_says_something = b
        .later
        .as_ref()
        .is_some_and(|l| l.min.is_some() || l.max.is_some());
    if b.min.is_none() && b.max.is_none() && !later_says_something {
        return Err(SpecError::invalid(
            file,
            path,
            "bounds with neither min nor max",
        ));
    }
    if let (Some(min), Some(max)) = (b.min, b.max) {
        if min > max {
            return Err(SpecError::invalid(
                file,
                path,
                format!("impossible bounds: min {min} > max {max}"),
            ));
        }
    }
    if let Some(later) = &b.later {
        if let (Some(min), Some(max)) = (later.min.or(b.min), later.max.or(b.max)) {
            if min > max {
                return Err(SpecError::invalid(
                    file,
                    format!("{path}.later"),
                    format!("impossible later bounds: min {min} > max {max}"),
                ));
            }
        }
    }
    Ok(())
}

fn check_shape(spec: &Spec, shape: &Shape, file: &Path) -> Result<(), SpecError> {
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
            if shape.members.is_empty() {
                return Err(SpecError::invalid(
                    file,
                    "$.members",
                    "a structure needs members",
                ));
            }
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
            check_rules(shape, &shape.rules, file)?;
        }
    }
    Ok(())
}

fn check_rules(shape: &Shape, rules: &ShapeRules, file: &Path) -> Result<(), SpecError> {
    for (name, set) in [
        ("exactly_one_of", &rules.exactly_one_of),
        ("at_least_one_of", &rules.at_least_one_of),
    ] {
        if let Some(set) = set {
            if set.members.len() < 2 {
                return Err(SpecError::invalid(
                    file,
                    format!("$.rules.{name}.members"),
                    "a rule across members needs at least two of them",
                ));
            }
            for (i, m) in set.members.iter().enumerate() {
                match shape.members.get(m) {
                    None => {
                        return Err(SpecError::invalid(
                            file,
                            format!("$.rules.{name}.members[{i}]"),
                            format!("`{m}` is not a member of `{}`", shape.shape),
                        ));
                    }
                    Some(member) if member.is_required() => {
                        return Err(SpecError::invalid(
                            file,
                            format!("$.rules.{name}.members[{i}]"),
                            format!("`{m}` is required, so `{name}` could never be broken by it"),
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
    }
    if let Some(rule) = &rules.ascii_or_charset {
        for (key, m) in [("data", &rule.data), ("charset", &rule.charset)] {
            if shape.members.get(m).map(|x| x.ty) != Some(MemberType::String) {
                return Err(SpecError::invalid(
                    file,
                    format!("$.rules.ascii_or_charset.{key}"),
                    format!("`{m}` is not a string member of `{}`", shape.shape),
                ));
            }
        }
    }
    Ok(())
}

fn check_resources(spec: &Spec, file: &Path) -> Result<(), SpecError> {
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
