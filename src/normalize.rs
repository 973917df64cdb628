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

/// Invisible format characters that carry no text: the soft hyphen,
/// zero-width space and non-joiner, direction marks and embeddings, word
/// joiners and invisible operators, and the byte order mark. Inside a word
/// word segmentation passes over them (UAX #29 rule WB4), so dropping them
/// never moves a word boundary, and copies that differ only in them are the
/// same words. (U+200D ZWJ stays: it joins emoji
/// sequences, and dropping it would change where words end.)
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}' | '\u{61C}' | '\u{180E}' | '\u{200B}' | '\u{200C}' | '\u{200E}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}'
    )
}

/// True when `c` after a space would belong to the space's segment
/// (UAX #29 WB4: extending and format characters, ZWJ). Such a character
/// cannot start a normalized word: after the joining space it would no
/// longer be one, and normalizing the output again would drop it.
fn joins_a_space(c: char) -> bool {
    if c.is_ascii() {
        return false;
    }
    let mut buf = [b' '; 5];
    let len = 1 + c.encode_utf8(&mut buf[1..]).len();
    std::str::from_utf8(&buf[..len]).is_ok_and(|s| s.split_word_bounds().nth(1).is_none())
}

/// Append the normalized form of `text` to `out` (which is not cleared), and
/// return the number of words appended. Allocation-free once `out` has grown.
///
/// Each word of the output has a letter or digit, no whitespace, control
/// or invisible format character, and does not start with a combining mark,
/// so the output normalizes to itself.
///
/// The text is cut after each ASCII space that an ASCII character follows:
/// UAX #29 breaks words on both sides of such a space whatever comes
/// before it, so the pieces normalize apart as they do together. ASCII
/// pieces take [`normalize_ascii_into`], a byte scanner equal to
/// [`normalize_unicode_into`] on ASCII; the others take
/// [`normalize_unicode_into`] (both checked in `tests/normalize_ascii_prop.rs`).
pub fn normalize_into(text: &str, out: &mut String) -> usize {
    let bytes = text.as_bytes();
    let mut words = 0;
    let mut start = 0;
    while start < bytes.len() {
        let Some(offset) = first_non_ascii(&bytes[start..]) else {
            words += normalize_ascii_into(&text[start..], out);
            break;
        };
        let first_non_ascii = start + offset;
        // The ASCII piece: up to the last space that an ASCII byte follows.
        let ascii_end = first_non_ascii.saturating_sub(1).max(start);
        if let Some(space) = memchr::memrchr(b' ', &bytes[start..ascii_end]) {
            let cut = start + space + 1;
            words += normalize_ascii_into(&text[start..cut], out);
            start = cut;
        }
        // The Unicode piece: up to the next space that an ASCII byte (or the end) follows.
        let end = memchr::memchr_iter(b' ', &bytes[first_non_ascii..])
            .map(|q| first_non_ascii + q)
            .find(|&q| bytes.get(q + 1).is_none_or(u8::is_ascii))
            .map_or(bytes.len(), |q| q + 1);
        words += normalize_unicode_into(&text[start..end], out);
        start = end;
    }
    words
}

/// UAX #29 word classes of the ASCII characters that can be in a word.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AsciiClass {
    /// ALetter: `A-Z`, `a-z`.
    Letter,
    /// Numeric: `0-9`.
    Digit,
    /// ExtendNumLet: `_`.
    Underscore,
    /// MidLetter: `:`.
    MidLetter,
    /// MidNumLet and Single_Quote: `.` and `'`.
    MidNumLet,
    /// MidNum: `,` and `;`.
    MidNum,
    /// Anything else (spaces, controls, `-`, other punctuation): a boundary.
    Other,
}

/// [`ascii_class`] of every byte, looked up instead of matched: the
/// scanner asks it of every byte of the text.
const ASCII_CLASS: [AsciiClass; 256] = {
    let mut table = [AsciiClass::Other; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = match b as u8 {
            b'a'..=b'z' | b'A'..=b'Z' => AsciiClass::Letter,
            b'0'..=b'9' => AsciiClass::Digit,
            b'_' => AsciiClass::Underscore,
            b':' => AsciiClass::MidLetter,
            b'.' | b'\'' => AsciiClass::MidNumLet,
            b',' | b';' => AsciiClass::MidNum,
            _ => AsciiClass::Other,
        };
        b += 1;
    }
    table
};

/// Letters, digits and `_`: the bytes that always continue a word.
const IS_WORD_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(ASCII_CLASS[b], AsciiClass::Letter | AsciiClass::Digit | AsciiClass::Underscore);
        b += 1;
    }
    table
};

#[inline(always)]
fn ascii_class(b: u8) -> AsciiClass {
    ASCII_CLASS[b as usize]
}

/// Where the first byte above 0x7f of `bytes` is: eight bytes at a time
/// (a line is searched before it is normalized, and most are ASCII).
fn first_non_ascii(bytes: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let high = word_at(bytes, i) & HIGH;
        if high != 0 {
            return Some(i + high.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    bytes[i..].iter().position(|b| !b.is_ascii()).map(|p| i + p)
}

/// Eight bytes of `bytes` from `i` as a little-endian word (byte `i` lowest).
#[inline(always)]
fn word_at(bytes: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(bytes[i..i + 8].try_into().expect("eight bytes"))
}

const LOW: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `w` that is in `lo..=hi`, for bytes below
/// 0x80 (`w & !HIGH`).
#[inline(always)]
fn in_range(w: u64, lo: u8, hi: u8) -> u64 {
    // A byte below 0x80 plus 0x80 - lo reaches 0x80 when it is at least
    // `lo`, plus 0x7f - hi when it is above `hi`; neither carries into the
    // next byte.
    let at_least_lo = w + LOW * u64::from(0x80 - lo);
    let above_hi = w + LOW * u64::from(0x7f - hi);
    at_least_lo & !above_hi & HIGH
}

/// The high bit of each byte of `w` that continues a word: a letter, a
/// digit or `_` (as [`IS_WORD_BYTE`]; a byte above 0x7f never does).
#[inline(always)]
fn word_bytes(w: u64) -> u64 {
    let seven = w & !HIGH;
    // `| 0x20` folds upper case onto lower case and leaves digits as they are.
    let found = in_range(seven | (LOW * 0x20), b'a', b'z') | in_range(seven, b'0', b'9') | in_range(seven, b'_', b'_');
    found & !w
}

/// The first byte at or after `i` that continues a word (`bytes.len()` if
/// none): eight bytes at a time, then one at a time.
#[inline(always)]
fn skip_other(bytes: &[u8], mut i: usize) -> usize {
    // Most gaps are one space: the byte after it is looked at first.
    if i + 1 < bytes.len() && IS_WORD_BYTE[bytes[i + 1] as usize] {
        return if IS_WORD_BYTE[bytes[i] as usize] { i } else { i + 1 };
    }
    while i + 8 <= bytes.len() {
        let found = word_bytes(word_at(bytes, i));
        if found != 0 {
            return i + found.trailing_zeros() as usize / 8;
        }
        i += 8;
    }
    while i < bytes.len() && !IS_WORD_BYTE[bytes[i] as usize] {
        i += 1;
    }
    i
}

/// Append the run of word bytes at `i`, lowercased, to `out`; returns the
/// end of the run. Eight bytes at a time: each word's bytes are classified
/// and lowercased together, and only its end is a branch.
#[inline(always)]
fn copy_word_run(bytes: &[u8], mut i: usize, out: &mut String) -> usize {
    while i + 8 <= bytes.len() {
        let w = word_at(bytes, i);
        let others = !word_bytes(w) & HIGH;
        // Lowercased, and every byte below 0x80: the bytes past the run are
        // taken back, and need only be text.
        let seven = w & !HIGH;
        let lower = (seven | (in_range(seven, b'A', b'Z') >> 2)).to_le_bytes();
        let k = if others == 0 { 8 } else { others.trailing_zeros() as usize / 8 };
        out.push_str(std::str::from_utf8(&lower).expect("ASCII"));
        out.truncate(out.len() - 8 + k);
        i += k;
        if k < 8 {
            return i;
        }
    }
    while i < bytes.len() && IS_WORD_BYTE[bytes[i] as usize] {
        out.push(char::from(bytes[i].to_ascii_lowercase()));
        i += 1;
    }
    i
}

/// [`normalize_into`] for ASCII `text`, without Unicode segmentation: the
/// UAX #29 word rules restricted to ASCII. Letters, digits and `_` join
/// (WB5, WB8-10, WB13a/b); `:` joins two letters (WB6/7), `,` and `;` two
/// digits (WB11/12), `.` and `'` either (both); anything else, the dash
/// included, ends a word. Words keep what [`normalize_unicode_into`] keeps:
/// `.`, `:` and `'` are dropped, letters lowercased, and a word without a
/// letter or digit (`_`) is left out.
///
/// One pass, eight bytes at a time: the gaps are skipped and each run of
/// word bytes is lowercased onto `out` a `u64` at a time (`skip_other`,
/// `copy_word_run`; one byte at a time was 30% slower), and a mark that
/// joins is kept (`,`, `;`) or dropped as it is met.
///
/// # Panics
///
/// In debug builds, if `text` is not ASCII.
pub fn normalize_ascii_into(text: &str, out: &mut String) -> usize {
    debug_assert!(text.is_ascii());
    use AsciiClass::*;
    let bytes = text.as_bytes();
    let n = bytes.len();
    // The output is never longer than the text and a separating space.
    out.reserve(n + 1);
    let mut words = 0;
    let mut i = 0;
    loop {
        i = skip_other(bytes, i);
        if i == n {
            break;
        }
        // A word starts at `i`: each byte is lowercased onto `out` as it is
        // scanned, a mark that joins (and is kept) with it, in one pass.
        let mark = out.len();
        if words > 0 || !out.is_empty() {
            out.push(' ');
        }
        let first = bytes[i];
        loop {
            i = copy_word_run(bytes, i, out);
            if i + 1 >= n {
                break;
            }
            let next = ascii_class(bytes[i]);
            if !matches!(next, MidLetter | MidNumLet | MidNum) {
                break;
            }
            let (last, after) = (ascii_class(bytes[i - 1]), ascii_class(bytes[i + 1]));
            let joins = (last == Letter && after == Letter && matches!(next, MidLetter | MidNumLet))
                || (last == Digit && after == Digit && matches!(next, MidNum | MidNumLet));
            if !joins {
                break;
            }
            if next == MidNum {
                out.push(char::from(bytes[i]));
            }
            i += 1;
        }
        // A word of `_` only has no letter or digit (one that joined across
        // a mark has them on both sides of it).
        if first == b'_' && !out.as_bytes()[mark..].iter().any(u8::is_ascii_alphanumeric) {
            out.truncate(mark);
            continue;
        }
        words += 1;
        i = copy_plain_words(bytes, i, out, &mut words);
    }
    words
}

/// After a word kept on `out`, with `i` just past it: the plain words that
/// follow (letters and digits, one space before each), copied lowercased
/// sixteen bytes at a time, each time up to the last space before anything
/// else; returns where the copy ended (a space, or `i`), and counts the
/// words copied onto `words`.
///
/// Each space of such a stretch is the separator the word loop would write
/// before the word that follows it, and each word is whole: a space joins
/// nothing, and the stretch ends at a space. Most of a news text is such
/// stretches, of two or three words each sixteen bytes, and each costs the
/// word loop one branch instead of a pass for every word (the `normalize`
/// benchmark: 34.1 ms -> 31.4 ms).
#[inline(always)]
fn copy_plain_words(bytes: &[u8], mut i: usize, out: &mut String, words: &mut usize) -> usize {
    // Sixteen bytes as one `u128`, with [`in_range`] and its constants for
    // it: as two `u64` halves through the helpers above, the benchmark took
    // 39.9 ms.
    const LOW: u128 = u128::MAX / 0xff;
    const HIGH: u128 = LOW << 7;
    #[inline(always)]
    fn in_range(w: u128, lo: u8, hi: u8) -> u128 {
        let at_least_lo = w + LOW * u128::from(0x80 - lo);
        let above_hi = w + LOW * u128::from(0x7f - hi);
        at_least_lo & !above_hi & HIGH
    }
    while i + 16 <= bytes.len() {
        let w = u128::from_le_bytes(bytes[i..i + 16].try_into().expect("sixteen bytes"));
        let seven = w & !HIGH;
        let spaces = in_range(seven, b' ', b' ') & !w;
        // The stretch runs from the space at `i`.
        if spaces & 0x80 == 0 {
            break;
        }
        let alnum = (in_range(seven | (LOW * 0x20), b'a', b'z') | in_range(seven, b'0', b'9')) & !w;
        // The first byte that is neither a letter, a digit nor a space, or
        // the second of two spaces: the stretch ends at the last space
        // before it.
        let stop = (HIGH & !(spaces | alnum)) | (spaces & (spaces << 8));
        let below = if stop == 0 { u128::MAX } else { (1u128 << stop.trailing_zeros()) - 1 };
        let last = (127 - (spaces & below).leading_zeros()) as usize / 8;
        if last == 0 {
            break;
        }
        // Sixteen bytes, all below 0x80, then the ones past the stretch
        // taken back (as in `copy_word_run`: a push of a fixed length is a
        // store).
        let lower = (seven | (in_range(seven, b'A', b'Z') >> 2)).to_le_bytes();
        out.push_str(std::str::from_utf8(&lower).expect("ASCII"));
        out.truncate(out.len() - 16 + last);
        *words += (spaces & ((1u128 << (8 * last)) - 1)).count_ones() as usize;
        i += last;
    }
    i
}

/// [`normalize_into`] for any text, by Unicode word segmentation: the
/// reference [`normalize_ascii_into`] is tested against.
pub fn normalize_unicode_into(text: &str, out: &mut String) -> usize {
    let mut words = 0;
    let mut word = Word { before: out.len(), start: out.len(), alphanumeric: false };
    for segment in text.split(is_dash) {
        for segment_word in segment.unicode_words() {
            word.begin(out, words);
            for c in segment_word.chars() {
                if is_dropped_in_word(c) || is_invisible(c) {
                    continue;
                }
                if c.is_whitespace() || c.is_control() {
                    // A segment may hold a space (U+202F joins words like
                    // `_`), or start with a space, tab or control character
                    // that a following combining letter (U+0903) joined to it:
                    // the space ends a word, as it will when read again.
                    words += word.end(out);
                    word.begin(out, words);
                    continue;
                }
                if out.len() == word.start && joins_a_space(c) {
                    continue;
                }
                word.alphanumeric |= c.is_alphanumeric();
                if c.is_ascii() {
                    out.push(c.to_ascii_lowercase());
                } else {
                    out.extend(c.to_lowercase());
                }
            }
            words += word.end(out);
        }
    }
    words
}

/// The word [`normalize_into`] is writing: where it (with its separating
/// space) and its text start in the output, and whether it has a letter or
/// digit yet.
struct Word {
    before: usize,
    start: usize,
    alphanumeric: bool,
}

impl Word {
    fn begin(&mut self, out: &mut String, words: usize) {
        self.before = out.len();
        if words > 0 || !out.is_empty() {
            out.push(' ');
        }
        self.start = out.len();
        self.alphanumeric = false;
    }

    /// Keep the word if it has a letter or digit (1), else take it back (0).
    fn end(&mut self, out: &mut String) -> usize {
        if self.alphanumeric {
            1
        } else {
            out.truncate(self.before);
            0
        }
    }
}

/// `body` without a trailing wire-agency slug such as `bur-frj/jza/giv` or
/// `sst/jj`: slash-separated groups of 2 to 5 lowercase ASCII letters (a
/// group may join several with `-`), at least three groups or a `-`, as the last
/// whitespace-separated token. Outlets append these to AFP copy; they say
/// nothing about the story.
pub fn strip_agency_slug(body: &str) -> &str {
    let trimmed = body.trim_end();
    // The last token, as a suffix: no byte arithmetic on a whitespace
    // character that may be two or three bytes long (NBSP, U+3000).
    let token = trimmed.rsplit(char::is_whitespace).next().unwrap_or(trimmed);
    let start = trimmed.len() - token.len();
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
    fn combining_letter_after_a_space_or_break_is_not_a_word_of_its_own() {
        // U+0903 and U+11937 are letters that combine: after a space, a
        // NBSP, a tab, a line break or a dash, word segmentation made a
        // "word" that started with that space (`" \u{903}"`: a leading and a
        // double space in the output) or that normalizing the output again
        // dropped (`normalize(normalize(x)) != normalize(x)`).
        for text in [
            "a \u{903}",
            "a\u{A0}\u{903}",
            "a\t\u{903}",
            "a\n\u{903}",
            "a-\u{903}",
            "\u{1083F}-\u{11937}",
            "a\u{2028}\u{903}b",
        ] {
            let once = normalize(text);
            assert!(
                !once.starts_with(' ') && !once.contains("  ") && !once.contains(['\u{A0}', '\t']),
                "{text:?} -> {once:?}"
            );
            assert_eq!(normalize(&once), once, "{text:?}");
        }
        assert_eq!(normalize("a \u{903}"), "a");
        assert_eq!(normalize("\u{1083F}-\u{11937}"), "\u{1083F}");
        // A combining letter inside a word stays.
        assert_eq!(normalize("क\u{903}x"), "क\u{903}x");
        // U+202F NARROW NO-BREAK SPACE holds a UAX #29 word together, as `_`
        // does: it was dropped, leaving `カタカナi̇stanbul`, which reads again as
        // two words.
        let once = normalize("カタカナ\u{202F}İstanbul");
        assert_eq!(once, "カタカナ i\u{307}stanbul");
        assert_eq!(normalize(&once), once);
    }

    #[test]
    fn ascii_runs_of_every_length_cut_where_unicode_segmentation_does() {
        // `normalize_into` finds the first non-ASCII byte and the spaces
        // around it eight bytes at a time: every prefix of a 38-byte ASCII
        // run (words of 2 to 7 bytes, marks, `_`), then no, one or two
        // spaces, then a mark that joins a space (U+0903), one that does
        // not, an accented letter, a NBSP or a curly apostrophe.
        let run = "Ab c'd 9,5 efghijk LMNOP_q rs.t uvwxyz";
        for n in 0..run.len() {
            for space in ["", " ", "  "] {
                for other in ["\u{903}", "\u{301}", "é", "\u{A0}", "’s"] {
                    let text = format!("{}{space}{other}x {}", &run[..n], &run[..run.len() - n]);
                    let (mut fast, mut slow) = (String::new(), String::new());
                    assert_eq!(normalize_into(&text, &mut fast), normalize_unicode_into(&text, &mut slow), "{text:?}");
                    assert_eq!(fast, slow, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn invisible_format_characters_do_not_split_or_change_words() {
        assert_eq!(normalize("co\u{AD}operation \u{200E}Praha\u{FEFF} \u{202E}abc\u{202C}"), "cooperation praha abc");
        // ZWJ stays: it holds emoji sequences together.
        assert_eq!(normalize("a\u{200D}b"), "a\u{200D}b");
    }

    #[test]
    fn slug_after_a_multibyte_space_does_not_panic() {
        // helsinki-2018 panicked: the token was sliced one byte after the
        // last whitespace, inside a two-byte NBSP.
        for space in ["\u{A0}", "\u{2002}", "\u{3000}", "\u{2028}", "\u{1680}", "\u{202F}"] {
            assert_eq!(strip_agency_slug(&format!("Text.{space}bur-frj/jza/giv")), "Text.", "{space:?}");
            let kept = format!("Text.{space}Prague");
            assert_eq!(strip_agency_slug(&kept), kept);
            assert_eq!(strip_agency_slug(&format!("{space}sst/jj/ae{space}")), "");
            assert_eq!(strip_agency_slug(space), space);
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
