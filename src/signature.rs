//! The `sign` stage: from an article to the plain data every later stage
//! needs (normalize + shingle + fingerprint).
//!
//! A [`Signature`] depends only on its article, the collection's
//! [`Boilerplate`] and the [`Params`], so signing runs in parallel and can
//! run apart from the other stages.

use rayon::prelude::*;
use xxhash_rust::xxh3::{xxh3_128, xxh3_64};

use crate::boilerplate::Boilerplate;
use crate::config::Params;
use crate::fingerprint::fingerprint;
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

/// Sign one article. `norm` and `scratch` are reusable buffers.
pub fn sign_one(a: &Article, boiler: &Boilerplate, p: &Params, norm: &mut String, scratch: &mut String) -> Signature {
    let body = boiler.normalized_body(a, norm, scratch);
    let mut shingles = Vec::new();
    shingle_set_into(norm, p.shingle_size, &mut shingles);
    Signature {
        fingerprint: fingerprint(norm, p.shingle_size),
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
