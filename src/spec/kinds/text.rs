//! Text the constraint kinds build values from: strings from a character set, exact lengths and
//! sizes, the forbidden-character probes, and raw MIME messages.

use base64::Engine as _;

use crate::spec::{CharClass, CharsetRule};

/// One character standing for a class of characters a charset may forbid.
#[derive(Debug, Clone, Copy)]
pub struct Probe {
    /// Used in case names: `policy_name_forbidden_space`.
    pub label: &'static str,
    /// The character.
    pub ch: char,
}

/// The character classes every charset constraint is probed with: each one the charset does not
/// allow becomes an invalid case.
pub const PROBES: &[Probe] = &[
    Probe {
        label: "space",
        ch: ' ',
    },
    Probe {
        label: "period",
        ch: '.',
    },
    Probe {
        label: "at_sign",
        ch: '@',
    },
    Probe {
        label: "slash",
        ch: '/',
    },
    Probe {
        label: "colon",
        ch: ':',
    },
    Probe {
        label: "plus",
        ch: '+',
    },
    Probe {
        label: "exclamation",
        ch: '!',
    },
    Probe {
        label: "asterisk",
        ch: '*',
    },
    Probe {
        label: "non_ascii_letter",
        ch: 'é',
    },
    Probe {
        label: "non_ascii_digit",
        ch: '٣',
    },
    Probe {
        label: "control",
        ch: '\u{7}',
    },
    Probe {
        label: "emoji",
        ch: '😀',
    },
];

/// Characters standing for each class when a string is drawn from a charset.
fn class_alphabet(class: CharClass) -> &'static str {
    match class {
        CharClass::AsciiLetter => "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        CharClass::AsciiDigit => "0123456789",
        CharClass::UnicodeLetter => "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéøßλжあ漢",
        CharClass::UnicodeDigit => "0123456789٣५",
        CharClass::Whitespace => " ",
    }
}

/// One character of each allowed class and every allowed literal character: a value that uses
/// the whole of what the documentation allows.
pub fn allowed_sample(rule: &CharsetRule) -> String {
    let mut out = String::new();
    for class in &rule.classes {
        let sample = match class {
            CharClass::AsciiLetter => "aZ",
            CharClass::AsciiDigit => "09",
            CharClass::UnicodeLetter => "aéλ漢",
            CharClass::UnicodeDigit => "7٣",
            CharClass::Whitespace => " ",
        };
        for c in sample.chars() {
            if !out.contains(c) {
                out.push(c);
            }
        }
    }
    for c in rule.chars.chars() {
        if !out.contains(c) {
            out.push(c);
        }
    }
    out
}

/// The characters a string under `rule` is drawn from (plain ASCII letters and digits without
/// a rule).
pub fn alphabet(rule: Option<&CharsetRule>) -> Vec<char> {
    let Some(rule) = rule else {
        return "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
            .chars()
            .collect();
    };
    let mut out: Vec<char> = Vec::new();
    for class in &rule.classes {
        out.extend(class_alphabet(*class).chars());
    }
    out.extend(rule.chars.chars());
    out.sort_unstable();
    out.dedup();
    out
}

/// A safe padding character under `rule`: a letter if letters are allowed.
pub fn filler(rule: Option<&CharsetRule>) -> char {
    match rule {
        None => 'a',
        Some(r) if r.allows('a') => 'a',
        Some(r) if r.allows('0') => '0',
        Some(r) => r.chars.chars().next().unwrap_or('a'),
    }
}

/// `base` cut or padded with `fill` to exactly `n` characters. The start of `base` is kept, so
/// a name that starts with the run prefix keeps it whenever `n` leaves room for it: only the part
/// after the prefix is resized.
pub fn resize_chars(base: &str, n: usize, fill: char) -> String {
    let len = base.chars().count();
    if len >= n {
        base.chars().take(n).collect()
    } else {
        let mut out = base.to_string();
        out.push_str(&fill.to_string().repeat(n - len));
        out
    }
}

/// `base` padded to exactly `n` bytes. JSON text is padded with spaces before its last
/// character, so it stays the same JSON; other text is padded with `fill` (ASCII). Text longer
/// than `n` is cut on a character boundary and padded back.
pub fn resize_bytes(base: &str, n: usize, json: bool, fill: char) -> String {
    let fill = if fill.is_ascii() { fill } else { 'a' };
    if base.len() > n {
        let mut cut = n;
        while !base.is_char_boundary(cut) {
            cut -= 1;
        }
        return resize_bytes(&base[..cut], n, false, fill);
    }
    let missing = n - base.len();
    if json && base.ends_with('}') {
        let (head, tail) = base.split_at(base.len() - 1);
        let mut out = String::with_capacity(n);
        out.push_str(head);
        // `str::repeat` copies in doubling blocks; pushing ten million chars one at a time is
        // what the biggest boundary cases spent their time on.
        out.push_str(&" ".repeat(missing));
        out.push_str(tail);
        out
    } else {
        let mut out = String::with_capacity(n);
        out.push_str(base);
        out.push_str(&fill.to_string().repeat(missing));
        out
    }
}

/// What a generated MIME message looks like.
#[derive(Debug, Clone)]
pub struct MimeSpec {
    /// The From header.
    pub from: String,
    /// The To header.
    pub to: String,
    /// The Subject header.
    pub subject: String,
    /// Body lines.
    pub body: Vec<String>,
    /// Whether a blank line separates headers and body.
    pub blank_line: bool,
}

impl MimeSpec {
    /// The message text with CRLF line ends.
    pub fn render(&self) -> String {
        let mut out = format!(
            "From: {}\r\nTo: {}\r\nSubject: {}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n",
            self.from, self.to, self.subject
        );
        if self.blank_line {
            out.push_str("\r\n");
            for line in &self.body {
                out.push_str(line);
                out.push_str("\r\n");
            }
        }
        out
    }

    /// The message as the base64 text the JSON request carries.
    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.render())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resize_bytes_hits_the_exact_size_and_keeps_json_valid() {
        let doc = r#"{"Version":"2012-10-17","Statement":[]}"#;
        let padded = resize_bytes(doc, 4096, true, 'a');
        assert_eq!(padded.len(), 4096);
        assert!(serde_json::from_str::<serde_json::Value>(&padded).is_ok());
        let plain = resize_bytes("héllo", 10, false, 'x');
        assert_eq!(plain.len(), 10);
    }

    #[test]
    fn resize_chars_counts_characters_not_bytes() {
        assert_eq!(resize_chars("é", 3, 'a'), "éaa");
        assert_eq!(resize_chars("abcdef", 2, 'a'), "ab");
    }

    #[test]
    fn resizing_keeps_the_run_prefix_when_there_is_room() {
        use crate::names::PREFIX_PLACEHOLDER;
        let name = format!("{PREFIX_PLACEHOLDER}k3x9qa-pol1");
        for n in PREFIX_PLACEHOLDER.len()..80 {
            let resized = resize_chars(&name, n, 'a');
            assert!(resized.starts_with(PREFIX_PLACEHOLDER), "{n}: {resized}");
            assert_eq!(resized.chars().count(), n);
        }
    }

    #[test]
    fn mime_without_blank_line_has_no_body() {
        let m = MimeSpec {
            from: "a@b".into(),
            to: "c@d".into(),
            subject: "s".into(),
            body: vec!["x".into()],
            blank_line: false,
        };
        assert!(!m.render().contains("\r\n\r\n"));
    }

    #[test]
    fn every_probe_label_is_distinct() {
        let mut labels: Vec<_> = PROBES.iter().map(|p| p.label).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), PROBES.len());
    }
}
