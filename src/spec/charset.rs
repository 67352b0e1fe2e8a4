//! Character classes, as the documentation words them.

use super::model::{CharClass, CharsetRule};

impl CharClass {
    /// Whether `c` belongs to the class.
    pub fn contains(self, c: char) -> bool {
        match self {
            CharClass::AsciiLetter => c.is_ascii_alphabetic(),
            CharClass::AsciiDigit => c.is_ascii_digit(),
            CharClass::UnicodeLetter => c.is_alphabetic(),
            CharClass::UnicodeDigit => c.is_numeric(),
            CharClass::Whitespace => c.is_whitespace(),
        }
    }
}

impl CharsetRule {
    /// Whether the rule allows `c`.
    pub fn allows(&self, c: char) -> bool {
        self.chars.contains(c) || self.classes.iter().any(|class| class.contains(c))
    }

    /// The first character of `text` the rule does not allow.
    pub fn first_forbidden(&self, text: &str) -> Option<char> {
        text.chars().find(|&c| !self.allows(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy_name_rule() -> CharsetRule {
        CharsetRule {
            classes: vec![CharClass::AsciiLetter, CharClass::AsciiDigit],
            chars: "-_".into(),
            source: "test".into(),
            errors: vec![],
            enforced: None,
        }
    }

    #[test]
    fn policy_name_charset_allows_letters_digits_dash_underscore_only() {
        let rule = policy_name_rule();
        assert_eq!(rule.first_forbidden("Abc-09_x"), None);
        assert_eq!(rule.first_forbidden("a b"), Some(' '));
        assert_eq!(rule.first_forbidden("a.b"), Some('.'));
        assert_eq!(rule.first_forbidden("é"), Some('é'));
    }

    #[test]
    fn unicode_classes_include_non_ascii_letters_and_digits() {
        assert!(CharClass::UnicodeLetter.contains('漢'));
        assert!(CharClass::UnicodeDigit.contains('٣'));
        assert!(!CharClass::AsciiDigit.contains('٣'));
        assert!(CharClass::Whitespace.contains('\t'));
    }
}
