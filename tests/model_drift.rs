//! Model drift: the spec table held against the `aws-sdk-sesv2` model that is actually compiled.
//!
//! Run it before and after upgrading `aws-sdk-sesv2`. It checks
//!
//! * **enums**: every enum shape of `specs/shapes/` against the SDK enum's `values()`, called at
//!   run time through [`SDK_ENUMS`];
//! * **members**: the members of every operation input and output (the 22 and the setup ones) and
//!   of every structure shape against the fields of the SDK builder, read from the SDK source that
//!   `cargo metadata` says is compiled (and, where a member names a shape, that the SDK field's
//!   type names the same shape);
//! * **required**: `constraints.required` of every input, output and shape member against the SDK
//!   model;
//! * **the baseline** `specs/sdk-baseline.json`: what the SDK has and the 2020 seed lacks (known
//!   extra enum values and members), and the deliberate required-ness differences with their
//!   reason. Anything new fails; a baseline entry that no longer holds fails too.
//!
//! Every problem names the row to update: a spec file and a JSON path, or a baseline entry.
//!
//! `SES_CONFORMANCE_BLESS_DRIFT=1 cargo test --test model_drift` rewrites the baseline from what
//! the SDK has now (keeping the reasons of required differences that still hold) and prints it.
//! A new required difference gets the reason `TODO: ...`, which fails the next ordinary run until
//! someone writes why the spec deliberately differs.
//!
//! How the SDK model is read (smithy-rs layout, checked strictly: a line the parser does not
//! understand, a marker it cannot attribute, or sources that disagree are loud errors):
//!
//! * members: `pub struct <Op>InputBuilder { pub(crate) field: Type, ... }` in
//!   `src/operation/<op>/_<op>_input.rs`, `<Op>OutputBuilder` in `_<op>_output.rs` (without
//!   `_request_id`), `<Shape>Builder` in `src/types/_<shape>.rs`; cross-checked against the
//!   public struct, and for operations against the member list of `src/client/<op>.rs`;
//! * required: a builder setter documented `/// This field is required.` right before
//!   `pub fn <field>(`; a `missing_field("<field>", ...)` in `build()`; and for inputs the
//!   `required: **true**` of the client docs. The union counts: smithy-rs writes the doc line
//!   only for non-collection setters (SendBulkEmail's required `BulkEmailEntries` has none) and
//!   `missing_field` only for members that are not optional structures (GetEmailTemplate's
//!   required `TemplateContent` has none).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use ses_conformance::spec::{snake_case, Member, ShapeKind, Spec};

/// `values()` of an SDK enum.
type EnumValuesFn = fn() -> &'static [&'static str];

/// Spec enum shape -> the SDK enum's `values()`. A spec enum without an entry fails.
const SDK_ENUMS: &[(&str, EnumValuesFn)] = &[
    (
        "BehaviorOnMxFailure",
        aws_sdk_sesv2::types::BehaviorOnMxFailure::values,
    ),
    (
        "BulkEmailStatus",
        aws_sdk_sesv2::types::BulkEmailStatus::values,
    ),
    (
        "ContactLanguage",
        aws_sdk_sesv2::types::ContactLanguage::values,
    ),
    (
        "DeliverabilityTestStatus",
        aws_sdk_sesv2::types::DeliverabilityTestStatus::values,
    ),
    (
        "DkimSigningAttributesOrigin",
        aws_sdk_sesv2::types::DkimSigningAttributesOrigin::values,
    ),
    ("DkimStatus", aws_sdk_sesv2::types::DkimStatus::values),
    ("IdentityType", aws_sdk_sesv2::types::IdentityType::values),
    (
        "MailFromDomainStatus",
        aws_sdk_sesv2::types::MailFromDomainStatus::values,
    ),
    ("MailType", aws_sdk_sesv2::types::MailType::values),
    ("ReviewStatus", aws_sdk_sesv2::types::ReviewStatus::values),
    (
        "SuppressionListReason",
        aws_sdk_sesv2::types::SuppressionListReason::values,
    ),
];

const BLESS_VAR: &str = "SES_CONFORMANCE_BLESS_DRIFT";
const BASELINE_FILE: &str = "specs/sdk-baseline.json";
const TODO_REASON: &str =
    "TODO: say why the spec deliberately differs from the SDK model, or fix the spec row";

// ------------------------------------------------------------------------------------------------
// The baseline file
// ------------------------------------------------------------------------------------------------

/// `specs/sdk-baseline.json`: what the compiled SDK has beyond the seed-based spec.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Baseline {
    /// What the file is.
    #[serde(default)]
    about: String,
    /// The `aws-sdk-sesv2` version the baseline was taken from.
    sdk_version: String,
    /// Enum shape -> SDK values the spec does not list.
    #[serde(default)]
    enum_extras: BTreeMap<String, Vec<String>>,
    /// `<dir>/<File>.json $.input|$.output|$.members` -> SDK field names the spec does not have.
    #[serde(default)]
    member_extras: BTreeMap<String, Vec<String>>,
    /// Deliberate differences of `constraints.required` from the SDK model.
    #[serde(default)]
    required_differences: Vec<RequiredDifference>,
}

/// One deliberate required-ness difference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequiredDifference {
    /// `<dir>/<File>.json $.<path>.<Member>.constraints.required`.
    row: String,
    /// Whether the spec marks the member required.
    spec_required: bool,
    /// Whether the SDK model does.
    sdk_required: bool,
    /// Why the spec keeps its value.
    reason: String,
}

const ABOUT: &str = "Known differences between the spec table (the 2020 seed) and the compiled aws-sdk-sesv2 model, checked by tests/model_drift.rs. Regenerate with SES_CONFORMANCE_BLESS_DRIFT=1 cargo test --test model_drift; then write the reason of any new required difference.";

fn baseline_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(BASELINE_FILE)
}

fn load_baseline() -> Baseline {
    let path = baseline_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; create it with {BLESS_VAR}=1 cargo test --test model_drift",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{BASELINE_FILE}: {e}"))
}

// ------------------------------------------------------------------------------------------------
// The SDK model as read from its source
// ------------------------------------------------------------------------------------------------

/// One field of an SDK builder.
#[derive(Debug, Clone, PartialEq)]
struct SdkField {
    /// The Rust field name (`r#` stripped).
    name: String,
    /// The Rust type as written.
    ty: String,
    /// Whether the SDK model marks it required.
    required: bool,
}

/// The fields of one SDK builder.
#[derive(Debug, Clone, PartialEq)]
struct SdkStruct {
    /// `<Builder> in <path inside the crate>`, for messages.
    origin: String,
    fields: Vec<SdkField>,
}

impl SdkStruct {
    fn field(&self, name: &str) -> Option<&SdkField> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// The parts of the SDK model the spec covers.
#[derive(Debug, Clone, Default)]
struct SdkModel {
    /// The version `cargo metadata` reports.
    version: String,
    /// Member set key (`operations/X.json $.input`) -> the SDK builder.
    structs: BTreeMap<String, SdkStruct>,
}

/// Enum shape name -> `values()`, from [`SDK_ENUMS`].
fn sdk_enum_values(table: &[(&str, EnumValuesFn)]) -> BTreeMap<String, Vec<String>> {
    table
        .iter()
        .map(|(name, values)| {
            (
                name.to_string(),
                values().iter().map(|v| v.to_string()).collect(),
            )
        })
        .collect()
}

// ------------------------------------------------------------------------------------------------
// Member sets of the spec
// ------------------------------------------------------------------------------------------------

/// Where the SDK keeps the builder of a member set.
#[derive(Debug, Clone)]
enum SdkLocation {
    Input { op: String },
    Output { op: String },
    Shape { shape: String },
}

/// A set of members in one spec file: an operation's input or output, or a structure's members.
struct MemberSet<'a> {
    /// `operations/X.json`, `setup/X.json` or `shapes/X.json`.
    file: String,
    /// `$.input`, `$.output` or `$.members`.
    path: &'static str,
    members: &'a IndexMap<String, Member>,
    location: SdkLocation,
}

impl MemberSet<'_> {
    /// The key of `member_extras` and of [`SdkModel::structs`].
    fn key(&self) -> String {
        format!("{} {}", self.file, self.path)
    }
}

fn member_sets(spec: &Spec) -> Vec<MemberSet<'_>> {
    let mut sets = Vec::new();
    let ops = spec
        .operations
        .values()
        .map(|op| ("operations", op))
        .chain(spec.setup.values().map(|op| ("setup", op)));
    for (dir, op) in ops {
        let file = format!("{dir}/{}.json", op.operation);
        sets.push(MemberSet {
            file: file.clone(),
            path: "$.input",
            members: &op.input,
            location: SdkLocation::Input {
                op: op.operation.clone(),
            },
        });
        sets.push(MemberSet {
            file,
            path: "$.output",
            members: &op.output,
            location: SdkLocation::Output {
                op: op.operation.clone(),
            },
        });
    }
    for shape in spec.shapes.values() {
        if shape.kind == ShapeKind::Structure {
            sets.push(MemberSet {
                file: format!("shapes/{}.json", shape.shape),
                path: "$.members",
                members: &shape.members,
                location: SdkLocation::Shape {
                    shape: shape.shape.clone(),
                },
            });
        }
    }
    sets
}

/// Shapes a member names (itself, its list item, its map key and value), with their JSON paths
/// relative to the member.
fn shape_refs(member: &Member, path: &str, out: &mut Vec<(String, String)>) {
    if let Some(shape) = &member.shape {
        out.push((format!("{path}.shape"), shape.clone()));
    }
    for (part, inner) in [
        ("member", &member.member),
        ("key", &member.key),
        ("value", &member.value),
    ] {
        if let Some(inner) = inner {
            shape_refs(inner, &format!("{path}.{part}"), out);
        }
    }
}

/// The `crate::types::X` names in a Rust type.
fn sdk_type_refs(ty: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = ty;
    while let Some(at) = rest.find("crate::types::") {
        rest = &rest[at + "crate::types::".len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        out.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    out
}

// ------------------------------------------------------------------------------------------------
// Findings: what differs, before the baseline is consulted
// ------------------------------------------------------------------------------------------------

/// SDK enum values the spec lacks, per shape, and problems no baseline can excuse.
fn enum_findings(
    spec: &Spec,
    sdk_enums: &BTreeMap<String, Vec<String>>,
) -> (BTreeMap<String, Vec<String>>, Vec<String>) {
    let mut extras = BTreeMap::new();
    let mut problems = Vec::new();
    for shape in spec.shapes.values().filter(|s| s.kind == ShapeKind::Enum) {
        let name = &shape.shape;
        let Some(sdk) = sdk_enums.get(name) else {
            problems.push(format!(
                "specs/shapes/{name}.json $.values: enum shape {name} has no entry in SDK_ENUMS of \
                 tests/model_drift.rs; add it to the table: (\"{name}\", \
                 aws_sdk_sesv2::types::{name}::values)"
            ));
            continue;
        };
        for (i, value) in shape.values.iter().enumerate() {
            if !sdk.contains(value) {
                problems.push(format!(
                    "specs/shapes/{name}.json $.values[{i}]: `{value}` is not a value of \
                     aws_sdk_sesv2::types::{name} (the SDK has {}); update the row",
                    sdk.join(", ")
                ));
            }
        }
        let extra: Vec<String> = sdk
            .iter()
            .filter(|v| !shape.values.contains(v))
            .cloned()
            .collect();
        if !extra.is_empty() {
            extras.insert(name.clone(), extra);
        }
    }
    for name in sdk_enums.keys() {
        if !spec
            .shapes
            .get(name)
            .is_some_and(|s| s.kind == ShapeKind::Enum)
        {
            problems.push(format!(
                "tests/model_drift.rs SDK_ENUMS: entry `{name}` names no enum shape of \
                 specs/shapes/; remove it from the table"
            ));
        }
    }
    (extras, problems)
}

/// SDK members the spec lacks, per member set, and problems no baseline can excuse.
fn member_findings(spec: &Spec, sdk: &SdkModel) -> (BTreeMap<String, Vec<String>>, Vec<String>) {
    let mut extras = BTreeMap::new();
    let mut problems = Vec::new();
    for set in member_sets(spec) {
        let key = set.key();
        let Some(sdk_struct) = sdk.structs.get(&key) else {
            problems.push(format!(
                "specs/{key}: the SDK model read has no builder for this member set ({:?})",
                set.location
            ));
            continue;
        };
        for (name, member) in set.members {
            let field_name = snake_case(name);
            let Some(field) = sdk_struct.field(&field_name) else {
                problems.push(format!(
                    "specs/{} {}.{name}: member `{name}` (SDK field `{field_name}`) is not in {}; \
                     the SDK removed or renamed it: update the row",
                    set.file, set.path, sdk_struct.origin
                ));
                continue;
            };
            let mut spec_refs = Vec::new();
            shape_refs(member, &format!("{}.{name}", set.path), &mut spec_refs);
            let mut want: Vec<&str> = spec_refs.iter().map(|(_, s)| s.as_str()).collect();
            let have_owned = sdk_type_refs(&field.ty);
            let mut have: Vec<&str> = have_owned.iter().map(String::as_str).collect();
            want.sort_unstable();
            have.sort_unstable();
            if want != have {
                let row = spec_refs
                    .iter()
                    .find(|(_, s)| !have.contains(&s.as_str()))
                    .map(|(p, _)| p.clone())
                    .unwrap_or_else(|| format!("{}.{name}.shape", set.path));
                problems.push(format!(
                    "specs/{} {row}: the spec refers to shape(s) [{}] but SDK field `{field_name}` \
                     of {} has type `{}` (shapes [{}]); update the row",
                    set.file,
                    want.join(", "),
                    sdk_struct.origin,
                    field.ty,
                    have.join(", ")
                ));
            }
        }
        let spec_fields: BTreeSet<String> = set.members.keys().map(|n| snake_case(n)).collect();
        let extra: Vec<String> = sdk_struct
            .fields
            .iter()
            .filter(|f| !spec_fields.contains(&f.name))
            .map(|f| f.name.clone())
            .collect();
        if !extra.is_empty() {
            extras.insert(key, extra);
        }
    }
    (extras, problems)
}

/// A required-ness difference between spec and SDK.
#[derive(Debug, Clone, PartialEq)]
struct RequiredFinding {
    row: String,
    spec_required: bool,
    sdk_required: bool,
    origin: String,
}

/// Members present in both whose required-ness differs.
fn required_findings(spec: &Spec, sdk: &SdkModel) -> Vec<RequiredFinding> {
    let mut out = Vec::new();
    for set in member_sets(spec) {
        let Some(sdk_struct) = sdk.structs.get(&set.key()) else {
            continue; // reported by the member check
        };
        for (name, member) in set.members {
            let Some(field) = sdk_struct.field(&snake_case(name)) else {
                continue; // reported by the member check
            };
            if member.is_required() != field.required {
                out.push(RequiredFinding {
                    row: format!("{} {}.{name}.constraints.required", set.file, set.path),
                    spec_required: member.is_required(),
                    sdk_required: field.required,
                    origin: sdk_struct.origin.clone(),
                });
            }
        }
    }
    out
}

// ------------------------------------------------------------------------------------------------
// Checks: findings against the baseline. Each returns the problems; empty means it holds.
// ------------------------------------------------------------------------------------------------

/// Enum shapes against the SDK enums' `values()`.
fn check_enums(
    spec: &Spec,
    sdk_enums: &BTreeMap<String, Vec<String>>,
    baseline: &Baseline,
) -> Vec<String> {
    let (extras, mut problems) = enum_findings(spec, sdk_enums);
    for (shape, values) in &extras {
        let known = baseline.enum_extras.get(shape);
        for value in values {
            if !known.is_some_and(|k| k.contains(value)) {
                problems.push(format!(
                    "specs/shapes/{shape}.json $.values: aws_sdk_sesv2::types::{shape} has value \
                     `{value}` that the spec does not list; add it to the row, or record it as \
                     known in {BASELINE_FILE} enum_extras[\"{shape}\"]"
                ));
            }
        }
    }
    for (shape, values) in &baseline.enum_extras {
        for value in values {
            if !extras.get(shape).is_some_and(|e| e.contains(value)) {
                problems.push(format!(
                    "{BASELINE_FILE} enum_extras[\"{shape}\"]: `{value}` is stale (not an SDK value \
                     of {shape} missing from specs/shapes/{shape}.json $.values); remove it"
                ));
            }
        }
    }
    problems
}

/// Members of inputs, outputs and structure shapes against the SDK builders.
fn check_members(spec: &Spec, sdk: &SdkModel, baseline: &Baseline) -> Vec<String> {
    let (extras, mut problems) = member_findings(spec, sdk);
    for (key, fields) in &extras {
        let known = baseline.member_extras.get(key);
        let origin = sdk.structs.get(key).map_or("", |s| s.origin.as_str());
        for field in fields {
            if !known.is_some_and(|k| k.contains(field)) {
                problems.push(format!(
                    "specs/{key}: {origin} has member `{field}` that the spec lacks; add it to the \
                     row, or record it as known in {BASELINE_FILE} member_extras[\"{key}\"]"
                ));
            }
        }
    }
    for (key, fields) in &baseline.member_extras {
        for field in fields {
            if !extras.get(key).is_some_and(|e| e.contains(field)) {
                problems.push(format!(
                    "{BASELINE_FILE} member_extras[\"{key}\"]: `{field}` is stale (not an SDK \
                     member missing from specs/{key}); remove it"
                ));
            }
        }
    }
    problems
}

/// `constraints.required` of every input, output and shape member against the SDK model.
fn check_required(spec: &Spec, sdk: &SdkModel, baseline: &Baseline) -> Vec<String> {
    let findings = required_findings(spec, sdk);
    let mut problems = Vec::new();
    let recorded = |f: &RequiredFinding| {
        baseline.required_differences.iter().find(|d| {
            d.row == f.row && d.spec_required == f.spec_required && d.sdk_required == f.sdk_required
        })
    };
    for f in &findings {
        match recorded(f) {
            Some(d) if d.reason.trim().is_empty() || d.reason.starts_with("TODO") => {
                problems.push(format!(
                    "{BASELINE_FILE} required_differences[row = \"{}\"]: no reason given; say why \
                     the spec deliberately differs from the SDK model, or fix specs/{}",
                    f.row, f.row
                ))
            }
            Some(_) => {}
            None => {
                let (spec_says, sdk_says) = if f.spec_required {
                    ("marks the member required", "does not")
                } else {
                    ("does not mark the member required", "does")
                };
                problems.push(format!(
                    "specs/{}: the spec {spec_says} but the SDK model ({}) {sdk_says}; update the \
                     row, or record a deliberate difference with its reason in {BASELINE_FILE} \
                     required_differences",
                    f.row, f.origin
                ));
            }
        }
    }
    for d in &baseline.required_differences {
        let holds = findings.iter().any(|f| {
            d.row == f.row && d.spec_required == f.spec_required && d.sdk_required == f.sdk_required
        });
        if !holds {
            problems.push(format!(
                "{BASELINE_FILE} required_differences[row = \"{}\"]: stale (spec_required = {}, \
                 sdk_required = {} no longer describes spec and SDK); remove it",
                d.row, d.spec_required, d.sdk_required
            ));
        }
    }
    problems
}

/// The baseline was taken from the SDK that is compiled.
fn check_version(sdk: &SdkModel, baseline: &Baseline) -> Vec<String> {
    if baseline.sdk_version == sdk.version {
        return Vec::new();
    }
    vec![format!(
        "{BASELINE_FILE} sdk_version: the baseline is for aws-sdk-sesv2 {} but {} is compiled; \
         review the other problems (if any), then regenerate it with {BLESS_VAR}=1",
        baseline.sdk_version, sdk.version
    )]
}

/// The baseline that makes the current spec and SDK agree; reasons of differences that still
/// hold are kept.
fn bless(
    spec: &Spec,
    sdk_enums: &BTreeMap<String, Vec<String>>,
    sdk: &SdkModel,
    old: Option<&Baseline>,
) -> (Baseline, Vec<String>) {
    let (enum_extras, mut problems) = enum_findings(spec, sdk_enums);
    let (member_extras, member_problems) = member_findings(spec, sdk);
    problems.extend(member_problems);
    let required_differences = required_findings(spec, sdk)
        .into_iter()
        .map(|f| {
            let reason = old
                .and_then(|b| {
                    b.required_differences.iter().find(|d| {
                        d.row == f.row
                            && d.spec_required == f.spec_required
                            && d.sdk_required == f.sdk_required
                    })
                })
                .map_or_else(|| TODO_REASON.to_string(), |d| d.reason.clone());
            RequiredDifference {
                row: f.row,
                spec_required: f.spec_required,
                sdk_required: f.sdk_required,
                reason,
            }
        })
        .collect();
    let baseline = Baseline {
        about: ABOUT.to_string(),
        sdk_version: sdk.version.clone(),
        enum_extras,
        member_extras,
        required_differences,
    };
    (baseline, problems)
}

// ------------------------------------------------------------------------------------------------
// Reading the SDK source
// ------------------------------------------------------------------------------------------------

/// The directory and version of the `aws-sdk-sesv2` this crate compiles against.
fn locate_sdk() -> (PathBuf, String) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let out = Command::new(&cargo)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(&manifest)
        .output()
        .unwrap_or_else(|e| panic!("running `{cargo} metadata`: {e}"));
    assert!(
        out.status.success(),
        "`{cargo} metadata` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    sdk_package(&meta).unwrap_or_else(|e| panic!("cargo metadata: {e}"))
}

/// The `aws-sdk-sesv2` package of the metadata: the one the root package depends on.
fn sdk_package(meta: &serde_json::Value) -> Result<(PathBuf, String), String> {
    let packages = meta["packages"].as_array().ok_or("no `packages` array")?;
    let candidates: Vec<&serde_json::Value> = packages
        .iter()
        .filter(|p| p["name"] == "aws-sdk-sesv2")
        .collect();
    let chosen = match candidates.as_slice() {
        [] => return Err("no package named aws-sdk-sesv2".into()),
        [one] => *one,
        many => {
            // Several versions in the graph: take the one the root package depends on.
            let root = meta["resolve"]["root"].as_str().ok_or("no resolve.root")?;
            let node = meta["resolve"]["nodes"]
                .as_array()
                .and_then(|nodes| nodes.iter().find(|n| n["id"] == root))
                .ok_or("no resolve node for the root package")?;
            let dep_id = node["deps"]
                .as_array()
                .and_then(|deps| deps.iter().find(|d| d["name"] == "aws_sdk_sesv2"))
                .and_then(|d| d["pkg"].as_str())
                .ok_or("the root package does not depend on aws-sdk-sesv2")?;
            many.iter()
                .find(|p| p["id"] == dep_id)
                .copied()
                .ok_or("the resolved aws-sdk-sesv2 is not among the packages")?
        }
    };
    let manifest = chosen["manifest_path"]
        .as_str()
        .ok_or("aws-sdk-sesv2 has no manifest_path")?;
    let version = chosen["version"]
        .as_str()
        .ok_or("aws-sdk-sesv2 has no version")?;
    let dir = Path::new(manifest)
        .parent()
        .ok_or("manifest_path has no directory")?;
    Ok((dir.to_path_buf(), version.to_string()))
}

/// Parse the fields of `pub struct <name> { ... }`: `(name, type)` in order, `r#` stripped.
/// Every line of the body must be a doc comment, an attribute, a field or the continuation of a
/// field's type; anything else is an error (the generated layout changed).
fn parse_struct_fields(src: &str, name: &str) -> Result<Vec<(String, String)>, String> {
    let empty = format!("pub struct {name} {{}}");
    let open = format!("pub struct {name} {{");
    let mut lines = src.lines().enumerate();
    let mut found = None;
    for (_, line) in lines.by_ref() {
        let t = line.trim();
        if t == empty {
            found = Some(false);
            break;
        }
        if t == open {
            found = Some(true);
            break;
        }
    }
    match found {
        None => return Err(format!("no `pub struct {name} {{` found")),
        Some(false) => return Ok(Vec::new()),
        Some(true) => {}
    }
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut open_type = false;
    let mut closed = false;
    for (i, line) in lines {
        let t = line.trim();
        if line == "}" {
            closed = true;
            break;
        }
        if open_type {
            let last = fields.last_mut().expect("an open field");
            last.1.push_str(t);
            open_type = !t.ends_with(',');
            continue;
        }
        if t.is_empty() || t.starts_with("//") || t.starts_with("#[") {
            continue;
        }
        let decl = t
            .strip_prefix("pub(crate) ")
            .or_else(|| t.strip_prefix("pub "))
            .unwrap_or(t);
        let Some((ident, ty)) = decl.split_once(':') else {
            return Err(format!("line {} of `{name}` is not a field: `{t}`", i + 1));
        };
        let ident = ident.trim().trim_start_matches("r#");
        if ident.is_empty()
            || !ident
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(format!("line {} of `{name}` is not a field: `{t}`", i + 1));
        }
        let ty = ty.trim().to_string();
        open_type = !ty.ends_with(',');
        fields.push((ident.to_string(), ty));
    }
    if !closed {
        return Err(format!("`pub struct {name}` is not closed by a `}}` line"));
    }
    if open_type {
        return Err(format!("the last field of `{name}` has no end"));
    }
    for field in &mut fields {
        field.1 = field.1.trim_end_matches(',').trim().to_string();
    }
    Ok(fields)
}

/// Setters documented `/// This field is required.` on the line right before `pub fn <field>(`.
/// Every marker must be followed by a setter of a known field.
fn doc_required(src: &str, fields: &BTreeSet<String>) -> Result<BTreeSet<String>, String> {
    let lines: Vec<&str> = src.lines().collect();
    let mut out = BTreeSet::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim() != "/// This field is required." {
            continue;
        }
        let next = lines.get(i + 1).map_or("", |l| l.trim());
        let setter = next
            .strip_prefix("pub fn ")
            .and_then(|rest| rest.split_once('('))
            .map(|(ident, _)| ident.trim_start_matches("r#"));
        match setter {
            Some(ident) if fields.contains(ident) => {
                out.insert(ident.to_string());
            }
            _ => {
                return Err(format!(
                    "line {}: `This field is required.` is not followed by the setter of a known \
                     field but by `{next}`",
                    i + 2
                ))
            }
        }
    }
    Ok(out)
}

/// Fields named by `missing_field("<field>", ...)` in `build()`.
fn missing_field_required(
    src: &str,
    fields: &BTreeSet<String>,
) -> Result<BTreeSet<String>, String> {
    let mut out = BTreeSet::new();
    let mut rest = src;
    while let Some(at) = rest.find("missing_field(") {
        rest = rest[at + "missing_field(".len()..].trim_start();
        let name = rest
            .strip_prefix('"')
            .and_then(|r| r.split_once('"'))
            .map(|(name, _)| name);
        match name {
            Some(name) if fields.contains(name) => {
                out.insert(name.to_string());
            }
            _ => {
                let shown: String = rest.chars().take(60).collect();
                return Err(format!(
                    "`missing_field(` is not followed by a known field name but by `{shown}`"
                ));
            }
        }
    }
    Ok(out)
}

/// What `src/client/<op>.rs` documents: input members with their `required:` flag, and output
/// fields.
#[derive(Debug, Default, PartialEq)]
struct ClientDoc {
    inputs: Vec<(String, bool)>,
    outputs: Vec<String>,
}

fn parse_client_doc(src: &str) -> Result<ClientDoc, String> {
    #[derive(PartialEq)]
    enum State {
        Before,
        Inputs,
        Outputs,
        Done,
    }
    let mut state = State::Before;
    let mut saw_inputs = false;
    let mut saw_success = false;
    let mut doc = ClientDoc::default();
    let item_name = |t: &str| -> Option<String> {
        let rest = t.strip_prefix("///   - [`")?;
        let (ident, _) = rest.split_once('(')?;
        Some(ident.trim_start_matches("r#").to_string())
    };
    for line in src.lines() {
        let t = line.trim();
        if t.starts_with("/// - The fluent builder is configurable:") {
            state = State::Inputs;
            saw_inputs = true;
        } else if t.starts_with("/// - The fluent builder takes no input") {
            state = State::Before;
            saw_inputs = true;
        } else if t.starts_with("/// - On success, responds with") {
            saw_success = true;
            state = if t.ends_with("with field(s):") {
                State::Outputs
            } else {
                State::Done
            };
        } else if t.starts_with("/// - ") {
            state = State::Done;
        } else if t.starts_with("///   - [`") {
            let name = item_name(t).ok_or_else(|| format!("cannot read the member of `{t}`"))?;
            match state {
                State::Inputs => {
                    let required = if t.contains("<br>required: **true**<br>") {
                        true
                    } else if t.contains("<br>required: **false**<br>") {
                        false
                    } else {
                        return Err(format!("no `required: **true|false**` for input `{name}`"));
                    };
                    doc.inputs.push((name, required));
                }
                State::Outputs => doc.outputs.push(name),
                State::Before | State::Done => {
                    return Err(format!("member line outside a member list: `{name}`"))
                }
            }
        }
    }
    if !saw_inputs || !saw_success {
        return Err("no `The fluent builder ...` / `On success, responds with` lines".into());
    }
    Ok(doc)
}

/// Snake-case file stem the SDK uses for an operation or shape.
fn sdk_snake(name: &str) -> String {
    snake_case(name)
}

fn read_source(root: &Path, rel: &str) -> Result<String, String> {
    std::fs::read_to_string(root.join(rel)).map_err(|e| format!("{rel}: {e}"))
}

/// Read one builder: its fields and their required-ness. `client_doc` is the client doc of the
/// operation for inputs and outputs (cross-checked against the builder).
fn read_builder(
    root: &Path,
    rel: &str,
    builder: &str,
    public: &str,
    expect_request_id: bool,
) -> Result<(SdkStruct, BTreeSet<String>), String> {
    let src = read_source(root, rel)?;
    let ctx = |e: String| format!("{rel} {builder}: {e}");
    let mut raw = parse_struct_fields(&src, builder).map_err(ctx)?;
    let had_request_id = raw.iter().any(|(n, _)| n == "_request_id");
    if expect_request_id && !had_request_id {
        return Err(ctx(
            "no `_request_id` field (the output builder layout changed)".into(),
        ));
    }
    raw.retain(|(n, _)| n != "_request_id");
    let names: BTreeSet<String> = raw.iter().map(|(n, _)| n.clone()).collect();
    // The public struct must have the same fields.
    let mut public_fields =
        parse_struct_fields(&src, public).map_err(|e| format!("{rel} {public}: {e}"))?;
    public_fields.retain(|(n, _)| n != "_request_id");
    let public_names: BTreeSet<String> = public_fields.into_iter().map(|(n, _)| n).collect();
    if public_names != names {
        return Err(ctx(format!(
            "builder fields {names:?} differ from the fields of `{public}` {public_names:?}"
        )));
    }
    let by_doc = doc_required(&src, &names).map_err(ctx)?;
    let by_build = missing_field_required(&src, &names).map_err(ctx)?;
    let required: BTreeSet<String> = by_doc.union(&by_build).cloned().collect();
    let fields = raw
        .into_iter()
        .map(|(name, ty)| SdkField {
            required: required.contains(&name),
            name,
            ty,
        })
        .collect();
    Ok((
        SdkStruct {
            origin: format!("{builder} in {rel}"),
            fields,
        },
        by_doc,
    ))
}

/// Read the SDK builders of every member set of the spec. Errors mean the SDK layout changed
/// (or a spec row names something the SDK does not have at all); they are never skipped.
fn read_sdk_model(spec: &Spec, root: &Path, version: &str) -> Result<SdkModel, Vec<String>> {
    let mut structs = BTreeMap::new();
    let mut errors = Vec::new();
    for set in member_sets(spec) {
        let key = set.key();
        let result = match &set.location {
            SdkLocation::Input { op } | SdkLocation::Output { op } => {
                let s = sdk_snake(op);
                let input = matches!(set.location, SdkLocation::Input { .. });
                let (side, suffix) = if input {
                    ("input", "Input")
                } else {
                    ("output", "Output")
                };
                let rel = format!("src/operation/{s}/_{s}_{side}.rs");
                read_builder(
                    root,
                    &rel,
                    &format!("{op}{suffix}Builder"),
                    &format!("{op}{suffix}"),
                    !input,
                )
                .and_then(|(mut st, by_doc)| {
                    let client_rel = format!("src/client/{s}.rs");
                    let doc = parse_client_doc(&read_source(root, &client_rel)?)
                        .map_err(|e| format!("{client_rel}: {e}"))?;
                    let builder_names: Vec<&str> =
                        st.fields.iter().map(|f| f.name.as_str()).collect();
                    if input {
                        let doc_names: Vec<&str> =
                            doc.inputs.iter().map(|(n, _)| n.as_str()).collect();
                        if doc_names != builder_names {
                            return Err(format!(
                                "{client_rel}: documented inputs {doc_names:?} differ from {} \
                                 {builder_names:?}",
                                st.origin
                            ));
                        }
                        for (name, required) in &doc.inputs {
                            if by_doc.contains(name) && !required {
                                return Err(format!(
                                    "{client_rel}: `{name}` is `required: **false**` but its \
                                     setter in {} says `This field is required.`",
                                    st.origin
                                ));
                            }
                            if *required {
                                if let Some(f) = st.fields.iter_mut().find(|f| &f.name == name) {
                                    f.required = true;
                                }
                            }
                        }
                    } else {
                        let doc_names: Vec<&str> = doc.outputs.iter().map(String::as_str).collect();
                        if doc_names != builder_names {
                            return Err(format!(
                                "{client_rel}: documented outputs {doc_names:?} differ from {} \
                                 {builder_names:?}",
                                st.origin
                            ));
                        }
                    }
                    Ok(st)
                })
            }
            SdkLocation::Shape { shape } => {
                let s = sdk_snake(shape);
                read_builder(
                    root,
                    &format!("src/types/_{s}.rs"),
                    &format!("{shape}Builder"),
                    shape,
                    false,
                )
                .map(|(st, _)| st)
            }
        };
        match result {
            Ok(st) => {
                // Strictness: a spec row with members must find SDK fields.
                if st.fields.is_empty() && !set.members.is_empty() {
                    errors.push(format!(
                        "{}: zero fields parsed, but specs/{key} has {} members; the SDK's code \
                         layout changed",
                        st.origin,
                        set.members.len()
                    ));
                }
                structs.insert(key, st);
            }
            Err(e) => errors.push(format!("specs/{key}: reading the SDK: {e}")),
        }
    }
    // Across the whole model some members are required; finding none means the markers moved.
    if errors.is_empty() && !structs.values().flat_map(|s| &s.fields).any(|f| f.required) {
        errors.push("no required member found anywhere: the SDK's required markers changed".into());
    }
    if errors.is_empty() {
        Ok(SdkModel {
            version: version.to_string(),
            structs,
        })
    } else {
        Err(errors)
    }
}

// ------------------------------------------------------------------------------------------------
// The test
// ------------------------------------------------------------------------------------------------

struct Context {
    spec: Spec,
    sdk: SdkModel,
    sdk_enums: BTreeMap<String, Vec<String>>,
}

fn context() -> &'static Context {
    static CONTEXT: OnceLock<Context> = OnceLock::new();
    CONTEXT.get_or_init(|| {
        let spec = Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
        let (root, version) = locate_sdk();
        let sdk = read_sdk_model(&spec, &root, &version).unwrap_or_else(|errors| {
            panic!(
                "reading aws-sdk-sesv2 {version} at {} failed ({} errors); the SDK's code layout \
                 changed, update the parser in tests/model_drift.rs:\n  {}",
                root.display(),
                errors.len(),
                errors.join("\n  ")
            )
        });
        Context {
            spec,
            sdk,
            sdk_enums: sdk_enum_values(SDK_ENUMS),
        }
    })
}

fn all_problems(ctx: &Context, baseline: &Baseline) -> Vec<String> {
    let mut problems = Vec::new();
    problems.extend(check_version(&ctx.sdk, baseline));
    problems.extend(check_enums(&ctx.spec, &ctx.sdk_enums, baseline));
    problems.extend(check_members(&ctx.spec, &ctx.sdk, baseline));
    problems.extend(check_required(&ctx.spec, &ctx.sdk, baseline));
    problems
}

#[test]
fn spec_table_matches_the_sdk_model() {
    let ctx = context();
    if std::env::var(BLESS_VAR).is_ok_and(|v| v == "1") {
        let old = std::fs::read_to_string(baseline_path())
            .ok()
            .and_then(|t| serde_json::from_str::<Baseline>(&t).ok());
        let (baseline, problems) = bless(&ctx.spec, &ctx.sdk_enums, &ctx.sdk, old.as_ref());
        let text = serde_json::to_string_pretty(&baseline).expect("baseline serialises") + "\n";
        std::fs::write(baseline_path(), &text)
            .unwrap_or_else(|e| panic!("writing {BASELINE_FILE}: {e}"));
        println!("{BLESS_VAR}=1: wrote {BASELINE_FILE}:\n{text}");
        let todo = baseline
            .required_differences
            .iter()
            .filter(|d| d.reason.starts_with("TODO"))
            .count();
        if todo > 0 {
            println!(
                "{todo} new required difference(s) carry a TODO reason: write the reason (or fix \
                 the spec row), or the next run fails"
            );
        }
        assert!(
            problems.is_empty(),
            "{} problem(s) the baseline cannot record; fix the spec rows:\n  {}",
            problems.len(),
            problems.join("\n  ")
        );
        return;
    }
    let baseline = load_baseline();
    let problems = all_problems(ctx, &baseline);
    assert!(
        problems.is_empty(),
        "the spec table drifted from aws-sdk-sesv2 {} ({} problem(s)):\n  {}\n\n(after reviewing, \
         {BLESS_VAR}=1 cargo test --test model_drift regenerates {BASELINE_FILE})",
        ctx.sdk.version,
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
fn every_enum_and_member_set_was_read() {
    let ctx = context();
    // 11 enum shapes, and a builder for each input, output and structure shape.
    let enums = ctx
        .spec
        .shapes
        .values()
        .filter(|s| s.kind == ShapeKind::Enum)
        .count();
    assert_eq!(enums, SDK_ENUMS.len(), "every enum shape has a table entry");
    assert_eq!(ctx.sdk.structs.len(), member_sets(&ctx.spec).len());
    assert!(
        ctx.sdk.structs.len() >= 2 * (22 + 2),
        "inputs and outputs of the 22 and the 2 setup operations"
    );
}

// ------------------------------------------------------------------------------------------------
// Proof that the checks fail, and name the row
// ------------------------------------------------------------------------------------------------

mod proofs {
    use super::*;

    fn spec() -> Spec {
        context().spec.clone()
    }

    fn one_problem_naming(problems: &[String], row: &str) {
        assert!(
            problems.iter().any(|p| p.contains(row)),
            "expected a problem naming `{row}`, got:\n  {}",
            problems.join("\n  ")
        );
    }

    #[test]
    fn the_unchanged_spec_has_no_problems() {
        let ctx = context();
        let problems = all_problems(ctx, &load_baseline());
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn a_changed_enum_value_names_the_values_row() {
        let ctx = context();
        let mut spec = spec();
        spec.shapes.get_mut("MailType").unwrap().values[1] = "TRANSACTIONALLY".into();
        let problems = check_enums(&spec, &ctx.sdk_enums, &load_baseline());
        one_problem_naming(
            &problems,
            "specs/shapes/MailType.json $.values[1]: `TRANSACTIONALLY`",
        );
        // The SDK's TRANSACTIONAL is now an unrecorded extra.
        one_problem_naming(
            &problems,
            "specs/shapes/MailType.json $.values: aws_sdk_sesv2::types::MailType has value `TRANSACTIONAL`",
        );
    }

    #[test]
    fn a_new_sdk_enum_value_fails_unless_recorded() {
        let ctx = context();
        let mut sdk_enums = ctx.sdk_enums.clone();
        sdk_enums
            .get_mut("ContactLanguage")
            .unwrap()
            .push("DE".into());
        let problems = check_enums(&ctx.spec, &sdk_enums, &load_baseline());
        assert_eq!(problems.len(), 1, "{problems:?}");
        one_problem_naming(&problems, "specs/shapes/ContactLanguage.json $.values");
        one_problem_naming(&problems, "enum_extras[\"ContactLanguage\"]");
    }

    #[test]
    fn an_enum_missing_from_the_table_fails() {
        let ctx = context();
        let mut sdk_enums = ctx.sdk_enums.clone();
        sdk_enums.remove("ReviewStatus");
        let problems = check_enums(&ctx.spec, &sdk_enums, &load_baseline());
        one_problem_naming(&problems, "specs/shapes/ReviewStatus.json $.values");
        one_problem_naming(&problems, "add it to the table");
    }

    #[test]
    fn a_stale_enum_extra_names_the_baseline_entry() {
        let ctx = context();
        let mut baseline = load_baseline();
        baseline
            .enum_extras
            .entry("MailType".into())
            .or_default()
            .push("PROMOTIONAL".into());
        let problems = check_enums(&ctx.spec, &ctx.sdk_enums, &baseline);
        assert_eq!(problems.len(), 1, "{problems:?}");
        one_problem_naming(
            &problems,
            "specs/sdk-baseline.json enum_extras[\"MailType\"]: `PROMOTIONAL` is stale",
        );
    }

    #[test]
    fn a_renamed_member_names_the_member_row() {
        let ctx = context();
        let mut spec = spec();
        let op = spec.operations.get_mut("CreateEmailTemplate").unwrap();
        let member = op.input.shift_remove("TemplateName").unwrap();
        op.input.insert("TemplateTitle".into(), member);
        let problems = check_members(&spec, &ctx.sdk, &load_baseline());
        one_problem_naming(
            &problems,
            "specs/operations/CreateEmailTemplate.json $.input.TemplateTitle: member `TemplateTitle`",
        );
        // The SDK's template_name is now an unrecorded extra of the input.
        one_problem_naming(
            &problems,
            "specs/operations/CreateEmailTemplate.json $.input: CreateEmailTemplateInputBuilder",
        );
        one_problem_naming(&problems, "`template_name`");
    }

    #[test]
    fn a_renamed_shape_member_names_the_members_row() {
        let ctx = context();
        let mut spec = spec();
        let shape = spec.shapes.get_mut("MessageTag").unwrap();
        let member = shape.members.shift_remove("Value").unwrap();
        shape.members.insert("Val".into(), member);
        let problems = check_members(&spec, &ctx.sdk, &load_baseline());
        one_problem_naming(&problems, "specs/shapes/MessageTag.json $.members.Val");
    }

    #[test]
    fn a_removed_member_fails_unless_recorded_and_a_stale_extra_fails() {
        let ctx = context();
        let mut spec = spec();
        spec.operations
            .get_mut("SendEmail")
            .unwrap()
            .input
            .shift_remove("ConfigurationSetName");
        let problems = check_members(&spec, &ctx.sdk, &load_baseline());
        assert_eq!(problems.len(), 1, "{problems:?}");
        one_problem_naming(&problems, "specs/operations/SendEmail.json $.input");
        one_problem_naming(
            &problems,
            "member_extras[\"operations/SendEmail.json $.input\"]",
        );

        let mut baseline = load_baseline();
        baseline
            .member_extras
            .get_mut("operations/GetAccount.json $.output")
            .unwrap()
            .push("sending_paused_reason".into());
        let problems = check_members(&ctx.spec, &ctx.sdk, &baseline);
        assert_eq!(problems.len(), 1, "{problems:?}");
        one_problem_naming(
            &problems,
            "specs/sdk-baseline.json member_extras[\"operations/GetAccount.json $.output\"]: `sending_paused_reason` is stale",
        );
    }

    #[test]
    fn a_wrong_shape_reference_names_the_shape_row() {
        let ctx = context();
        let mut spec = spec();
        spec.operations
            .get_mut("PutAccountDetails")
            .unwrap()
            .input
            .get_mut("ContactLanguage")
            .unwrap()
            .shape = Some("MailType".into());
        let problems = check_members(&spec, &ctx.sdk, &load_baseline());
        assert_eq!(problems.len(), 1, "{problems:?}");
        one_problem_naming(
            &problems,
            "specs/operations/PutAccountDetails.json $.input.ContactLanguage.shape",
        );
    }

    #[test]
    fn a_flipped_input_required_names_the_constraint_row() {
        let ctx = context();
        let mut spec = spec();
        spec.operations
            .get_mut("CreateEmailTemplate")
            .unwrap()
            .input
            .get_mut("TemplateName")
            .unwrap()
            .constraints
            .required = None;
        let problems = check_required(&spec, &ctx.sdk, &load_baseline());
        assert_eq!(problems.len(), 1, "{problems:?}");
        one_problem_naming(
            &problems,
            "specs/operations/CreateEmailTemplate.json $.input.TemplateName.constraints.required: the spec does not mark the member required",
        );
    }

    #[test]
    fn a_flipped_collection_and_shape_required_names_the_rows() {
        let ctx = context();
        let mut spec = spec();
        // A required list: the SDK marks it only in the client docs.
        spec.operations
            .get_mut("SendBulkEmail")
            .unwrap()
            .input
            .get_mut("BulkEmailEntries")
            .unwrap()
            .constraints
            .required = None;
        // A shape member made required that the SDK leaves optional.
        let sourced = ses_conformance::spec::Sourced {
            source: "test".into(),
            errors: Vec::new(),
            note: None,
            later: None,
            enforced: None,
        };
        spec.shapes
            .get_mut("Destination")
            .unwrap()
            .members
            .get_mut("ToAddresses")
            .unwrap()
            .constraints
            .required = Some(sourced.clone());
        // An output member made required.
        spec.operations
            .get_mut("SendEmail")
            .unwrap()
            .output
            .get_mut("MessageId")
            .unwrap()
            .constraints
            .required = Some(sourced);
        let problems = check_required(&spec, &ctx.sdk, &load_baseline());
        assert_eq!(problems.len(), 3, "{problems:?}");
        one_problem_naming(
            &problems,
            "specs/operations/SendBulkEmail.json $.input.BulkEmailEntries.constraints.required",
        );
        one_problem_naming(
            &problems,
            "specs/shapes/Destination.json $.members.ToAddresses.constraints.required: the spec marks the member required",
        );
        one_problem_naming(
            &problems,
            "specs/operations/SendEmail.json $.output.MessageId.constraints.required",
        );
    }

    #[test]
    fn a_recorded_required_difference_that_no_longer_holds_is_stale() {
        let ctx = context();
        let baseline = load_baseline();
        let Some(recorded) = baseline.required_differences.first().cloned() else {
            return;
        };
        // Make the spec agree with the SDK on that row: the recorded difference goes stale.
        let mut spec = spec();
        let (file, path) = recorded.row.split_once(' ').unwrap();
        let stem = file.rsplit('/').next().unwrap().trim_end_matches(".json");
        let mut parts = path.split('.');
        assert_eq!(parts.next(), Some("$"));
        let side = parts.next().unwrap();
        let name = parts.next().unwrap();
        let members = if file.starts_with("shapes/") {
            &mut spec.shapes.get_mut(stem).unwrap().members
        } else {
            let op = if file.starts_with("setup/") {
                spec.setup.get_mut(stem).unwrap()
            } else {
                spec.operations.get_mut(stem).unwrap()
            };
            if side == "input" {
                &mut op.input
            } else {
                &mut op.output
            }
        };
        let member = members.get_mut(name).unwrap();
        member.constraints.required =
            recorded
                .sdk_required
                .then(|| ses_conformance::spec::Sourced {
                    source: "test".into(),
                    errors: Vec::new(),
                    note: None,
                    later: None,
                    enforced: None,
                });
        let problems = check_required(&spec, &ctx.sdk, &baseline);
        assert_eq!(problems.len(), 1, "{problems:?}");
        one_problem_naming(
            &problems,
            &format!(
                "specs/sdk-baseline.json required_differences[row = \"{}\"]: stale",
                recorded.row
            ),
        );
    }

    #[test]
    fn a_required_difference_without_a_reason_fails() {
        let ctx = context();
        let mut baseline = load_baseline();
        let Some(first) = baseline.required_differences.first_mut() else {
            return;
        };
        first.reason = TODO_REASON.into();
        let row = first.row.clone();
        let problems = check_required(&ctx.spec, &ctx.sdk, &baseline);
        assert_eq!(problems.len(), 1, "{problems:?}");
        one_problem_naming(
            &problems,
            &format!("required_differences[row = \"{row}\"]: no reason"),
        );
    }

    #[test]
    fn a_baseline_for_another_sdk_version_fails() {
        let ctx = context();
        let mut baseline = load_baseline();
        baseline.sdk_version = "1.0.0".into();
        let problems = check_version(&ctx.sdk, &baseline);
        one_problem_naming(&problems, "specs/sdk-baseline.json sdk_version");
    }

    #[test]
    fn blessing_reproduces_the_committed_baseline() {
        let ctx = context();
        let committed = load_baseline();
        let (blessed, problems) = bless(&ctx.spec, &ctx.sdk_enums, &ctx.sdk, Some(&committed));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(blessed.enum_extras, committed.enum_extras);
        assert_eq!(blessed.member_extras, committed.member_extras);
        assert_eq!(blessed.required_differences, committed.required_differences);
        // And the blessed baseline passes every check.
        assert!(all_problems(ctx, &blessed).is_empty());
    }
}

// ------------------------------------------------------------------------------------------------
// The parser is strict
// ------------------------------------------------------------------------------------------------

mod parser {
    use super::*;

    fn names(fields: &[&str]) -> BTreeSet<String> {
        fields.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn fields_multi_line_types_and_raw_idents_are_read() {
        let src = "pub struct XBuilder {\n    pub(crate) a_b: ::std::option::Option<String>,\n    pub(crate) r#type: ::std::option::Option<crate::types::EventType>,\n    pub(crate) long:\n        ::std::option::Option<::std::vec::Vec<crate::types::Tag>>,\n    _request_id: Option<String>,\n}\n";
        let fields = parse_struct_fields(src, "XBuilder").unwrap();
        let got: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(got, ["a_b", "type", "long", "_request_id"]);
        assert_eq!(
            fields[2].1,
            "::std::option::Option<::std::vec::Vec<crate::types::Tag>>"
        );
        assert_eq!(sdk_type_refs(&fields[2].1), ["Tag"]);
    }

    #[test]
    fn an_unknown_line_or_missing_struct_is_an_error() {
        assert!(
            parse_struct_fields("pub struct XBuilder {\n    fn oops() {}\n}\n", "XBuilder")
                .is_err()
        );
        assert!(parse_struct_fields("pub struct YBuilder {}\n", "XBuilder").is_err());
        assert!(parse_struct_fields(
            "pub struct XBuilder {\n    pub(crate) a: String,\n",
            "XBuilder"
        )
        .is_err());
        assert_eq!(
            parse_struct_fields("pub struct XBuilder {}\n", "XBuilder").unwrap(),
            vec![]
        );
    }

    #[test]
    fn required_markers_must_be_attributed() {
        let ok = "    /// <p>Doc.</p>\n    /// This field is required.\n    pub fn a(mut self) -> Self {\n";
        assert_eq!(doc_required(ok, &names(&["a"])).unwrap(), names(&["a"]));
        assert!(doc_required(ok, &names(&["b"])).is_err());
        let moved = "    /// This field is required.\n    ///\n    pub fn a(mut self) -> Self {\n";
        assert!(doc_required(moved, &names(&["a"])).is_err());
        let built = "BuildError::missing_field(\n \"a\",\n \"a was not specified\")";
        assert_eq!(
            missing_field_required(built, &names(&["a"])).unwrap(),
            names(&["a"])
        );
        assert!(missing_field_required(built, &names(&["b"])).is_err());
    }

    #[test]
    fn client_docs_are_read_strictly() {
        let src = "    /// - The fluent builder is configurable:\n    ///   - [`a(String)`](x) / [`set_a(Option<String>)`](y):<br>required: **true**<br><p>A</p><br>\n    ///   - [`b(String)`](x) / [`set_b(Option<String>)`](y):<br>required: **false**<br><p>B</p><br>\n    /// - On success, responds with [`XOutput`](z) with field(s):\n    ///   - [`c(String)`](z): <p>C</p>\n    /// - On failure, responds with [`SdkError<XError>`](e)\n";
        let doc = parse_client_doc(src).unwrap();
        assert_eq!(
            doc.inputs,
            vec![("a".to_string(), true), ("b".to_string(), false)]
        );
        assert_eq!(doc.outputs, vec!["c".to_string()]);
        let no_flag = src.replace("required: **false**", "optional");
        assert!(parse_client_doc(&no_flag).is_err());
        assert!(parse_client_doc("/// nothing here\n").is_err());
    }

    #[test]
    fn zero_fields_for_a_set_with_members_is_an_error() {
        // A spec whose member set has members, against an SDK directory where the builder is
        // empty: reading must fail rather than find nothing.
        let dir = std::env::temp_dir().join(format!("model-drift-{}", std::process::id()));
        let ctx = context();
        let mut spec = ctx.spec.clone();
        spec.operations.retain(|k, _| k == "DeleteEmailTemplate");
        spec.setup.clear();
        spec.shapes.clear();
        let op_dir = dir.join("src/operation/delete_email_template");
        std::fs::create_dir_all(&op_dir).unwrap();
        std::fs::create_dir_all(dir.join("src/client")).unwrap();
        std::fs::write(
            op_dir.join("_delete_email_template_input.rs"),
            "pub struct DeleteEmailTemplateInput {}\npub struct DeleteEmailTemplateInputBuilder {}\n",
        )
        .unwrap();
        std::fs::write(
            op_dir.join("_delete_email_template_output.rs"),
            "pub struct DeleteEmailTemplateOutput {\n    _request_id: Option<String>,\n}\npub struct DeleteEmailTemplateOutputBuilder {\n    _request_id: Option<String>,\n}\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("src/client/delete_email_template.rs"),
            "    /// - The fluent builder takes no input, just send it.\n    /// - On success, responds with [`DeleteEmailTemplateOutput`](x)\n",
        )
        .unwrap();
        let result = read_sdk_model(&spec, &dir, "0.0.0");
        std::fs::remove_dir_all(&dir).ok();
        let errors = result.unwrap_err();
        assert!(
            errors.iter().any(|e| e.contains("zero fields parsed")
                && e.contains("specs/operations/DeleteEmailTemplate.json $.input")),
            "{errors:?}"
        );
    }
}
