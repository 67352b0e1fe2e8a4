//! What a constraint kind contributes to generation: its boundary variants, what a valid value
//! needs from it, and the edits its variants make. Each kind implements [`Generate`] in its own
//! module under `spec/kinds/`, next to its model and its validator; the functions here ask every
//! registered kind in the registry's order.

use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use super::values::Ctx;
use super::variants::Variants;
use crate::spec::kinds;
use crate::spec::{Member, Operation, ShapeRules};

/// One kind of constraint as generation sees it. Every method has a default that does nothing,
/// so a kind implements only what it takes part in. The methods about valid values are only
/// called for members the kind applies to.
pub trait Generate: Sync {
    /// Push the boundary variants of one named constraint of this kind.
    fn variants(&self, _v: &mut Variants<'_>) {}

    /// A valid value the kind decides whole (one of an enum's values).
    fn pick_valid(&self, _ctx: &mut Ctx, _member: &Member) -> Option<Value> {
        None
    }

    /// What a valid value of `member` needs from the kind (its length, alphabet, range, count).
    fn hint_valid(&self, _member: &Member, _hints: &mut Hints) {}

    /// Repair a drawn value so that it meets the kind (a reserved prefix avoided, a field made
    /// unique across list items).
    fn make_valid(&self, _member: &Member, _value: &mut Value) {}

    /// For a rule across members: the members it is about.
    fn group<'r>(&self, _rules: &'r ShapeRules) -> Option<Group<'r>> {
        None
    }

    /// For a rule across members: add to `chosen` which of `options` (the group's members a
    /// valid request can carry) a valid request of `ctx`'s mode carries.
    fn choose(&self, _ctx: &mut Ctx, _options: Vec<String>, _chosen: &mut Vec<String>) {}
}

/// What valid values of one member need, as the kinds on it say. `None` leaves the default.
#[derive(Debug, Default)]
pub struct Hints {
    /// Smallest and largest length of a string, in characters.
    pub length: Option<(usize, usize)>,
    /// The characters a string is drawn from.
    pub alphabet: Option<Vec<char>>,
    /// Smallest and largest integer.
    pub range: Option<(i64, i64)>,
    /// Smallest and largest count of list items.
    pub count: Option<(usize, usize)>,
}

impl Hints {
    /// What the kinds on `member` say.
    pub fn of(member: &Member) -> Hints {
        let mut hints = Hints::default();
        for kind in kinds::all().filter(|k| k.applies_to(member.ty)) {
            kind.generate().hint_valid(member, &mut hints);
        }
        hints
    }
}

/// The members a rule across members is about.
#[derive(Debug, Clone, Copy)]
pub struct Group<'r> {
    /// The members.
    pub members: &'r [String],
    /// Whether entering one of them leaves the others out (exactly one of them may be given).
    pub exclusive: bool,
}

/// The member groups of a structure's rules, in the registry's order, with their kind.
pub fn groups(rules: &ShapeRules) -> impl Iterator<Item = (kinds::ConstraintKind, Group<'_>)> {
    kinds::all().filter_map(move |kind| kind.generate().group(rules).map(|g| (kind, g)))
}

/// A valid value of `member` that one of its kinds decides whole, if one does.
pub fn picked(ctx: &mut Ctx, member: &Member) -> Option<Value> {
    kinds::all()
        .filter(|k| k.applies_to(member.ty))
        .find_map(|kind| kind.generate().pick_valid(ctx, member))
}

/// Repair a drawn value of `member` so that every kind on it holds.
pub fn make_valid(member: &Member, value: &mut Value) {
    for kind in kinds::all().filter(|k| k.applies_to(member.ty)) {
        kind.generate().make_valid(member, value);
    }
}

/// What a variant does to the member its constraint is about.
pub trait LeafEdit: fmt::Debug + Send + Sync {
    /// The member's new value, given its current one (`None` when absent), or `None` to leave
    /// it out. Index 0 is the boundary instance; higher indices draw random values of the class.
    fn apply(
        &self,
        ctx: &mut Ctx,
        member: &Member,
        current: Option<Value>,
        index: usize,
    ) -> Option<Value>;

    /// The body the case sends instead of its JSON request, when the edit breaks the body.
    fn raw_body(&self, _op: &Operation) -> Option<String> {
        None
    }
}

/// An edit of the member a constraint is about, shared by every instance of a variant.
#[derive(Debug, Clone)]
pub struct Edit(Arc<dyn LeafEdit>);

impl Edit {
    /// Wrap a kind's edit.
    pub fn new(edit: impl LeafEdit + 'static) -> Edit {
        Edit(Arc::new(edit))
    }

    /// Apply the edit (see [`LeafEdit::apply`]).
    pub fn apply(
        &self,
        ctx: &mut Ctx,
        member: &Member,
        current: Option<Value>,
        index: usize,
    ) -> Option<Value> {
        self.0.apply(ctx, member, current, index)
    }

    /// The body the case sends instead of its JSON request, if the edit replaces it.
    pub fn raw_body(&self, op: &Operation) -> Option<String> {
        self.0.raw_body(op)
    }
}
