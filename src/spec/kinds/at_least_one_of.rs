//! `at_least_one_of`: a structure gives one or more of a set of its members (a body is Text,
//! Html or both).

use serde_json::{Map, Value};

use super::member_set::{self, Members};
use super::{KindDef, Problem};
use super::generation::{Breaking, Draw, Generate, Group, Mode, Variants};
use crate::spec::{Shape, ShapeRules};

/// The `at_least_one_of` kind.
pub struct AtLeastOneOf;

/// The rule.
pub type Rule = member_set::MemberSet;

impl KindDef for AtLeastOneOf {
    fn check_rule(&self, shape: &Shape) -> Result<(), Problem> {
        let name = AtLeastOneOf::KIND.as_str();
        AtLeastOneOf::of(&shape.rules).map_or(Ok(()), |set| set.check(name, shape))
    }

    fn check_members(&self, shape: &Shape, obj: &Map<String, Value>) -> Option<String> {
        let set = AtLeastOneOf::of(&shape.rules)?;
        (set.given(obj) == 0).then(|| {
            format!(
                "at least one of {} must be given",
                set.members.join(", ")
            )
        })
    }
}

impl Generate for AtLeastOneOf {
    fn breaking(&self) -> Breaking {
        Breaking::AsGenerated("none of the members is the whole class")
    }

    fn variants(&self, v: &mut Variants<'_>) {
        let (group, generatable) = member_set::variants(v, AtLeastOneOf::of);
        if generatable.len() >= 2 {
            v.valid("all_of", Members::new(&group, &generatable));
        }
    }

    fn group<'r>(&self, rules: &'r ShapeRules) -> Option<Group<'r>> {
        AtLeastOneOf::of(rules).map(|set| Group {
            members: &set.members,
            exclusive: false,
        })
    }

    fn choose(&self, ctx: &mut dyn Draw<'_>, options: Vec<String>, chosen: &mut Vec<String>) {
        match ctx.mode() {
            Mode::Minimal => chosen.extend(options.first().cloned()),
            Mode::Full => chosen.extend(options),
            Mode::Random => {
                let mut any = false;
                for option in &options {
                    if ctx.coin() {
                        chosen.push(option.clone());
                        any = true;
                    }
                }
                if !any {
                    chosen.extend(options.first().cloned());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::kinds::test_support::{spec, variant_names};

    #[test]
    fn only_none_of_the_set_breaks_it() {
        let Some(body) = spec().structure("Body") else {
            panic!("Body is a structure");
        };
        let check = |v: Value| v.as_object().and_then(|o| AtLeastOneOf.check_members(body, o));
        assert_eq!(check(json!({"Text": {}, "Html": {}})), None);
        assert_eq!(
            check(json!({"Text": null})).as_deref(),
            Some("at least one of Text, Html must be given")
        );
    }

    #[test]
    fn one_or_all_of_the_set_is_valid() {
        assert_eq!(
            variant_names("SendEmail", "Content.Simple.Body.at_least_one_of"),
            [
                "+content_simple_body_only_text",
                "+content_simple_body_only_html",
                "-content_simple_body_none_of",
                "+content_simple_body_all_of",
            ]
        );
    }
}
