//! What the address kinds (`ascii_local_part`, `punycode_domain`) share: splitting an address,
//! and the edit that writes a mailbox-simulator address with non-ASCII parts.

use serde_json::{json, Value};

use super::generation::{Draw, LeafEdit};
use crate::names::{PREFIX_PLACEHOLDER, SIMULATOR_DOMAIN};
use crate::spec::Member;

/// The local part and the domain of an address value, if it has an `@`.
pub fn parts(value: &Value) -> Option<(&str, &str)> {
    value.as_str()?.rsplit_once('@')
}

/// A mailbox-simulator address of the case, with a non-ASCII local part or domain.
#[derive(Debug)]
pub struct Address {
    /// Put a non-ASCII character in the local part.
    pub non_ascii_local: bool,
    /// Put a non-ASCII character in the domain.
    pub non_ascii_domain: bool,
}

impl LeafEdit for Address {
    fn apply(
        &self,
        ctx: &mut dyn Draw<'_>,
        _: &Member,
        _: Option<Value>,
        _: usize,
    ) -> Option<Value> {
        let local = if self.non_ascii_local {
            "süccess"
        } else {
            "success"
        };
        let domain = if self.non_ascii_domain {
            SIMULATOR_DOMAIN.replacen("simulator", "simulatör", 1)
        } else {
            SIMULATOR_DOMAIN.to_string()
        };
        Some(json!(format!(
            "{local}+{PREFIX_PLACEHOLDER}{}@{domain}",
            ctx.token()
        )))
    }
}

/// An ASCII address: the valid counterpart of both address kinds.
pub const ASCII: Address = Address {
    non_ascii_local: false,
    non_ascii_domain: false,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_domain_is_what_follows_the_last_at_sign() {
        assert_eq!(parts(&json!("a@b@c.com")), Some(("a@b", "c.com")));
        assert_eq!(parts(&json!("nobody")), None);
    }
}
