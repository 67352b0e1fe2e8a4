//! The run's own credentials, and any SigV4 signature material, kept out of everything a run
//! prints or writes. A server may echo the request's headers in an error (`Authorization:
//! AWS4-HMAC-SHA256 Credential=AKIA…/…, SignedHeaders=…, Signature=…`, `X-Amz-Security-Token`),
//! or a presigned URL (`X-Amz-Credential=…&X-Amz-Signature=…`).
//!
//! Two rules, applied to all text: the exact strings of the run's access key id, secret access
//! key and session token (as they are, JSON-escaped and percent-encoded) become
//! [`CREDENTIAL_TOKEN`]; signature material of any credentials, the run's or not (the SDK may
//! have refreshed them since the run read them), becomes [`SIGNATURE_TOKEN`] or keeps its name
//! and loses its value.

use std::borrow::Cow;

/// What a credential becomes.
pub const CREDENTIAL_TOKEN: &str = "[credential]";

/// What signature material becomes.
pub const SIGNATURE_TOKEN: &str = "[signature]";

/// The shortest credential scrubbed as a string: a shorter one (`x`, as in a local try-out) is no
/// real credential, and replacing it would mangle every text it occurs in.
const MIN_SECRET_LEN: usize = 8;

/// Signature material, found by name whatever its case: what the name and its value become,
/// and what the value is made of.
const PATTERNS: [(&str, &str, Value); 6] = [
    ("x-amz-signature=", SIGNATURE_TOKEN, Value::Signature),
    ("signature=", SIGNATURE_TOKEN, Value::Signature),
    (
        "x-amz-credential=",
        "X-Amz-Credential=[credential]",
        Value::Token,
    ),
    ("credential=", "Credential=[credential]", Value::Token),
    (
        "x-amz-security-token",
        "X-Amz-Security-Token: [credential]",
        Value::AfterSeparator,
    ),
    ("aws4-hmac-sha256", SIGNATURE_TOKEN, Value::None),
];

/// What follows a pattern's name and goes with it.
#[derive(Clone, Copy)]
enum Value {
    /// Hex digits (or anything alphanumeric a server made of them).
    Signature,
    /// A credential scope or token: letters, digits, `/+=_-.` and percent-encoding.
    Token,
    /// A header's value after its separator (`: `, `=`, `":"`, `%3D`).
    AfterSeparator,
    /// Nothing: the name alone is the material.
    None,
}

/// The run's own credentials, in every form they may come back in.
#[derive(Default, Clone)]
pub struct Secrets {
    /// Longest first, so that no form is left half replaced by a shorter one inside it.
    forms: Vec<String>,
}

// The secrets themselves are what this type hides: its debug form only counts them.
impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets")
            .field("forms", &self.forms.len())
            .finish()
    }
}

impl Secrets {
    /// The credentials `values` (access key id, secret access key, session token), each as it
    /// is, JSON-escaped (with and without `\/`) and percent-encoded (upper and lower case hex).
    pub fn new<'a>(values: impl IntoIterator<Item = &'a str>) -> Secrets {
        let mut forms: Vec<String> = Vec::new();
        for value in values.into_iter().filter(|v| v.len() >= MIN_SECRET_LEN) {
            let json = serde_json::to_string(value).unwrap_or_default();
            let json = json.trim_matches('"').to_string();
            for form in [
                value.to_string(),
                json.replace('/', "\\/"),
                json,
                percent_encoded(value, false),
                percent_encoded(value, true),
            ] {
                if !forms.contains(&form) {
                    forms.push(form);
                }
            }
        }
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        Secrets { forms }
    }

    /// `text` with every form of the run's credentials and every piece of signature material
    /// replaced.
    pub fn scrub<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = Cow::Borrowed(text);
        for form in &self.forms {
            if out.contains(form.as_str()) {
                out = Cow::Owned(out.replace(form.as_str(), CREDENTIAL_TOKEN));
            }
        }
        match scrub_signatures(&out) {
            Some(scrubbed) => Cow::Owned(scrubbed),
            None => out,
        }
    }

    /// Whether `text` shows a credential or signature material.
    pub fn shows(&self, text: &str) -> bool {
        self.forms.iter().any(|f| text.contains(f.as_str())) || scrub_signatures(text).is_some()
    }
}

/// Names whose value is a secret whoever it belongs to: an echoed header or query parameter
/// kept as a JSON member (`{"x-amz-security-token": "…"}`).
const SECRET_NAMES: [&str; 5] = [
    "authorization",
    "x-amz-security-token",
    "x-amz-signature",
    "x-amz-credential",
    "signature",
];

/// Whether a member of this name holds a secret (case-insensitive).
pub fn is_secret_name(name: &str) -> bool {
    SECRET_NAMES.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// `text` percent-encoded as a URL would carry it: every byte but RFC 3986's unreserved ones.
fn percent_encoded(text: &str, lower: bool) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else if lower {
            out.push_str(&format!("%{b:02x}"));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `text` with signature material replaced; `None` when it holds none.
fn scrub_signatures(text: &str) -> Option<String> {
    // ASCII lowercasing keeps every byte where it was, so positions carry over.
    let lower = text.to_ascii_lowercase();
    if !PATTERNS.iter().any(|(name, _, _)| lower.contains(name)) {
        return None;
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        let found = PATTERNS
            .iter()
            .find(|(name, _, _)| lower.as_bytes()[i..].starts_with(name.as_bytes()));
        let Some((name, replacement, value)) = found else {
            i += 1;
            continue;
        };
        let Some(end) = value_end(bytes, i + name.len(), *value) else {
            // A header's name without a value (in SignedHeaders' list): nothing to hide.
            i += name.len();
            continue;
        };
        // Patterns are ASCII, and a value ends before the first byte it does not take (never
        // inside a character), so both ends are character boundaries.
        out.push_str(&text[copied..i]);
        out.push_str(replacement);
        copied = end;
        i = end;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// Where the value that starts at `from` ends; `None` when a header's name has no value.
fn value_end(bytes: &[u8], from: usize, value: Value) -> Option<usize> {
    let run = |from: usize, takes: fn(u8) -> bool| {
        from + bytes
            .get(from..)
            .map_or(0, |rest| rest.iter().take_while(|&&b| takes(b)).count())
    };
    // A value already scrubbed (a credential of the run's in it replaced) goes whole, so that
    // scrubbing twice changes nothing.
    let token = |from: usize| {
        let mut at = from;
        loop {
            let scrubbed = bytes
                .get(at..)
                .is_some_and(|rest| rest.starts_with(CREDENTIAL_TOKEN.as_bytes()));
            let next = if scrubbed {
                at + CREDENTIAL_TOKEN.len()
            } else {
                run(at, is_token_byte)
            };
            if next == at {
                return at;
            }
            at = next;
        }
    };
    match value {
        Value::None => Some(from),
        Value::Signature => Some(run(from, |b| b.is_ascii_alphanumeric())),
        Value::Token => Some(token(from)),
        Value::AfterSeparator => {
            let mut at = from;
            // At most a few separators: `": "`, `=`, `%3D`, `\":\"`.
            for _ in 0..8 {
                match bytes.get(at..) {
                    Some([b':' | b'=' | b' ' | b'"' | b'\'' | b'\\', ..]) => at += 1,
                    Some([b'%', a, b, ..]) if is_separator_escape(*a, *b) => at += 3,
                    _ => break,
                }
            }
            (at > from).then(|| token(at))
        }
    }
}

/// What a credential scope or a token is made of (base64, percent-encoding, scope separators).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'/' | b'+' | b'=' | b'_' | b'-' | b'.' | b'%')
}

/// `%3A`, `%3D`, `%20` or `%22`, any case.
fn is_separator_escape(a: u8, b: u8) -> bool {
    matches!(
        (a, b.to_ascii_uppercase()),
        (b'3', b'A') | (b'3', b'D') | (b'2', b'0') | (b'2', b'2')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AKIDEXAMPLE000000001";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const TOKEN: &str = "FwoGZXIvYXdzEXAMPLE/token+with/slashes==";

    fn secrets() -> Secrets {
        Secrets::new([KEY, SECRET, TOKEN])
    }

    #[test]
    fn the_runs_credentials_are_scrubbed_in_every_form() {
        let echoed = format!(
            "key {KEY} secret {SECRET} json {} url {} lower {}",
            SECRET.replace('/', "\\/"),
            percent_encoded(TOKEN, false),
            percent_encoded(TOKEN, true)
        );
        let scrubbed = secrets().scrub(&echoed).into_owned();
        for value in [KEY, SECRET, TOKEN, "K7MDENG", "EXAMPLE"] {
            assert!(!scrubbed.contains(value), "{scrubbed}");
        }
        assert_eq!(scrubbed.matches(CREDENTIAL_TOKEN).count(), 5, "{scrubbed}");
    }

    #[test]
    fn signature_material_is_scrubbed_whoever_signed() {
        let header = "Authorization: AWS4-HMAC-SHA256 Credential=AKIDOTHER0000000/20260101/us-east-1/ses/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=0123456789abcdef";
        assert_eq!(
            Secrets::default().scrub(header),
            "Authorization: [signature] Credential=[credential], SignedHeaders=host;x-amz-date;x-amz-security-token, [signature]"
        );
        let url = "https://x/?X-Amz-Algorithm=aws4-hmac-sha256&X-Amz-Credential=AKIDOTHER%2F20260101&x-amz-security-token=Fwo%2Bx%3D&X-Amz-Signature=abc123";
        assert_eq!(
            Secrets::default().scrub(url),
            "https://x/?X-Amz-Algorithm=[signature]&X-Amz-Credential=[credential]&X-Amz-Security-Token: [credential]&[signature]"
        );
        for echoed in [
            r#"{"x-amz-security-token":"FwoGZXIvOTHER/x+y=="}"#,
            "X-Amz-Security-Token: FwoGZXIvOTHER/x+y==",
            "x-amz-security-token%3DFwoGZXIvOTHER",
        ] {
            let scrubbed = Secrets::default().scrub(echoed);
            assert!(!scrubbed.contains("FwoGZXIvOTHER"), "{scrubbed}");
        }
    }

    #[test]
    fn members_named_like_secret_headers_hold_secrets() {
        for name in [
            "Authorization",
            "x-amz-security-token",
            "X-Amz-Signature",
            "signature",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in ["SignedHeaders", "x-amz-date", "Policies"] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn scrubbing_twice_changes_nothing() {
        let echoed = format!("Authorization: AWS4-HMAC-SHA256 Credential={KEY}/20260101/us-east-1/ses/aws4_request, Signature=00ff, X-Amz-Security-Token: {TOKEN}");
        let once = secrets().scrub(&echoed).into_owned();
        assert_eq!(
            once,
            "Authorization: [signature] Credential=[credential], [signature], X-Amz-Security-Token: [credential]"
        );
        assert_eq!(secrets().scrub(&once), once);
    }

    #[test]
    fn text_without_credentials_is_left_alone() {
        for text in [
            "",
            "a signature of the template",
            "credentials, x",
            "é signature",
        ] {
            assert_eq!(secrets().scrub(text), text);
            assert!(!secrets().shows(text));
        }
        // Short values are no credentials.
        assert_eq!(Secrets::new(["x", "y"]).scrub("x y xy"), "x y xy");
    }

    #[test]
    fn the_debug_form_never_shows_a_secret() {
        let debug = format!("{:?}", secrets());
        assert!(!debug.contains(KEY) && !debug.contains(SECRET), "{debug}");
    }
}
