//! Member strategies derived from the table: for each member, a proptest `Strategy` of valid
//! values, built around an *anchor* (a request `generate` built, with its fixtures).
//!
//! What the table says enough about is drawn: strings from their length bounds and charset,
//! integers from their range, enums from their values, lists from their item bounds, structures
//! member by member (optional members shrink toward absent). What carries meaning the table does
//! not describe (addresses, documents, MIME, blobs, recipients, names of fixtures) stays the
//! anchor's value, which `generate` made valid and consistent with the case's fixtures. Names the run
//! creates keep the run prefix: only the part after it is drawn, and length bounds apply to the
//! whole name.

use indexmap::IndexMap;
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use serde_json::{Map, Value};

use crate::case::PREFIX_PLACEHOLDER;
use crate::generate::{kind, text, Hints};
use crate::spec::kinds::charset::Charset;
use crate::spec::{GenerateHint, Member, MemberType, Semantic, Spec};

/// The longest string drawn for a member whose length the table leaves open (or allows far
/// beyond what exploring needs): long enough to cross any plausible undocumented limit.
pub const OPEN_LENGTH: usize = 64;
/// The most list items drawn beyond a list's minimum.
const EXTRA_ITEMS: usize = 3;

/// Draws valid values of members, keeping what it must from the anchor.
#[derive(Debug, Clone)]
pub struct Shaper<'a> {
    /// The table.
    pub spec: &'a Spec,
    /// Values that name the anchor case's fixtures: a member holding one stays as it is.
    pub fixture_names: Vec<Value>,
}

/// A strategy of JSON values.
pub type ValueStrategy = BoxedStrategy<Value>;
/// A strategy of a member's presence and value (`None`: left out).
pub type SlotStrategy = BoxedStrategy<Option<Value>>;

impl Shaper<'_> {
    /// Valid values of `member`, around its anchor value.
    pub fn member(&self, member: &Member, anchor: &Value) -> ValueStrategy {
        if self.is_pinned(member, anchor) {
            return Just(anchor.clone()).boxed();
        }
        match member.ty {
            MemberType::String => self.string(member, anchor),
            MemberType::Integer => integer(member),
            MemberType::Boolean => any::<bool>().prop_map(Value::Bool).boxed(),
            MemberType::List => self.list(member, anchor),
            MemberType::Structure => self.structure_of(member, anchor),
            MemberType::Double | MemberType::Blob | MemberType::Timestamp | MemberType::Map => {
                Just(anchor.clone()).boxed()
            }
        }
    }

    /// Whether the anchor's value stays: it means something the table does not describe, or it
    /// names a fixture, or it may add recipients (every recipient counts against real quotas).
    pub fn is_pinned(&self, member: &Member, anchor: &Value) -> bool {
        if self.fixture_names.contains(anchor) || self.spec.can_deliver(member) {
            return true;
        }
        if member.generate == Some(GenerateHint::Never) {
            return true;
        }
        match member.semantic {
            None => false,
            Some(semantic) => !is_run_name(semantic, anchor),
        }
    }

    fn string(&self, member: &Member, anchor: &Value) -> ValueStrategy {
        if let Some(values) = self.spec.enum_values(member) {
            let values: Vec<Value> = values.iter().map(|v| Value::String(v.clone())).collect();
            return proptest::sample::select(values).boxed();
        }
        let (min, max) = drawn_length(member);
        let strategy = if anchor
            .as_str()
            .is_some_and(|s| s.starts_with(PREFIX_PLACEHOLDER))
        {
            prefixed_string(member, min, max)
        } else {
            plain_string(member, min.max(1), max)
        };
        let member = member.clone();
        strategy
            .prop_map(move |s| {
                let mut value = Value::String(s);
                kind::make_valid(&member, &mut value);
                value
            })
            .boxed()
    }

    fn list(&self, member: &Member, anchor: &Value) -> ValueStrategy {
        let (Some(item), Some(first)) = (
            member.member.as_deref(),
            anchor.as_array().and_then(|items| items.first()),
        ) else {
            return Just(anchor.clone()).boxed();
        };
        let (min, max) = Hints::of(member).count.unwrap_or((0, EXTRA_ITEMS));
        let max = max.min(min + EXTRA_ITEMS).max(min);
        let member = member.clone();
        proptest::collection::vec(self.member(item, first), min..=max)
            .prop_map(move |items| {
                let mut value = Value::Array(items);
                kind::make_valid(&member, &mut value);
                value
            })
            .boxed()
    }

    fn structure_of(&self, member: &Member, anchor: &Value) -> ValueStrategy {
        match (self.spec.members_of(member), anchor.as_object()) {
            (Some(shape), Some(obj)) => self.structure(&shape.members, obj, None),
            _ => Just(anchor.clone()).boxed(),
        }
    }

    /// Valid objects of a structure (or of the request), member by member. Members the anchor
    /// leaves out stay out (so rules across members, such as exactly one of, hold as the anchor
    /// chose); optional members it has may be dropped, and shrink toward absent. `replace`, when
    /// given, supplies one member's strategy instead (the member an invalid class breaks).
    pub fn structure(
        &self,
        members: &IndexMap<String, Member>,
        anchor: &Map<String, Value>,
        replace: Option<(&str, SlotStrategy)>,
    ) -> ValueStrategy {
        let (replaced, mut replacement) = match replace {
            Some((name, strategy)) => (Some(name), Some(strategy)),
            None => (None, None),
        };
        let mut names = Vec::new();
        let mut slots: Vec<SlotStrategy> = Vec::new();
        for (name, member) in members {
            if Some(name.as_str()) == replaced {
                if let Some(strategy) = replacement.take() {
                    names.push(name.clone());
                    slots.push(strategy);
                }
                continue;
            }
            let Some(value) = anchor.get(name).filter(|v| !v.is_null()) else {
                continue;
            };
            names.push(name.clone());
            slots.push(self.slot(member, value));
        }
        slots
            .prop_map(move |values| {
                let mut obj = Map::new();
                for (name, value) in names.iter().zip(values) {
                    if let Some(value) = value {
                        obj.insert(name.clone(), value);
                    }
                }
                Value::Object(obj)
            })
            .boxed()
    }

    /// A member the anchor has: always there when required (or always generated), else maybe
    /// left out, even when its value is pinned (a fixed subject may still go).
    fn slot(&self, member: &Member, anchor: &Value) -> SlotStrategy {
        let value = self.member(member, anchor);
        let keep = member.is_required() || member.generate == Some(GenerateHint::Always);
        if keep {
            value.prop_map(Some).boxed()
        } else {
            proptest::option::weighted(0.75, value).boxed()
        }
    }
}

/// Whether an anchor value is a name the run creates for this request (not a fixture's): it
/// carries the run prefix and names something the harness makes up.
fn is_run_name(semantic: Semantic, anchor: &Value) -> bool {
    let named = semantic.names_a_resource() || semantic == Semantic::ResourceLabel;
    named
        && anchor
            .as_str()
            .is_some_and(|s| s.starts_with(PREFIX_PLACEHOLDER))
}

/// The length range valid strings of `member` are drawn from: its documented bounds, with an
/// open or very large maximum brought down to [`OPEN_LENGTH`] above the minimum.
pub fn drawn_length(member: &Member) -> (usize, usize) {
    let (min, max) = match Hints::of(member).length {
        Some((min, max))
            if crate::spec::kinds::length::Length::of(member).is_some_and(|b| b.max.is_some()) =>
        {
            (min, max)
        }
        Some((min, _)) => (min, usize::MAX),
        None => (1, usize::MAX),
    };
    (min, max.min(min.max(1) + OPEN_LENGTH).max(min))
}

/// The characters a string of `member` is drawn from, the simplest first (what shrinking
/// moves toward): `a` when letters are allowed.
pub fn alphabet_of(member: &Member) -> Vec<char> {
    let rule = Charset::of(member);
    let mut chars = text::alphabet(rule);
    let simplest = text::filler(rule);
    chars.retain(|&c| c != simplest);
    chars.insert(0, simplest);
    chars
}

/// Strings of `len` characters in `lengths`, from the member's alphabet.
pub fn plain_string(member: &Member, min: usize, max: usize) -> BoxedStrategy<String> {
    let alphabet = alphabet_of(member);
    let last = alphabet.len().saturating_sub(1);
    proptest::collection::vec(0..=last, min..=max.max(min))
        .prop_map(move |indices| indices.iter().map(|&i| alphabet[i]).collect())
        .boxed()
}

/// Names carrying the run prefix, `min..=max` characters long in all. When the bounds leave no
/// room for a character after the prefix, the prefix alone.
pub fn prefixed_string(member: &Member, min: usize, max: usize) -> BoxedStrategy<String> {
    let prefix = PREFIX_PLACEHOLDER.chars().count();
    if max <= prefix {
        return Just(PREFIX_PLACEHOLDER.to_string()).boxed();
    }
    let low = min.saturating_sub(prefix).max(1);
    plain_string(member, low, max - prefix)
        .prop_map(|suffix| format!("{PREFIX_PLACEHOLDER}{suffix}"))
        .boxed()
}

/// Integers in the member's range (1..=100 when it documents none), shrinking toward the
/// minimum.
fn integer(member: &Member) -> ValueStrategy {
    let (low, high) = Hints::of(member).range.unwrap_or((1, 100));
    (low..=high.max(low)).prop_map(Value::from).boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    fn spec() -> Spec {
        Spec::load_default().unwrap_or_else(|e| panic!("{e}"))
    }

    fn template_name() -> Member {
        let spec = spec();
        let op = spec.operation("CreateEmailTemplate").cloned();
        op.and_then(|op| op.input.get("TemplateName").cloned())
            .unwrap_or_else(|| panic!("CreateEmailTemplate has a TemplateName"))
    }

    #[test]
    fn run_names_keep_the_prefix_and_shrink_to_one_simple_character_after_it() {
        let member = template_name();
        let (min, max) = drawn_length(&member);
        let mut runner = TestRunner::deterministic();
        for _ in 0..20 {
            let mut tree = prefixed_string(&member, min, max)
                .new_tree(&mut runner)
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(tree.current().starts_with(PREFIX_PLACEHOLDER));
            while tree.simplify() {
                assert!(tree.current().starts_with(PREFIX_PLACEHOLDER));
            }
            assert_eq!(tree.current(), format!("{PREFIX_PLACEHOLDER}a"));
        }
    }

    #[test]
    fn open_lengths_are_drawn_up_to_the_open_bound() {
        assert_eq!(drawn_length(&template_name()), (1, 1 + OPEN_LENGTH));
    }

    #[test]
    fn the_simplest_character_comes_first() {
        assert_eq!(alphabet_of(&template_name())[0], 'a');
    }
}
