//! The spec table: the documented contract of each operation, loaded strictly from `specs/`.

pub mod kinds;

mod blobs;
mod constraint;
mod gate_view;
pub mod http;
pub mod import;
mod integrity;
mod load;
mod model;
mod reference;
mod source;
mod store_checks;
mod table;
mod validate;

pub use blobs::blob_pointers;
pub use constraint::{
    constraint_name, has_body, named_constraints, snake_case, ConstraintRef, MemberPath, PathStep,
};
pub use gate_view::{first_gate_difference, GateDifference};
pub use kinds::ascii_or_charset::AsciiOrCharsetRule;
pub use kinds::bounds::{Bounds, LaterBounds};
pub use kinds::charset::{CharClass, CharsetRule};
pub use kinds::json::JsonRule;
pub use kinds::member_set::MemberSet;
pub use kinds::reserved_prefix::PrefixRule;
pub use kinds::sourced::{LaterRule, ProtocolRule, Sourced};
pub use kinds::unique::UniqueRule;
pub use kinds::wire_type::type_matches;
pub use kinds::{ConstraintKind, Constraints, Protocol, ShapeRules};
pub use load::{load_dir, load_from, parse_file, parse_in, parse_str, SpecError};
pub use model::*;
pub use reference::{ReferenceBehaviour, StoreDef, StoreRefusal};
pub use source::SpecSource;
pub use table::{uri_labels, Spec};
pub use validate::{json_kind, validate, validate_in, Edition, Violation};
