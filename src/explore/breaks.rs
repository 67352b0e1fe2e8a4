//! What breaks one member, as a strategy that shrinks toward the boundary: a string too long
//! shrinks to max+1 characters of the simplest character, a count too large to max+1 items, a
//! number too large to max+1, a forbidden character to the first position after the prefix.
//!
//! The side of a bound (above the maximum, below the minimum) and the forbidden character come
//! from the anchor, the boundary case `generate` built for the variant: the strategy explores the
//! class of that case. Each kind says how it is broken (`Generate::breaking`); one whose own
//! boundary case is the whole class keeps the anchor's broken value, and the rest of the request
//! is still drawn around it.

use proptest::prelude::*;
use serde_json::Value;

use super::members::{alphabet_of, plain_string, Shaper, SlotStrategy};
use crate::case::PREFIX_PLACEHOLDER;
use crate::spec::kinds::charset::Charset;
use crate::spec::kinds::generation::Breaking;
use crate::spec::kinds::items::Items;
use crate::spec::kinds::length::Length;
use crate::spec::kinds::range::Range;
use crate::spec::{Bounds, ConstraintKind, Member};

/// How far past a bound a drawn value may go: enough to leave the boundary, little enough to
/// keep requests small.
const PAST_BOUND: usize = 32;

/// A strategy of values of `member` that break a constraint of `kind` on the same side as
/// `anchor` does; `None` when the kind has no strategy here (the anchor's value stays).
pub fn breaking(
    shaper: &Shaper,
    kind: ConstraintKind,
    member: &Member,
    anchor: Option<&Value>,
) -> Option<SlotStrategy> {
    match kind.generate().breaking() {
        Breaking::Omitted => Some(Just(None).boxed()),
        Breaking::PastLength => length_past(member, Length::of(member)?, anchor?.as_str()?),
        Breaking::PastRange => range_past(Range::of(member)?, anchor?.as_i64()?),
        Breaking::PastItems => items_past(shaper, member, Items::of(member)?, anchor?.as_array()?),
        Breaking::ForbiddenCharacter => forbidden_char(member, anchor?.as_str()?),
        Breaking::OutsideEnum => Some(not_in_enum().prop_map(Some).boxed()),
        Breaking::AsGenerated(_) => None,
    }
}

fn length_past(member: &Member, bounds: &Bounds, anchor: &str) -> Option<SlotStrategy> {
    let (min, max) = bounds.seed_range();
    let n = anchor.chars().count() as i64;
    let (low, high) = match max {
        Some(max) if n > max => (max as usize + 1, max as usize + 1 + PAST_BOUND),
        _ if n < min => (0, min as usize - 1),
        _ => return None,
    };
    let prefix = PREFIX_PLACEHOLDER.chars().count();
    let strategy = if anchor.starts_with(PREFIX_PLACEHOLDER) && low > prefix {
        plain_string(member, low - prefix, high - prefix)
            .prop_map(|suffix| format!("{PREFIX_PLACEHOLDER}{suffix}"))
            .boxed()
    } else {
        plain_string(member, low, high)
    };
    Some(strategy.prop_map(|s| Some(Value::String(s))).boxed())
}

fn range_past(bounds: &Bounds, anchor: i64) -> Option<SlotStrategy> {
    let (min, max) = bounds.seed_range();
    let past = PAST_BOUND as i64 * 32;
    let values = match max {
        Some(max) if anchor > max => (max + 1..=max + past).boxed(),
        _ if anchor < min => (min - past..=min - 1).boxed(),
        _ => return None,
    };
    Some(values.prop_map(|n| Some(Value::from(n))).boxed())
}

fn items_past(
    shaper: &Shaper,
    member: &Member,
    bounds: &Bounds,
    anchor: &[Value],
) -> Option<SlotStrategy> {
    let (min, max) = bounds.seed_range();
    let n = anchor.len() as i64;
    let counts = match max {
        Some(max) if n > max => max as usize + 1..=max as usize + 4,
        _ if n < min => 0..=min as usize - 1,
        _ => return None,
    };
    let item = match (member.member.as_deref(), anchor.first()) {
        (Some(item), Some(first)) => shaper.member(item, first),
        // Too few items of an empty anchor list: the empty list is the class.
        _ => Just(Value::Null).boxed(),
    };
    let list = proptest::collection::vec(item, counts).prop_map(|items| {
        Some(Value::Array(
            items.into_iter().filter(|v| !v.is_null()).collect(),
        ))
    });
    Some(list.boxed())
}

/// The anchor's forbidden character put in a valid string at one position (after the prefix of
/// a run name), shrinking toward the first position and the simplest other characters.
fn forbidden_char(member: &Member, anchor: &str) -> Option<SlotStrategy> {
    let forbidden = Charset::of(member)?.first_forbidden(anchor)?;
    let keep_prefix = anchor.starts_with(PREFIX_PLACEHOLDER);
    let n = anchor.chars().count().max(1);
    let prefix = if keep_prefix {
        PREFIX_PLACEHOLDER.chars().count()
    } else {
        0
    };
    let rest = n.saturating_sub(prefix).max(1);
    let alphabet = alphabet_of(member);
    let last = alphabet.len().saturating_sub(1);
    let strategy =
        (proptest::collection::vec(0..=last, rest), 0..rest).prop_map(move |(indices, at)| {
            let mut chars: Vec<char> = indices.iter().map(|&i| alphabet[i]).collect();
            chars[at] = forbidden;
            let body: String = chars.into_iter().collect();
            let text = if keep_prefix {
                format!("{PREFIX_PLACEHOLDER}{body}")
            } else {
                body
            };
            Some(Value::String(text))
        });
    Some(strategy.boxed())
}

/// Upper-case words no enum of the table holds (the filter on the class checks it), shrinking
/// toward `A`.
fn not_in_enum() -> BoxedStrategy<Value> {
    const LETTERS: &[char] = &['A', 'B', 'C', 'X', 'Y', 'Z', '_'];
    proptest::collection::vec(0..LETTERS.len(), 1..=12)
        .prop_map(|indices| Value::String(indices.iter().map(|&i| LETTERS[i]).collect()))
        .boxed()
}
