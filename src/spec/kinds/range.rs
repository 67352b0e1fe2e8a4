//! `range`: an integer between inclusive bounds.

use serde_json::{json, Value};

use super::{KindDef, Problem};
use super::generation::{Breaking, Draw, Generate, Hints, LeafEdit, Variants};
use crate::spec::{Edition, Member, MemberType, Spec};

/// The `range` kind.
pub struct Range;

/// The row: `{"min": 1, "max": 10, "source": ...}`.
pub type Rule = super::bounds::Bounds;

impl KindDef for Range {
    fn applies_to(&self) -> Option<&'static [MemberType]> {
        Some(&[MemberType::Integer])
    }

    fn check_row(&self, _: &Spec, member: &Member) -> Result<(), Problem> {
        Range::of(member).map_or(Ok(()), |b| b.check())
    }

    fn check_value(&self, _: &Spec, edition: Edition, member: &Member, value: &Value) -> Option<String> {
        let n = value.as_i64().unwrap_or_default();
        Range::of(member)?.violated_by(edition, n, "")
    }
}

impl Generate for Range {
    fn breaking(&self) -> Breaking {
        Breaking::PastRange
    }

    fn variants(&self, v: &mut Variants<'_>) {
        let Some(row) = v.member.and_then(Range::of) else {
            return;
        };
        let (min, max) = (row.min.unwrap_or(0), row.max.unwrap_or(i64::from(i32::MAX)));
        v.valid("at_min", Int::exactly(min));
        v.valid("at_max", Int::exactly(max));
        v.valid("in_range", Int::new(min + (max - min) / 2, (min, max)))
            .randomized();
        v.invalid("below_min", Int::new(min - 1, (min - 1000, min - 1)))
            .randomized();
        if row.max.is_some() {
            v.invalid("above_max", Int::new(max + 1, (max + 1, max + 1000)))
                .randomized();
        }
    }

    fn hint_valid(&self, member: &Member, hints: &mut Hints) {
        if let Some(b) = Range::of(member) {
            hints.range = Some((b.min.unwrap_or(1), b.max.unwrap_or(100)));
        }
    }
}

/// An integer: `boundary` at index 0, else drawn from `random`.
#[derive(Debug)]
struct Int {
    boundary: i64,
    random: (i64, i64),
}

impl Int {
    fn new(boundary: i64, random: (i64, i64)) -> Int {
        Int { boundary, random }
    }

    fn exactly(n: i64) -> Int {
        Int::new(n, (n, n))
    }
}

impl LeafEdit for Int {
    fn apply(&self, ctx: &mut dyn Draw<'_>, _: &Member, _: Option<Value>, index: usize) -> Option<Value> {
        Some(json!(if index == 0 {
            self.boundary
        } else {
            ctx.int(self.random.0, self.random.1)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::kinds::test_support::{member, spec, variant_names};

    fn page_size() -> Member {
        member(json!({"type": "integer", "constraints": {"range": {
            "min": 1, "max": 10, "source": "seed",
            "later": {"max": 100, "source": "now"}
        }}}))
    }

    #[test]
    fn range_follows_the_later_bound_in_the_current_edition() {
        let m = page_size();
        assert_eq!(
            Range.check_value(spec(), Edition::Seed, &m, &json!(11)).as_deref(),
            Some("11 is above the maximum 10")
        );
        assert_eq!(Range.check_value(spec(), Edition::Current, &m, &json!(11)), None);
        assert_eq!(
            Range.check_value(spec(), Edition::Current, &m, &json!(0)).as_deref(),
            Some("0 is below the minimum 1")
        );
    }

    #[test]
    fn page_size_has_both_bounds_and_the_values_between() {
        assert_eq!(
            variant_names("ListEmailTemplates", "PageSize.range"),
            [
                "+page_size_at_min",
                "+page_size_at_max",
                "+page_size_in_range*",
                "-page_size_below_min*",
                "-page_size_above_max*",
            ]
        );
    }

    #[test]
    fn valid_integers_default_their_missing_bound() {
        let mut hints = Hints::default();
        Range.hint_valid(&page_size(), &mut hints);
        assert_eq!(hints.range, Some((1, 10)));
    }
}
