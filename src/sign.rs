//! The `sign` stage: from an article to the plain data every later stage
//! needs (normalize + shingle + fingerprint).
//!
//! A [`Signature`] depends only on its article, the collection's
//! [`Boilerplate`] and the [`Params`], so signing runs in parallel and can
//! run apart from the other stages.

use rayon::prelude::*;
use xxhash_rust::xxh3::{xxh3_128, xxh3_64};

use crate::boilerplate::{normalize_lines, source_key, Body, Boilerplate};
use crate::config::Params;
use crate::fingerprint::fingerprint_fast;
use crate::normalize::normalize_into;
use crate::record::Article;
use crate::shingle::shingle_set_into;
use crate::urlkey::canonical_url;

/// What the candidate index, verification and canonical choice know of a record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signature {
    /// 64-bit simhash of the body's shingles.
    pub fingerprint: u64,
    /// Hashes of the body's shingles, sorted, without repeats.
    pub shingles: Vec<u64>,
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
        self.url_key.is_some() && self.url_key == other.url_key
    }

    /// Both records have the same non-empty normalized body.
    pub fn same_text(&self, other: &Signature) -> bool {
        self.text_key != 0 && self.text_key == other.text_key
    }
}

/// Sign one article. `norm` and `scratch` are reusable buffers.
pub fn sign_one(a: &Article, boiler: &Boilerplate, p: &Params, norm: &mut String, scratch: &mut String) -> Signature {
    let body = boiler.normalized_body(a, p.min_line_words, norm, scratch);
    from_normalized(a, norm, body, p, scratch)
}

/// The signature of `a` whose normalized body is `norm`.
fn from_normalized(a: &Article, norm: &str, body: Body, p: &Params, scratch: &mut String) -> Signature {
    let mut shingles = Vec::new();
    shingle_set_into(norm, p.shingle_size, &mut shingles);
    Signature {
        fingerprint: fingerprint_fast(norm, p.shingle_size),
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

/// Sign every article, in parallel, in input order.
pub fn sign(articles: &[Article], boiler: &Boilerplate, p: &Params) -> Vec<Signature> {
    articles
        .par_iter()
        .map_init(|| (String::new(), String::new()), |(norm, scratch), a| sign_one(a, boiler, p, norm, scratch))
        .collect()
}

/// Find the collection's boilerplate and sign every article, normalizing
/// each body once: the first pass signs every record as if it had no
/// boilerplate and keeps its short line hashes; after the count, only the
/// records holding a boilerplate line are signed again. Equal to
/// `sign(articles, &Boilerplate::detect(articles, min), p)`.
pub fn detect_and_sign(articles: &[Article], p: &Params) -> (Boilerplate, Vec<Signature>) {
    let first: Vec<(Signature, Vec<u64>)> = articles
        .par_iter()
        .map_init(
            || (String::new(), String::new()),
            |(norm, scratch), a| {
                let mut short = Vec::new();
                let words = normalize_lines(&a.body, p.min_line_words, norm, scratch, &mut short);
                (from_normalized(a, norm, Body { words, stub: false }, p, scratch), short)
            },
        )
        .collect();
    let keys: Vec<u64> = articles.iter().map(|a| source_key(&a.source)).collect();
    let boiler =
        Boilerplate::from_lines(keys.iter().zip(&first).map(|(&k, (_, lines))| (k, &lines[..])), p.boilerplate_min);
    let sigs = first
        .into_par_iter()
        .zip(articles.par_iter().zip(keys.par_iter()))
        .map_init(
            || (String::new(), String::new()),
            |(norm, scratch), ((sig, short), (a, &key)): ((Signature, Vec<u64>), (&Article, &u64))| {
                if boiler.touches(key, &short) {
                    sign_one(a, &boiler, p, norm, scratch)
                } else {
                    sig
                }
            },
        )
        .collect();
    (boiler, sigs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Origin;

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
            let (boiler, sigs) = detect_and_sign(&arts, &p);
            let apart = Boilerplate::detect(&arts, min);
            assert_eq!(boiler.len(), apart.len(), "min {min}");
            assert_eq!(sigs, sign(&arts, &apart, &p), "min {min}");
        }
    }

    #[test]
    fn parallel_signing_equals_one_by_one() {
        let arts: Vec<Article> =
            (0..200).map(|i| art(&format!("Story {i} says the minister {} times.", i * 7), None)).collect();
        let (p, b) = (Params::default(), Boilerplate::default());
        let (mut n, mut s) = (String::new(), String::new());
        let one_by_one: Vec<Signature> = arts.iter().map(|a| sign_one(a, &b, &p, &mut n, &mut s)).collect();
        assert_eq!(sign(&arts, &b, &p), one_by_one);
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
        );
        let y = sign_one(
            &art("He said: “We rolled this out wrong.” bur-frj/jza/giv", Some("http://x.com/a")),
            &b,
            &p,
            &mut n,
            &mut s,
        );
        assert_eq!(
            (x.shingles.clone(), x.fingerprint, x.words, x.text_key, x.url_key),
            (y.shingles, y.fingerprint, y.words, y.text_key, y.url_key)
        );
        assert_eq!(x.words, 7);
        assert!(x.url_key.is_some());
        let empty = sign_one(&art("  ", None), &b, &p, &mut n, &mut s);
        assert_eq!((empty.text_key, empty.shingles.len(), empty.fingerprint), (0, 0, 0));
    }
}
