//! `exactly_one_of`: a structure gives exactly one of a set of its members (a message is Simple,
//! Raw or Template). Entering one member of the set leaves the others out.

use serde_json::{Map, Value};

use super::member_set::{self, Members};
use super::{KindDef, Problem};
use super::generation::{Breaking, Draw, Generate, Group, Mode, Variants};
use crate::spec::{Shape, ShapeRules};

/// The `exactly_one_of` kind.
pub struct ExactlyOneOf;

/// The rule.
pub type Rule = member_set::MemberSet;

impl KindDef for ExactlyOneOf {
    fn check_rule(&self, shape: &Shape) -> Result<(), Problem> {
        let name = ExactlyOneOf::KIND.as_str();
        ExactlyOneOf::of(&shape.rules).map_or(Ok(()), |set| set.check(name, shape))
    }

    fn check_members(&self, shape: &Shape, obj: &Map<String, Value>) -> Option<String> {
        let set = ExactlyOneOf::of(&shape.rules)?;
        let n = set.given(obj);
        (n != 1).then(|| {
            format!(
                "exactly one of {} must be given, got {n}",
                set.members.join(", ")
            )
        })
    }
}

impl Generate for ExactlyOneOf {
    fn breaking(&self) -> Breaking {
        Breaking::AsGenerated("none, or two, of the members is the whole class")
    }

    fn variants(&self, v: &mut Variants<'_>) {
        let (group, generatable) = member_set::variants(v, ExactlyOneOf::of);
        if generatable.len() >= 2 {
            v.invalid("two_of", Members::new(&group, &generatable[..2]));
        }
    }

    fn group<'r>(&self, rules: &'r ShapeRules) -> Option<Group<'r>> {
        ExactlyOneOf::of(rules).map(|set| Group {
            members: &set.members,
            exclusive: true,
        })
    }

    fn choose(&self, ctx: &mut dyn Draw<'_>, options: Vec<String>, chosen: &mut Vec<String>) {
        if options.is_empty() {
            return;
        }
        let pick = match ctx.mode() {
            Mode::Minimal => options[0].clone(),
            Mode::Full | Mode::Random => ctx.pick_string(&options),
        };
        chosen.push(pick);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::kinds::test_support::{spec, variant_names};

    #[test]
    fn none_and_two_of_the_set_break_it() {
        let Some(content) = spec().structure("EmailContent") else {
            panic!("EmailContent is a structure");
        };
        let check = |v: Value| v.as_object().and_then(|o| ExactlyOneOf.check_members(content, o));
        assert_eq!(check(json!({"Simple": {}})), None);
        assert!(check(json!({})).is_some_and(|m| m.ends_with("got 0")));
        assert!(check(json!({"Simple": {}, "Raw": {}})).is_some_and(|m| m.ends_with("got 2")));
    }

    #[test]
    fn each_member_alone_is_valid_and_two_are_not() {
        let names = variant_names("SendEmail", "Content.exactly_one_of");
        assert_eq!(names.first().map(String::as_str), Some("+content_only_simple"));
        assert!(names.contains(&"-content_none_of".to_string()));
        assert_eq!(names.last().map(String::as_str), Some("-content_two_of"));
    }
}
