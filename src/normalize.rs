//! Normalization: the text every similarity measure sees.
//!
//! Words come from Unicode word segmentation (UAX #29 via
//! `unicode-segmentation`), so punctuation-only segments are dropped. Each
//! word is case-folded, typographic quotes are folded to ASCII and then,
//! like the other in-word marks UAX #29 keeps (`'`, `.`, `:`), removed, so
//! `China’s`, `China's` and `Chinas` are one word, as are `U.S.` and `US`.
//! Dashes separate words. Words are joined by single spaces.

use unicode_segmentation::UnicodeSegmentation;

/// Characters that UAX #29 may keep inside a word but that carry no
/// meaning for matching copies: apostrophes and typographic quotes, full
/// stops, colons and middle dots.
fn is_dropped_in_word(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2018}'
            | '\u{2019}'
            | '\u{201B}'
            | '\u{2032}'
            | '\u{FF07}'
            | '.'
            | ':'
            | '\u{00B7}'
            | '\u{2027}'
            | '\u{FE52}'
            | '\u{FE55}'
            | '\u{FF0E}'
            | '\u{FF1A}'
    )
}

/// Characters folded to a space before segmentation: dashes and hyphens of
/// every kind, so `North Korea–China` and `North Korea-China` agree.
fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}')
}

/// Append the normalized form of `text` to `out` (which is not cleared), and
/// return the number of words appended. Allocation-free once `out` has grown.
pub fn normalize_into(text: &str, out: &mut String) -> usize {
    let mut words = 0;
    for segment in text.split(is_dash) {
        for word in segment.unicode_words() {
            let before = out.len();
            if words > 0 || !out.is_empty() {
                out.push(' ');
            }
            let start = out.len();
            for c in word.chars().filter(|&c| !is_dropped_in_word(c)) {
                if c.is_ascii() {
                    out.push(c.to_ascii_lowercase());
                } else {
                    out.extend(c.to_lowercase());
                }
            }
            if out.len() == start {
                out.truncate(before);
            } else {
                words += 1;
            }
        }
    }
    words
}

/// `body` without a trailing wire-agency slug such as `bur-frj/jza/giv` or
/// `sst/jj`: slash-separated groups of 2 to 5 lowercase ASCII letters (a
/// group may join several with `-`), at least three groups or a `-`, as the last
/// whitespace-separated token. Outlets append these to AFP copy; they say
/// nothing about the story.
pub fn strip_agency_slug(body: &str) -> &str {
    let trimmed = body.trim_end();
    let start =
        trimmed.rfind(char::is_whitespace).map_or(0, |i| i + trimmed[i..].chars().next().map_or(1, char::len_utf8));
    let token = &trimmed[start..];
    let groups: Vec<&str> = token.split('/').collect();
    let is_slug = (groups.len() >= 3 || token.contains('-'))
        && groups.iter().all(|g| {
            g.split('-').all(|part| (2..=5).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_lowercase()))
        });
    if is_slug {
        trimmed[..start].trim_end()
    } else {
        body
    }
}

/// The normalized form of `text`.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_quotes_dashes_and_punctuation() {
        assert_eq!(
            normalize("PRAGUE: China’s ‘malicious’ cyber—campaign, U.S. \"said\" – 10.9 million!"),
            "prague chinas malicious cyber campaign us said 109 million"
        );
        assert_eq!(normalize("China's 'malicious' cyber-campaign"), normalize("China’s “malicious” cyber–campaign"));
    }

    #[test]
    fn non_latin_scripts_and_accents_survive() {
        assert_eq!(normalize("Lipavský ŘEKL: Ζεύς"), "lipavský řekl ζεύς");
    }

    #[test]
    fn agency_slugs_are_stripped() {
        assert_eq!(strip_agency_slug("the current conflict\". bur-frj/jza/giv"), "the current conflict\".");
        assert_eq!(strip_agency_slug("Text.\nbur-sst/jj  \n"), "Text.");
        assert_eq!(strip_agency_slug("Text. ach/ea/dw"), "Text.");
        for keep in ["and/or", "see http://x.com/a", "Text ends here.", "24/7", "AP/Reuters", "a/b"] {
            assert_eq!(strip_agency_slug(keep), keep);
        }
    }

    #[test]
    fn empty_and_punctuation_only() {
        assert_eq!(normalize(""), "");
        assert_eq!(normalize(" - ... ''' — "), "");
    }

    #[test]
    fn appends_and_counts() {
        let mut s = String::from("x");
        assert_eq!(normalize_into("A b", &mut s), 2);
        assert_eq!(s, "x a b");
    }
}
