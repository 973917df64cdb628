//! Decoys: different articles quoting a few of a story's quoted sentences.

use crate::markov::Markov;
use crate::rng::Rng;
use crate::text::{group, has_quote, sentences, words, Doc};

/// The sentences of `doc` that quote someone, long enough to recognise.
pub(crate) fn quoted_sentences(doc: &Doc) -> Vec<String> {
    doc.paras.iter().flat_map(|p| sentences(p)).filter(|s| (6..=40).contains(&words(s)) && has_quote(s)).collect()
}

/// A different article quoting 1 to 3 of `quotes`, the rest written by the chain.
pub(crate) fn decoy(quotes: &[String], date: Option<String>, markov: &Markov, rng: &mut Rng) -> (Doc, usize) {
    let k = rng.range(1, 3);
    let picked: Vec<&String> = rng.sample_sorted(quotes.len(), k).into_iter().map(|i| &quotes[i]).collect();
    let mut n: usize = picked.iter().map(|q| words(q)).sum();
    // Quotes are a minor part of a different article: at most a third of it.
    let target = rng.range(120, 600).max(3 * n);
    let mut sents = Vec::new();
    while n < target || sents.is_empty() {
        let s = markov.sentence(rng);
        n += words(&s);
        sents.push(s);
    }
    for q in &picked {
        let at = rng.range(1, sents.len());
        sents.insert(at, (*q).clone());
    }
    let p = rng.range(3, 10);
    let title = markov.title(rng, None);
    (Doc { source: String::new(), title, date, paras: group(sents, p, rng) }, picked.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{doc, inputs, FLOOD};

    #[test]
    fn decoys_quote_the_story_but_are_mostly_new() {
        let arts = inputs();
        let m = Markov::train(arts.iter().map(|a| a.body.in_memory().unwrap()));
        let story = doc(FLOOD);
        let quotes = quoted_sentences(&story);
        assert!(quotes.len() >= 2, "{quotes:?}");
        for seed in 0..20 {
            let (d, n) = decoy(&quotes, None, &m, &mut Rng::new(seed));
            let sents: Vec<String> = d.paras.iter().flat_map(|p| sentences(p)).collect();
            let shared: Vec<&String> = sents.iter().filter(|s| quotes.contains(s)).collect();
            assert!((1..=3).contains(&n) && shared.len() >= n, "{n} quotes, {} shared", shared.len());
            let quoted: usize = shared.iter().map(|s| words(s)).sum();
            if shared.len() == n {
                assert!(3 * quoted <= d.words(), "quotes are a minor part: {quoted} of {}", d.words());
            }
            assert_ne!(d.paras, story.paras);
        }
    }
}
