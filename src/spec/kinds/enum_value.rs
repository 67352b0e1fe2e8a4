//! `enum`: a string member whose shape is an enum takes one of its values. The rule is the shape
//! itself (`specs/shapes/<Enum>.json`), so the kind has no key in `constraints`.

use serde_json::{json, Value};

use super::{Documented, KindDef};
use super::generation::Text;
use super::generation::{Breaking, Draw, Generate, LeafEdit, Mode, Variants};
use crate::spec::{Edition, Member, MemberType, Spec};

/// The `enum` kind.
pub struct EnumValue;

impl KindDef for EnumValue {
    fn applies_to(&self) -> Option<&'static [MemberType]> {
        Some(&[MemberType::String])
    }

    fn on_member(&self, spec: &Spec, member: &Member) -> Option<Documented> {
        let shape = spec.shapes.get(member.shape.as_ref()?)?;
        spec.enum_values(member)?;
        Some(Documented {
            source: shape.source.clone(),
            errors: EnumValue::KIND.default_errors(),
            enforced: shape.enforced.clone(),
            in_seed: true,
        })
    }

    fn check_value(&self, spec: &Spec, _: Edition, member: &Member, value: &Value) -> Option<String> {
        let values = spec.enum_values(member)?;
        let text = value.as_str()?;
        (!values.iter().any(|v| v == text))
            .then(|| format!("`{text}` is not one of {}", values.join(", ")))
    }
}

impl Generate for EnumValue {
    fn breaking(&self) -> Breaking {
        Breaking::OutsideEnum
    }

    fn variants(&self, v: &mut Variants<'_>) {
        let spec = v.spec;
        if let Some(values) = v.member.and_then(|m| spec.enum_values(m)) {
            for value in values {
                let suffix = format!("is_{}", value.to_lowercase());
                v.valid(&suffix, Text(value.clone()));
            }
        }
        v.invalid("not_in_enum", NotInEnum).randomized();
    }

    fn pick_valid(&self, ctx: &mut dyn Draw<'_>, member: &Member) -> Option<Value> {
        let values = ctx.spec().enum_values(member)?.to_vec();
        Some(match ctx.mode() {
            Mode::Minimal => json!(values[0]),
            _ => json!(ctx.pick_string(&values)),
        })
    }
}

/// A value outside the enum: the first value in lower case at index 0, random capitals else.
#[derive(Debug)]
struct NotInEnum;

impl LeafEdit for NotInEnum {
    fn apply(&self, ctx: &mut dyn Draw<'_>, member: &Member, _: Option<Value>, index: usize) -> Option<Value> {
        let values = ctx
            .spec()
            .enum_values(member)
            .map(<[String]>::to_vec)
            .unwrap_or_default();
        let first = values.first().cloned().unwrap_or_else(|| "VALUE".into());
        if index == 0 {
            return Some(json!(first.to_lowercase()));
        }
        let len = ctx.size(3, 12);
        let alphabet: Vec<char> = "ABCDEFGHIJKLMNOPQRSTUVWXYZ_".chars().collect();
        let mut s = ctx.random_string(&alphabet, len);
        while values.contains(&s) {
            s.push('X');
        }
        Some(json!(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::kinds::test_support::{member, spec, variant_names};

    #[test]
    fn only_members_of_an_enum_shape_have_the_constraint() {
        let mail_type = member(json!({"type": "string", "shape": "MailType"}));
        let doc = EnumValue.on_member(spec(), &mail_type);
        assert!(doc.is_some_and(|d| d.errors == ["BadRequestException"]));
        let plain = member(json!({"type": "string"}));
        assert!(EnumValue.on_member(spec(), &plain).is_none());
    }

    #[test]
    fn a_value_outside_the_enum_is_named_with_the_allowed_ones() {
        let mail_type = member(json!({"type": "string", "shape": "MailType"}));
        let check = |v: &str| EnumValue.check_value(spec(), Edition::Seed, &mail_type, &json!(v));
        assert_eq!(check("MARKETING"), None);
        assert_eq!(
            check("marketing").as_deref(),
            Some("`marketing` is not one of MARKETING, TRANSACTIONAL")
        );
    }

    #[test]
    fn each_value_is_a_valid_variant() {
        assert_eq!(
            variant_names("PutAccountDetails", "MailType.enum"),
            [
                "+mail_type_is_marketing",
                "+mail_type_is_transactional",
                "-mail_type_not_in_enum*",
            ]
        );
    }
}
