//! The constraint kinds, one module each, registered in one list.
//!
//! A kind's module holds all there is to know about it: the row it deserializes from (its
//! `Rule`), what the loader checks of that row, its named constraint, what the validator checks
//! in both editions ([`KindDef`]), its boundary variants and what valid values need
//! ([`Generate`](crate::generate::Generate)), and its tests. The list below is the registry: it
//! declares each module, writes the structs the rows are read into ([`Protocol`],
//! [`Constraints`], [`ShapeRules`]) and gives the order in which named constraints, violations
//! and cases come. Adding a kind is writing its module and adding its line here.

mod def;
pub mod generation;
mod table;
pub mod text;

pub mod address;
pub mod bounds;
pub mod member_set;
pub mod mime;
pub mod sourced;

#[cfg(test)]
mod test_support;

pub(crate) use def::impl_row;
pub use def::{ConstraintKind, Documented, KindDef, Problem, Row, Slot};

use table::kinds;

kinds! {
    protocol {
        "type" as ty: wire_type::WireType,
        json_body: json_body::JsonBody,
    }
    member {
        required: required::Required,
        length: length::Length,
        bytes: bytes::Bytes,
        range: range::Range,
        items: items::Items,
        charset: charset::Charset,
        "enum": enum_value::EnumValue,
        unique: unique::Unique,
        reserved_prefix: reserved_prefix::ReservedPrefix,
        json: json::Json,
        base64: base64::Base64,
        mime_blank_line: mime_blank_line::MimeBlankLine,
        mime_line_length: mime_line_length::MimeLineLength,
        ascii_local_part: ascii_local_part::AsciiLocalPart,
        punycode_domain: punycode_domain::PunycodeDomain,
        promised: promised::Promised,
    }
    structure {
        exactly_one_of: exactly_one_of::ExactlyOneOf,
        at_least_one_of: at_least_one_of::AtLeastOneOf,
        ascii_or_charset: ascii_or_charset::AsciiOrCharset,
    }
}
