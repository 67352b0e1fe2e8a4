//! The SDK model as its source has it: for every member set of the spec (an operation's input or
//! output, a structure shape) the fields of the SDK builder and which of them are required, and
//! for every enum shape the SDK enum's values.
//!
//! Where smithy-rs keeps them:
//!
//! * fields: `pub struct <Op>InputBuilder { pub(crate) field: Type, ... }` in
//!   `src/operation/<op>/_<op>_input.rs`, `<Op>OutputBuilder` in `_<op>_output.rs` (without
//!   `_request_id`), `<Shape>Builder` in `src/types/_<shape>.rs`; cross-checked against the public
//!   struct, and for operations against the member list of `src/client/<op>.rs`;
//! * required: a builder setter documented `/// This field is required.` right before
//!   `pub fn <field>(`; a `missing_field("<field>", ...)` in `build()`; and for inputs the
//!   `required: **true**` of the client docs. The union counts: smithy-rs writes the doc line
//!   only for non-collection setters (SendBulkEmail's required `BulkEmailEntries` has none) and
//!   `missing_field` only for members that are not optional structures (GetEmailTemplate's
//!   required `TemplateContent` has none);
//! * enum values: the string literals of `pub const fn values()` in `src/types/_<enum>.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use indexmap::IndexMap;

use super::error::{LayoutError, ReadError, ReadProblem};
use super::locate::SdkSource;
use super::parse;
use crate::spec::{snake_case, Member, ShapeKind, Spec};

/// One field of an SDK builder.
#[derive(Debug, Clone, PartialEq)]
pub struct SdkField {
    /// The Rust field name (`r#` stripped).
    pub name: String,
    /// The Rust type as written.
    pub ty: String,
    /// Whether the SDK model marks it required.
    pub required: bool,
    /// Whether the builder's `build()` fails without it (`missing_field`).
    pub builder_requires: bool,
}

/// The fields of one SDK builder.
#[derive(Debug, Clone, PartialEq)]
pub struct SdkStruct {
    /// `<Builder> in <path inside the crate>`, for messages.
    pub origin: String,
    /// Its fields in order.
    pub fields: Vec<SdkField>,
}

impl SdkStruct {
    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&SdkField> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// The parts of the SDK model the spec covers.
#[derive(Debug, Clone, Default)]
pub struct SdkModel {
    /// The SDK version read.
    pub version: String,
    /// Member set key (`operations/X.json $.input`, see [`MemberSet::key`]) -> the SDK builder.
    pub structs: BTreeMap<String, SdkStruct>,
    /// Enum shape -> the SDK enum's values.
    pub enums: BTreeMap<String, Vec<String>>,
}

/// Where the SDK keeps the builder of a member set.
#[derive(Debug, Clone)]
pub enum SdkLocation {
    /// An operation's input.
    Input {
        /// The operation.
        op: String,
    },
    /// An operation's output.
    Output {
        /// The operation.
        op: String,
    },
    /// A structure shape.
    Shape {
        /// The shape.
        shape: String,
    },
}

/// A set of members in one spec file: an operation's input or output, or a structure's members.
#[derive(Debug)]
pub struct MemberSet<'a> {
    /// `operations/X.json`, `setup/X.json` or `shapes/X.json`.
    pub file: String,
    /// `$.input`, `$.output` or `$.members`.
    pub path: &'static str,
    /// The members.
    pub members: &'a IndexMap<String, Member>,
    /// The SDK builder that holds them.
    pub location: SdkLocation,
}

impl MemberSet<'_> {
    /// The key of [`SdkModel::structs`] and of the baseline's `member_extras`.
    pub fn key(&self) -> String {
        format!("{} {}", self.file, self.path)
    }
}

/// Every member set of the spec: inputs and outputs of the operations and the setup
/// operations, and the structure shapes.
pub fn member_sets(spec: &Spec) -> Vec<MemberSet<'_>> {
    let mut sets = Vec::new();
    let ops = spec
        .operations
        .values()
        .map(|op| ("operations", op))
        .chain(spec.setup.values().map(|op| ("setup", op)));
    for (dir, op) in ops {
        let file = format!("{dir}/{}.json", op.operation);
        for (path, members, location) in [
            (
                "$.input",
                &op.input,
                SdkLocation::Input {
                    op: op.operation.clone(),
                },
            ),
            (
                "$.output",
                &op.output,
                SdkLocation::Output {
                    op: op.operation.clone(),
                },
            ),
        ] {
            sets.push(MemberSet {
                file: file.clone(),
                path,
                members,
                location,
            });
        }
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

impl SdkModel {
    /// Read the SDK counterpart of every member set and enum shape of `spec` from `source`.
    pub fn read(spec: &Spec, source: &SdkSource) -> Result<SdkModel, ReadError> {
        let root = source.dir.as_path();
        let mut problems = Vec::new();
        let mut structs = BTreeMap::new();
        for set in member_sets(spec) {
            let key = set.key();
            match read_set(root, &set) {
                Ok(st) if st.fields.is_empty() && !set.members.is_empty() => {
                    problems.push(ReadProblem::ZeroFields {
                        row: key,
                        origin: st.origin,
                        members: set.members.len(),
                    });
                }
                Ok(st) => {
                    structs.insert(key, st);
                }
                Err(source) => problems.push(ReadProblem::Row { row: key, source }),
            }
        }
        let mut enums = BTreeMap::new();
        for shape in spec.shapes.values().filter(|s| s.kind == ShapeKind::Enum) {
            let name = &shape.shape;
            let file = format!("src/types/_{}.rs", snake_case(name));
            let values = read_source(root, &file).and_then(|src| {
                parse::enum_values(&src, name).map_err(|source| LayoutError::Parse {
                    file: file.clone(),
                    item: name.clone(),
                    source,
                })
            });
            match values {
                Ok(values) => {
                    enums.insert(name.clone(), values);
                }
                Err(source) => problems.push(ReadProblem::Row {
                    row: format!("shapes/{name}.json $.values"),
                    source,
                }),
            }
        }
        // Across the whole model some members are required; finding none means the markers moved.
        if problems.is_empty() && !structs.values().flat_map(|s| &s.fields).any(|f| f.required) {
            problems.push(ReadProblem::NoRequiredMember);
        }
        if !problems.is_empty() {
            return Err(ReadError {
                version: source.version.clone(),
                root: source.dir.clone(),
                problems,
            });
        }
        Ok(SdkModel {
            version: source.version.clone(),
            structs,
            enums,
        })
    }
}

pub(super) fn read_source(root: &Path, file: &str) -> Result<String, LayoutError> {
    std::fs::read_to_string(root.join(file)).map_err(|source| LayoutError::Io {
        file: file.to_string(),
        source,
    })
}

/// The builder of one member set, cross-checked against the client docs for operations.
fn read_set(root: &Path, set: &MemberSet<'_>) -> Result<SdkStruct, LayoutError> {
    let (op, input) = match &set.location {
        SdkLocation::Shape { shape } => {
            let file = format!("src/types/_{}.rs", snake_case(shape));
            return read_builder(root, &file, shape, false).map(|(st, _)| st);
        }
        SdkLocation::Input { op } => (op, true),
        SdkLocation::Output { op } => (op, false),
    };
    let s = snake_case(op);
    let (side, suffix) = if input {
        ("input", "Input")
    } else {
        ("output", "Output")
    };
    let file = format!("src/operation/{s}/_{s}_{side}.rs");
    let (mut st, by_doc) = read_builder(root, &file, &format!("{op}{suffix}"), !input)?;
    let client_file = format!("src/client/{s}.rs");
    let doc = parse::client_doc(&read_source(root, &client_file)?).map_err(|source| {
        LayoutError::Parse {
            file: client_file.clone(),
            item: format!("the docs of {op}"),
            source,
        }
    })?;
    let disagree = |detail: String| LayoutError::Disagree {
        file: client_file.clone(),
        detail,
    };
    let builder_names: Vec<&str> = st.fields.iter().map(|f| f.name.as_str()).collect();
    if !input {
        let doc_names: Vec<&str> = doc.outputs.iter().map(String::as_str).collect();
        if doc_names != builder_names {
            return Err(disagree(format!(
                "documented outputs {doc_names:?} differ from {} {builder_names:?}",
                st.origin
            )));
        }
        return Ok(st);
    }
    let doc_names: Vec<&str> = doc.inputs.iter().map(|(n, _)| n.as_str()).collect();
    if doc_names != builder_names {
        return Err(disagree(format!(
            "documented inputs {doc_names:?} differ from {} {builder_names:?}",
            st.origin
        )));
    }
    for (name, required) in &doc.inputs {
        if by_doc.contains(name) && !required {
            return Err(disagree(format!(
                "`{name}` is `required: **false**` but its setter in {} says `This field is \
                 required.`",
                st.origin
            )));
        }
        if *required {
            if let Some(f) = st.fields.iter_mut().find(|f| &f.name == name) {
                f.required = true;
            }
        }
    }
    Ok(st)
}

/// Read `<public>Builder` of `file`: its fields and their required-ness, and the fields whose
/// setters are documented required.
pub(super) fn read_builder(
    root: &Path,
    file: &str,
    public: &str,
    expect_request_id: bool,
) -> Result<(SdkStruct, BTreeSet<String>), LayoutError> {
    let src = read_source(root, file)?;
    let builder = format!("{public}Builder");
    let parse_error = |item: &str| {
        let (file, item) = (file.to_string(), item.to_string());
        move |source| LayoutError::Parse { file, item, source }
    };
    let mut raw = parse::struct_fields(&src, &builder).map_err(parse_error(&builder))?;
    let disagree = |detail: String| LayoutError::Disagree {
        file: file.to_string(),
        detail,
    };
    let had_request_id = raw.iter().any(|(n, _)| n == "_request_id");
    if expect_request_id && !had_request_id {
        return Err(disagree(format!(
            "{builder}: no `_request_id` field (the output builder layout changed)"
        )));
    }
    raw.retain(|(n, _)| n != "_request_id");
    let names: BTreeSet<String> = raw.iter().map(|(n, _)| n.clone()).collect();
    // The public struct must have the same fields.
    let mut public_fields = parse::struct_fields(&src, public).map_err(parse_error(public))?;
    public_fields.retain(|(n, _)| n != "_request_id");
    let public_names: BTreeSet<String> = public_fields.into_iter().map(|(n, _)| n).collect();
    if public_names != names {
        return Err(disagree(format!(
            "{builder}: builder fields {names:?} differ from the fields of `{public}` \
             {public_names:?}"
        )));
    }
    let by_doc = parse::doc_required(&src, &names).map_err(parse_error(&builder))?;
    let by_build = parse::missing_field_required(&src, &names).map_err(parse_error(&builder))?;
    let fields = raw
        .into_iter()
        .map(|(name, ty)| SdkField {
            required: by_doc.contains(&name) || by_build.contains(&name),
            builder_requires: by_build.contains(&name),
            name,
            ty,
        })
        .collect();
    Ok((
        SdkStruct {
            origin: format!("{builder} in {file}"),
            fields,
        },
        by_doc,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_fields_for_a_set_with_members_is_an_error() {
        // A spec whose member set has members, against an SDK directory where the builder is
        // empty: reading must fail rather than find nothing.
        let dir = std::env::temp_dir().join(format!("sdk-model-read-{}", std::process::id()));
        let mut spec = Spec::load_default().unwrap();
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
        let source = SdkSource {
            dir: dir.clone(),
            version: "0.0.0".into(),
        };
        let result = SdkModel::read(&spec, &source);
        std::fs::remove_dir_all(&dir).ok();
        let message = result.unwrap_err().to_string();
        assert!(
            message.contains("zero fields parsed")
                && message.contains("specs/operations/DeleteEmailTemplate.json $.input"),
            "{message}"
        );
    }
}
