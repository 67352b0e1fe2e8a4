//! The one door through which a constraint kind takes part in generation. A kind's module
//! implements [`Generate`] (its boundary variants, what valid values need from it, how explore
//! breaks it) against this vocabulary alone: the [`Draw`] context it draws values from, the
//! [`Variants`] it pushes, the [`LeafEdit`]s they carry. `generate` implements [`Draw`] and
//! applies the variants; nothing here reaches into it, so the table never depends on the stage
//! that reads it.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Value};

use super::{all, ConstraintKind};
use crate::spec::{ConstraintRef, GenerateHint, Location, Member, Operation, ShapeRules, Spec};

/// Whether a case's request is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Meets every documented constraint.
    Valid,
    /// Breaks exactly one named constraint (or a documented behaviour says it must fail).
    Invalid,
}

impl Kind {
    /// `valid` or `invalid`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Valid => "valid",
            Kind::Invalid => "invalid",
        }
    }
}

/// How the request travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RequestPath {
    /// Through `aws-sdk-sesv2`, as client code would send it.
    Sdk,
    /// As raw signed HTTP built from the spec, for defects the SDK cannot express.
    Wire,
}

/// How many optional members a generated request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Only required members (and what rules need).
    Minimal,
    /// Every optional member the harness can fill in.
    Full,
    /// Optional members at random.
    Random,
}

/// What a kind may draw from while it makes a value: the random source of the case being
/// generated, its mode and name token, and valid values of any member. `generate`'s context
/// implements it; the lifetime is the table's, so a kind can hold the spec while it draws.
pub trait Draw<'s> {
    /// The table.
    fn spec(&self) -> &'s Spec;
    /// How many optional members the case carries.
    fn mode(&self) -> Mode;
    /// The case token every name the case creates carries.
    fn token(&self) -> &str;
    /// A valid value of `member` (named `name` where that decides its meaning), not a top-level
    /// member of the request.
    fn value_of(&mut self, name: &str, member: &Member) -> Value;
    /// The case's default raw message.
    fn mime(&self) -> super::text::MimeSpec;
    /// An integer in `lo..=hi`.
    fn int(&mut self, lo: i64, hi: i64) -> i64;
    /// A size in `lo..=hi`.
    fn size(&mut self, lo: usize, hi: usize) -> usize;
    /// A fair coin.
    fn coin(&mut self) -> bool;
}

impl<'s> dyn Draw<'s> + '_ {
    /// One of `items`, drawn as the case's random source draws an index.
    pub fn pick_string(&mut self, items: &[String]) -> String {
        let i = self.size(0, items.len().saturating_sub(1));
        items.get(i).cloned().unwrap_or_default()
    }

    /// A random string of `len` characters drawn from `alphabet`.
    pub fn random_string(&mut self, alphabet: &[char], len: usize) -> String {
        if alphabet.is_empty() {
            return "a".repeat(len);
        }
        (0..len)
            .map(|_| alphabet[self.size(0, alphabet.len() - 1)])
            .collect()
    }
}

/// One kind of constraint as generation sees it. Every method but [`Generate::breaking`] has a
/// default that does nothing, so a kind implements only what it takes part in. The methods about valid values are only
/// called for members the kind applies to.
pub trait Generate: Sync {
    /// How `explore` breaks a constraint of this kind.
    fn breaking(&self) -> Breaking;

    /// Push the boundary variants of one named constraint of this kind.
    fn variants(&self, _v: &mut Variants<'_>) {}

    /// A valid value the kind decides whole (one of an enum's values).
    fn pick_valid(&self, _ctx: &mut dyn Draw<'_>, _member: &Member) -> Option<Value> {
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
    fn choose(&self, _ctx: &mut dyn Draw<'_>, _options: Vec<String>, _chosen: &mut Vec<String>) {}
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
        for kind in all().filter(|k| k.applies_to(member.ty)) {
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
pub fn groups(rules: &ShapeRules) -> impl Iterator<Item = (ConstraintKind, Group<'_>)> {
    all().filter_map(move |kind| kind.generate().group(rules).map(|g| (kind, g)))
}

/// A valid value of `member` that one of its kinds decides whole, if one does.
pub fn picked(ctx: &mut dyn Draw<'_>, member: &Member) -> Option<Value> {
    all()
        .filter(|k| k.applies_to(member.ty))
        .find_map(|kind| kind.generate().pick_valid(ctx, member))
}

/// Repair a drawn value of `member` so that every kind on it holds.
pub fn make_valid(member: &Member, value: &mut Value) {
    for kind in all().filter(|k| k.applies_to(member.ty)) {
        kind.generate().make_valid(member, value);
    }
}

/// What a variant does to the member its constraint is about.
pub trait LeafEdit: fmt::Debug + Send + Sync {
    /// The member's new value, given its current one (`None` when absent), or `None` to leave
    /// it out. Index 0 is the boundary instance; higher indices draw random values of the class.
    fn apply(
        &self,
        ctx: &mut dyn Draw<'_>,
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
        ctx: &mut dyn Draw<'_>,
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

/// How `explore` breaks a constraint of a kind, as a strategy that shrinks toward the boundary.
/// Every kind says one ([`Generate::breaking`] has no default), so a new kind is explored, or
/// says why not, and is never skipped in silence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breaking {
    /// The member left out.
    Omitted,
    /// A string past a length bound, on the side the boundary case is.
    PastLength,
    /// A number past a range bound.
    PastRange,
    /// A list past an item-count bound.
    PastItems,
    /// A forbidden character at one position.
    ForbiddenCharacter,
    /// A value outside an enum's set.
    OutsideEnum,
    /// Explore keeps the broken value of the kind's boundary case, and draws the rest of the
    /// request around it: the kind's own variants are the whole class (why, in a word).
    AsGenerated(&'static str),
}

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
        member: spec.member_at(op, &c.path),
        constraint: c,
        out: Vec::new(),
    };
    c.kind.generate().variants(&mut variants);
    variants.out
}

/// Keep (or create) a valid value.
#[derive(Debug)]
pub struct Keep;

impl LeafEdit for Keep {
    fn apply(
        &self,
        ctx: &mut dyn Draw<'_>,
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
    fn apply(&self, _: &mut dyn Draw<'_>, _: &Member, _: Option<Value>, _: usize) -> Option<Value> {
        None
    }
}

/// Exactly this string.
#[derive(Debug)]
pub struct Text(pub String);

impl LeafEdit for Text {
    fn apply(&self, _: &mut dyn Draw<'_>, _: &Member, _: Option<Value>, _: usize) -> Option<Value> {
        Some(json!(self.0))
    }
}

/// The member's current value, or a fresh valid one.
pub fn current_or_new(ctx: &mut dyn Draw<'_>, member: &Member, current: Option<Value>) -> Value {
    current.unwrap_or_else(|| ctx.value_of("", member))
}

/// The text of a string value (other values as JSON text).
pub fn string_of(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// The boundary size at index 0, else one drawn from `random`.
pub fn pick_size(
    ctx: &mut dyn Draw<'_>,
    index: usize,
    boundary: usize,
    random: (usize, usize),
) -> usize {
    if index == 0 {
        boundary
    } else {
        ctx.size(random.0, random.1)
    }
}
