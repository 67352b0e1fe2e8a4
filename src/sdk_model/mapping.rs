//! The SDK mapping the client's SDK path compiles, generated from the SDK's own model: for every
//! operation of the spec (and the setup operations) the client method, every field of its input
//! and output builder, and, for every SDK structure and enum those reach, their fields. The
//! result is `src/client/sdk_ops/generated.rs` ([`MAPPING_FILE`]); `tests/sdk_mapping.rs` fails
//! when the committed file is not what [`render`] makes of the SDK in use, and `sdk-check`
//! reports it stale, so a new operation's row is never written by hand.
//!
//! A member's wire name (the JSON key of requests and answers) is the spec's member name where
//! the spec has the member set, else the key the SDK's own JSON (de)serializer uses
//! (`src/protocol_serde/shape_<name>.rs`): smithy-rs's snake case cannot be undone (`SOARecord`
//! and `SoaRecord` both become `soa_record`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::error::{Error, LayoutError};
use super::locate::SdkSource;
use super::parse;
use super::read::{read_builder, read_source, SdkStruct};
use crate::spec::{snake_case, Member, Spec};

/// Where the generated mapping is committed, from the crate root.
pub const MAPPING_FILE: &str = "src/client/sdk_ops/generated.rs";

/// The command that rewrites [`MAPPING_FILE`].
pub const REGENERATE: &str = "SES_CONFORMANCE_WRITE_SDK_MAPPING=1 cargo test --test sdk_mapping";

/// One member of a generated row: its wire name, the SDK field, and (requests) whether the
/// builder's `build()` fails without it.
#[derive(Debug, Clone, PartialEq)]
struct Field {
    wire: String,
    sdk: String,
    builder_requires: bool,
}

/// An operation's row.
#[derive(Debug)]
struct OperationRow {
    name: String,
    input: Vec<Field>,
    output: Vec<Field>,
}

/// Which way a structure travels: requests need `FromJson`, answers `ToJson`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    Request,
    Answer,
}

impl Side {
    fn other(self) -> Side {
        match self {
            Side::Request => Side::Answer,
            Side::Answer => Side::Request,
        }
    }
}

/// What the walk found: operation rows, structures per side, enums, unions.
#[derive(Debug, Default)]
struct Mapping {
    operations: Vec<OperationRow>,
    structures: BTreeMap<(Side, String), Vec<Field>>,
    enums: BTreeSet<String>,
    /// Unions (one member set of several, a JSON object with one key): each variant's wire key
    /// and SDK variant.
    unions: BTreeMap<String, Union>,
}

/// A union's variants: (wire key, SDK variant), and the SDK types they hold.
#[derive(Debug, Default)]
struct Union {
    variants: Vec<(String, String)>,
    inner: Vec<String>,
}

/// The text of [`MAPPING_FILE`] for `spec` and the SDK at `source`.
pub fn render(spec: &Spec, source: &SdkSource) -> Result<String, LayoutError> {
    let walker = Walker {
        root: &source.dir,
        spec,
    };
    let mapping = walker.mapping()?;
    Ok(write(&mapping, &source.version))
}

/// Why the committed [`MAPPING_FILE`] of the crate at `manifest_dir` is not what [`render`]
/// makes of `spec` and the SDK that crate resolves now, if it is not.
pub fn staleness(spec: &Spec, manifest_dir: &Path) -> Result<Option<String>, Error> {
    let source = SdkSource::locate(manifest_dir)?;
    let generated = render(spec, &source).map_err(|source_error| Error::Mapping {
        version: source.version.clone(),
        source: source_error,
    })?;
    let committed = std::fs::read_to_string(manifest_dir.join(MAPPING_FILE)).unwrap_or_default();
    Ok(difference(&committed, &generated))
}

/// What differs between the committed mapping and the generated one, naming the file, the
/// first differing row and the command that rewrites it; `None` when they are the same.
pub fn difference(committed: &str, generated: &str) -> Option<String> {
    if committed == generated {
        return None;
    }
    let first = generated
        .lines()
        .zip(committed.lines().chain(std::iter::repeat("")))
        .find(|(g, c)| g != c)
        .map(|(g, c)| format!("\n  generated: {}\n  committed: {}", g.trim(), c.trim()))
        .unwrap_or_else(|| "\n  (the committed file has more lines)".to_string());
    Some(format!(
        "{MAPPING_FILE} is stale: it is not what the spec and the SDK in use generate (an \
         operation added to specs/, or an SDK upgrade); regenerate with `{REGENERATE}`{first}"
    ))
}

struct Walker<'a> {
    root: &'a Path,
    spec: &'a Spec,
}

impl Walker<'_> {
    fn mapping(&self) -> Result<Mapping, LayoutError> {
        let mut mapping = Mapping::default();
        let ops = self
            .spec
            .operations
            .values()
            .chain(self.spec.setup.values());
        for op in ops {
            let s = snake_case(&op.operation);
            let input = read_builder(
                self.root,
                &format!("src/operation/{s}/_{s}_input.rs"),
                &format!("{}Input", op.operation),
                false,
            )?
            .0;
            let output = read_builder(
                self.root,
                &format!("src/operation/{s}/_{s}_output.rs"),
                &format!("{}Output", op.operation),
                true,
            )?
            .0;
            let input = self.fields(
                &input,
                Some(&op.input),
                &format!("src/protocol_serde/shape_{s}_input.rs"),
                Side::Request,
                &mut mapping,
            )?;
            let output = self.fields(
                &output,
                Some(&op.output),
                &format!("src/protocol_serde/shape_{s}.rs"),
                Side::Answer,
                &mut mapping,
            )?;
            mapping.operations.push(OperationRow {
                name: op.operation.clone(),
                input,
                output,
            });
        }
        Ok(mapping)
    }

    /// The fields of `builder` with their wire names, walking into the types they hold.
    fn fields(
        &self,
        builder: &SdkStruct,
        members: Option<&indexmap::IndexMap<String, Member>>,
        serde_file: &str,
        side: Side,
        mapping: &mut Mapping,
    ) -> Result<Vec<Field>, LayoutError> {
        let from_spec: BTreeMap<String, &str> = members
            .into_iter()
            .flat_map(|m| m.keys())
            .map(|name| (snake_case(name), name.as_str()))
            .collect();
        let mut serde_keys = None;
        let mut out = Vec::new();
        for field in &builder.fields {
            let wire = match from_spec.get(&field.name) {
                Some(name) => name.to_string(),
                None => {
                    let keys = match &mut serde_keys {
                        Some(keys) => keys,
                        None => serde_keys.insert(self.serde_keys(serde_file, side)?),
                    };
                    keys.get(&field.name)
                        .cloned()
                        .ok_or_else(|| LayoutError::Disagree {
                            file: serde_file.to_string(),
                            detail: format!(
                                "no JSON key for `{}` of {} (neither the spec nor the SDK's \
                             serializer names it)",
                                field.name, builder.origin
                            ),
                        })?
                }
            };
            self.walk_type(&field.ty, side, mapping)?;
            out.push(Field {
                wire,
                sdk: field.name.clone(),
                builder_requires: side == Side::Request && field.builder_requires,
            });
        }
        Ok(out)
    }

    /// Field -> JSON key, as the SDK's serializer (requests) or deserializer (answers) of
    /// `file` writes or reads it.
    fn serde_keys(&self, file: &str, side: Side) -> Result<BTreeMap<String, String>, LayoutError> {
        let src = read_source(self.root, file)?;
        Ok(match side {
            Side::Request => serializer_keys(&src),
            Side::Answer => deserializer_keys(&src),
        })
    }

    /// Record the SDK structures and enums `ty` names, and their fields.
    fn walk_type(&self, ty: &str, side: Side, mapping: &mut Mapping) -> Result<(), LayoutError> {
        for name in sdk_types_in(ty) {
            if mapping.structures.contains_key(&(side, name.clone()))
                || mapping.enums.contains(&name)
                || mapping.unions.contains_key(&name)
            {
                continue;
            }
            let file = format!("src/types/_{}.rs", snake_case(&name));
            let src = read_source(self.root, &file)?;
            if src.contains(&format!("pub enum {name} ")) {
                match parse::enum_values(&src, &name) {
                    Ok(_) => {
                        mapping.enums.insert(name);
                    }
                    // Not a string enum: a union, or an enum whose layout changed (its own
                    // error says which line).
                    Err(enum_error) => match parse::union_variants(&src, &name) {
                        Ok(variants) => self.walk_union(variants, name, side, mapping)?,
                        Err(_) => {
                            return Err(LayoutError::Parse {
                                file: file.clone(),
                                item: format!("{name} (neither a string enum nor a union)"),
                                source: enum_error,
                            })
                        }
                    },
                }
                continue;
            }
            // Mark it before walking its fields: a structure may hold itself.
            mapping.structures.insert((side, name.clone()), Vec::new());
            let builder = read_builder(self.root, &file, &name, false)?.0;
            let members = self.spec.structure(&name).map(|s| &s.members);
            let serde_file = format!("src/protocol_serde/shape_{}.rs", snake_case(&name));
            let fields = self.fields(&builder, members, &serde_file, side, mapping)?;
            mapping.structures.insert((side, name), fields);
        }
        Ok(())
    }
}

impl Walker<'_> {
    /// Record a union (its variants as [`parse::union_variants`] read them), its variants' wire
    /// keys (from the SDK's deserializer of it), and walk the types its variants hold.
    fn walk_union(
        &self,
        variants: Vec<(String, String)>,
        name: String,
        side: Side,
        mapping: &mut Mapping,
    ) -> Result<(), LayoutError> {
        let serde_file = format!("src/protocol_serde/shape_{}.rs", snake_case(&name));
        let keys = union_keys(&read_source(self.root, &serde_file)?, &name);
        let mut union = Union::default();
        for (variant, inner) in &variants {
            let wire = keys.get(variant).ok_or_else(|| LayoutError::Disagree {
                file: serde_file.clone(),
                detail: format!("no JSON key for variant `{variant}` of the union {name}"),
            })?;
            union.variants.push((wire.clone(), variant.clone()));
            union.inner.push(inner.clone());
        }
        let inner = union.inner.clone();
        mapping.unions.insert(name, union);
        // A union converts both ways (one `unions!` row), so the types its variants hold are
        // needed on both sides, whichever side met it first.
        for ty in inner {
            for side in [side, side.other()] {
                self.walk_type(&format!("crate::types::{ty}"), side, mapping)?;
            }
        }
        Ok(())
    }
}

/// `"Key" => Some(crate::types::Union::Variant(` of a union's deserializer: variant -> key.
fn union_keys(src: &str, union: &str) -> BTreeMap<String, String> {
    let marker = format!("\" => Some(crate::types::{union}::");
    let mut keys = BTreeMap::new();
    for (at, _) in src.match_indices(&marker) {
        let Some(open) = src[..at].rfind('"') else {
            continue;
        };
        let variant = identifier(&src[at + marker.len()..]);
        keys.entry(variant)
            .or_insert_with(|| src[open + 1..at].to_string());
    }
    keys
}

/// The `crate::types::X` names in a Rust type as the SDK writes it.
fn sdk_types_in(ty: &str) -> Vec<String> {
    ty.split("crate::types::")
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

/// `object.key("Key")` and its field: the `input.<field>` of the key's own statement
/// (`object.key("Name").string(input.name.as_str());`), else the last one before the key
/// (`if let Some(var_1) = &input.content { let mut o = object.key("Content")...`).
fn serializer_keys(src: &str) -> BTreeMap<String, String> {
    const KEY: &str = ".key(\"";
    let mut keys = BTreeMap::new();
    let mut since_last_key = 0;
    for (at, _) in src.match_indices(KEY) {
        let before = &src[since_last_key..at];
        let after = &src[at + KEY.len()..];
        let key: String = after.chars().take_while(|c| *c != '"').collect();
        let statement = &after[..after.find(';').unwrap_or(after.len())];
        let field = last_input_field(statement).or_else(|| last_input_field(before));
        if let Some(field) = field {
            keys.entry(field).or_insert(key);
        }
        since_last_key = at + KEY.len();
    }
    keys
}

/// The last `input.<field>` of `text`.
fn last_input_field(text: &str) -> Option<String> {
    let at = text.rfind("input.")?;
    Some(identifier(&text[at + "input.".len()..])).filter(|f| !f.is_empty())
}

/// `"Key" => {` and the first `set_<field>(` after it.
fn deserializer_keys(src: &str) -> BTreeMap<String, String> {
    let mut keys = BTreeMap::new();
    for (at, _) in src.match_indices("\" => {") {
        let Some(open) = src[..at].rfind('"') else {
            continue;
        };
        let key = &src[open + 1..at];
        let after = &src[at..];
        if let Some(set) = after.find("builder.set_") {
            let field = identifier(&after[set + "builder.set_".len()..]);
            keys.entry(field).or_insert_with(|| key.to_string());
        }
    }
    keys
}

fn identifier(s: &str) -> String {
    let s = s.strip_prefix("r#").unwrap_or(s);
    s.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// A field as Rust source: keywords are raw identifiers.
fn rust_field(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "type", "match", "ref", "mod", "use", "fn", "in", "as", "loop",
    ];
    if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

/// The generated file's text.
fn write(mapping: &Mapping, version: &str) -> String {
    let mut out = format!(
        "// @generated by src/sdk_model/mapping.rs from aws-sdk-sesv2 {version} and specs/.\n\
         // Do not edit: regenerate with `{REGENERATE}`.\n\n\
         use super::rows::{{answer_structures, enums, operations, request_structures, unions}};\n\n\
         operations! {{\n"
    );
    for op in &mapping.operations {
        out.push_str(&format!("    {} => {} {{\n", op.name, snake_case(&op.name)));
        out.push_str(&format!(
            "        input {{ {} }}\n",
            join(&op.input, |f| format!("{} => set_{}", f.wire, f.sdk))
        ));
        out.push_str(&format!(
            "        output {{ {} }}\n    }}\n",
            join(&op.output, |f| format!(
                "{}: {}",
                f.wire,
                rust_field(&f.sdk)
            ))
        ));
    }
    out.push_str("}\n\nrequest_structures! {\n");
    for ((_, name), fields) in mapping
        .structures
        .iter()
        .filter(|((s, _), _)| *s == Side::Request)
    {
        out.push_str(&format!(
            "    {name} {{ {} }}\n",
            join(fields, |f| {
                let required = if f.builder_requires {
                    " [required]"
                } else {
                    ""
                };
                format!("{} => set_{}{required}", f.wire, f.sdk)
            })
        ));
    }
    out.push_str("}\n\nanswer_structures! {\n");
    for ((_, name), fields) in mapping
        .structures
        .iter()
        .filter(|((s, _), _)| *s == Side::Answer)
    {
        out.push_str(&format!(
            "    {name} {{ {} }}\n",
            join(fields, |f| format!("{}: {}", f.wire, rust_field(&f.sdk)))
        ));
    }
    out.push_str("}\n\nenums! {\n");
    for name in &mapping.enums {
        out.push_str(&format!("    {name},\n"));
    }
    out.push_str("}\n\nunions! {\n");
    for (name, union) in &mapping.unions {
        let row = union
            .variants
            .iter()
            .map(|(wire, variant)| format!("{wire}: {variant}"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push_str(&format!("    {name} {{ {row} }}\n"));
    }
    out.push_str("}\n");
    out
}

fn join(fields: &[Field], show: impl Fn(&Field) -> String) -> String {
    fields.iter().map(show).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializer_keys_pair_each_key_with_the_field_before_it() {
        let src = "if let Some(var_1) = &input.configuration_set_name {\n\
                   object.key(\"ConfigurationSetName\").string(var_1.as_str());\n}\n\
                   {\n object.key(\"Name\").string(input.name.as_str());\n}\n\
                   if let Some(var_2) = &input.soa_record {\n\
                   let mut object_3 = object.key(\"SOARecord\").start_object();\n\
                   crate::protocol_serde::shape_soa::ser(&mut object_3, var_2)?;\n}\n";
        let keys = serializer_keys(src);
        assert_eq!(keys["configuration_set_name"], "ConfigurationSetName");
        assert_eq!(keys["soa_record"], "SOARecord");
        assert_eq!(keys["name"], "Name");
    }

    #[test]
    fn deserializer_keys_pair_each_key_with_its_setter() {
        let src = "\"SOARecord\" => {\n builder = builder.set_soa_record(x)?;\n}\n\
                   \"Type\" => {\n builder =\n builder.set_type(y);\n}\n";
        let keys = deserializer_keys(src);
        assert_eq!(keys["soa_record"], "SOARecord");
        assert_eq!(keys["type"], "Type");
    }

    #[test]
    fn sdk_types_are_found_inside_containers() {
        let ty = "::std::option::Option<::std::collections::HashMap<::std::string::String, \
                  ::std::vec::Vec<crate::types::MessageTag>>>";
        assert_eq!(sdk_types_in(ty), vec!["MessageTag".to_string()]);
        assert!(sdk_types_in("::std::option::Option<bool>").is_empty());
    }
}
