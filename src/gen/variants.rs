//! From each named constraint, its boundary variants: valid at each bound, invalid just past it,
//! each forbidden character class, each enum value and one non-member, each required member
//! omitted, list counts at and past the limit. Each invalid variant breaks exactly that one
//! constraint; random instances of a variant (index 1 and up) draw other values of the same class.
//!
//! Each kind writes its own variants ([`Generate::variants`](super::Generate::variants), in its
//! module under `spec/kinds/`); this module holds what they share: the [`Variant`], the builder
//! they push to, the edits any kind may use, and applying a variant to a request.

use serde_json::{json, Map, Value};

use super::edit::{edit_path, member_at};
use super::kind::{Edit, LeafEdit};
use super::values::Ctx;
use crate::case::{Kind, RequestPath};
use crate::spec::{ConstraintRef, GenerateHint, Location, Member, Operation, Spec};

/// One boundary variant of a constraint.
#[derive(Debug, Clone)]
pub struct Variant {
    /// The case name part: `page_size_above_max`.
    pub name: String,
    /// Valid or invalid.
    pub kind: Kind,
    /// The constraint it is about.
    pub constraint: ConstraintRef,
    /// How the request travels.
    pub path: RequestPath,
    /// Whether random instances (index >= 1) exist beyond the boundary instance.
    pub random: bool,
    /// What to do to the member.
    pub edit: Edit,
}

impl Variant {
    /// Give the variant random instances beyond its boundary instance.
    pub fn randomized(&mut self) -> &mut Variant {
        self.random = true;
        self
    }

    /// Send the variant's requests by `path` instead of the SDK.
    pub fn via(&mut self, path: RequestPath) -> &mut Variant {
        self.path = path;
        self
    }
}

/// The variants of one named constraint, as its kind pushes them. A variant is sent by the SDK
/// and has no random instances unless the kind says otherwise.
pub struct Variants<'a> {
    /// The table.
    pub spec: &'a Spec,
    /// The operation.
    pub op: &'a Operation,
    /// The member the constraint is about (`None` for the request itself).
    pub member: Option<&'a Member>,
    constraint: &'a ConstraintRef,
    out: Vec<Variant>,
}

impl<'a> Variants<'a> {
    /// The constraint the variants are about.
    pub fn constraint(&self) -> &'a ConstraintRef {
        self.constraint
    }

    /// Whether the constraint is on a URI label, where an empty value changes the route.
    pub fn on_uri_label(&self) -> bool {
        self.constraint.path.0.len() == 1
            && self.member.and_then(|m| m.location) == Some(Location::Uri)
    }

    /// A variant that meets the constraint, named `<member path>_<suffix>`.
    pub fn valid(&mut self, suffix: &str, edit: impl LeafEdit + 'static) -> &mut Variant {
        self.push(suffix, Kind::Valid, Edit::new(edit))
    }

    /// A variant that breaks the constraint, named `<member path>_<suffix>`.
    pub fn invalid(&mut self, suffix: &str, edit: impl LeafEdit + 'static) -> &mut Variant {
        self.push(suffix, Kind::Invalid, Edit::new(edit))
    }

    fn push(&mut self, suffix: &str, kind: Kind, edit: Edit) -> &mut Variant {
        let at = self.out.len();
        self.out.push(Variant {
            name: format!("{}_{suffix}", self.constraint.path.snake()),
            kind,
            constraint: self.constraint.clone(),
            path: RequestPath::Sdk,
            random: false,
            edit,
        });
        &mut self.out[at]
    }
}

/// The boundary variants of one constraint.
pub fn variants_for(spec: &Spec, op: &Operation, c: &ConstraintRef) -> Vec<Variant> {
    let mut variants = Variants {
        spec,
        op,
        member: member_at(spec, op, &c.path),
        constraint: c,
        out: Vec::new(),
    };
    c.kind.generate().variants(&mut variants);
    variants.out
}

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

/// Keep (or create) a valid value.
#[derive(Debug)]
pub struct Keep;

impl LeafEdit for Keep {
    fn apply(
        &self,
        ctx: &mut Ctx,
        member: &Member,
        current: Option<Value>,
        _: usize,
    ) -> Option<Value> {
        // A member the harness never fills in (an ARN it cannot own) stays out: the request
        // without it is the valid counterpart.
        if current.is_none() && member.generate == Some(GenerateHint::Never) {
            return None;
        }
        Some(current_or_new(ctx, member, current))
    }
}

/// Leave the member out.
#[derive(Debug)]
pub struct Omit;

impl LeafEdit for Omit {
    fn apply(&self, _: &mut Ctx, _: &Member, _: Option<Value>, _: usize) -> Option<Value> {
        None
    }
}

/// Exactly this string.
#[derive(Debug)]
pub struct Text(pub String);

impl LeafEdit for Text {
    fn apply(&self, _: &mut Ctx, _: &Member, _: Option<Value>, _: usize) -> Option<Value> {
        Some(json!(self.0))
    }
}

/// The member's current value, or a fresh valid one.
pub fn current_or_new(ctx: &mut Ctx, member: &Member, current: Option<Value>) -> Value {
    current.unwrap_or_else(|| ctx.member_value("", member, false))
}

/// The text of a string value (other values as JSON text).
pub fn string_of(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// The boundary size at index 0, else one drawn from `random`.
pub fn pick_size(ctx: &mut Ctx, index: usize, boundary: usize, random: (usize, usize)) -> usize {
    if index == 0 {
        boundary
    } else {
        ctx.rng.size(random.0, random.1)
    }
}
