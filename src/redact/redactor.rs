//! The one redactor of a target: the run's credentials, signature material and account ids kept
//! out of everything a run prints or writes (credentials: see [`super::secrets`]).
//!
//! An account id is masked inside ARNs of any partition (`arn:aws-us-gov:iam::123456789012:root`)
//! and inside the `Principal` and `Condition` of policy documents, whoever owns it; once seen
//! there, or given (`--account-id`), it is masked bare everywhere after
//! (`"Owner": "123456789012"`). Other 12-digit numbers are left alone: they may be legitimate
//! values, and masking them would hide real differences in snapshots. Ids are found in the text
//! as written and decoded (percent-encoding, JSON escapes), so the encoding of an ARN's
//! separators hides none.

use std::borrow::Cow;
use std::sync::RwLock;

use serde_json::Value;

use super::accounts::{
    account_id, arn_account_at, arn_accounts, twelve_digit_runs, AccountId, ACCOUNT_LEN,
};
use super::decode::decoded;
use super::policy::{policy_accounts, policy_accounts_in_text};
use super::secrets::{is_secret_name, Secrets, CREDENTIAL_TOKEN};

/// What a masked account id becomes.
pub const ACCOUNT_TOKEN: &str = "[account]";

/// What one run hides: the account ids it knows and its own credentials, and the masking of
/// them (signature material too). Shared by the run's concurrent cases: an id learned from one
/// answer is masked in every later one.
#[derive(Default)]
pub struct Redactor {
    known: RwLock<Vec<AccountId>>,
    secrets: Secrets,
}

// The ids themselves are what this type hides: its debug form only counts them.
impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field("known", &self.read().len())
            .field("secrets", &self.secrets)
            .finish()
    }
}

impl Redactor {
    /// A redactor that knows `account` (a run's `--account-id`); the placeholder account, or
    /// anything that is not an account id, teaches it nothing.
    pub fn seeded(account: &str) -> Redactor {
        let redactor = Redactor::default();
        redactor.learn(account);
        redactor
    }

    /// The same redactor, scrubbing the run's own credentials as well (see [`Secrets`]).
    pub fn with_secrets(mut self, secrets: Secrets) -> Redactor {
        self.secrets = secrets;
        self
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

    /// `text` with the run's credentials and any signature material scrubbed and every account
    /// id masked: first every id it names in an ARN or a policy document is learned, then the
    /// accounts of its ARNs and every known id are masked.
    pub fn mask(&self, text: &str) -> String {
        self.learn_from_text(text);
        self.mask_learned(text)
    }

    /// Every string (and key) of a JSON value masked, after learning from all of it; a number
    /// that is a known id becomes the masked string, since no number can say `[account]`.
    pub fn mask_value(&self, value: &Value) -> Value {
        self.learn_from_value(value);
        self.mask_value_learned(value)
    }

    /// Learn every id `text` names in an ARN or a policy document, as it is written and once
    /// decoded (percent-encoding, JSON escapes).
    fn learn_from_text(&self, text: &str) {
        for id in arn_accounts(text).chain(policy_accounts_in_text(text)) {
            self.learn_id(id);
        }
        if let Some(decoded) = decoded(text) {
            for id in arn_accounts(&decoded).chain(policy_accounts_in_text(&decoded)) {
                self.learn_id(id);
            }
        }
    }

    fn learn_from_value(&self, value: &Value) {
        for id in policy_accounts(value) {
            self.learn_id(id);
        }
        match value {
            Value::String(s) => self.learn_from_text(s),
            Value::Array(items) => items.iter().for_each(|v| self.learn_from_value(v)),
            Value::Object(obj) => obj.iter().for_each(|(k, v)| {
                self.learn_from_text(k);
                self.learn_from_value(v);
            }),
            _ => {}
        }
    }

    /// `text` with secrets scrubbed and ARN accounts and known ids masked (nothing learned).
    /// Masking reads the text as it is written: an id whose digits touch an encoding
    /// (`%20111122223333`), or are encoded themselves, and a credential encoded in a way of its
    /// own, are still there once the text is decoded. Then the decoded text is what is kept.
    fn mask_learned(&self, text: &str) -> String {
        let masked = self.mask_as_written(text);
        match decoded(&masked) {
            Some(decoded) if self.shows_anything(&decoded) => self.mask_as_written(&decoded),
            _ => masked,
        }
    }

    fn mask_as_written(&self, text: &str) -> String {
        // Most text has nothing to hide: then the only allocation is the copy returned.
        let scrubbed = self.secrets.scrub(text);
        let arns_masked = mask_arns(&scrubbed);
        match self.mask_bare(&arns_masked) {
            Some(masked) => masked,
            None => arns_masked.into_owned(),
        }
    }

    /// Whether `text` shows a credential, signature material, an ARN's account or a known id.
    fn shows_anything(&self, text: &str) -> bool {
        let known = self.read();
        self.secrets.shows(text)
            || arn_accounts(text).next().is_some()
            || twelve_digit_runs(text).any(|(_, id)| known.contains(&id))
    }

    fn mask_value_learned(&self, value: &Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.mask_learned(s)),
            Value::Number(n) if n.as_u64().is_some_and(|n| self.knows_number(n)) => {
                Value::String(ACCOUNT_TOKEN.into())
            }
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| self.mask_value_learned(v)).collect())
            }
            Value::Object(obj) => Value::Object(
                obj.iter()
                    .map(|(k, v)| {
                        // An echoed header kept as a member: its value is a secret whoever's.
                        let value = match v {
                            Value::String(_) if is_secret_name(k) => {
                                Value::String(CREDENTIAL_TOKEN.into())
                            }
                            _ => self.mask_value_learned(v),
                        };
                        (self.mask_learned(k), value)
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Whether a number is a known id: only 12-digit numbers are worth writing out.
    fn knows_number(&self, n: u64) -> bool {
        (100_000_000_000..1_000_000_000_000).contains(&n) && self.knows(&n.to_string())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<AccountId>> {
        // A poisoned lock still holds a valid list: ids are only ever pushed whole.
        self.known.read().unwrap_or_else(|p| p.into_inner())
    }

    fn learn_id(&self, id: AccountId) {
        if self.read().contains(&id) {
            return;
        }
        let mut known = self.known.write().unwrap_or_else(|p| p.into_inner());
        if !known.contains(&id) {
            known.push(id);
        }
    }

    /// `text` with bare known ids masked; `None` when there is none.
    fn mask_bare(&self, text: &str) -> Option<String> {
        let known = self.read();
        if known.is_empty() {
            return None;
        }
        let mut out: Option<String> = None;
        let mut copied = 0;
        for (start, id) in twelve_digit_runs(text) {
            if known.contains(&id) {
                // Runs of ASCII digits start and end on character boundaries, so slicing is safe.
                let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
                out.push_str(&text[copied..start]);
                out.push_str(ACCOUNT_TOKEN);
                copied = start + ACCOUNT_LEN;
            }
        }
        if let Some(out) = &mut out {
            out.push_str(&text[copied..]);
        }
        out
    }
}

/// The account of every ARN in `text` masked.
fn mask_arns(text: &str) -> Cow<'_, str> {
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
                    Some(_) => out.push_str(ACCOUNT_TOKEN),
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

/// Account ids inside ARNs of any partition and policy documents masked, and signature
/// material scrubbed, for text no run is known for (snapshots of whatever they are given, what
/// `cleanup` prints of a ledger). An id seen in one of them is masked bare in the same text too.
pub fn mask_account_ids(text: &str) -> String {
    Redactor::default().mask(text)
}

#[cfg(test)]
mod tests {
    use super::super::accounts::PLACEHOLDER_ACCOUNT;
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
        let mask = Redactor::seeded(PLACEHOLDER_ACCOUNT);
        let text = "arn:aws-us-gov:iam::000000000000:root owned by 000000000000";
        assert_eq!(mask.mask(text), text);
        assert!(!mask.knows(PLACEHOLDER_ACCOUNT));
    }

    #[test]
    fn a_known_id_is_masked_bare_in_running_text_json_and_error_messages() {
        let mask = Redactor::seeded(ID);
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
        let mask = Redactor::seeded(ID);
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
    fn accounts_a_policy_document_names_are_masked_whoever_owns_them() {
        let mask = Redactor::seeded(ID);
        let document = r#"{"Statement":[{"Principal":{"AWS":"444455556666"},"Condition":{"StringEquals":{"aws:SourceAccount":123456789012}}}]}"#;
        let answer = json!({"Policies": {"partner": document}});
        for masked in [
            mask.mask(&answer.to_string()),
            mask.mask_value(&answer).to_string(),
        ] {
            for id in ["444455556666", "123456789012"] {
                assert!(!masked.contains(id), "{masked}");
            }
        }
        // Learned: masked bare wherever they appear after.
        assert_eq!(
            mask.mask("444455556666 and 123456789012"),
            "[account] and [account]"
        );
    }

    #[test]
    fn unknown_bare_ids_are_left_alone() {
        let mask = Redactor::seeded(ID);
        assert_eq!(mask.mask("444455556666"), "444455556666");
    }

    #[test]
    fn an_id_learned_from_an_arn_is_masked_bare_later() {
        let mask = Redactor::default();
        assert_eq!(mask.mask("owned by 444455556666"), "owned by 444455556666");
        assert_eq!(
            mask.mask("arn:aws-cn:ses:cn-north-1:444455556666:identity/x"),
            "arn:aws-cn:ses:cn-north-1:[account]:identity/x"
        );
        assert_eq!(mask.mask("owned by 444455556666"), "owned by [account]");
        // In the same text too, whichever comes first.
        let fresh = Redactor::default();
        assert_eq!(
            fresh.mask("777788889999 owns arn:aws:iam::777788889999:root"),
            "[account] owns arn:aws:iam::[account]:root"
        );
    }

    #[test]
    fn learning_ignores_what_is_not_an_account_id() {
        let mask = Redactor::default();
        for text in ["", "12345", "1234567890123", "12345678901x", "١٢٣٤٥٦٧٨٩٠١٢"] {
            mask.learn(text);
        }
        assert_eq!(
            format!("{mask:?}"),
            "Redactor { known: 0, secrets: Secrets { forms: 0 } }"
        );
    }

    #[test]
    fn json_values_are_masked_numbers_included() {
        let mask = Redactor::seeded(ID);
        assert_eq!(
            mask.mask_value(
                &json!({"111122223333": [111122223333u64, "arn:aws:iam::111122223333:root", 5]})
            ),
            json!({"[account]": ["[account]", "arn:aws:iam::[account]:root", 5]})
        );
    }

    #[test]
    fn the_debug_form_never_shows_an_id() {
        let mask = Redactor::seeded(ID);
        assert!(!format!("{mask:?}").contains(ID));
    }

    /// Ways an ARN's `:` comes written: plainly, percent-encoded (once or twice), as a JSON
    /// unicode escape, and that escape JSON-escaped or percent-encoded again.
    const SEPARATORS: [&str; 9] = [
        ":", "%3A", "%3a", r"\u003a", r"\u003A", "%253A", r"\\u003a", "%5Cu003a", "%5cu003A",
    ];

    #[test]
    fn encoded_arns_are_masked_once_decoded() {
        let mask = Redactor::default();
        for text in [
            r"User arn\u003aaws\u003aiam\u003a\u003a123456789012\u003auser/alice",
            "denied: arn%3Aaws%3Ases%3Aus-east-1%3A123456789012%3Aidentity%2Fx",
            "arn%253Aaws-cn%253Aiam%253A%253A123456789012%253Aroot",
            // The digits touch the encoding: masked in the decoded text.
            "owner%20123456789012%20of arn%3Aaws%3Aiam%3A%3A123456789012%3Aroot",
            // The digits themselves encoded.
            "arn:aws:iam::%31%32%33%34%35%36%37%38%39%30%31%32:root",
        ] {
            let masked = mask.mask(text);
            assert!(!masked.contains("123456789012"), "{text} -> {masked}");
            assert!(masked.contains(ACCOUNT_TOKEN), "{text} -> {masked}");
        }
    }

    proptest! {
        #[test]
        fn an_arns_account_is_masked_whatever_encodes_its_separators(
            text in "\\PC{0,16}",
            id in "[1-9][0-9]{11}",
            seps in proptest::collection::vec(0..SEPARATORS.len(), 5),
            govcloud in any::<bool>(),
        ) {
            let s = |i: usize| SEPARATORS[seps[i]];
            let arn = if govcloud {
                format!("arn{}aws-us-gov{}ses{}us-gov-west-1{}{id}{}identity/x", s(0), s(1), s(2), s(3), s(4))
            } else {
                format!("arn{}aws{}iam{}{}{id}{}root", s(0), s(1), s(2), s(3), s(4))
            };
            let written = format!("{text} {arn} {text}");
            let mask = Redactor::default();
            for input in [
                written.clone(),
                serde_json::to_string(&written).unwrap_or_default(),
                json!({"Message": written, "Policy": json!({"Principal": {"AWS": arn}}).to_string()}).to_string(),
            ] {
                let masked = mask.mask(&input);
                prop_assert!(!masked.contains(&id), "{} -> {}", input, masked);
            }
            // Learned: bare later, however it is written.
            let later = mask.mask_value(&json!({"Owner": id.clone(), "Note": format!("id%3A{id}")}));
            prop_assert!(!later.to_string().contains(&id), "{}", later);
        }

        #[test]
        fn redacting_twice_changes_nothing(
            text in "[ -~]{0,16}",
            id in "[1-9][0-9]{11}",
            sep in 0..SEPARATORS.len(),
        ) {
            let key = "AKIDEXAMPLE000000001";
            let mask = Redactor::seeded(&id).with_secrets(Secrets::new([key, "a-secret-access-key"]));
            let s = SEPARATORS[sep];
            let input = format!(
                "{text} Authorization: AWS4-HMAC-SHA256 Credential={key}/20260101/us-east-1/ses/aws4_request, Signature=00ff {text} arn{s}aws{s}iam{s}{s}{id}{s}root {id} {text}"
            );
            let once = mask.mask(&input);
            prop_assert!(!once.contains(&id) && !once.contains(key), "{}", once);
            prop_assert_eq!(mask.mask(&once), once);
        }

        #[test]
        fn any_text_is_masked_without_panicking(text in "\\PC*", id in "[0-9]{12}") {
            let mask = Redactor::seeded(&id);
            let glued = format!("{text}arn:aws-é:{text}{id}é{text}:arn:aws-cn:s:r:{id}:{text}");
            for input in [text.as_str(), glued.as_str()] {
                let masked = mask.mask(input);
                let bare = format!(":{id}:");
                prop_assert!(id == PLACEHOLDER_ACCOUNT || !masked.contains(&bare), "{}", masked);
            }
        }
    }
}
