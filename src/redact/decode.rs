//! Text as a reader would decode it: an ARN's separators may come percent-encoded
//! (`arn%3Aaws%3Aiam…`), as JSON unicode escapes (`arn\u003aaws\u003aiam…`), or both, once or
//! twice over. Ids are looked for in the decoded text, whatever the encoding.

/// How many times encodings are undone: percent-encoding inside a JSON string inside a URL is
/// three layers.
const MAX_ROUNDS: usize = 3;

/// `text` with percent-encoding (`%3A`) and JSON escapes (`\u003a`, `\/`, `\"`, `\n`…) undone,
/// round after round until nothing changes; `None` when there is nothing to undo. Invalid
/// UTF-8 that decoding produces reads as U+FFFD.
pub fn decoded(text: &str) -> Option<String> {
    if !text.contains(['%', '\\']) {
        return None;
    }
    let mut current = text.to_string();
    for _ in 0..MAX_ROUNDS {
        let next = decode_once(&current);
        if next == current {
            break;
        }
        current = next;
    }
    (current != text).then_some(current)
}

/// One round: every `%XX` and every JSON escape undone; anything else kept as it is.
fn decode_once(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => match bytes.get(i + 1..i + 3).and_then(hex_byte) {
                Some(byte) => {
                    out.push(byte);
                    i += 3;
                }
                None => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'\\' => match json_escape(bytes, i) {
                Some((ch, len)) => {
                    let mut buf = [0; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                    i += len;
                }
                None => {
                    out.push(b'\\');
                    i += 1;
                }
            },
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Two hex digits as a byte.
fn hex_byte(pair: &[u8]) -> Option<u8> {
    u8::try_from(hex_value(pair)?).ok()
}

/// Hex digits (and only those: `from_str_radix` would take a sign) as a number.
fn hex_value(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
}

/// The JSON escape starting at `at` (a backslash): the character and the escape's length.
/// A surrogate pair (`\ud83d\ude00`) is one character; a lone surrogate reads as U+FFFD.
fn json_escape(bytes: &[u8], at: usize) -> Option<(char, usize)> {
    let simple = match bytes.get(at + 1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => return unicode_escape(bytes, at),
        _ => return None,
    };
    Some((simple, 2))
}

fn unicode_escape(bytes: &[u8], at: usize) -> Option<(char, usize)> {
    let unit = |from: usize| hex_value(bytes.get(from..from + 4)?);
    let high = unit(at + 2)?;
    if (0xD800..0xDC00).contains(&high) {
        let low = (bytes.get(at + 6..at + 8) == Some(b"\\u"))
            .then(|| unit(at + 8))
            .flatten()
            .filter(|low| (0xDC00..0xE000).contains(low));
        return Some(match low {
            Some(low) => {
                let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                (char::from_u32(code).unwrap_or('\u{fffd}'), 12)
            }
            None => ('\u{fffd}', 6),
        });
    }
    Some((char::from_u32(high).unwrap_or('\u{fffd}'), 6))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn percent_and_json_escapes_are_undone_once_or_twice_over() {
        for encoded in [
            "arn%3Aaws%3Aiam%3A%3A1%3Aroot",
            "arn%3aaws%3aiam%3a%3a1%3aroot",
            r"arn\u003aaws\u003Aiam\u003a\u003a1\u003aroot",
            "arn%253Aaws%253Aiam%253A%253A1%253Aroot",
            r"arn\\u003aaws:iam%3A\u003a1%5Cu003aroot",
        ] {
            assert_eq!(
                decoded(encoded).as_deref(),
                Some("arn:aws:iam::1:root"),
                "{encoded}"
            );
        }
        assert_eq!(
            decoded(r#"a\"b\/c\ud83d\ude00"#).as_deref(),
            Some("a\"b/c😀")
        );
    }

    #[test]
    fn what_is_not_an_encoding_stays() {
        assert_eq!(decoded("plain arn:aws:iam::1:root"), None);
        assert_eq!(decoded("100% sure"), None);
        assert_eq!(decoded(r"C:\path %zz %+1 \x \u12 \u+123"), None);
        assert_eq!(
            decoded(r"lone \ud800 surrogate").as_deref(),
            Some("lone \u{fffd} surrogate")
        );
        assert_eq!(decoded("%FF").as_deref(), Some("\u{fffd}"));
    }

    proptest! {
        #[test]
        fn any_text_is_decoded_without_panicking(text in "\\PC*") {
            let _ = decoded(&text);
            let _ = decoded(&format!("{text}%{text}\\u{text}\\ud800\\u"));
        }
    }
}
