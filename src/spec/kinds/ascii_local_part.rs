//! `ascii_local_part`: the local part of an address is 7-bit ASCII.

use serde_json::Value;

use super::address::{parts, Address, ASCII};
use super::KindDef;
use super::generation::{Breaking, Generate, Variants};
use crate::spec::{Edition, Member, MemberType, Spec};

/// The `ascii_local_part` kind.
pub struct AsciiLocalPart;

/// The row.
pub type Rule = super::sourced::Sourced;

impl KindDef for AsciiLocalPart {
    fn applies_to(&self) -> Option<&'static [MemberType]> {
        Some(&[MemberType::String])
    }

    fn misapplied(&self, name: &str, _: MemberType) -> String {
        format!("`{name}` applies to address strings only")
    }

    fn check_value(&self, _: &Spec, _: Edition, member: &Member, value: &Value) -> Option<String> {
        AsciiLocalPart::of(member)?;
        let (local, _) = parts(value)?;
        (!local.is_ascii()).then(|| "the local part of the address must be 7-bit ASCII".into())
    }
}

impl Generate for AsciiLocalPart {
    fn breaking(&self) -> Breaking {
        Breaking::AsGenerated("the boundary case holds a non-ASCII local part")
    }

    fn variants(&self, v: &mut Variants<'_>) {
        v.valid("ascii_local_part", ASCII);
        let non_ascii = Address {
            non_ascii_local: true,
            non_ascii_domain: false,
        };
        v.invalid("non_ascii_local_part", non_ascii);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::kinds::test_support::{member, request_of, spec};

    #[test]
    fn only_the_local_part_is_held_to_ascii() {
        let m = member(json!({"type": "string", "constraints": {"ascii_local_part": {"source": "doc"}}}));
        let check = |v: &str| AsciiLocalPart.check_value(spec(), Edition::Seed, &m, &json!(v));
        assert!(check("süccess@example.com").is_some());
        assert_eq!(check("success@exämple.com"), None);
        assert_eq!(check("no-at-sign-ü"), None);
    }

    #[test]
    fn the_invalid_address_has_a_non_ascii_local_part_only() {
        let constraint = "Destination.ToAddresses[].ascii_local_part";
        let name = "destination_to_addresses_non_ascii_local_part";
        let broken = request_of("SendEmail", constraint, name, 0);
        let address = broken["Destination"]["ToAddresses"][0].as_str().unwrap_or_default();
        let (local, domain) = address.rsplit_once('@').unwrap_or_default();
        assert!(!local.is_ascii() && domain.is_ascii(), "{address}");
    }
}
