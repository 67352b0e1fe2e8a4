//! Account ids kept out of everything a run writes: inside ARNs of any partition
//! (`arn:aws-us-gov:iam::123456789012:root`), and bare (`"aws:SourceAccount": "123456789012"`)
//! wherever the run knows the id.
//!
//! A bare 12-digit number is only masked when it is an id the run was given (`--account-id`) or
//! has seen inside an ARN: other 12-digit numbers may be legitimate values, and masking them would
//! hide real differences in snapshots.

use std::borrow::Cow;
use std::sync::RwLock;

use serde_json::Value;

/// What a masked account id becomes.
pub const ACCOUNT_TOKEN: &str = "[account]";

/// The placeholder account: what a known account id was unbound to, so it stays readable.
const PLACEHOLDER_ACCOUNT: &str = "000000000000";

/// Digits in an account id.
const ACCOUNT_LEN: usize = 12;

/// The account ids one run knows, and the masking of them. Shared by the run's concurrent cases:
/// an id learned from one answer is masked in every later one.
#[derive(Default)]
pub struct AccountMask {
    known: RwLock<Vec<[u8; ACCOUNT_LEN]>>,
}

// The ids themselves are what this type hides: its debug form only counts them.
impl std::fmt::Debug for AccountMask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountMask")
            .field("known", &self.read().len())
            .finish()
    }
}

impl AccountMask {
    /// A mask that knows `account` (a run's `--account-id`); the placeholder account, or anything
    /// that is not an account id, teaches it nothing.
    pub fn seeded(account: &str) -> AccountMask {
        let mask = AccountMask::default();
        mask.learn(account);
        mask
    }

    /// Know `account` from now on. Anything but 12 ASCII digits, and the placeholder account, is
    /// ignored.
    pub fn learn(&self, account: &str) {
        if let Some(id) = account_id(account.as_bytes()) {
            self.learn_id(id);
        }
    }

    /// Whether `account` is known.
    pub fn knows(&self, account: &str) -> bool {
        account_id(account.as_bytes()).is_some_and(|id| self.read().contains(&id))
    }

    /// `text` with the account of every ARN masked (and learned), then every bare known id
    /// masked.
    pub fn mask(&self, text: &str) -> String {
        // Most text has neither: then the only allocation is the copy returned.
        let arns_masked = self.mask_arns(text);
        match self.mask_bare(&arns_masked) {
            Some(masked) => masked,
            None => arns_masked.into_owned(),
        }
    }

    /// Every string (and key) of a JSON value masked; a number that is a known id becomes the
    /// masked string, since no number can say `[account]`.
    pub fn mask_value(&self, value: &Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.mask(s)),
            Value::Number(n) if n.as_u64().is_some_and(|n| self.knows_number(n)) => {
                Value::String(ACCOUNT_TOKEN.into())
            }
            Value::Array(items) => Value::Array(items.iter().map(|v| self.mask_value(v)).collect()),
            Value::Object(obj) => Value::Object(
                obj.iter()
                    .map(|(k, v)| (self.mask(k), self.mask_value(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Whether a number is a known id: only 12-digit numbers are worth writing out.
    fn knows_number(&self, n: u64) -> bool {
        (100_000_000_000..1_000_000_000_000).contains(&n) && self.knows(&n.to_string())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<[u8; ACCOUNT_LEN]>> {
        // A poisoned lock still holds a valid list: ids are only ever pushed whole.
        self.known.read().unwrap_or_else(|p| p.into_inner())
    }

    fn learn_id(&self, id: [u8; ACCOUNT_LEN]) {
        if self.read().contains(&id) {
            return;
        }
        let mut known = self.known.write().unwrap_or_else(|p| p.into_inner());
        if !known.contains(&id) {
            known.push(id);
        }
    }

    fn mask_arns<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if !text.contains("arn:") {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find("arn:") {
            let arn = &rest[at..];
            match arn_account_at(arn.as_bytes()) {
                Some(start) => {
                    let end = start + ACCOUNT_LEN;
                    out.push_str(&rest[..at + start]);
                    match account_id(&arn.as_bytes()[start..end]) {
                        Some(id) => {
                            self.learn_id(id);
                            out.push_str(ACCOUNT_TOKEN);
                        }
                        // The placeholder account.
                        None => out.push_str(&arn[start..end]),
                    }
                    rest = &arn[end..];
                }
                None => {
                    out.push_str(&rest[..at + "arn:".len()]);
                    rest = &arn["arn:".len()..];
                }
            }
        }
        out.push_str(rest);
        Cow::Owned(out)
    }

    /// `text` with bare known ids masked; `None` when there is none.
    fn mask_bare(&self, text: &str) -> Option<String> {
        let known = self.read();
        if known.is_empty() {
            return None;
        }
        let bytes = text.as_bytes();
        let mut out: Option<String> = None;
        let (mut copied, mut i) = (0, 0);
        while i < bytes.len() {
            if !bytes[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            // Runs of ASCII digits start and end on character boundaries, so slicing is safe.
            let run = &bytes[start..i];
            if run.len() == ACCOUNT_LEN && known.iter().any(|id| id.as_slice() == run) {
                let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
                out.push_str(&text[copied..start]);
                out.push_str(ACCOUNT_TOKEN);
                copied = i;
            }
        }
        if let Some(out) = &mut out {
            out.push_str(&text[copied..]);
        }
        out
    }
}

/// Account ids inside ARNs of any partition masked, for text no run is known for (snapshots of
/// whatever they are given). An id seen in one of its ARNs is masked bare in the same text too.
pub fn mask_account_ids(text: &str) -> String {
    AccountMask::default().mask(text)
}

/// 12 ASCII digits that are not the placeholder account.
fn account_id(bytes: &[u8]) -> Option<[u8; ACCOUNT_LEN]> {
    let id: [u8; ACCOUNT_LEN] = bytes.try_into().ok()?;
    (id.iter().all(u8::is_ascii_digit) && id != *PLACEHOLDER_ACCOUNT.as_bytes()).then_some(id)
}

/// Where the account of an ARN starts, for text starting with
/// `arn:<partition>:<service>:<region>:<12 digits>:`: the partition is `aws` or `aws-` and
/// letters and dashes (`aws-cn`, `aws-us-gov`, `aws-iso-b`); service and region are letters,
/// digits and dashes (the region may be empty, as in IAM ARNs).
fn arn_account_at(arn: &[u8]) -> Option<usize> {
    let mut at = "arn:".len();
    at = field_end(arn, at, |b| b.is_ascii_lowercase() || b == b'-')?;
    let partition = &arn["arn:".len()..at];
    if partition != b"aws" && !(partition.starts_with(b"aws-") && partition.len() > 4) {
        return None;
    }
    let service_or_region = |b: u8| b.is_ascii_alphanumeric() || b == b'-';
    at = field_end(arn, at + 1, service_or_region)?;
    at = field_end(arn, at + 1, service_or_region)?;
    let start = at + 1;
    let account = arn.get(start..start + ACCOUNT_LEN)?;
    let ends = arn.get(start + ACCOUNT_LEN) == Some(&b':');
    (account.iter().all(u8::is_ascii_digit) && ends).then_some(start)
}

/// The index of the `:` ending a field that starts at `from` and holds only `allowed` bytes.
fn field_end(bytes: &[u8], from: usize, allowed: impl Fn(u8) -> bool) -> Option<usize> {
    let len = bytes.get(from..)?.iter().position(|&b| !allowed(b))?;
    (bytes.get(from + len) == Some(&b':')).then_some(from + len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    const ID: &str = "111122223333";

    #[test]
    fn account_ids_in_arns_of_every_partition_are_masked() {
        for partition in ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"] {
            let text = format!(
                "see arn:{partition}:ses:us-gov-west-1:123456789012:identity/x.com and arn:{partition}:iam::123456789012:root"
            );
            assert_eq!(
                mask_account_ids(&text),
                format!("see arn:{partition}:ses:us-gov-west-1:[account]:identity/x.com and arn:{partition}:iam::[account]:root")
            );
        }
    }

    #[test]
    fn what_is_not_an_arn_account_is_left_alone() {
        for text in [
            "arn:aws:ses:eu-west-1:12345:identity/x",
            "arn:aws:ses:eu-west-1:1234567890123:identity/x",
            "arn:aws:ses:eu-west-1:123456789012",
            "arn:gcp:ses:eu-west-1:123456789012:x",
            "arn:awsx:ses:eu-west-1:123456789012:x",
            "arn:aws:ses:eu west:123456789012:x",
            "arn:aws:iam::000000000000:root",
            "arn:",
            "arn:aws",
            "arn:aws-us-gov:",
            "arn:aws:ses:",
        ] {
            assert_eq!(mask_account_ids(text), text);
        }
    }

    #[test]
    fn the_placeholder_account_stays_readable() {
        let mask = AccountMask::seeded(PLACEHOLDER_ACCOUNT);
        let text = "arn:aws-us-gov:iam::000000000000:root owned by 000000000000";
        assert_eq!(mask.mask(text), text);
        assert!(!mask.knows(PLACEHOLDER_ACCOUNT));
    }

    #[test]
    fn a_known_id_is_masked_bare_in_running_text_json_and_error_messages() {
        let mask = AccountMask::seeded(ID);
        assert_eq!(
            mask.mask("account 111122223333 is not authorized"),
            "account [account] is not authorized"
        );
        assert_eq!(
            mask.mask(r#"{"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}"#),
            r#"{"Condition":{"StringEquals":{"aws:SourceAccount":"[account]"}}}"#
        );
        assert_eq!(
            mask.mask(
                "User: arn:aws-us-gov:iam::111122223333:user/bob is not authorized (111122223333)"
            ),
            "User: arn:aws-us-gov:iam::[account]:user/bob is not authorized ([account])"
        );
    }

    #[test]
    fn digits_next_to_a_known_id_make_another_number() {
        let mask = AccountMask::seeded(ID);
        for text in [
            "1111122223333",
            "1111222233334",
            "x11112222333344",
            "0.1111222233339",
        ] {
            assert_eq!(mask.mask(text), text);
        }
        assert_eq!(mask.mask("a111122223333b"), "a[account]b");
    }

    #[test]
    fn unknown_bare_ids_are_left_alone() {
        let mask = AccountMask::seeded(ID);
        assert_eq!(mask.mask("444455556666"), "444455556666");
    }

    #[test]
    fn an_id_learned_from_an_arn_is_masked_bare_later() {
        let mask = AccountMask::default();
        assert_eq!(mask.mask("owned by 444455556666"), "owned by 444455556666");
        assert_eq!(
            mask.mask("arn:aws-cn:ses:cn-north-1:444455556666:identity/x"),
            "arn:aws-cn:ses:cn-north-1:[account]:identity/x"
        );
        assert_eq!(mask.mask("owned by 444455556666"), "owned by [account]");
        // In the same text too, whichever comes first.
        let fresh = AccountMask::default();
        assert_eq!(
            fresh.mask("777788889999 owns arn:aws:iam::777788889999:root"),
            "[account] owns arn:aws:iam::[account]:root"
        );
    }

    #[test]
    fn learning_ignores_what_is_not_an_account_id() {
        let mask = AccountMask::default();
        for text in ["", "12345", "1234567890123", "12345678901x", "١٢٣٤٥٦٧٨٩٠١٢"] {
            mask.learn(text);
        }
        assert_eq!(format!("{mask:?}"), "AccountMask { known: 0 }");
    }

    #[test]
    fn json_values_are_masked_numbers_included() {
        let mask = AccountMask::seeded(ID);
        assert_eq!(
            mask.mask_value(
                &json!({"111122223333": [111122223333u64, "arn:aws:iam::111122223333:root", 5]})
            ),
            json!({"[account]": ["[account]", "arn:aws:iam::[account]:root", 5]})
        );
    }

    #[test]
    fn the_debug_form_never_shows_an_id() {
        let mask = AccountMask::seeded(ID);
        assert!(!format!("{mask:?}").contains(ID));
    }

    proptest! {
        #[test]
        fn any_text_is_masked_without_panicking(text in "\\PC*", id in "[0-9]{12}") {
            let mask = AccountMask::seeded(&id);
            let glued = format!("{text}arn:aws-é:{text}{id}é{text}:arn:aws-cn:s:r:{id}:{text}");
            for input in [text.as_str(), glued.as_str()] {
                let masked = mask.mask(input);
                let bare = format!(":{id}:");
                prop_assert!(id == PLACEHOLDER_ACCOUNT || !masked.contains(&bare), "{}", masked);
            }
        }
    }
}
