//! Cuts: copy truncated to its first paragraphs, and link text dropped.

use crate::rng::Rng;
use crate::text::{sentences, words, Doc};

pub(super) fn truncate(doc: &Doc, rng: &mut Rng) -> Option<Doc> {
    let mut kept = 0;
    let mut kmin = None;
    for (i, p) in doc.paras.iter().enumerate() {
        kept += words(p);
        if i >= 1 && kept >= 80 {
            kmin = Some(i + 1);
            break;
        }
    }
    let kmin = kmin?;
    if kmin >= doc.paras.len() {
        return None;
    }
    let k = rng.range(kmin, doc.paras.len() - 1);
    Some(Doc { paras: doc.paras[..k].to_vec(), ..doc.clone() })
}

/// Words after which outlets' link text tends to start: "according to a [report]".
const LINK_TRIGGERS: [&str; 9] = ["a", "an", "the", "to", "in", "on", "via", "from", "by"];

pub(super) fn link_gaps(doc: &Doc, rng: &mut Rng) -> Option<Doc> {
    let mut paras: Vec<Vec<String>> = doc.paras.iter().map(|p| sentences(p)).collect();
    let triggers = |s: &str| -> Vec<usize> {
        let toks: Vec<&str> = s.split_whitespace().collect();
        (1..toks.len().saturating_sub(2))
            .filter(|&i| LINK_TRIGGERS.contains(&toks[i].to_lowercase().as_str()))
            .collect()
    };
    let mut cands = Vec::new();
    for (p, ss) in paras.iter().enumerate() {
        for (s, sent) in ss.iter().enumerate() {
            if words(sent) >= 8 && !triggers(sent).is_empty() {
                cands.push((p, s));
            }
        }
    }
    if cands.is_empty() {
        return None;
    }
    let n = rng.range(2, 5);
    let mut changed = vec![false; paras.len()];
    for c in rng.sample_sorted(cands.len(), n) {
        let (p, s) = cands[c];
        let sent = &paras[p][s];
        let at = *rng.pick(&triggers(sent));
        let toks: Vec<&str> = sent.split_whitespace().collect();
        let len = rng.range(2, 5.min(toks.len() - at - 1));
        let kept: Vec<&str> = toks[..=at].iter().chain(&toks[at + 1 + len..]).copied().collect();
        paras[p][s] = kept.join(" ");
        changed[p] = true;
    }
    let mut d = doc.clone();
    for (p, ss) in paras.into_iter().enumerate() {
        if changed[p] {
            d.paras[p] = ss.join(" ");
        }
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{all_words, doc, is_subsequence, FLOOD};

    #[test]
    fn truncate_keeps_a_prefix_of_two_paragraphs_and_80_words() {
        let d = doc(FLOOD);
        for seed in 0..20 {
            let t = truncate(&d, &mut Rng::new(seed)).unwrap();
            assert!(t.paras.len() >= 2 && t.paras.len() < d.paras.len());
            assert!(t.words() >= 80);
            assert_eq!(t.paras[..], d.paras[..t.paras.len()]);
        }
        assert_eq!(truncate(&doc("One short paragraph.\n\nAnd another."), &mut Rng::new(1)), None);
    }
    #[test]
    fn link_gaps_drop_short_spans_and_nothing_else() {
        let d = doc(FLOOD);
        for seed in 0..20 {
            let g = link_gaps(&d, &mut Rng::new(seed)).unwrap();
            let (before, after) = (all_words(&d), all_words(&g));
            let dropped = before.len() - after.len();
            assert!((2..=25).contains(&dropped), "{dropped} words dropped");
            assert!(is_subsequence(&after, &before));
            assert_eq!(g.paras.len(), d.paras.len());
            let changed = d.paras.iter().zip(&g.paras).filter(|(a, b)| a != b).count();
            assert!((1..=5).contains(&changed));
        }
    }
}
