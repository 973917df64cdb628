//! The `sign` stage: from an article to the plain data every later stage
//! needs (normalize + shingle + fingerprint).
//!
//! A [`Signature`] depends only on its article, the collection's
//! [`Boilerplate`] and the [`Params`], so signing runs in parallel and can
//! run apart from the other stages.

use std::borrow::Cow;
use std::io;

use rayon::prelude::*;
use xxhash_rust::xxh3::{xxh3_128, xxh3_64};

use crate::boilerplate::{normalize_lines_marked, source_key, Body, Boilerplate, LineCounts, TextLines};
use crate::config::{Fingerprint, Params};
use crate::fingerprint::{fingerprint_fast, LaneCounts};
use crate::normalize::normalize_into;
use crate::record::Article;
use crate::shingle::{for_each_shingle_hash, member, shingle_set_into, sort_dedup, Member, SortScratch};
use crate::urlkey::canonical_url;

/// What the candidate index, verification and canonical choice know of a record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signature {
    /// 64-bit simhash of the body's shingles.
    pub fingerprint: u64,
    /// The body's shingle set: [`Member`]s (32-bit shingle hashes), sorted,
    /// without repeats.
    pub shingles: Vec<Member>,
    /// Normalized body words (boilerplate removed).
    pub words: u32,
    /// Hash of the whole normalized body; 0 for an empty body.
    pub text_key: u128,
    /// Hash of the canonical URL, when the record has one.
    pub url_key: Option<u64>,
    /// Hash of the normalized title; 0 for an empty title.
    pub title_key: u64,
    /// The body is only a short outlet boilerplate notice (see
    /// [`Boilerplate::normalized_body`]).
    pub stub: bool,
}

impl Signature {
    /// Both records carry the same canonical URL.
    pub fn same_url(&self, other: &Signature) -> bool {
        same_url_key(self.url_key, other.url_key)
    }

    /// Both records have the same non-empty normalized body.
    pub fn same_text(&self, other: &Signature) -> bool {
        same_text_key(self.text_key, other.text_key)
    }
}

/// Two URL keys name the same canonical URL (neither is missing).
pub(crate) fn same_url_key(a: Option<u64>, b: Option<u64>) -> bool {
    a.is_some() && a == b
}

/// Two body keys name the same non-empty normalized body.
pub(crate) fn same_text_key(a: u128, b: u128) -> bool {
    a != 0 && a == b
}

/// Sign one article. `norm` and `scratch` are reusable buffers. An error
/// reading a spooled body back is returned (so in every function here).
pub fn sign_one(
    a: &Article,
    boiler: &Boilerplate,
    p: &Params,
    norm: &mut String,
    scratch: &mut String,
) -> io::Result<Signature> {
    let body = boiler.normalized_body(a, p.min_line_words, norm, scratch)?;
    Ok(from_normalized(a, norm, body, p, scratch))
}

/// The signature of `a` whose normalized body is `norm`.
fn from_normalized(a: &Article, norm: &str, body: Body, p: &Params, scratch: &mut String) -> Signature {
    let mut shingles = Vec::new();
    let fingerprint = match p.fingerprint {
        Fingerprint::Xxh3 => xxh3_shingles_and_fingerprint(norm, p.shingle_size, &mut shingles),
        Fingerprint::Simhash => {
            shingle_set_into(norm, p.shingle_size, &mut shingles);
            fingerprint_fast(norm, p.shingle_size)
        }
    };
    Signature {
        fingerprint,
        shingles,
        words: body.words as u32,
        text_key: if norm.is_empty() { 0 } else { xxh3_128(norm.as_bytes()) },
        url_key: if p.use_urls {
            a.url.as_deref().and_then(canonical_url).map(|u| xxh3_64(u.as_bytes()))
        } else {
            None
        },
        title_key: {
            scratch.clear();
            normalize_into(&a.title, scratch);
            if scratch.is_empty() {
                0
            } else {
                xxh3_64(scratch.as_bytes())
            }
        },
        stub: body.stub,
    }
}

/// The shingle set of `norm` into `out` and the simhash of the same XXH3
/// shingle hashes, in one pass over the text: each shingle is hashed once
/// (see [`Fingerprint::Xxh3`]).
///
/// The hashes are gathered and sorted in per-thread buffers that keep their
/// size from record to record, and `out` gets the set in one allocation of
/// its exact size, instead of growing by doubling.
fn xxh3_shingles_and_fingerprint(norm: &str, k: usize, out: &mut Vec<Member>) -> u64 {
    thread_local! {
        static BUFFERS: std::cell::RefCell<(Vec<Member>, SortScratch)> = std::cell::RefCell::new((Vec::new(), SortScratch::default()));
    }
    BUFFERS.with_borrow_mut(|(hashes, scratch)| {
        hashes.clear();
        let mut lanes = LaneCounts::default();
        for_each_shingle_hash(norm, k, |h| {
            lanes.add(h);
            hashes.push(member(h));
        });
        sort_dedup(hashes, scratch);
        out.clear();
        out.extend_from_slice(hashes);
        lanes.simhash()
    })
}

/// Sign every article, in parallel, in input order.
pub fn sign(articles: &[Article], boiler: &Boilerplate, p: &Params) -> io::Result<Vec<Signature>> {
    articles
        .par_iter()
        .map_init(|| (String::new(), String::new()), |(norm, scratch), a| sign_one(a, boiler, p, norm, scratch))
        .collect()
}

/// What the first pass of signing computes for one record: its signature,
/// the hash of its outlet ([`source_key`]) and the hashes of its distinct
/// short lines (the lines that can be outlet boilerplate). With these, a
/// collection's [`Boilerplate`] is counted without reading any text again,
/// and a record is signed again only when the boilerplate lines it holds
/// change ([`resign`]).
///
/// `sig` is the record's signature under some boilerplate: none after
/// [`first_pass`], the collection's after [`resign`]. The same record is
/// an archive index entry ([`crate::index`]); [`encode`](SignatureRecord::encode)
/// and [`decode`](SignatureRecord::decode) are its one binary layout, all
/// integers little-endian:
///
/// ```text
/// fingerprint   u64
/// text_key      u128
/// title_key     u64
/// url_key       u8 (0 none, 1 some) + u64 (0 when none)
/// outlet        u64
/// words         u32
/// stub          u8 (0 or 1)
/// shingles      u32 count + count x u32 (Member), sorted, distinct
/// short_lines   u32 count + count x u64, sorted, distinct
/// ```
///
/// 62 bytes plus 4 a shingle and 8 a short line. Any change to this
/// layout, or to what a field means (normalization, hashing, shingling),
/// is a new [`crate::index::VERSION`] and a new version of the sign line.
/// The layout of index version 1 ([`Layout::V1`]) held each shingle's
/// whole 64-bit hash: it is still read, each hash cut to its [`Member`],
/// which gives the record version 2 stores.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignatureRecord {
    pub sig: Signature,
    /// [`source_key`] of the record's outlet.
    pub outlet: u64,
    /// Hashes of the record's distinct lines of at most
    /// [`crate::boilerplate::LINE_MAX_WORDS`] words, sorted.
    pub short_lines: Vec<u64>,
}

/// Why bytes are not a [`SignatureRecord`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub &'static str);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// Little-endian reads from a byte slice, each checked against its end.
pub struct Bytes<'a> {
    pub rest: &'a [u8],
}

impl<'a> Bytes<'a> {
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.rest.len() {
            return Err(DecodeError("ends early"));
        }
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(head)
    }

    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }

    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")))
    }

    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes")))
    }

    pub fn u128(&mut self) -> Result<u128, DecodeError> {
        Ok(u128::from_le_bytes(self.take(16)?.try_into().expect("16 bytes")))
    }

    pub fn flag(&mut self) -> Result<bool, DecodeError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(DecodeError("a flag is neither 0 nor 1")),
        }
    }

    /// A `u32` count followed by that many `u64`, checked sorted and distinct.
    pub fn hashes(&mut self) -> Result<Vec<u64>, DecodeError> {
        self.sorted(u64::from_le_bytes)
    }

    /// A `u32` count followed by that many `u32` [`Member`]s, checked sorted
    /// and distinct.
    pub fn members(&mut self) -> Result<Vec<Member>, DecodeError> {
        self.sorted(Member::from_le_bytes)
    }

    /// A `u32` count followed by that many values of `N` bytes each, read
    /// by `value`, checked sorted and distinct.
    fn sorted<const N: usize, T: Ord>(&mut self, value: fn([u8; N]) -> T) -> Result<Vec<T>, DecodeError> {
        let n = self.u32()? as usize;
        let bytes = self.take(n.checked_mul(N).ok_or(DecodeError("count too large"))?)?;
        let v: Vec<T> = bytes.chunks_exact(N).map(|c| value(c.try_into().expect("N bytes"))).collect();
        if v.windows(2).any(|w| w[0] >= w[1]) {
            return Err(DecodeError("hashes not sorted"));
        }
        Ok(v)
    }

    /// A `u32` length followed by that many bytes of UTF-8.
    pub fn str(&mut self) -> Result<&'a str, DecodeError> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).map_err(|_| DecodeError("text is not UTF-8"))
    }
}

/// Append `v` as a `u32` count and its values.
fn put_hashes<const N: usize, T: Copy>(out: &mut Vec<u8>, v: &[T], le: impl Fn(T) -> [u8; N]) {
    out.extend_from_slice(&(v.len() as u32).to_le_bytes());
    for &h in v {
        out.extend_from_slice(&le(h));
    }
}

/// The layouts of a [`SignatureRecord`] that [`SignatureRecord::decode_layout`]
/// reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Index version 1: each shingle as its whole 64-bit hash.
    V1,
    /// Index version 2 and sign lines `s3`: each shingle as its [`Member`];
    /// what [`SignatureRecord::encode`] writes.
    V2,
}

impl SignatureRecord {
    /// Bytes [`encode`](SignatureRecord::encode) appends.
    pub fn encoded_len(&self) -> usize {
        62 + 4 * self.sig.shingles.len() + 8 * self.short_lines.len()
    }

    /// Append the record's bytes (layout in the type's documentation).
    pub fn encode(&self, out: &mut Vec<u8>) {
        let s = &self.sig;
        out.extend_from_slice(&s.fingerprint.to_le_bytes());
        out.extend_from_slice(&s.text_key.to_le_bytes());
        out.extend_from_slice(&s.title_key.to_le_bytes());
        out.push(s.url_key.is_some() as u8);
        out.extend_from_slice(&s.url_key.unwrap_or(0).to_le_bytes());
        out.extend_from_slice(&self.outlet.to_le_bytes());
        out.extend_from_slice(&s.words.to_le_bytes());
        out.push(s.stub as u8);
        put_hashes(out, &s.shingles, Member::to_le_bytes);
        put_hashes(out, &self.short_lines, u64::to_le_bytes);
    }

    /// Read one record, as [`encode`](SignatureRecord::encode) writes it,
    /// from the front of `b`.
    pub fn decode(b: &mut Bytes<'_>) -> Result<SignatureRecord, DecodeError> {
        SignatureRecord::decode_layout(b, Layout::V2)
    }

    /// Read one record of layout `layout` from the front of `b`.
    pub fn decode_layout(b: &mut Bytes<'_>, layout: Layout) -> Result<SignatureRecord, DecodeError> {
        let fingerprint = b.u64()?;
        let text_key = b.u128()?;
        let title_key = b.u64()?;
        let has_url = b.flag()?;
        let url = b.u64()?;
        let outlet = b.u64()?;
        let words = b.u32()?;
        let stub = b.flag()?;
        let shingles = match layout {
            Layout::V2 => b.members()?,
            Layout::V1 => {
                // Cut to members, the set is no longer sorted and may hold
                // a repeat.
                let mut v: Vec<Member> = b.hashes()?.into_iter().map(member).collect();
                sort_dedup(&mut v, &mut SortScratch::default());
                v
            }
        };
        let short_lines = b.hashes()?;
        let sig =
            Signature { fingerprint, shingles, words, text_key, url_key: has_url.then_some(url), title_key, stub };
        Ok(SignatureRecord { sig, outlet, short_lines })
    }
}

/// The first pass of signing: every article signed as if the collection had
/// no boilerplate, with its outlet and short line hashes, in parallel, in
/// input order. Each body is normalized once.
pub fn first_pass(articles: &[Article], p: &Params) -> io::Result<Vec<SignatureRecord>> {
    first_pass_marked(articles, p).map(|(records, _)| records)
}

/// [`first_pass`], with what each record's text holds of its short lines
/// ([`TextLines`]): what [`resign_first_pass`] needs to leave out the
/// records a boilerplate cannot change.
pub fn first_pass_marked(articles: &[Article], p: &Params) -> io::Result<(Vec<SignatureRecord>, Vec<TextLines>)> {
    // Collected straight into their vectors, each thread writing its own
    // part: collecting `io::Result`s made rayon gather pieces and copy them
    // all once more on one thread. A record that fails (its body cannot be
    // read back from the spool) is left empty and its error returned.
    let failed = std::sync::Mutex::new(None);
    let (records, lines) = articles
        .par_iter()
        .map_init(
            || (String::new(), String::new()),
            |(norm, scratch), a| {
                first_pass_one_marked(a, p, norm, scratch).unwrap_or_else(|e| {
                    failed.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(e);
                    (SignatureRecord::default(), TextLines::UNKNOWN)
                })
            },
        )
        .unzip();
    match failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
        Some(e) => Err(e),
        None => Ok((records, lines)),
    }
}

/// [`first_pass`] of one article. `norm` and `scratch` are reusable buffers.
pub fn first_pass_one(a: &Article, p: &Params, norm: &mut String, scratch: &mut String) -> io::Result<SignatureRecord> {
    first_pass_one_marked(a, p, norm, scratch).map(|(record, _)| record)
}

/// [`first_pass_marked`] of one article.
pub fn first_pass_one_marked(
    a: &Article,
    p: &Params,
    norm: &mut String,
    scratch: &mut String,
) -> io::Result<(SignatureRecord, TextLines)> {
    thread_local! {
        static KEPT: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let mut short_lines = Vec::new();
    let text = a.body.text()?;
    let (words, lines) = KEPT
        .with_borrow_mut(|kept| normalize_lines_marked(&text, p.min_line_words, norm, scratch, &mut short_lines, kept));
    let sig = from_normalized(a, norm, Body { words, stub: false }, p, scratch);
    Ok((SignatureRecord { sig, outlet: source_key(&a.source), short_lines }, lines))
}

/// Count the short lines of `records` (see [`LineCounts`]); empty when
/// `boilerplate_min` is 0, as no line can then be boilerplate.
pub fn count_lines(records: &[SignatureRecord], p: &Params) -> LineCounts {
    let mut counts = LineCounts::default();
    if p.boilerplate_min > 0 {
        for r in records {
            counts.add(r.outlet, &r.short_lines);
        }
    }
    counts
}

/// Sign again, under `boiler`, each record whose boilerplate lines differ
/// between the boilerplate it was signed under and `boiler`: those that
/// `changed` (the [`Boilerplate::difference`] of the two) touches; every
/// other record's signature is already its signature under `boiler`.
/// `article(i)` gives record `i`'s article, and is asked only for those.
/// Returns how many were signed again.
pub fn resign<'a, E: From<io::Error> + Send>(
    records: &mut [SignatureRecord],
    changed: &Boilerplate,
    boiler: &Boilerplate,
    p: &Params,
    article: impl Fn(usize) -> Result<Cow<'a, Article>, E> + Sync,
) -> Result<usize, E> {
    if changed.is_empty() {
        return Ok(0);
    }
    resign_where(records, boiler, p, article, |_, r| changed.touches(r.outlet, &r.short_lines))
}

/// [`resign`] records fresh from the [`first_pass_marked`] (signed under no
/// boilerplate), `lines` what their texts hold: only those whose text
/// `boiler` may change ([`Boilerplate::changes_text`]) are signed again. A
/// record whose boilerplate lines are all lines its text already leaves out
/// (a short "Read more" under a story) signs as it did: about two in five
/// of the records holding a boilerplate line, in a generated corpus.
pub fn resign_first_pass<'a, E: From<io::Error> + Send>(
    records: &mut [SignatureRecord],
    lines: &[TextLines],
    boiler: &Boilerplate,
    p: &Params,
    article: impl Fn(usize) -> Result<Cow<'a, Article>, E> + Sync,
) -> Result<usize, E> {
    if boiler.is_empty() {
        return Ok(0);
    }
    resign_where(records, boiler, p, article, |i, r| boiler.changes_text(r.outlet, &r.short_lines, lines[i]))
}

/// Sign again under `boiler` the records `i` for which `again(i, record)`.
fn resign_where<'a, E: From<io::Error> + Send>(
    records: &mut [SignatureRecord],
    boiler: &Boilerplate,
    p: &Params,
    article: impl Fn(usize) -> Result<Cow<'a, Article>, E> + Sync,
    again: impl Fn(usize, &SignatureRecord) -> bool + Sync,
) -> Result<usize, E> {
    records
        .par_iter_mut()
        .enumerate()
        .map_init(
            || (String::new(), String::new()),
            |(norm, scratch), (i, r)| {
                if !again(i, r) {
                    return Ok(0);
                }
                let a = article(i)?;
                r.sig = sign_one(&a, boiler, p, norm, scratch)?;
                Ok(1)
            },
        )
        .sum()
}

/// Find the collection's boilerplate and sign every article, normalizing
/// each body once: the [`first_pass`] signs every record as if it had no
/// boilerplate and keeps its short line hashes; after the count, only the
/// records whose text the boilerplate can change are signed again
/// ([`resign_first_pass`]). Equal to
/// `sign(articles, &Boilerplate::detect(articles, min), p)`.
pub fn detect_and_sign(articles: &[Article], p: &Params) -> io::Result<(Boilerplate, Vec<Signature>)> {
    let (mut records, lines) = first_pass_marked(articles, p)?;
    let boiler = count_lines(&records, p).boilerplate(p.boilerplate_min);
    resign_all(&mut records, &lines, articles, &boiler, p)?;
    Ok((boiler, records.into_iter().map(|r| r.sig).collect()))
}

/// Sign `articles` under `boiler`, a boilerplate counted elsewhere (the
/// line counts of every shard, summed: the `newsdedup sign` stage), with
/// their outlets and short lines: the records an archive index stores.
pub fn sign_under(articles: &[Article], boiler: &Boilerplate, p: &Params) -> io::Result<Vec<SignatureRecord>> {
    let (mut records, lines) = first_pass_marked(articles, p)?;
    resign_all(&mut records, &lines, articles, boiler, p)?;
    Ok(records)
}

/// [`resign_first_pass`] the `records` of `articles` under `boiler`.
fn resign_all(
    records: &mut [SignatureRecord],
    lines: &[TextLines],
    articles: &[Article],
    boiler: &Boilerplate,
    p: &Params,
) -> io::Result<()> {
    resign_first_pass(records, lines, boiler, p, |i| Ok::<_, io::Error>(Cow::Borrowed(&articles[i]))).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Origin;
    use crate::shingle::{shingle_hash, Shingles};

    fn art(body: &str, url: Option<&str>) -> Article {
        let mut a = Article::at(Origin { file: "t".into(), line: 1 });
        a.body = body.into();
        a.url = url.map(str::to_owned);
        a
    }

    #[test]
    fn detect_and_sign_equals_the_two_stages_apart() {
        let mut arts = Vec::new();
        for i in 0..60 {
            let mut a = art(
                &format!("Story {i} opens here with its own words number {}.\nSign up for our newsletter!\nRead more at Example.\nMore words {}.", i * 3, i % 7),
                None,
            );
            a.source = ["site", "other", "third"][i % 3].into();
            arts.push(a);
        }
        arts.push(art("Subscribe to read.", None));
        for min in [0, 2, 3, 30] {
            let p = Params { boilerplate_min: min, ..Params::default() };
            let (boiler, sigs) = detect_and_sign(&arts, &p).unwrap();
            let apart = Boilerplate::detect(&arts, min).unwrap();
            assert_eq!(boiler.len(), apart.len(), "min {min}");
            assert_eq!(sigs, sign(&arts, &apart, &p).unwrap(), "min {min}");
        }
    }

    /// Bodies of lines drawn from a few recurring ones of every length
    /// around the limits (dropped short, kept short, long), so that any of
    /// them can be boilerplate: some bodies all short lines, some with more
    /// than 64 distinct short lines, some long ones mostly recurring lines.
    fn recurring_line_bodies(seed: u64) -> Vec<Article> {
        let mut x = seed;
        let mut next = move |n: u64| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((x >> 33) % n) as usize
        };
        let line = |kind: usize, v: usize| -> String {
            let words = [2, 5, 7, 8, 9, 12, 20, 21, 30][kind];
            (0..words).map(|w| format!("w{kind}x{v}y{w}")).collect::<Vec<_>>().join(" ") + "."
        };
        (0..300)
            .map(|i| {
                let lines = match next(6) {
                    0 => 1 + next(3),
                    1 => 100 + next(20),
                    _ => 2 + next(12),
                };
                let body: Vec<String> = (0..lines)
                    .map(|l| match next(8) {
                        // A line of its own, or a recurring one.
                        0 => line(next(9), 1000 + i * 100 + l),
                        _ => line(next(9), next(if lines > 60 { 40 } else { 3 })),
                    })
                    .collect();
                let mut a = art(&body.join("\n"), None);
                a.source = ["site", "other", ""][next(3)].into();
                a
            })
            .collect()
    }

    #[test]
    fn records_a_boilerplate_cannot_change_sign_as_in_the_first_pass() {
        let mut skipped = 0;
        for seed in 0..6 {
            let arts = recurring_line_bodies(seed);
            for min_line in [0, 1, 3, 8, 9, 21] {
                let p = Params { min_line_words: min_line, ..Params::default() };
                let (first, lines) = first_pass_marked(&arts, &p).unwrap();
                // Past the 64 short lines whose places `TextLines` marks.
                assert!(first.iter().any(|r| r.short_lines.len() > 64));
                // Boilerplates of every reach: each (outlet, short line) in it
                // at random.
                for pick in [1, 2, 4] {
                    let mut counts = LineCounts::default();
                    let mut x = seed * 31 + pick;
                    for r in &first {
                        for &h in &r.short_lines {
                            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                            if (x >> 40) % pick == 0 {
                                counts.add_count(r.outlet, h, 2);
                            }
                        }
                    }
                    let boiler = counts.boilerplate(2);
                    let want = sign(&arts, &boiler, &p).unwrap();
                    let (mut n, mut s) = (String::new(), String::new());
                    for (i, r) in first.iter().enumerate() {
                        if !boiler.changes_text(r.outlet, &r.short_lines, lines[i]) {
                            let again = sign_one(&arts[i], &boiler, &p, &mut n, &mut s).unwrap();
                            assert_eq!(again, r.sig, "seed {seed} min_line {min_line} record {i}");
                        }
                    }
                    let mut records = first.clone();
                    let article = |i| Ok::<_, io::Error>(Cow::Borrowed(&arts[i]));
                    let signed = resign_first_pass(&mut records, &lines, &boiler, &p, article).unwrap();
                    let got: Vec<Signature> = records.into_iter().map(|r| r.sig).collect();
                    assert_eq!(got, want, "seed {seed} min_line {min_line} pick {pick}");
                    // `resign` signs again every record holding a
                    // boilerplate line; this leaves some of them.
                    let touched = first.iter().filter(|r| boiler.touches(r.outlet, &r.short_lines)).count();
                    skipped += touched.checked_sub(signed).expect("no record beyond those touched");
                }
            }
        }
        assert!(skipped > 0);
    }

    #[test]
    fn a_boilerplate_line_the_text_left_out_signs_nothing_again() {
        let story = "The minister said on Tuesday that the bridge would reopen next spring after repairs.";
        let arts: Vec<Article> = (0..4)
            .map(|i| {
                let mut a =
                    art(&format!("{story} Day {i}.\nRead more\nShare this story with your friends today please"), None);
                a.source = "site".into();
                a
            })
            .collect();
        let p = Params { boilerplate_min: 3, ..Params::default() };
        let (first, lines) = first_pass_marked(&arts, &p).unwrap();
        let boiler = count_lines(&first, &p).boilerplate(p.boilerplate_min);
        // "read more" (2 words, left out already) and the share line (8
        // words, in the text) are both boilerplate.
        assert_eq!(boiler.len(), 2);
        let article = |i| Ok::<_, io::Error>(Cow::Borrowed(&arts[i]));
        let mut records = first.clone();
        assert_eq!(resign_first_pass(&mut records, &lines, &boiler, &p, article).unwrap(), 4);
        // Only "read more": the texts stay as they are.
        let read_more = LineCounts::default();
        let mut counts = read_more;
        let h = xxh3_64(b"read more");
        counts.add_count(first[0].outlet, h, 4);
        let boiler = counts.boilerplate(3);
        let mut records = first.clone();
        assert_eq!(resign_first_pass(&mut records, &lines, &boiler, &p, article).unwrap(), 0);
        assert_eq!(resign(&mut records, &boiler, &boiler, &p, article).unwrap(), 4);
        assert_eq!(records, first);
    }

    #[test]
    fn parallel_signing_equals_one_by_one() {
        let arts: Vec<Article> =
            (0..200).map(|i| art(&format!("Story {i} says the minister {} times.", i * 7), None)).collect();
        let (p, b) = (Params::default(), Boilerplate::default());
        let (mut n, mut s) = (String::new(), String::new());
        let one_by_one: Vec<Signature> = arts.iter().map(|a| sign_one(a, &b, &p, &mut n, &mut s).unwrap()).collect();
        assert_eq!(sign(&arts, &b, &p).unwrap(), one_by_one);
    }

    #[test]
    fn copies_that_differ_only_in_form_sign_alike() {
        let (p, b) = (Params::default(), Boilerplate::default());
        let (mut n, mut s) = (String::new(), String::new());
        let x = sign_one(
            &art("He said: \"We rolled this out wrong.\"", Some("https://www.x.com/a/?utm_source=t")),
            &b,
            &p,
            &mut n,
            &mut s,
        )
        .unwrap();
        let y = sign_one(
            &art("He said: “We rolled this out wrong.” bur-frj/jza/giv", Some("http://x.com/a")),
            &b,
            &p,
            &mut n,
            &mut s,
        )
        .unwrap();
        assert_eq!(
            (x.shingles.clone(), x.fingerprint, x.words, x.text_key, x.url_key),
            (y.shingles, y.fingerprint, y.words, y.text_key, y.url_key)
        );
        assert_eq!(x.words, 7);
        assert!(x.url_key.is_some());
        let empty = sign_one(&art("  ", None), &b, &p, &mut n, &mut s).unwrap();
        assert_eq!((empty.text_key, empty.shingles.len(), empty.fingerprint), (0, 0, 0));
    }

    #[test]
    fn the_one_pass_fingerprint_hashes_the_shingle_set() {
        let text = "the minister said on tuesday that the minister would resign the minister said";
        let (mut one_pass, mut set) = (Vec::new(), Vec::new());
        let fp = xxh3_shingles_and_fingerprint(text, 3, &mut one_pass);
        shingle_set_into(text, 3, &mut set);
        assert_eq!(one_pass, set);
        // The fingerprint counts every shingle, repeats included, as the crate does.
        let mut lanes = LaneCounts::default();
        Shingles::new(text, 3).for_each(|s| lanes.add(shingle_hash(s)));
        assert_eq!(fp, lanes.simhash());
        assert_eq!(xxh3_shingles_and_fingerprint("", 3, &mut one_pass), 0);
        assert!(one_pass.is_empty());
    }
}
