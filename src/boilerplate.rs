//! Outlet boilerplate and page chrome: the body lines left out of the text
//! that is compared.
//!
//! Two rules, both on lines of the body (a line is a paragraph in JSONL
//! bodies and listing entries):
//!
//! 1. **Short lines** (fewer than `--min-line-words` normalized words:
//!    headings, bylines, datelines, "Related content", navigation, photo
//!    credits) are page chrome, not article text, and are left out, unless
//!    nothing else remains. Scraped pages carry dozens of them, and they
//!    dilute the Jaccard and containment figures of real copies.
//! 2. **Outlet boilerplate**: lines of at most [`LINE_MAX_WORDS`] words that
//!    recur in at least `--boilerplate-min` records of one outlet (newsletter
//!    prompts, repeated captions, copyright notices). Only short lines count,
//!    records without an outlet are left out, and a body of more than
//!    [`MAX_WORDS`] words that would lose more than half of them to
//!    boilerplate is kept whole: an outlet that runs the same story three
//!    times does not lose the story itself. Longer recurring lines are the
//!    outlet's story text (write-throughs of one wire story), not chrome.
//!
//! A trailing wire-agency slug is dropped too ([`strip_agency_slug`]).

use std::collections::{HashMap, HashSet};

use xxhash_rust::xxh3::xxh3_64;

use crate::normalize::{normalize_into, strip_agency_slug};
use crate::record::Article;

/// The hasher of the (outlet, line) tables: foldhash, seeded at random per
/// process as std's SipHash is (no input can choose its collisions), and
/// cheaper on two `u64`s. Counting the short lines (one thread): 100k
/// records 22-24 ms with SipHash, 15 ms with it; a million records
/// 0.63-0.74 s against 0.52-0.64 s, where the table's memory, not the
/// hashing, is most of the time.
type Hasher = foldhash::fast::RandomState;

/// Longest line, in normalized words, that can count as outlet boilerplate.
pub const LINE_MAX_WORDS: usize = 20;

/// Longest body, in normalized words, that can be a stub (a body of outlet
/// boilerplate only), and the size above which a body that would lose most
/// of its words to boilerplate is kept whole.
pub const MAX_WORDS: usize = 60;

/// The boilerplate lines found in a collection: (outlet, line) hashes.
#[derive(Debug, Default, Clone)]
pub struct Boilerplate {
    lines: HashSet<(u64, u64), Hasher>,
}

/// Normalize `body` (agency slug stripped) into `out` (cleared first) line
/// by line, leaving out lines of fewer than `min_line` words unless no
/// other line has words, and push the hash of every distinct line of at most
/// [`LINE_MAX_WORDS`] words to `short_lines` (cleared first, left sorted).
/// Returns the word count of `out`.
pub fn normalize_lines(
    body: &str,
    min_line: usize,
    out: &mut String,
    scratch: &mut String,
    short_lines: &mut Vec<u64>,
) -> usize {
    normalize_lines_marked(body, min_line, out, scratch, short_lines, &mut Vec::new()).0
}

/// [`normalize_lines`], and which of the `short_lines` the text `out` holds
/// ([`TextLines`]). `kept` is a reusable buffer.
pub fn normalize_lines_marked(
    body: &str,
    min_line: usize,
    out: &mut String,
    scratch: &mut String,
    short_lines: &mut Vec<u64>,
    kept: &mut Vec<u64>,
) -> (usize, TextLines) {
    out.clear();
    short_lines.clear();
    kept.clear();
    let mut words = 0;
    let mut dropped = false;
    // Each line is normalized straight onto the end of `out` (after a
    // separating space), hashed there, and taken back if it is left out: a
    // line normalizes the same wherever it is appended, and no copy is made.
    for line in strip_agency_slug(body).lines() {
        let mark = out.len();
        let n = normalize_into(line, out);
        if n == 0 {
            out.truncate(mark);
            continue;
        }
        if n <= LINE_MAX_WORDS {
            let text = if mark == 0 { &out[..] } else { &out[mark + 1..] };
            let h = xxh3_64(text.as_bytes());
            short_lines.push(h);
            if n >= min_line {
                kept.push(h);
            }
        }
        if n < min_line {
            dropped = true;
            out.truncate(mark);
            continue;
        }
        words += n;
    }
    short_lines.sort_unstable();
    short_lines.dedup();
    if words == 0 && dropped {
        // Only short lines: they are the text.
        for line in strip_agency_slug(body).lines() {
            scratch.clear();
            words += normalize_into(line, scratch);
            push_line(out, scratch);
        }
        return (words, TextLines::UNKNOWN);
    }
    // Here the text is the lines of at least `min_line` words (or the body
    // has no words).
    (words, TextLines::of(short_lines, kept))
}

/// What a record's first pass text ([`normalize_lines`], under no
/// boilerplate) holds of its short lines (those of at most
/// [`LINE_MAX_WORDS`] words): enough to tell a boilerplate that cannot
/// change the record's text ([`Boilerplate::changes_text`]).
///
/// When some line of a record has at least `min_line` words, its first pass
/// text is those lines. Take a boilerplate that holds none of the short
/// lines among them: one of those lines stays and is not boilerplate, so
/// the body is neither all boilerplate nor a stub, and whether or not it is
/// kept whole, its text is those lines again, with the same words. The
/// boilerplate lines it holds have fewer than `min_line` words: the text
/// had left them out already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextLines(Option<u64>);

impl TextLines {
    /// Nothing known: any boilerplate line may change the text.
    pub const UNKNOWN: TextLines = TextLines(None);

    /// A text of the lines of at least `min_line` words, holding the `kept`
    /// ones of the record's distinct `short_lines` (sorted). Known only for
    /// records with at most 64 short lines (a bit for each).
    fn of(short_lines: &[u64], kept: &[u64]) -> TextLines {
        if short_lines.len() > 64 {
            return TextLines::UNKNOWN;
        }
        let mut mask = 0u64;
        for h in kept {
            let i = short_lines.binary_search(h).expect("a kept short line is a short line");
            mask |= 1 << i;
        }
        TextLines(Some(mask))
    }
}

/// Append one normalized line to the normalized text `out`.
fn push_line(out: &mut String, line: &str) {
    if line.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(line);
}

/// The outlet key of a record's `source`: trimmed, case-folded, hashed.
pub fn source_key(source: &str) -> u64 {
    xxh3_64(source.trim().to_lowercase().as_bytes())
}

/// How many records of each outlet hold each short line: the corpus-wide
/// statistic [`Boilerplate`] is drawn from, kept apart so that it can grow
/// and shrink with the records (see [`crate::index`]). Records without an
/// outlet are no outlet's chrome and are not counted.
#[derive(Debug, Default, Clone)]
pub struct LineCounts {
    counts: HashMap<(u64, u64), u32, Hasher>,
}

impl LineCounts {
    /// Count the distinct short `lines` of one record of outlet `source_key`.
    pub fn add(&mut self, source_key: u64, lines: &[u64]) {
        if source_key == unknown_source() {
            return;
        }
        for &h in lines {
            *self.counts.entry((source_key, h)).or_default() += 1;
        }
    }

    /// Forget one record counted by [`add`](LineCounts::add) with the same arguments.
    pub fn remove(&mut self, source_key: u64, lines: &[u64]) {
        if source_key == unknown_source() {
            return;
        }
        for &h in lines {
            if let std::collections::hash_map::Entry::Occupied(mut e) = self.counts.entry((source_key, h)) {
                *e.get_mut() -= 1;
                if *e.get() == 0 {
                    e.remove();
                }
            }
        }
    }

    /// The lines held by at least `min_records` records of one outlet (and
    /// at least 2); none when `min_records` is 0.
    pub fn boilerplate(&self, min_records: usize) -> Boilerplate {
        if min_records == 0 {
            return Boilerplate::default();
        }
        let min = min_records.max(2);
        let lines = self.counts.iter().filter(|&(_, &n)| n as usize >= min).map(|(&k, _)| k).collect();
        Boilerplate { lines }
    }

    /// Add `n` records of outlet `source_key` holding `line`: counts of
    /// shards, merged by summing (the `newsdedup count` stage).
    pub fn add_count(&mut self, source_key: u64, line: u64, n: u32) {
        if n > 0 {
            *self.counts.entry((source_key, line)).or_default() += n;
        }
    }

    /// Every `(outlet, line)` counted and its count, in no order.
    pub fn iter(&self) -> impl Iterator<Item = ((u64, u64), u32)> + '_ {
        self.counts.iter().map(|(&k, &n)| (k, n))
    }

    /// Distinct (outlet, line) pairs counted.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

/// The outlet key of records without an outlet.
fn unknown_source() -> u64 {
    static KEY: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *KEY.get_or_init(|| source_key(""))
}

impl Boilerplate {
    /// Find lines of at most [`LINE_MAX_WORDS`] words that occur in at least
    /// `min_records` records of the same outlet. `min_records` 0 finds none.
    /// An error reading a spooled body back ends it.
    pub fn detect(articles: &[Article], min_records: usize) -> std::io::Result<Boilerplate> {
        const KEEP_ALL: usize = 0;
        use rayon::prelude::*;
        let per_record: Vec<(u64, Vec<u64>)> = articles
            .par_iter()
            .map_init(
                || (String::new(), String::new()),
                |(out, scratch), a| {
                    let mut short = Vec::new();
                    normalize_lines(&a.body.text()?, KEEP_ALL, out, scratch, &mut short);
                    Ok((source_key(&a.source), short))
                },
            )
            .collect::<std::io::Result<_>>()?;
        Ok(Boilerplate::from_lines(per_record.iter().map(|(src, lines)| (*src, &lines[..])), min_records))
    }

    /// Count each record's distinct short lines, `(outlet key, line hashes)`
    /// a record, and keep those in at least `min_records` records of an outlet.
    pub fn from_lines<'a>(records: impl Iterator<Item = (u64, &'a [u64])>, min_records: usize) -> Boilerplate {
        if min_records == 0 {
            return Boilerplate::default();
        }
        let mut counts = LineCounts::default();
        for (src, hashes) in records {
            counts.add(src, hashes);
        }
        counts.boilerplate(min_records)
    }

    /// True when `(source_key, line)` is boilerplate.
    pub fn contains(&self, source_key: u64, line: u64) -> bool {
        self.lines.contains(&(source_key, line))
    }

    /// The lines that are boilerplate in exactly one of `self` and `other`:
    /// a record signed under `self` must be signed again under `other` when
    /// the difference [`touches`](Boilerplate::touches) it, and only then.
    pub fn difference(&self, other: &Boilerplate) -> Boilerplate {
        Boilerplate { lines: self.lines.symmetric_difference(&other.lines).copied().collect() }
    }

    /// True when `self` may give a record another text than its first pass
    /// did. The record is of outlet `source_key`, with the distinct
    /// `short_lines`, and its first pass text holds `text` ([`TextLines`]):
    /// true when `self` holds a short line of that text or, when `text` is
    /// not known, any of the short lines. When false, the record signs under
    /// `self` as in its first pass.
    pub fn changes_text(&self, source_key: u64, short_lines: &[u64], text: TextLines) -> bool {
        match text.0 {
            None => self.touches(source_key, short_lines),
            Some(kept) => {
                !self.lines.is_empty()
                    && short_lines
                        .iter()
                        .enumerate()
                        .any(|(i, &h)| kept >> i & 1 == 1 && self.lines.contains(&(source_key, h)))
            }
        }
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
    /// and without lines of fewer than `min_line` words to `out` (cleared
    /// first). When every line is boilerplate the whole body is kept, and a
    /// body of at most [`MAX_WORDS`] words that is all boilerplate is a stub
    /// (a paywall or consent notice, a "read more" teaser): it says nothing
    /// about the story. Short lines are left out only when a longer line is
    /// kept. An error reading a spooled body back is returned.
    pub fn normalized_body(
        &self,
        article: &Article,
        min_line: usize,
        out: &mut String,
        scratch: &mut String,
    ) -> std::io::Result<Body> {
        Ok(self.normalized_text(&article.source, &article.body.text()?, min_line, out, scratch))
    }

    /// [`normalized_body`](Boilerplate::normalized_body) of the body text
    /// `body` of a record of outlet `source`.
    pub fn normalized_text(
        &self,
        source: &str,
        body: &str,
        min_line: usize,
        out: &mut String,
        scratch: &mut String,
    ) -> Body {
        out.clear();
        if self.lines.is_empty() {
            let words = normalize_lines(body, min_line, out, scratch, &mut Vec::new());
            return Body { words, stub: false };
        }
        let (spans, stub) = self.spans(source, body, min_line, scratch);
        let mut words = 0;
        for s in spans.iter().filter(|s| s.fate == Fate::Kept) {
            push_line(out, &scratch[s.norm.clone()]);
            words += s.words;
        }
        Body { words, stub }
    }

    /// What became of each line that has words of `body` (the body text of
    /// a record of outlet `source`), with the line as written: kept, or
    /// left out and why (for `explain`).
    pub fn line_fates<'a>(&self, source: &str, body: &'a str, min_line: usize) -> Vec<(Fate, &'a str)> {
        let (spans, _) = self.spans(source, body, min_line, &mut String::new());
        let body = strip_agency_slug(body);
        spans.into_iter().map(|s| (s.fate, &body[s.line])).collect()
    }

    /// Every line with words normalized once into `scratch`, with its fate,
    /// and whether the body is a stub.
    fn spans(&self, source: &str, body: &str, min_line: usize, scratch: &mut String) -> (Vec<Span>, bool) {
        let body = strip_agency_slug(body);
        let src = source_key(source);
        scratch.clear();
        let mut spans: Vec<Span> = Vec::new();
        for line in body.lines() {
            let start = scratch.len();
            let words = normalize_into(line, scratch);
            if words == 0 {
                scratch.truncate(start);
                continue;
            }
            let text = scratch[start..].trim_start();
            let boiler = words <= LINE_MAX_WORDS && self.lines.contains(&(src, xxh3_64(text.as_bytes())));
            // `line` is a subslice of `body`: its offset is a char boundary.
            let at = line.as_ptr() as usize - body.as_ptr() as usize;
            spans.push(Span {
                line: at..at + line.len(),
                norm: scratch.len() - text.len()..scratch.len(),
                words,
                fate: if boiler { Fate::Boilerplate } else { Fate::Kept },
            });
        }
        let total: usize = spans.iter().map(|s| s.words).sum();
        let kept: usize = spans.iter().filter(|s| s.fate == Fate::Kept).map(|s| s.words).sum();
        // Boilerplate is a small part of an article. When recurring lines are
        // most of a long body, they are the story itself, carried again by the
        // same outlet: keep the whole body. A body that is all boilerplate is
        // kept whole too, and when short it is a stub.
        if kept == 0 || (2 * kept < total && total > MAX_WORDS) {
            spans.iter_mut().for_each(|s| s.fate = Fate::Kept);
        }
        let stub = kept == 0 && total > 0 && total <= MAX_WORDS;
        if spans.iter().any(|s| s.fate == Fate::Kept && s.words >= min_line) {
            for s in spans.iter_mut().filter(|s| s.fate == Fate::Kept && s.words < min_line) {
                s.fate = Fate::Short;
            }
        }
        (spans, stub)
    }
}

/// One body line in [`Boilerplate::spans`]: byte ranges in the body and in
/// the normalized scratch text.
struct Span {
    line: std::ops::Range<usize>,
    norm: std::ops::Range<usize>,
    words: usize,
    fate: Fate,
}

/// What became of a body line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Part of the compared text.
    Kept,
    /// Left out: fewer than `--min-line-words` words (a heading, byline,
    /// dateline or navigation item).
    Short,
    /// Left out: outlet boilerplate.
    Boilerplate,
}

impl Fate {
    pub fn as_str(self) -> &'static str {
        match self {
            Fate::Kept => "kept",
            Fate::Short => "short line",
            Fate::Boilerplate => "outlet boilerplate",
        }
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
        let b = Boilerplate::detect(&arts, 3).unwrap();
        assert_eq!(b.len(), 1);
        let (mut out, mut scratch) = (String::new(), String::new());
        assert_eq!(b.normalized_body(&arts[0], 0, &mut out, &mut scratch).unwrap(), Body { words: 3, stub: false });
        assert_eq!(out, "story one text");
        // The other outlet has the line only once: it stays.
        b.normalized_body(&arts[3], 0, &mut out, &mut scratch).unwrap();
        assert_eq!(out, "story four sign up for our newsletter");
    }

    #[test]
    fn an_outlet_running_one_story_three_times_keeps_the_story() {
        let story = "The Vltava burst its banks on Tuesday after three days of heavy rain in southern Bohemia.\n\
                     Two thousand residents were evacuated from low-lying districts of Ceske Budejovice overnight.\n\
                     The army sent two helicopters with drinking water and food to villages cut off by the flood.\n\
                     Forecasters warned that further storms could push the river higher before the weekend.";
        let arts: Vec<Article> = (0..3).map(|i| art("X", &format!("{story}\nUpdated at {i} pm."))).collect();
        let b = Boilerplate::detect(&arts, 3).unwrap();
        assert_eq!(b.len(), 4, "the four story lines recur");
        let (mut out, mut scratch) = (String::new(), String::new());
        let body = b.normalized_body(&arts[0], 0, &mut out, &mut scratch).unwrap();
        assert_eq!(body, Body { words: 63, stub: false });
        assert!(out.starts_with("the vltava burst"), "{out}");
        // Without an outlet nothing is anyone's boilerplate.
        let nameless: Vec<Article> = (0..3).map(|i| art("", &format!("{story}\nUpdated at {i} pm."))).collect();
        assert!(Boilerplate::detect(&nameless, 3).unwrap().is_empty());
    }

    #[test]
    fn below_threshold_or_all_boilerplate_keeps_text() {
        let arts = vec![art("s", "Same line"), art("s", "Same line")];
        assert!(Boilerplate::detect(&arts, 3).unwrap().is_empty());
        let b = Boilerplate::detect(&arts, 2).unwrap();
        let (mut out, mut scratch) = (String::new(), String::new());
        assert_eq!(b.normalized_body(&arts[0], 0, &mut out, &mut scratch).unwrap(), Body { words: 2, stub: true });
        assert_eq!(out, "same line");
        assert!(Boilerplate::detect(&arts, 0).unwrap().is_empty());
    }

    #[test]
    fn short_lines_are_left_out_unless_nothing_else_remains() {
        let page = "By Jill Colvin\nPosted: 4:29 AM, July 16, 2018\n\
                    HELSINKI (AP) - President Donald Trump arrived in Finland on Sunday for a summit.\n\
                    Related content\n\
                    Trump told CBS News that he was going into the summit with low expectations.";
        let (mut out, mut scratch, mut short) = (String::new(), String::new(), Vec::new());
        let words = normalize_lines(page, 8, &mut out, &mut scratch, &mut short);
        assert!(out.starts_with("helsinki ap president"), "{out}");
        assert!(!out.contains("related content") && !out.contains("colvin"), "{out}");
        assert_eq!(words, out.split(' ').count());
        // Only short lines: they are the text.
        assert_eq!(normalize_lines("Trump meets Putin\nLive updates", 8, &mut out, &mut scratch, &mut short), 5);
        assert_eq!(out, "trump meets putin live updates");
        // 0 keeps every line.
        normalize_lines(page, 0, &mut out, &mut scratch, &mut short);
        assert!(out.starts_with("by jill colvin posted"), "{out}");
    }

    #[test]
    fn line_fates_say_what_was_left_out_and_agree_with_the_body() {
        let arts: Vec<Article> = (0..3)
            .map(|i| {
                art(
                    "site",
                    &format!("Sign up for our daily newsletter and get the news first\nShort head {i}\nStory {i} has its own long paragraph of text that is kept here."),
                )
            })
            .collect();
        let b = Boilerplate::detect(&arts, 3).unwrap();
        let text = arts[1].body.text().unwrap();
        let fates = b.line_fates(&arts[1].source, &text, 8);
        assert_eq!(
            fates,
            vec![
                (Fate::Boilerplate, "Sign up for our daily newsletter and get the news first"),
                (Fate::Short, "Short head 1"),
                (Fate::Kept, "Story 1 has its own long paragraph of text that is kept here."),
            ]
        );
        let (mut out, mut scratch) = (String::new(), String::new());
        let body = b.normalized_body(&arts[1], 8, &mut out, &mut scratch).unwrap();
        assert_eq!(out, "story 1 has its own long paragraph of text that is kept here");
        assert_eq!(body, Body { words: 13, stub: false });
    }
}
