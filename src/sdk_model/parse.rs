//! Reading smithy-rs generated source, strictly: a line the reader does not understand, a marker
//! it cannot attribute, or a list it cannot find is an error, never a silent skip.

use std::collections::BTreeSet;

use super::error::ParseError;

/// The fields of `pub struct <name> { ... }`: `(name, type)` in order, `r#` stripped. Every line
/// of the body must be a doc comment, an attribute, a field or the continuation of a field's
/// type.
pub fn struct_fields(src: &str, name: &str) -> Result<Vec<(String, String)>, ParseError> {
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
        None => return Err(ParseError::NoStruct { name: name.into() }),
        Some(false) => return Ok(Vec::new()),
        Some(true) => {}
    }
    let not_a_field = |i: usize, t: &str| ParseError::NotAField {
        name: name.into(),
        line: i + 1,
        text: t.into(),
    };
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
            if let Some(last) = fields.last_mut() {
                last.1.push_str(t);
            }
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
            return Err(not_a_field(i, t));
        };
        let ident = ident.trim().trim_start_matches("r#");
        if ident.is_empty()
            || !ident
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(not_a_field(i, t));
        }
        let ty = ty.trim().to_string();
        open_type = !ty.ends_with(',');
        fields.push((ident.to_string(), ty));
    }
    if !closed {
        return Err(ParseError::Unclosed { name: name.into() });
    }
    if open_type {
        return Err(ParseError::OpenField { name: name.into() });
    }
    for field in &mut fields {
        field.1 = field.1.trim_end_matches(',').trim().to_string();
    }
    Ok(fields)
}

/// Setters documented `/// This field is required.` on the line right before `pub fn <field>(`.
/// Every marker must be followed by a setter of a known field.
pub fn doc_required(src: &str, fields: &BTreeSet<String>) -> Result<BTreeSet<String>, ParseError> {
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
                return Err(ParseError::StrayRequiredMarker {
                    line: i + 2,
                    next: next.into(),
                })
            }
        }
    }
    Ok(out)
}

/// Fields named by `missing_field("<field>", ...)` in `build()`: those the builder cannot build
/// the structure without.
pub fn missing_field_required(
    src: &str,
    fields: &BTreeSet<String>,
) -> Result<BTreeSet<String>, ParseError> {
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
                return Err(ParseError::StrayMissingField {
                    shown: rest.chars().take(60).collect(),
                })
            }
        }
    }
    Ok(out)
}

/// What `src/client/<op>.rs` documents: input members with their `required:` flag, and output
/// fields.
#[derive(Debug, Default, PartialEq)]
pub struct ClientDoc {
    /// Input members in order, and whether each is documented `required: **true**`.
    pub inputs: Vec<(String, bool)>,
    /// Output fields in order.
    pub outputs: Vec<String>,
}

/// Read the member lists of an operation's client doc.
pub fn client_doc(src: &str) -> Result<ClientDoc, ParseError> {
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
            let name = item_name(t).ok_or_else(|| ParseError::ClientDocMember(t.into()))?;
            match state {
                State::Inputs => {
                    let required = if t.contains("<br>required: **true**<br>") {
                        true
                    } else if t.contains("<br>required: **false**<br>") {
                        false
                    } else {
                        return Err(ParseError::ClientDocRequired(name));
                    };
                    doc.inputs.push((name, required));
                }
                State::Outputs => doc.outputs.push(name),
                State::Before | State::Done => return Err(ParseError::ClientDocStray(name)),
            }
        }
    }
    if !saw_inputs || !saw_success {
        return Err(ParseError::ClientDocMissing);
    }
    Ok(doc)
}

/// The values of `pub enum <name>`: the string literals its `pub const fn values()` returns.
pub fn enum_values(src: &str, name: &str) -> Result<Vec<String>, ParseError> {
    if !src
        .lines()
        .any(|l| l.trim() == format!("pub enum {name} {{"))
    {
        return Err(ParseError::NoEnum { name: name.into() });
    }
    let bad = |detail: &str| ParseError::EnumValues {
        name: name.into(),
        detail: detail.into(),
    };
    let mut lines = src
        .lines()
        .skip_while(|l| l.trim() != "pub const fn values() -> &'static [&'static str] {");
    if lines.next().is_none() {
        return Err(bad(
            "no `pub const fn values() -> &'static [&'static str] {`",
        ));
    }
    let body: String = lines
        .map(str::trim)
        .take_while(|l| *l != "}")
        .collect::<Vec<_>>()
        .concat();
    let list = body
        .strip_prefix("&[")
        .and_then(|b| b.strip_suffix(']'))
        .ok_or_else(|| bad(&format!("the body `{body}` is not `&[...]`")))?;
    let mut values = Vec::new();
    for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let value = item
            .strip_prefix('"')
            .and_then(|i| i.strip_suffix('"'))
            .filter(|v| !v.contains(['"', '\\']))
            .ok_or_else(|| bad(&format!("`{item}` is not a plain string literal")))?;
        values.push(value.to_string());
    }
    if values.is_empty() {
        return Err(bad("no values"));
    }
    Ok(values)
}

/// The variants of an SDK union (`pub enum Name { Variant(crate::types::Inner), .., Unknown }`):
/// each variant and the type it holds, `Unknown` (what the SDK makes of a variant it does not
/// know) left out.
pub fn union_variants(src: &str, name: &str) -> Result<Vec<(String, String)>, ParseError> {
    let head = format!("pub enum {name} {{");
    let bad = |detail: &str| ParseError::EnumValues {
        name: name.into(),
        detail: detail.into(),
    };
    let body = src
        .lines()
        .skip_while(|l| l.trim() != head)
        .skip(1)
        .map(str::trim)
        .take_while(|l| *l != "}")
        .filter(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with("#["));
    let mut variants = Vec::new();
    for line in body {
        if line == "Unknown," {
            continue;
        }
        let variant = line
            .strip_suffix("),")
            .and_then(|l| l.split_once('('))
            .and_then(|(variant, inner)| Some((variant, inner.strip_prefix("crate::types::")?)))
            .filter(|(variant, inner)| is_identifier(variant) && is_identifier(inner))
            .ok_or_else(|| bad(&format!("`{line}` is not `Variant(crate::types::Type),`")))?;
        variants.push((variant.0.to_string(), variant.1.to_string()));
    }
    if variants.is_empty() {
        return Err(bad("neither string values nor union variants"));
    }
    Ok(variants)
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The `crate::types::X` names in a Rust type.
pub fn type_refs(ty: &str) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(fields: &[&str]) -> BTreeSet<String> {
        fields.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn fields_multi_line_types_and_raw_idents_are_read() {
        let src = "pub struct XBuilder {\n    pub(crate) a_b: ::std::option::Option<String>,\n    pub(crate) r#type: ::std::option::Option<crate::types::EventType>,\n    pub(crate) long:\n        ::std::option::Option<::std::vec::Vec<crate::types::Tag>>,\n    _request_id: Option<String>,\n}\n";
        let fields = struct_fields(src, "XBuilder").unwrap();
        let got: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(got, ["a_b", "type", "long", "_request_id"]);
        assert_eq!(
            fields[2].1,
            "::std::option::Option<::std::vec::Vec<crate::types::Tag>>"
        );
        assert_eq!(type_refs(&fields[2].1), ["Tag"]);
    }

    #[test]
    fn an_unknown_line_or_missing_struct_is_an_error() {
        assert!(matches!(
            struct_fields("pub struct XBuilder {\n    fn oops() {}\n}\n", "XBuilder"),
            Err(ParseError::NotAField { line: 2, .. })
        ));
        assert!(struct_fields("pub struct YBuilder {}\n", "XBuilder").is_err());
        assert!(struct_fields(
            "pub struct XBuilder {\n    pub(crate) a: String,\n",
            "XBuilder"
        )
        .is_err());
        assert_eq!(
            struct_fields("pub struct XBuilder {}\n", "XBuilder").unwrap(),
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
        let doc = client_doc(src).unwrap();
        assert_eq!(
            doc.inputs,
            vec![("a".to_string(), true), ("b".to_string(), false)]
        );
        assert_eq!(doc.outputs, vec!["c".to_string()]);
        let no_flag = src.replace("required: **false**", "optional");
        assert!(client_doc(&no_flag).is_err());
        assert!(client_doc("/// nothing here\n").is_err());
    }

    #[test]
    fn union_variants_are_read_without_unknown() {
        let src = "/// doc\n#[non_exhaustive]\npub enum U {\n    /// a\n    A(crate::types::Ab),\n    B(crate::types::Bc),\n    /// unknown\n    #[non_exhaustive]\n    Unknown,\n}\n";
        assert_eq!(
            union_variants(src, "U").unwrap(),
            [("A".into(), "Ab".into()), ("B".into(), "Bc".into())]
        );
        assert!(union_variants("pub enum U {\n    A(String),\n}\n", "U").is_err());
    }

    #[test]
    fn enum_values_are_read_on_one_line_or_many() {
        let head = "pub enum E {\n    A,\n}\nimpl E {\n    pub const fn values() -> &'static [&'static str] {\n";
        let one = format!("{head}        &[\"A\", \"B\"]\n    }}\n}}\n");
        assert_eq!(enum_values(&one, "E").unwrap(), ["A", "B"]);
        let many = format!(
            "{head}        &[\n            \"A\",\n            \"B_C\",\n        ]\n    }}\n}}\n"
        );
        assert_eq!(enum_values(&many, "E").unwrap(), ["A", "B_C"]);
        let computed = format!("{head}        VALUES\n    }}\n}}\n");
        assert!(matches!(
            enum_values(&computed, "E"),
            Err(ParseError::EnumValues { .. })
        ));
        assert!(matches!(
            enum_values(&one, "F"),
            Err(ParseError::NoEnum { .. })
        ));
    }
}
