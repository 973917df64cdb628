//! Text: paragraphs, sentences, words, quote marks and headlines.

use crate::rng::Rng;

/// Documents are paragraphs of text; a body joins them with blank lines.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Doc {
    pub(crate) source: String,
    pub(crate) title: String,
    pub(crate) date: Option<String>,
    pub(crate) paras: Vec<String>,
}

impl Doc {
    pub(crate) fn body(&self) -> String {
        self.paras.join("\n\n")
    }

    pub(crate) fn words(&self) -> usize {
        self.paras.iter().map(|p| words(p)).sum()
    }
}

pub(crate) fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Paragraphs of a body: runs of non-blank lines.
pub(crate) fn paragraphs(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in body.lines() {
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            if !cur.is_empty() {
                cur.push('\n');
            }
            cur.push_str(line.trim());
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

const OPENERS: &[char] = &['"', '\'', '\u{201C}', '\u{2018}', '(', '['];
const CLOSERS: &[char] = &['"', '\'', '\u{201D}', '\u{2019}', ')', ']'];

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "prof", "jr", "sr", "inc", "corp",
    "co", "ltd", "no", "vs", "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "u.s", "u.k",
    "u.n", "d.c", "a.m", "p.m", "e.g", "i.e", "calif", "mass", "fla", "ariz", "ore", "wash",
];

fn is_abbreviation(core: &str) -> bool {
    let w = core.trim_end_matches('.').trim_start_matches(OPENERS);
    let mut chars = w.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_uppercase();
    }
    ABBREVIATIONS.contains(&w.to_lowercase().as_str())
}

/// Whether token `tok` ends a sentence, given the token after it.
pub(crate) fn ends_sentence(tok: &str, next: Option<&str>) -> bool {
    let core = tok.trim_end_matches(CLOSERS);
    if !core.ends_with(['.', '!', '?']) {
        return false;
    }
    let Some(next) = next else { return true };
    match next.trim_start_matches(OPENERS).chars().next() {
        Some(c) if c.is_uppercase() || c.is_ascii_digit() => !is_abbreviation(core),
        _ => false,
    }
}

/// Sentences of a paragraph, whitespace collapsed to single spaces.
pub(crate) fn sentences(par: &str) -> Vec<String> {
    let toks: Vec<&str> = par.split_whitespace().collect();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, tok) in toks.iter().enumerate() {
        if ends_sentence(tok, toks.get(i + 1).copied()) {
            out.push(toks[start..=i].join(" "));
            start = i + 1;
        }
    }
    if start < toks.len() {
        out.push(toks[start..].join(" "));
    }
    out
}

fn is_double_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{201E}')
}

/// An opening quote may follow these (or the start of the text).
pub(crate) fn opens_after(prev: Option<char>) -> bool {
    prev.is_none_or(|p| p.is_whitespace() || "([{\u{2014}\u{2013}-/".contains(p))
}

/// Whether a sentence quotes someone: double quotes, or a single quote opening a word.
pub(crate) fn has_quote(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| {
        is_double_quote(c)
            || (matches!(c, '\'' | '\u{2018}')
                && opens_after(i.checked_sub(1).map(|j| chars[j]))
                && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric()))
    })
}

/// Remove unpaired quote marks that a Markov chain leaves behind.
pub(crate) fn balance_quotes(s: String) -> String {
    let straight = s.matches('"').count();
    let (open, close) = (s.matches('\u{201C}').count(), s.matches('\u{201D}').count());
    let s = if straight % 2 == 1 || open != close { s.chars().filter(|&c| !is_double_quote(c)).collect() } else { s };
    let chars: Vec<char> = s.chars().collect();
    let opening = |i: usize| {
        matches!(chars[i], '\'' | '\u{2018}')
            && opens_after(i.checked_sub(1).map(|j| chars[j]))
            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric())
    };
    let closing = |i: usize| {
        matches!(chars[i], '\'' | '\u{2019}')
            && i > 0
            && !chars[i - 1].is_whitespace()
            && chars.get(i + 1).is_none_or(|n| n.is_whitespace() || ".,;:!?)".contains(*n))
    };
    let opens = (0..chars.len()).filter(|&i| opening(i)).count();
    let closes = (0..chars.len()).filter(|&i| closing(i)).count();
    if opens > closes {
        (0..chars.len()).filter(|&i| !opening(i)).map(|i| chars[i]).collect()
    } else {
        s
    }
}

pub(crate) const SMALL_WORDS: &[&str] =
    &["a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"];

pub(crate) fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Headline case: every word capitalized except small words after the first.
pub(crate) fn headline_case(s: &str) -> String {
    let mut out = Vec::new();
    for (i, w) in s.split_whitespace().enumerate() {
        if i > 0 && SMALL_WORDS.contains(&w.to_lowercase().as_str()) {
            out.push(w.to_lowercase());
        } else {
            out.push(capitalize(w));
        }
    }
    out.join(" ")
}

/// A headline from running text: its first `n` words without quotes, with
/// no dangling small word or punctuation at the end.
pub(crate) fn headline_from(text: &str, n: usize) -> String {
    let mut toks: Vec<String> = text
        .split_whitespace()
        .map(|t| t.chars().filter(|&c| !is_double_quote(c) && !matches!(c, '\u{2018}' | '(' | ')')).collect::<String>())
        .map(|t| t.trim_matches(|c: char| c == '\'' || c == '\u{2019}').to_owned())
        .filter(|t| t.chars().any(char::is_alphanumeric))
        .take(n)
        .collect();
    while toks.len() > 2 && SMALL_WORDS.contains(&toks[toks.len() - 1].to_lowercase().trim_end_matches(',')) {
        toks.pop();
    }
    let joined = toks.join(" ");
    headline_case(joined.trim_end_matches(|c: char| !c.is_alphanumeric()))
}

/// Split `sents` into `p` non-empty runs of consecutive sentences.
pub(crate) fn group(sents: Vec<String>, p: usize, rng: &mut Rng) -> Vec<String> {
    let n = sents.len();
    let p = p.clamp(1, n.max(1));
    let cuts: Vec<usize> = rng.sample_sorted(n.saturating_sub(1), p - 1).into_iter().map(|c| c + 1).collect();
    let mut out = Vec::with_capacity(p);
    let mut cur: Vec<String> = Vec::new();
    for (i, s) in sents.into_iter().enumerate() {
        if cuts.binary_search(&i).is_ok() {
            out.push(cur.join(" "));
            cur.clear();
        }
        cur.push(s);
    }
    if !cur.is_empty() {
        out.push(cur.join(" "));
    }
    out
}

/// Split a token into (leading punctuation, word, trailing punctuation).
pub(crate) fn split_token(tok: &str) -> (&str, &str, &str) {
    let start = tok.find(char::is_alphanumeric).unwrap_or(tok.len());
    let end = tok.rfind(char::is_alphanumeric).map_or(start, |i| i + tok[i..].chars().next().map_or(1, char::len_utf8));
    (&tok[..start], &tok[start..end], &tok[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_respect_abbreviations_and_quotes() {
        assert_eq!(
            sentences("Mr. Smith met U.S. officials at 8 a.m. on Monday. \"Go now,\" he said. \"Now!\" Then he left."),
            ["Mr. Smith met U.S. officials at 8 a.m. on Monday.", "\"Go now,\" he said.", "\"Now!\"", "Then he left."]
        );
        assert!(has_quote("'We call on China,' said the ministry."));
        assert!(has_quote("He said \u{201C}no\u{201D} twice."));
        assert!(!has_quote("China's ministry and the members' union met."));
        assert_eq!(balance_quotes("He said \"no to it.".into()), "He said no to it.");
        assert_eq!(balance_quotes("It was 'fine,' he said.".into()), "It was 'fine,' he said.");
        assert_eq!(balance_quotes("It was 'fine and good.".into()), "It was fine and good.");
    }
}
