//! The spec held against the SDK model and the baseline: typed findings, each naming the row to
//! update (a spec file and JSON path, or a baseline entry).

use std::collections::{BTreeMap, BTreeSet};

use super::baseline::{Baseline, RequiredDifference, BASELINE_FILE, BLESS_VAR, TODO_REASON};
use super::error::{Error, SdkBaselineError};
use super::locate::SdkSource;
use super::read::{member_sets, SdkModel};
use crate::spec::{snake_case, Member, ShapeKind, Spec};

/// One difference between the spec, the SDK model and the baseline.
#[derive(Debug, Clone, PartialEq)]
pub enum DriftFinding {
    /// A spec enum value the SDK enum does not have.
    EnumValueNotInSdk {
        /// The enum shape.
        shape: String,
        /// Its index in `$.values`.
        index: usize,
        /// The value.
        value: String,
        /// The SDK's values.
        sdk_values: Vec<String>,
    },
    /// An SDK enum value neither the spec nor the baseline lists.
    EnumValueNew {
        /// The enum shape.
        shape: String,
        /// The value.
        value: String,
    },
    /// A spec enum shape the SDK model has no enum for.
    EnumNotInSdk {
        /// The enum shape.
        shape: String,
    },
    /// A baseline enum extra that is no longer an SDK value missing from the spec.
    EnumExtraStale {
        /// The enum shape.
        shape: String,
        /// The value.
        value: String,
    },
    /// A spec member set the SDK model has no builder for.
    MemberSetNotInSdk {
        /// The member set (`operations/X.json $.input`).
        key: String,
    },
    /// A spec member the SDK builder does not have.
    MemberNotInSdk {
        /// The member set.
        key: String,
        /// The member.
        member: String,
        /// The SDK field it would be.
        field: String,
        /// The SDK builder.
        origin: String,
    },
    /// A spec member whose shape references differ from the SDK field's type.
    MemberShapeDiffers {
        /// The spec row (`operations/X.json $.input.M.shape`).
        row: String,
        /// The shapes the spec refers to.
        spec_shapes: Vec<String>,
        /// The SDK field.
        field: String,
        /// Its type.
        ty: String,
        /// The shapes the type names.
        sdk_shapes: Vec<String>,
        /// The SDK builder.
        origin: String,
    },
    /// An SDK member neither the spec nor the baseline has.
    MemberNew {
        /// The member set.
        key: String,
        /// The SDK field.
        field: String,
        /// The SDK builder.
        origin: String,
    },
    /// A baseline member extra that is no longer an SDK member missing from the spec.
    MemberExtraStale {
        /// The member set.
        key: String,
        /// The SDK field.
        field: String,
    },
    /// A member the spec and the SDK disagree on being required, not recorded in the baseline.
    RequiredDiffers {
        /// `<dir>/<File>.json $.<path>.<Member>.constraints.required`.
        row: String,
        /// Whether the spec marks it required.
        spec_required: bool,
        /// The SDK builder.
        origin: String,
    },
    /// A recorded required difference without its reason.
    RequiredReasonMissing {
        /// The row.
        row: String,
    },
    /// A recorded required difference that no longer describes spec and SDK.
    RequiredStale {
        /// The recorded difference.
        recorded: RequiredDifference,
    },
    /// The baseline was taken from another SDK version.
    BaselineVersion {
        /// The baseline's version.
        baseline: String,
        /// The SDK's.
        sdk: String,
    },
}

impl DriftFinding {
    /// The row to update: a spec file and JSON path (`specs/shapes/MailType.json $.values`), or
    /// a baseline entry (`specs/sdk-baseline.json enum_extras["MailType"]`).
    pub fn row(&self) -> String {
        match self {
            DriftFinding::EnumValueNotInSdk { shape, index, .. } => {
                format!("specs/shapes/{shape}.json $.values[{index}]")
            }
            DriftFinding::EnumValueNew { shape, .. } | DriftFinding::EnumNotInSdk { shape } => {
                format!("specs/shapes/{shape}.json $.values")
            }
            DriftFinding::EnumExtraStale { shape, .. } => {
                format!("{BASELINE_FILE} enum_extras[\"{shape}\"]")
            }
            DriftFinding::MemberSetNotInSdk { key } | DriftFinding::MemberNew { key, .. } => {
                format!("specs/{key}")
            }
            DriftFinding::MemberNotInSdk { key, member, .. } => format!("specs/{key}.{member}"),
            DriftFinding::MemberShapeDiffers { row, .. }
            | DriftFinding::RequiredDiffers { row, .. } => {
                format!("specs/{row}")
            }
            DriftFinding::MemberExtraStale { key, .. } => {
                format!("{BASELINE_FILE} member_extras[\"{key}\"]")
            }
            DriftFinding::RequiredReasonMissing { row } => {
                format!("{BASELINE_FILE} required_differences[row = \"{row}\"]")
            }
            DriftFinding::RequiredStale { recorded } => {
                format!(
                    "{BASELINE_FILE} required_differences[row = \"{}\"]",
                    recorded.row
                )
            }
            DriftFinding::BaselineVersion { .. } => format!("{BASELINE_FILE} sdk_version"),
        }
    }
}

impl std::fmt::Display for DriftFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let row = self.row();
        match self {
            DriftFinding::EnumValueNotInSdk {
                shape,
                value,
                sdk_values,
                ..
            } => write!(
                f,
                "{row}: `{value}` is not a value of aws_sdk_sesv2::types::{shape} (the SDK has \
                 {}); update the row",
                sdk_values.join(", ")
            ),
            DriftFinding::EnumValueNew { shape, value } => write!(
                f,
                "{row}: aws_sdk_sesv2::types::{shape} has value `{value}` that the spec does not \
                 list; add it to the row, or record it as known in {BASELINE_FILE} \
                 enum_extras[\"{shape}\"]"
            ),
            DriftFinding::EnumNotInSdk { shape } => write!(
                f,
                "{row}: the SDK model has no enum {shape}; the SDK removed or renamed it: update \
                 the row"
            ),
            DriftFinding::EnumExtraStale { shape, value } => write!(
                f,
                "{row}: `{value}` is stale (not an SDK value of {shape} missing from \
                 specs/shapes/{shape}.json $.values); remove it"
            ),
            DriftFinding::MemberSetNotInSdk { .. } => {
                write!(
                    f,
                    "{row}: the SDK model read has no builder for this member set"
                )
            }
            DriftFinding::MemberNotInSdk {
                member,
                field,
                origin,
                ..
            } => write!(
                f,
                "{row}: member `{member}` (SDK field `{field}`) is not in {origin}; the SDK \
                 removed or renamed it: update the row"
            ),
            DriftFinding::MemberShapeDiffers {
                spec_shapes,
                field,
                ty,
                sdk_shapes,
                origin,
                ..
            } => {
                write!(
                    f,
                    "{row}: the spec refers to shape(s) [{}] but SDK field `{field}` of {origin} \
                     has type `{ty}` (shapes [{}]); update the row",
                    spec_shapes.join(", "),
                    sdk_shapes.join(", ")
                )
            }
            DriftFinding::MemberNew { key, field, origin } => write!(
                f,
                "{row}: {origin} has member `{field}` that the spec lacks; add it to the row, or \
                 record it as known in {BASELINE_FILE} member_extras[\"{key}\"]"
            ),
            DriftFinding::MemberExtraStale { key, field } => write!(
                f,
                "{row}: `{field}` is stale (not an SDK member missing from specs/{key}); remove it"
            ),
            DriftFinding::RequiredDiffers {
                spec_required,
                origin,
                ..
            } => {
                let (spec_says, sdk_says) = if *spec_required {
                    ("marks the member required", "does not")
                } else {
                    ("does not mark the member required", "does")
                };
                write!(
                    f,
                    "{row}: the spec {spec_says} but the SDK model ({origin}) {sdk_says}; update \
                     the row, or record a deliberate difference with its reason in \
                     {BASELINE_FILE} required_differences"
                )
            }
            DriftFinding::RequiredReasonMissing { row: spec_row } => write!(
                f,
                "{row}: no reason given; say why the spec deliberately differs from the SDK \
                 model, or fix specs/{spec_row}"
            ),
            DriftFinding::RequiredStale { recorded } => write!(
                f,
                "{row}: stale (spec_required = {}, sdk_required = {} no longer describes spec and \
                 SDK); remove it",
                recorded.spec_required, recorded.sdk_required
            ),
            DriftFinding::BaselineVersion { baseline, sdk } => write!(
                f,
                "{row}: the baseline is for aws-sdk-sesv2 {baseline} but {sdk} is compiled; \
                 review the other problems (if any), then regenerate it with {BLESS_VAR}=1"
            ),
        }
    }
}

/// What [`check`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The SDK version checked.
    pub sdk_version: String,
    /// Every finding; empty when spec, SDK and baseline agree.
    pub findings: Vec<DriftFinding>,
}

impl Report {
    /// Whether spec, SDK and baseline agree.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Hold `spec` against `sdk`: enum values, members (and the shapes they name) and required-ness,
/// with what `baseline` records as known. Anything new fails; a baseline entry that no longer
/// holds fails too.
pub fn check(spec: &Spec, sdk: &SdkModel, baseline: &Baseline) -> Report {
    let mut findings = Vec::new();
    if baseline.sdk_version != sdk.version {
        findings.push(DriftFinding::BaselineVersion {
            baseline: baseline.sdk_version.clone(),
            sdk: sdk.version.clone(),
        });
    }
    let (enum_extras, problems) = enum_findings(spec, sdk);
    findings.extend(problems);
    for (shape, values) in &enum_extras {
        let known = baseline.enum_extras.get(shape);
        for value in values
            .iter()
            .filter(|v| !known.is_some_and(|k| k.contains(v)))
        {
            findings.push(DriftFinding::EnumValueNew {
                shape: shape.clone(),
                value: value.clone(),
            });
        }
    }
    for (shape, values) in &baseline.enum_extras {
        for value in values {
            if !enum_extras.get(shape).is_some_and(|e| e.contains(value)) {
                findings.push(DriftFinding::EnumExtraStale {
                    shape: shape.clone(),
                    value: value.clone(),
                });
            }
        }
    }
    let (member_extras, problems) = member_findings(spec, sdk);
    findings.extend(problems);
    for (key, fields) in &member_extras {
        let origin = sdk.structs.get(key).map_or("", |s| s.origin.as_str());
        for field in fields.iter().filter(|f| !baseline.has_member_extra(key, f)) {
            findings.push(DriftFinding::MemberNew {
                key: key.clone(),
                field: field.clone(),
                origin: origin.to_string(),
            });
        }
    }
    for (key, fields) in &baseline.member_extras {
        for field in fields {
            if !member_extras.get(key).is_some_and(|e| e.contains(field)) {
                findings.push(DriftFinding::MemberExtraStale {
                    key: key.clone(),
                    field: field.clone(),
                });
            }
        }
    }
    let differences = required_findings(spec, sdk);
    for d in &differences {
        match baseline.required_difference(&d.row, d.spec_required, d.sdk_required) {
            Some(r) if r.reason.trim().is_empty() || r.reason.starts_with("TODO") => {
                findings.push(DriftFinding::RequiredReasonMissing { row: d.row.clone() })
            }
            Some(_) => {}
            None => findings.push(DriftFinding::RequiredDiffers {
                row: d.row.clone(),
                spec_required: d.spec_required,
                origin: d.origin.clone(),
            }),
        }
    }
    for recorded in &baseline.required_differences {
        let holds = differences.iter().any(|d| {
            d.row == recorded.row
                && d.spec_required == recorded.spec_required
                && d.sdk_required == recorded.sdk_required
        });
        if !holds {
            findings.push(DriftFinding::RequiredStale {
                recorded: recorded.clone(),
            });
        }
    }
    Report {
        sdk_version: sdk.version.clone(),
        findings,
    }
}

/// The baseline that makes `spec` and `sdk` agree, keeping the reasons `old` gives for
/// differences that still hold (a new one gets [`TODO_REASON`]), and the findings no baseline
/// can record (a spec row naming what the SDK does not have).
pub fn bless(spec: &Spec, sdk: &SdkModel, old: Option<&Baseline>) -> (Baseline, Vec<DriftFinding>) {
    let (enum_extras, mut unrecordable) = enum_findings(spec, sdk);
    let (member_extras, member_problems) = member_findings(spec, sdk);
    unrecordable.extend(member_problems);
    let required_differences = required_findings(spec, sdk)
        .into_iter()
        .map(|d| RequiredDifference {
            reason: old
                .and_then(|b| b.required_difference(&d.row, d.spec_required, d.sdk_required))
                .map_or_else(|| TODO_REASON.to_string(), |r| r.reason.clone()),
            row: d.row,
            spec_required: d.spec_required,
            sdk_required: d.sdk_required,
        })
        .collect();
    let baseline = Baseline::new(
        sdk.version.clone(),
        enum_extras,
        member_extras,
        required_differences,
    );
    (baseline, unrecordable)
}

/// Re-record the spec directory's baseline from `sdk` with [`bless`], keeping the reasons the
/// file gives now; returns what was written and the findings no baseline can record.
pub fn rebless(
    spec: &Spec,
    sdk: &SdkModel,
) -> Result<(Baseline, Vec<DriftFinding>), SdkBaselineError> {
    let path = Baseline::path(spec);
    let old = Baseline::load(&path).ok();
    let (baseline, unrecordable) = bless(spec, sdk, old.as_ref());
    baseline.save(&path)?;
    Ok((baseline, unrecordable))
}

/// SDK enum values the spec lacks, per shape, and findings no baseline can excuse.
fn enum_findings(
    spec: &Spec,
    sdk: &SdkModel,
) -> (BTreeMap<String, Vec<String>>, Vec<DriftFinding>) {
    let mut extras = BTreeMap::new();
    let mut problems = Vec::new();
    for shape in spec.shapes.values().filter(|s| s.kind == ShapeKind::Enum) {
        let name = &shape.shape;
        let Some(sdk_values) = sdk.enums.get(name) else {
            problems.push(DriftFinding::EnumNotInSdk {
                shape: name.clone(),
            });
            continue;
        };
        for (index, value) in shape.values.iter().enumerate() {
            if !sdk_values.contains(value) {
                problems.push(DriftFinding::EnumValueNotInSdk {
                    shape: name.clone(),
                    index,
                    value: value.clone(),
                    sdk_values: sdk_values.clone(),
                });
            }
        }
        let extra: Vec<String> = sdk_values
            .iter()
            .filter(|v| !shape.values.contains(v))
            .cloned()
            .collect();
        if !extra.is_empty() {
            extras.insert(name.clone(), extra);
        }
    }
    (extras, problems)
}

/// SDK members the spec lacks, per member set, and findings no baseline can excuse.
fn member_findings(
    spec: &Spec,
    sdk: &SdkModel,
) -> (BTreeMap<String, Vec<String>>, Vec<DriftFinding>) {
    let mut extras = BTreeMap::new();
    let mut problems = Vec::new();
    for set in member_sets(spec) {
        let key = set.key();
        let Some(sdk_struct) = sdk.structs.get(&key) else {
            problems.push(DriftFinding::MemberSetNotInSdk { key });
            continue;
        };
        for (name, member) in set.members {
            let field_name = snake_case(name);
            let Some(field) = sdk_struct.field(&field_name) else {
                problems.push(DriftFinding::MemberNotInSdk {
                    key: key.clone(),
                    member: name.clone(),
                    field: field_name,
                    origin: sdk_struct.origin.clone(),
                });
                continue;
            };
            let mut spec_refs = Vec::new();
            shape_refs(member, &format!("{}.{name}", set.path), &mut spec_refs);
            let mut spec_shapes: Vec<String> = spec_refs.iter().map(|(_, s)| s.clone()).collect();
            let mut sdk_shapes = super::parse::type_refs(&field.ty);
            spec_shapes.sort_unstable();
            sdk_shapes.sort_unstable();
            if spec_shapes != sdk_shapes {
                let path = spec_refs
                    .iter()
                    .find(|(_, s)| !sdk_shapes.contains(s))
                    .map(|(p, _)| p.clone())
                    .unwrap_or_else(|| format!("{}.{name}.shape", set.path));
                problems.push(DriftFinding::MemberShapeDiffers {
                    row: format!("{} {path}", set.file),
                    spec_shapes,
                    field: field_name,
                    ty: field.ty.clone(),
                    sdk_shapes,
                    origin: sdk_struct.origin.clone(),
                });
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

/// A member present in spec and SDK whose required-ness differs.
struct Difference {
    /// `<dir>/<File>.json $.<path>.<Member>.constraints.required`.
    row: String,
    spec_required: bool,
    sdk_required: bool,
    /// The SDK builder.
    origin: String,
}

/// Members present in both whose required-ness differs.
fn required_findings(spec: &Spec, sdk: &SdkModel) -> Vec<Difference> {
    let mut out = Vec::new();
    for set in member_sets(spec) {
        let Some(sdk_struct) = sdk.structs.get(&set.key()) else {
            continue; // a member finding
        };
        for (name, member) in set.members {
            let Some(field) = sdk_struct.field(&snake_case(name)) else {
                continue; // a member finding
            };
            if member.is_required() != field.required {
                out.push(Difference {
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

/// Locate the SDK that the crate in `manifest_dir` resolves, read its model, and [`check`] `spec`
/// against it with the spec directory's baseline.
pub fn check_crate(spec: &Spec, manifest_dir: &std::path::Path) -> Result<Report, Error> {
    let source = SdkSource::locate(manifest_dir)?;
    let sdk = SdkModel::read(spec, &source)?;
    let baseline = Baseline::load(&Baseline::path(spec))?;
    Ok(check(spec, &sdk, &baseline))
}
