//! `items`: the number of items of a list or entries of a map, between inclusive bounds.

use serde_json::Value;

use super::{KindDef, Problem};
use super::generation::make_valid;
use super::generation::pick_size;
use super::generation::{Breaking, Draw, Generate, Hints, LeafEdit, Variants};
use crate::spec::{Edition, Member, MemberType, Spec};

/// The `items` kind.
pub struct Items;

/// The row: `{"min": 1, "max": 50, "source": ...}`.
pub type Rule = super::bounds::Bounds;

impl KindDef for Items {
    fn applies_to(&self) -> Option<&'static [MemberType]> {
        Some(&[MemberType::List, MemberType::Map])
    }

    fn check_row(&self, _: &Spec, member: &Member) -> Result<(), Problem> {
        Items::of(member).map_or(Ok(()), |b| b.check())
    }

    fn check_value(&self, _: &Spec, edition: Edition, member: &Member, value: &Value) -> Option<String> {
        let (n, unit) = match value {
            Value::Array(items) => (items.len(), "items"),
            Value::Object(entries) => (entries.len(), "entries"),
            _ => return None,
        };
        Items::of(member)?.violated_by(edition, n as i64, unit)
    }
}

impl Generate for Items {
    fn breaking(&self) -> Breaking {
        Breaking::PastItems
    }

    fn variants(&self, v: &mut Variants<'_>) {
        let Some((low, high)) = v.member.and_then(Items::of).map(|b| b.seed_range()) else {
            return;
        };
        let min = low.max(0) as usize;
        if low > 0 {
            v.valid("items_at_min", Count::new(min, (min, min)));
            v.invalid("items_below_min", Count::new(min - 1, (0, min - 1)));
        }
        if let Some(max) = high {
            let max = max as usize;
            v.valid("items_at_max", Count::new(max, (min.max(1), max)))
                .randomized();
            v.invalid("items_above_max", Count::new(max + 1, (max + 1, max + 10)))
                .randomized();
        }
    }

    fn hint_valid(&self, member: &Member, hints: &mut Hints) {
        if let Some(b) = Items::of(member) {
            hints.count = Some((
                b.min.unwrap_or(0).max(0) as usize,
                b.max.unwrap_or(3).max(0) as usize,
            ));
        }
    }
}

/// A list of exactly `boundary` valid items at index 0, of a count drawn from `random` else.
#[derive(Debug)]
struct Count {
    boundary: usize,
    random: (usize, usize),
}

impl Count {
    fn new(boundary: usize, random: (usize, usize)) -> Count {
        Count { boundary, random }
    }
}

impl LeafEdit for Count {
    fn apply(&self, ctx: &mut dyn Draw<'_>, member: &Member, _: Option<Value>, index: usize) -> Option<Value> {
        let n = pick_size(ctx, index, self.boundary, self.random);
        let item = member.member.as_deref()?;
        let items = (0..n).map(|_| ctx.value_of("", item)).collect();
        let mut list = Value::Array(items);
        make_valid(member, &mut list);
        Some(list)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::kinds::test_support::{member, request_of, spec, variant_names};

    #[test]
    fn lists_count_items_and_maps_count_entries() {
        let m = member(json!({"type": "list", "member": {"type": "string"},
            "constraints": {"items": {"max": 1, "source": "doc"}}}));
        assert_eq!(
            Items.check_value(spec(), Edition::Seed, &m, &json!(["a", "b"])).as_deref(),
            Some("2 items is above the maximum 1")
        );
        assert_eq!(
            Items.check_value(spec(), Edition::Seed, &m, &json!({"a": 1, "b": 2})).as_deref(),
            Some("2 entries is above the maximum 1")
        );
    }

    #[test]
    fn a_list_with_only_a_maximum_is_tried_at_and_past_it() {
        assert_eq!(
            variant_names("CreateDeliverabilityTestReport", "Tags.items"),
            [
                "+tags_items_at_max*",
                "-tags_items_above_max*",
            ]
        );
    }

    #[test]
    fn lists_have_exactly_the_boundary_count_with_distinct_keys() {
        let above = request_of("CreateDeliverabilityTestReport", "Tags.items", "tags_items_above_max", 0);
        let tags = above["Tags"].as_array().cloned().unwrap_or_default();
        assert_eq!(tags.len(), 51);
        let keys: std::collections::HashSet<_> = tags.iter().map(|t| t["Key"].to_string()).collect();
        assert_eq!(keys.len(), 51, "the `unique` kind repairs the drawn keys");
    }
}
