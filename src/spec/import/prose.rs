//! Rules the model's documentation states in prose rather than as traits: the rate limit
//! ("You can execute this operation no more than once per second") and a page size's bounds
//! ("The value you specify has to be at least 1, and can be no more than 100"). Each found rule
//! quotes the sentence it came from, so its source says what was read.

/// Documentation text without HTML tags, whitespace runs collapsed.
pub fn plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let text = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first sentence of documentation, for a summary or a member's `doc`.
pub fn first_sentence(html: &str) -> String {
    let text = plain(html);
    let end = text
        .match_indices(". ")
        .map(|(i, _)| i + 1)
        .find(|&i| !ends_with_abbreviation(&text[..i]))
        .unwrap_or(text.len());
    text[..end].trim().to_string()
}

/// "e.g." and "i.e." end no sentence.
fn ends_with_abbreviation(text: &str) -> bool {
    ["e.g.", "i.e.", "etc."].iter().any(|a| text.ends_with(a))
}

/// The sentence of `text` around byte `at`.
fn sentence_at(text: &str, at: usize) -> &str {
    let start = text[..at].rfind(". ").map_or(0, |i| i + 2);
    let end = text[at..].find('.').map_or(text.len(), |i| at + i + 1);
    text[start..end].trim()
}

/// A rate limit in calls per second, with the sentence stating it.
pub fn rate_limit(html: &str) -> Option<(f64, String)> {
    let text = plain(html);
    let at = text.find("no more than ")?;
    let rest = &text[at + "no more than ".len()..];
    let per_second = if rest.starts_with("once per second") {
        1.0
    } else {
        let (count, tail) = rest.split_once(' ')?;
        if !tail.starts_with("times per second") {
            return None;
        }
        count.parse::<f64>().ok()?
    };
    Some((per_second, sentence_at(&text, at).to_string()))
}

/// A page size's documented bounds `(min, max)`, with the sentence stating them.
pub fn page_size_bounds(html: &str) -> Option<(i64, i64, String)> {
    let text = plain(html);
    let at = text.find("has to be at least ")?;
    let rest = &text[at + "has to be at least ".len()..];
    let (min, rest) = rest.split_once(',')?;
    let max = rest.trim_start().strip_prefix("and can be no more than ")?;
    let max: String = max.chars().take_while(char::is_ascii_digit).collect();
    Some((
        min.trim().parse().ok()?,
        max.parse().ok()?,
        sentence_at(&text, at).to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_entities_are_removed_from_documentation() {
        assert_eq!(
            plain("<p>A &lt;b&gt;   list</p>\n<p>of two.</p>"),
            "A <b> list of two."
        );
    }

    #[test]
    fn a_summary_is_the_first_sentence_past_abbreviations() {
        assert_eq!(
            first_sentence("<p>Lists names, e.g. mine. Then more.</p>"),
            "Lists names, e.g. mine."
        );
        assert_eq!(first_sentence("<p>No full stop</p>"), "No full stop");
    }

    #[test]
    fn rate_limits_are_read_in_both_phrasings() {
        let once = "<p>Creates it.</p> <p>You can execute this operation no more than once per second.</p>";
        assert_eq!(
            rate_limit(once),
            Some((
                1.0,
                "You can execute this operation no more than once per second.".into()
            ))
        );
        let many = "<p>You can execute this operation no more than 16 times per second, and with at most 160 queries.</p>";
        assert_eq!(rate_limit(many).map(|r| r.0), Some(16.0));
        assert_eq!(rate_limit("<p>no more than 64 characters</p>"), None);
    }

    #[test]
    fn page_size_bounds_are_read_with_their_sentence() {
        let doc = "<p>The number of results. The value you specify has to be at least 1, and can be no more than 100.</p>";
        assert_eq!(
            page_size_bounds(doc),
            Some((
                1,
                100,
                "The value you specify has to be at least 1, and can be no more than 100.".into()
            ))
        );
        assert_eq!(page_size_bounds("<p>Maximum number of lists.</p>"), None);
    }
}
