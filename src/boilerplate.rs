//! Outlet boilerplate: body lines that recur across many records of one
//! outlet (site chrome, newsletter prompts, repeated photo captions).
//!
//! Such lines are removed before shingling so that they neither make two
//! different articles of one outlet look alike nor dilute a real copy. Only
//! short lines (at most [`MAX_WORDS`] words) count, records without an
//! outlet are left out, and a body of more than [`MAX_WORDS`] words that would
//! lose more than half of them is kept whole: an outlet that runs the same
//! story three times does not lose the story itself. A trailing wire-agency slug is
//! dropped too ([`strip_agency_slug`]).

use std::collections::{HashMap, HashSet};

use xxhash_rust::xxh3::xxh3_64;

use crate::normalize::{normalize_into, strip_agency_slug};
use crate::record::Article;

/// Longest line, in normalized words, that can count as boilerplate.
pub const MAX_WORDS: usize = 60;

/// The boilerplate lines found in a collection: (outlet, line) hashes.
#[derive(Debug, Default, Clone)]
pub struct Boilerplate {
    lines: HashSet<(u64, u64)>,
}

/// Normalize `body` (agency slug stripped) into `out` (cleared first) line
/// by line, the same text [`normalize_into`] gives for the whole body, and
/// push the hash of every distinct line of at most [`MAX_WORDS`] words to
/// `short_lines` (cleared first, left sorted). Returns the word count.
pub fn normalize_lines(body: &str, out: &mut String, scratch: &mut String, short_lines: &mut Vec<u64>) -> usize {
    out.clear();
    short_lines.clear();
    let mut words = 0;
    for line in strip_agency_slug(body).lines() {
        scratch.clear();
        let n = normalize_into(line, scratch);
        if n == 0 {
            continue;
        }
        if n <= MAX_WORDS {
            short_lines.push(xxh3_64(scratch.as_bytes()));
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(scratch);
        words += n;
    }
    short_lines.sort_unstable();
    short_lines.dedup();
    words
}

/// The outlet key of a record's `source`: trimmed, case-folded, hashed.
pub fn source_key(source: &str) -> u64 {
    xxh3_64(source.trim().to_lowercase().as_bytes())
}

impl Boilerplate {
    /// Find lines of at most [`MAX_WORDS`] words that occur in at least
    /// `min_records` records of the same outlet. `min_records` 0 finds none.
    pub fn detect(articles: &[Article], min_records: usize) -> Boilerplate {
        use rayon::prelude::*;
        let per_record: Vec<(u64, Vec<u64>)> = articles
            .par_iter()
            .map_init(
                || (String::new(), String::new()),
                |(out, scratch), a| {
                    let mut short = Vec::new();
                    normalize_lines(&a.body, out, scratch, &mut short);
                    (source_key(&a.source), short)
                },
            )
            .collect();
        Boilerplate::from_lines(per_record.iter().map(|(src, lines)| (*src, &lines[..])), min_records)
    }

    /// Count each record's distinct short lines, `(outlet key, line hashes)`
    /// a record, and keep those in at least `min_records` records of an outlet.
    pub fn from_lines<'a>(records: impl Iterator<Item = (u64, &'a [u64])>, min_records: usize) -> Boilerplate {
        if min_records == 0 {
            return Boilerplate::default();
        }
        let mut counts: HashMap<(u64, u64), usize> = HashMap::new();
        // Records without an outlet are no outlet's chrome.
        let unknown = source_key("");
        for (src, hashes) in records.filter(|&(src, _)| src != unknown) {
            for &h in hashes {
                *counts.entry((src, h)).or_default() += 1;
            }
        }
        let lines = counts.into_iter().filter(|&(_, n)| n >= min_records.max(2)).map(|(k, _)| k).collect();
        Boilerplate { lines }
    }

    /// True when any of `short_lines` (hashes of one record of `source_key`)
    /// is boilerplate.
    pub fn touches(&self, source_key: u64, short_lines: &[u64]) -> bool {
        !self.lines.is_empty() && short_lines.iter().any(|&h| self.lines.contains(&(source_key, h)))
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Append the normalized body of `article` without its boilerplate lines
    /// to `out` (cleared first). When every line is boilerplate the whole
    /// body is kept, and a body of at most [`MAX_WORDS`] words that is all
    /// boilerplate is a stub (a paywall or consent notice, a "read more"
    /// teaser): it says nothing about the story.
    pub fn normalized_body(&self, article: &Article, out: &mut String, scratch: &mut String) -> Body {
        out.clear();
        let body = strip_agency_slug(&article.body);
        if self.lines.is_empty() {
            return Body { words: normalize_into(body, out), stub: false };
        }
        let src = source_key(&article.source);
        let (mut words, mut total) = (0, 0);
        for line in body.lines() {
            scratch.clear();
            let n = normalize_into(line, scratch);
            total += n;
            if n == 0 || self.lines.contains(&(src, xxh3_64(scratch.as_bytes()))) {
                continue;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(scratch);
            words += n;
        }
        // Boilerplate is a small part of an article. When recurring lines are
        // most of a long body, they are the story itself, carried again by the
        // same outlet: keep the whole body. A body that is all boilerplate is
        // kept whole too, and when short it is a stub.
        if words == 0 || (2 * words < total && total > MAX_WORDS) {
            out.clear();
            let all = words == 0;
            let words = normalize_into(body, out);
            return Body { words, stub: all && words > 0 && words <= MAX_WORDS };
        }
        Body { words, stub: false }
    }
}

/// What [`Boilerplate::normalized_body`] kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Body {
    /// Normalized words kept.
    pub words: usize,
    /// The body is nothing but a short boilerplate notice.
    pub stub: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Origin;

    fn art(source: &str, body: &str) -> Article {
        let mut a = Article::at(Origin { file: "t".into(), line: 1 });
        a.source = source.into();
        a.body = body.into();
        a
    }

    #[test]
    fn recurring_short_lines_of_one_outlet_are_removed() {
        let arts = vec![
            art("site", "Story one text.\nSign up for our newsletter!"),
            art("site", "Story two text.\nSign up for our newsletter."),
            art("site", "Story three.\nSIGN UP for our newsletter"),
            art("other", "Story four.\nSign up for our newsletter"),
        ];
        let b = Boilerplate::detect(&arts, 3);
        assert_eq!(b.len(), 1);
        let (mut out, mut scratch) = (String::new(), String::new());
        assert_eq!(b.normalized_body(&arts[0], &mut out, &mut scratch), Body { words: 3, stub: false });
        assert_eq!(out, "story one text");
        // The other outlet has the line only once: it stays.
        b.normalized_body(&arts[3], &mut out, &mut scratch);
        assert_eq!(out, "story four sign up for our newsletter");
    }

    #[test]
    fn an_outlet_running_one_story_three_times_keeps_the_story() {
        let story = "The Vltava burst its banks on Tuesday after three days of heavy rain in southern Bohemia.\n\
                     Two thousand residents were evacuated from low-lying districts of Ceske Budejovice overnight.\n\
                     The army sent two helicopters with drinking water and food to villages cut off by the flood.\n\
                     Forecasters warned that further storms could push the river higher before the weekend.";
        let arts: Vec<Article> = (0..3).map(|i| art("X", &format!("{story}\nUpdated at {i} pm."))).collect();
        let b = Boilerplate::detect(&arts, 3);
        assert_eq!(b.len(), 4, "the four story lines recur");
        let (mut out, mut scratch) = (String::new(), String::new());
        let body = b.normalized_body(&arts[0], &mut out, &mut scratch);
        assert_eq!(body, Body { words: 63, stub: false });
        assert!(out.starts_with("the vltava burst"), "{out}");
        // Without an outlet nothing is anyone's boilerplate.
        let nameless: Vec<Article> = (0..3).map(|i| art("", &format!("{story}\nUpdated at {i} pm."))).collect();
        assert!(Boilerplate::detect(&nameless, 3).is_empty());
    }

    #[test]
    fn below_threshold_or_all_boilerplate_keeps_text() {
        let arts = vec![art("s", "Same line"), art("s", "Same line")];
        assert!(Boilerplate::detect(&arts, 3).is_empty());
        let b = Boilerplate::detect(&arts, 2);
        let (mut out, mut scratch) = (String::new(), String::new());
        assert_eq!(b.normalized_body(&arts[0], &mut out, &mut scratch), Body { words: 2, stub: true });
        assert_eq!(out, "same line");
        assert!(Boilerplate::detect(&arts, 0).is_empty());
    }
}
