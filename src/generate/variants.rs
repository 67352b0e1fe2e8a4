//! From each named constraint, its boundary variants: valid at each bound, invalid just past it,
//! each forbidden character class, each enum value and one non-member, each required member
//! omitted, list counts at and past the limit. Each invalid variant breaks exactly that one
//! constraint; random instances of a variant (index 1 and up) draw other values of the same class.
//!
//! Each kind writes its own variants ([`Generate::variants`](super::Generate::variants), in its
//! module under `spec/kinds/`, against `spec::kinds::generation`); this module applies a variant
//! to a request.

use serde_json::{Map, Value};

use super::edit::edit_path;
use super::values::Ctx;
use crate::spec::Member;

pub use crate::spec::kinds::generation::{
    current_or_new, pick_size, string_of, variants_for, Keep, Omit, Text, Variant, Variants,
};

/// Apply a variant's edit to a valid request. `index` 0 is the boundary instance.
pub fn apply(ctx: &mut Ctx, request: &mut Map<String, Value>, v: &Variant, index: usize) {
    if v.constraint.path.is_root() {
        // Root-level variants (a malformed body) leave the JSON request as it is; the case
        // carries the broken body text.
        return;
    }
    let edit = v.edit.clone();
    let mut leaf = move |ctx: &mut Ctx, member: &Member, current: Option<Value>| -> Option<Value> {
        edit.apply(ctx, member, current, index)
    };
    edit_path(ctx, request, &v.constraint.path, &mut leaf);
}
