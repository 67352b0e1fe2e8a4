//! `punycode_domain`: a non-ASCII domain of an address is written in Punycode.

use serde_json::Value;

use super::address::{parts, Address, ASCII};
use super::KindDef;
use super::generation::{Breaking, Generate, Variants};
use crate::spec::{Edition, Member, MemberType, Spec};

/// The `punycode_domain` kind.
pub struct PunycodeDomain;

/// The row.
pub type Rule = super::sourced::Sourced;

impl KindDef for PunycodeDomain {
    fn applies_to(&self) -> Option<&'static [MemberType]> {
        Some(&[MemberType::String])
    }

    fn misapplied(&self, name: &str, _: MemberType) -> String {
        format!("`{name}` applies to address strings only")
    }

    fn check_value(&self, _: &Spec, _: Edition, member: &Member, value: &Value) -> Option<String> {
        PunycodeDomain::of(member)?;
        let (_, domain) = parts(value)?;
        (!domain.is_ascii()).then(|| "a non-ASCII domain must be written in Punycode".into())
    }
}

impl Generate for PunycodeDomain {
    fn breaking(&self) -> Breaking {
        Breaking::AsGenerated("the boundary case holds a non-ASCII domain")
    }

    fn variants(&self, v: &mut Variants<'_>) {
        v.valid("ascii_domain", ASCII);
        let non_ascii = Address {
            non_ascii_local: false,
            non_ascii_domain: true,
        };
        v.invalid("non_ascii_domain", non_ascii);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::kinds::test_support::{member, spec};

    #[test]
    fn only_the_domain_must_be_punycode() {
        let m = member(json!({"type": "string", "constraints": {"punycode_domain": {"source": "doc"}}}));
        let check = |v: &str| PunycodeDomain.check_value(spec(), Edition::Seed, &m, &json!(v));
        assert!(check("success@exämple.com").is_some());
        assert_eq!(check("success@xn--exmple-cua.com"), None);
        assert_eq!(check("süccess@example.com"), None);
    }

    #[test]
    fn a_row_on_another_type_is_refused_as_an_address_rule() {
        let message = PunycodeDomain.misapplied("punycode_domain", MemberType::Integer);
        assert_eq!(message, "`punycode_domain` applies to address strings only");
    }
}
