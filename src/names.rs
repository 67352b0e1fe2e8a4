//! The one format of the names the harness gives what it creates, and the proof that a run id is
//! one this installation made.
//!
//! Every name starts with the run prefix `sc<run id>-`. A run id is twelve characters in fixed
//! places:
//!
//! ```text
//! sc  kqzvtm  77  hxwb  -
//!     │       │   └──── four letters: a keyed tag, HMAC-SHA256 of the eight before it under
//!     │       │         this installation's key (`state::installation_key`)
//!     │       └──────── two digits: Σ i·v(cᵢ) mod 97 over the six letters (v(a) = 0 … v(z) = 25)
//!     └──────────────── six random letters
//! ```
//!
//! A person's names do not fall into this by accident (digits in fixed places, a check that
//! catches any one changed letter and any two swapped), and no file can choose a run id that
//! passes: the tag needs the key, which never leaves the state directory. `cleanup` acts only
//! on run ids whose tag verifies, or that the user vouches for (`--run-id`, `--key-file`).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The run prefix as it appears in listed requests; every name the harness creates starts with it
/// (`sc<run id>-`, see [`crate::names`]), and `000000000000` is never a run id.
pub const PREFIX_PLACEHOLDER: &str = "sc000000000000-";
/// The run's verified identity as it appears in listed requests.
pub const IDENTITY_PLACEHOLDER: &str = "sc000000000000-identity.example.com";
/// An identity the account has certainly not verified.
pub const UNVERIFIED_IDENTITY: &str = "sc000000000000-unverified.example.com";
/// The From address on the run's identity as it appears in listed requests.
pub const SENDER_PLACEHOLDER: &str = "sender@sc000000000000-identity.example.com";
/// The SES ARN prefix of the account and region as it appears in listed requests (bound in the
/// region's partition, see [`crate::case::partition_of`]).
pub const ARN_PREFIX_PLACEHOLDER: &str = "arn:aws:ses:us-east-1:000000000000:";
/// The account's IAM ARN prefix as it appears in listed requests (policy principals).
pub const IAM_PREFIX_PLACEHOLDER: &str = "arn:aws:iam::000000000000:";
/// What every placeholder above holds: the placeholder run id and account are twelve zeros.
pub const PLACEHOLDER_MARK: &str = "000000000000";

/// The mailbox simulator domain: the only place the harness sends mail to.
pub const SIMULATOR_DOMAIN: &str = "simulator.amazonses.com";

/// What every run prefix starts with.
pub const NAME_PREFIX: &str = "sc";
/// Characters in a run id.
pub const RUN_ID_LEN: usize = 12;
/// The random letters at the start of a run id.
const NONCE_LEN: usize = 6;
/// The check digits after them.
const CHECK_LEN: usize = 2;
/// The keyed tag at the end.
const TAG_LEN: usize = 4;
/// The run id of listed requests, snapshots and baselines: digits where letters go, so it is
/// never a run id.
pub const PLACEHOLDER_RUN_ID: &str = "000000000000";
/// Bytes of an installation key.
pub const KEY_LEN: usize = 32;
/// What the tag is computed over, besides the run id's head: a change of format changes it.
const TAG_DOMAIN: &[u8] = b"ses-conformance run id v1\n";

/// `sc<run>-`: every name a run creates starts with it.
pub fn run_prefix(run: &str) -> String {
    format!("{NAME_PREFIX}{run}-")
}

/// Whether `address` is a mailbox-simulator address labelled with `prefix` (a run prefix
/// `sc<run>-`): `<word>+<prefix>…@simulator.amazonses.com`, printable ASCII, the word letters and
/// digits, the domain compared case-insensitively. SendCustomVerificationEmail adds such an
/// address as an identity: the gate lets a run add only these, and cleanup deletes only these.
pub fn is_labelled_simulator_address(address: &str, prefix: &str) -> bool {
    let printable = |s: &str| s.bytes().all(|b| b.is_ascii_graphic());
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    let Some((word, label)) = local.split_once('+') else {
        return false;
    };
    printable(address)
        && domain.eq_ignore_ascii_case(SIMULATOR_DOMAIN)
        && !word.is_empty()
        && word.bytes().all(|b| b.is_ascii_alphanumeric())
        && label.starts_with(prefix)
}

/// Whether `run` has the run-id format: six lowercase ASCII letters, the two digits that check
/// them, four lowercase ASCII letters. Says nothing of who made it (see [`RunKey::verifies`]).
pub fn is_well_formed_run_id(run: &str) -> bool {
    let bytes = run.as_bytes();
    if bytes.len() != RUN_ID_LEN {
        return false;
    }
    let (nonce, rest) = bytes.split_at(NONCE_LEN);
    let (check, tag) = rest.split_at(CHECK_LEN);
    let letters = |s: &[u8]| s.iter().all(u8::is_ascii_lowercase);
    letters(nonce)
        && letters(tag)
        && check.iter().all(u8::is_ascii_digit)
        && check == check_digits(nonce).as_bytes()
}

/// Σ i·v(cᵢ) mod 97 over the letters, as two digits. 97 is prime and larger than every weight
/// and every difference of two letters, so one changed letter or two swapped ones always
/// change it.
fn check_digits(nonce: &[u8]) -> String {
    let sum: u32 = nonce
        .iter()
        .zip(1u32..)
        .map(|(c, i)| i * u32::from(c.wrapping_sub(b'a')))
        .sum();
    format!("{:02}", sum % 97)
}

/// The key that makes and proves this installation's run ids.
#[derive(Clone, PartialEq, Eq)]
pub struct RunKey([u8; KEY_LEN]);

// A key is a secret: its debug form never shows it.
impl std::fmt::Debug for RunKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RunKey([redacted])")
    }
}

/// A key file that does not hold a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a run key: expected {} hexadecimal digits", KEY_LEN * 2)]
pub struct NotAKey;

/// The system's random source failed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("no randomness from the operating system: {0}")]
pub struct NoRandomness(String);

impl RunKey {
    /// A fresh random key.
    pub fn generate() -> Result<RunKey, NoRandomness> {
        let mut key = [0u8; KEY_LEN];
        getrandom::fill(&mut key).map_err(|e| NoRandomness(e.to_string()))?;
        Ok(RunKey(key))
    }

    /// A key that lives only as long as the process: for runs that keep no ledger, whose names
    /// no file will ever ask `cleanup` to act on.
    pub fn ephemeral() -> RunKey {
        RunKey::generate().unwrap_or_else(|_| {
            // No randomness: a key nobody can reproduce is still one; the time and pid keep
            // names of concurrent runs apart.
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            let seed = format!("{nanos}:{}", std::process::id());
            let mut key = [0u8; KEY_LEN];
            key.copy_from_slice(&Sha256Digest::of(seed.as_bytes()));
            RunKey(key)
        })
    }

    /// The key written as hexadecimal, as key files hold it.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Read a key written by [`RunKey::to_hex`] (surrounding whitespace allowed).
    pub fn from_hex(text: &str) -> Result<RunKey, NotAKey> {
        let text = text.trim();
        if text.len() != KEY_LEN * 2 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(NotAKey);
        }
        let mut key = [0u8; KEY_LEN];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| NotAKey)?;
        }
        Ok(RunKey(key))
    }

    /// A new run id: six random letters, their check digits, and this key's tag.
    pub fn mint(&self) -> String {
        let mut random = [0u8; NONCE_LEN];
        if getrandom::fill(&mut random).is_err() {
            // Distinct runs still get distinct ids from the time.
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            random.copy_from_slice(&Sha256Digest::of(nanos.to_string().as_bytes())[..NONCE_LEN]);
        }
        let nonce: String = random.iter().map(|b| letter(*b)).collect();
        let head = format!("{nonce}{}", check_digits(nonce.as_bytes()));
        let tag = self.tag(&head);
        format!("{head}{tag}")
    }

    /// Whether `run` is well formed and carries this key's tag: a run id this key made.
    pub fn verifies(&self, run: &str) -> bool {
        if !is_well_formed_run_id(run) {
            return false;
        }
        let (head, tag) = run.split_at(NONCE_LEN + CHECK_LEN);
        // Constant time: a tag is compared as a MAC is.
        let expected = self.tag(head);
        expected
            .bytes()
            .zip(tag.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
    }

    fn tag(&self, head: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            // HMAC takes a key of any length; this cannot happen.
            return "zzzz".into();
        };
        mac.update(TAG_DOMAIN);
        mac.update(head.as_bytes());
        let out = mac.finalize().into_bytes();
        out.iter().take(TAG_LEN).map(|b| letter(*b)).collect()
    }
}

/// A byte as a lowercase letter (the bias of 256 mod 26 is far below anything that matters
/// here: the letters are not a secret, the key is).
fn letter(byte: u8) -> char {
    char::from(b'a' + byte % 26)
}

/// SHA-256 of some bytes.
struct Sha256Digest;

impl Sha256Digest {
    fn of(bytes: &[u8]) -> [u8; 32] {
        use sha2::Digest as _;
        let mut out = [0u8; 32];
        out.copy_from_slice(&Sha256::digest(bytes));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(byte: u8) -> RunKey {
        RunKey([byte; KEY_LEN])
    }

    #[test]
    fn a_minted_run_id_has_the_format_and_only_its_key_verifies_it() {
        let (mine, theirs) = (key(1), key(2));
        for _ in 0..50 {
            let run = mine.mint();
            assert_eq!(run.len(), RUN_ID_LEN);
            assert!(is_well_formed_run_id(&run), "{run}");
            assert!(mine.verifies(&run), "{run}");
            assert!(!theirs.verifies(&run), "{run}");
        }
        assert_ne!(mine.mint(), mine.mint());
    }

    #[test]
    fn words_and_old_run_ids_are_not_run_ids() {
        for run in [
            "erence",
            "abc123",
            "000000",
            PLACEHOLDER_RUN_ID,
            "conference-x",
            "aaaaaa00aaa",
            "aaaaaa00aaaaa",
            "AAAAAA00AAAA",
            "aaaaaa01aaaa",
            "aaaaaa0xaaaa",
            "",
        ] {
            assert!(!is_well_formed_run_id(run), "{run:?}");
            assert!(!key(1).verifies(run), "{run:?}");
        }
        assert!(is_well_formed_run_id("aaaaaa00aaaa"));
        assert!(is_well_formed_run_id("baaaaa01zzzz"));
    }

    #[test]
    fn the_check_digits_catch_one_changed_letter_and_two_swapped() {
        let run = key(3).mint();
        let bytes = run.as_bytes();
        for i in 0..NONCE_LEN {
            for c in b'a'..=b'z' {
                if c == bytes[i] {
                    continue;
                }
                let mut changed = bytes.to_vec();
                changed[i] = c;
                let changed = String::from_utf8(changed).unwrap_or_default();
                assert!(!is_well_formed_run_id(&changed), "{changed}");
            }
            if i + 1 < NONCE_LEN && bytes[i] != bytes[i + 1] {
                let mut swapped = bytes.to_vec();
                swapped.swap(i, i + 1);
                let swapped = String::from_utf8(swapped).unwrap_or_default();
                assert!(!is_well_formed_run_id(&swapped), "{swapped}");
            }
        }
    }

    #[test]
    fn keys_round_trip_through_hex_and_never_show_in_debug() {
        let k = key(0xab);
        assert_eq!(
            RunKey::from_hex(&format!(" {}\n", k.to_hex())),
            Ok(k.clone())
        );
        assert_eq!(RunKey::from_hex("abc"), Err(NotAKey));
        assert_eq!(RunKey::from_hex(&"g".repeat(64)), Err(NotAKey));
        assert_eq!(format!("{k:?}"), "RunKey([redacted])");
    }

    #[test]
    fn the_prefix_is_sc_the_run_id_and_a_dash() {
        assert_eq!(run_prefix("kqzvtm77hxwb"), "sckqzvtm77hxwb-");
        assert_eq!(
            run_prefix(PLACEHOLDER_RUN_ID).len(),
            NAME_PREFIX.len() + RUN_ID_LEN + 1
        );
    }

    proptest! {
        /// No text a file could hold verifies without the key: a run id of the right format with
        /// a tag drawn at random is refused (a forged tag is a guess, right once in 456,976
        /// tries: the draws here would show a key that accepts far more), and one minted from
        /// the same head verifies.
        #[test]
        fn only_minted_ids_verify(nonce in "[a-z]{6}", tag in "[a-z]{4}", junk in ".{0,14}") {
            let k = key(9);
            let head = format!("{nonce}{}", check_digits(nonce.as_bytes()));
            let minted = format!("{}{}", head, k.tag(&head));
            let forged = format!("{}{}", head, tag);
            prop_assert!(k.verifies(&minted));
            prop_assert_eq!(k.verifies(&forged), forged == minted);
            prop_assert!(!k.verifies(&junk) || junk == minted);
        }
    }
}
