//! What an import changes: against the imported files on disk ([`changes`]: a newer model), and
//! against the hand-written table ([`table_differences`]: where the seed's rules and today's model
//! part, so both can stay with their sources).

use std::path::Path;

use serde_json::Value;

use super::Imported;
use crate::spec::{Bounds, Edition, Member, Operation, Shape, ShapeKind, Spec};

/// One file an import would write differently from what is on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A new file (an operation or shape the model added).
    Added(String),
    /// A file the model no longer has a reason for.
    Removed(String),
    /// A file whose content moved, with the JSON paths that differ (at most a few per file).
    Changed(String, Vec<String>),
}

/// How the files an import produces differ from those under `out`.
pub fn changes(imported: &Imported, out: &Path) -> Vec<Change> {
    let wanted = imported.files();
    let mut found = Vec::new();
    for (relative, text) in &wanted {
        match std::fs::read_to_string(out.join(relative)) {
            Err(_) => found.push(Change::Added(relative.clone())),
            Ok(old) if old == *text => {}
            Ok(old) => {
                let mut paths = Vec::new();
                let old: Value = serde_json::from_str(&old).unwrap_or(Value::Null);
                let new: Value = serde_json::from_str(text).unwrap_or(Value::Null);
                json_paths_that_differ(&old, &new, "$", &mut paths);
                if paths.is_empty() {
                    // Same JSON, other text (key order or formatting).
                    paths.push("$ (formatting)".into());
                }
                found.push(Change::Changed(relative.clone(), paths));
            }
        }
    }
    for dir in ["operations", "shapes"] {
        let Ok(entries) = std::fs::read_dir(out.join(dir)) else {
            continue;
        };
        let mut stale: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| format!("{dir}/{}", e.file_name().to_string_lossy()))
            .filter(|relative| !wanted.iter().any(|(r, _)| r == relative))
            .collect();
        stale.sort();
        found.extend(stale.into_iter().map(Change::Removed));
    }
    found
}

/// At most this many paths per changed file: enough to see what moved.
const PATHS_PER_FILE: usize = 8;

fn json_paths_that_differ(old: &Value, new: &Value, at: &str, out: &mut Vec<String>) {
    if out.len() >= PATHS_PER_FILE || old == new {
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                match b.get(key) {
                    Some(other) => {
                        json_paths_that_differ(value, other, &format!("{at}.{key}"), out)
                    }
                    None => out.push(format!("{at}.{key} (removed)")),
                }
            }
            for key in b.keys().filter(|k| !a.contains_key(*k)) {
                out.push(format!("{at}.{key} (added)"));
            }
        }
        _ => out.push(at.to_string()),
    }
    out.truncate(PATHS_PER_FILE);
}

/// One place where the hand-written table and the model say different things.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDifference {
    /// `Operation.Member` (or the operation alone).
    pub at: String,
    /// What differs, e.g. `range max`.
    pub what: String,
    /// What the table says (today's reading: a `later` row where it has one).
    pub table: String,
    /// What the model says.
    pub model: String,
}

/// Where the table's operations (and setup operations) differ from the model's view of them:
/// binding, error types, which request members exist, their type, whether they are required,
/// their bounds, and the values of their enums. Only top-level request members are compared.
pub fn table_differences(spec: &Spec, imported: &Imported) -> Vec<TableDifference> {
    let mut found = Vec::new();
    for table in spec.operations.values().chain(spec.setup.values()) {
        let Some(model) = imported.operations.get(&table.operation) else {
            found.push(difference(
                &table.operation,
                "operation",
                "present",
                "absent",
            ));
            continue;
        };
        let Ok(model) = serde_json::from_value::<Operation>(model.clone()) else {
            continue;
        };
        compare_operation(spec, imported, table, &model, &mut found);
    }
    found
}

fn difference(at: &str, what: &str, table: impl ToString, model: impl ToString) -> TableDifference {
    TableDifference {
        at: at.to_string(),
        what: what.to_string(),
        table: table.to_string(),
        model: model.to_string(),
    }
}

fn compare_operation(
    spec: &Spec,
    imported: &Imported,
    table: &Operation,
    model: &Operation,
    found: &mut Vec<TableDifference>,
) {
    let op = &table.operation;
    let binding = |o: &Operation| format!("{} {}", o.http.method.as_str(), o.http.uri);
    if binding(table) != binding(model) {
        found.push(difference(op, "http", binding(table), binding(model)));
    }
    let mut table_errors = table.errors.types.clone();
    table_errors.sort();
    if table_errors != model.errors.types {
        found.push(difference(
            op,
            "errors",
            table_errors.join(", "),
            model.errors.types.join(", "),
        ));
    }
    for (name, m) in &model.input {
        let at = format!("{op}.{name}");
        match table.input.get(name) {
            None => found.push(difference(&at, "member", "absent", m.ty.as_str())),
            Some(t) => compare_member(spec, imported, &at, t, m, found),
        }
    }
    for name in table.input.keys().filter(|n| !model.input.contains_key(*n)) {
        found.push(difference(
            &format!("{op}.{name}"),
            "member",
            "present",
            "absent",
        ));
    }
}

fn compare_member(
    spec: &Spec,
    imported: &Imported,
    at: &str,
    table: &Member,
    model: &Member,
    found: &mut Vec<TableDifference>,
) {
    if table.ty != model.ty {
        found.push(difference(at, "type", table.ty.as_str(), model.ty.as_str()));
    }
    let required_today = |m: &Member| {
        m.constraints
            .required
            .as_ref()
            .is_some_and(|r| !r.later.as_ref().is_some_and(|l| l.dropped))
    };
    if required_today(table) != required_today(model) {
        found.push(difference(
            at,
            "required",
            required_today(table),
            required_today(model),
        ));
    }
    let c = (&table.constraints, &model.constraints);
    compare_bounds(
        at,
        "length",
        c.0.length.as_ref(),
        c.1.length.as_ref(),
        found,
    );
    compare_bounds(at, "range", c.0.range.as_ref(), c.1.range.as_ref(), found);
    compare_bounds(at, "items", c.0.items.as_ref(), c.1.items.as_ref(), found);
    let table_enum = table
        .shape
        .as_ref()
        .and_then(|s| spec.shapes.get(s))
        .filter(|s| s.kind == ShapeKind::Enum);
    let model_enum = model
        .shape
        .as_ref()
        .and_then(|s| imported.shapes.get(s))
        .and_then(|v| serde_json::from_value::<Shape>(v.clone()).ok())
        .filter(|s| s.kind == ShapeKind::Enum);
    if let (Some(t), Some(m)) = (table_enum, model_enum) {
        let (mut a, mut b) = (t.values.clone(), m.values.clone());
        a.sort();
        b.sort();
        if a != b {
            found.push(difference(at, "enum", a.join("|"), b.join("|")));
        }
    }
}

fn compare_bounds(
    at: &str,
    kind: &str,
    table: Option<&Bounds>,
    model: Option<&Bounds>,
    found: &mut Vec<TableDifference>,
) {
    let show = |b: Option<&Bounds>| match b.map(|b| b.in_edition(Edition::Current)) {
        None => "none".to_string(),
        Some(b) => format!(
            "{}..{}",
            b.min.map_or(String::new(), |v| v.to_string()),
            b.max.map_or(String::new(), |v| v.to_string())
        ),
    };
    let (t, m) = (show(table), show(model));
    // A bound the model leaves out is no difference: the table's comes from the documentation.
    if model.is_some() && t != m {
        found.push(difference(at, kind, t, m));
    }
}
