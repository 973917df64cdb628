//! Rewording: a few words of one sentence replaced, and new headlines.

use crate::rng::Rng;
use crate::text::{capitalize, headline_case, headline_from, sentences, split_token, words, Doc};

use super::dateline::dateline_len;

/// Word pairs outlets swap when they touch up a sentence (either direction).
const SYNONYMS: [(&str, &str); 24] = [
    ("said", "stated"),
    ("told", "informed"),
    ("about", "around"),
    ("many", "numerous"),
    ("big", "large"),
    ("help", "assist"),
    ("buy", "purchase"),
    ("start", "begin"),
    ("started", "began"),
    ("also", "additionally"),
    ("because", "since"),
    ("people", "individuals"),
    ("government", "administration"),
    ("attack", "assault"),
    ("rejected", "dismissed"),
    ("condemned", "denounced"),
    ("statement", "release"),
    ("officials", "authorities"),
    ("country", "nation"),
    ("important", "significant"),
    ("Monday", "Tuesday"),
    ("Wednesday", "Thursday"),
    ("Friday", "Saturday"),
    ("week", "month"),
];

/// Plain words used when a sentence has nothing in [`SYNONYMS`].
const FILLERS: [&str; 8] = ["several", "major", "senior", "local", "former", "key", "recent", "top"];

/// A replacement for the word in `tok` (number moved, synonym swapped), punctuation kept.
fn replace_word(tok: &str, rng: &mut Rng, filler: bool) -> Option<String> {
    let (pre, core, post) = split_token(tok);
    if core.is_empty() {
        return None;
    }
    let new = if core.chars().all(|c| c.is_ascii_digit()) && core.len() < 10 {
        let n: u64 = core.parse().ok()?;
        (n + rng.range(1, 9) as u64).to_string()
    } else if let Some(&(a, b)) = SYNONYMS.iter().find(|(a, b)| core == *a || core == *b) {
        (if core == a { b } else { a }).to_owned()
    } else if let Some(&(a, b)) =
        SYNONYMS.iter().find(|(a, b)| core.eq_ignore_ascii_case(a) || core.eq_ignore_ascii_case(b))
    {
        capitalize(if core.eq_ignore_ascii_case(a) { b } else { a })
    } else if filler && core.len() >= 4 && core.chars().all(|c| c.is_ascii_lowercase()) {
        let f = *rng.pick(&FILLERS);
        if f == core {
            return None;
        }
        f.to_owned()
    } else {
        return None;
    };
    Some(format!("{pre}{new}{post}"))
}

pub(super) fn edit_sentence(doc: &Doc, rng: &mut Rng) -> Option<Doc> {
    let paras: Vec<Vec<String>> = doc.paras.iter().map(|p| sentences(p)).collect();
    let cands: Vec<(usize, usize)> = paras
        .iter()
        .enumerate()
        .flat_map(|(p, ss)| ss.iter().enumerate().filter(|(_, s)| words(s) >= 8).map(move |(s, _)| (p, s)))
        .collect();
    if cands.is_empty() {
        return None;
    }
    let (p, s) = *rng.pick(&cands);
    let mut toks: Vec<String> = paras[p][s].split_whitespace().map(str::to_owned).collect();
    // Prefer real synonyms and numbers; else put a plain word in place of another.
    let mut probe = rng.clone();
    let mut spots: Vec<usize> =
        (1..toks.len()).filter(|&i| replace_word(&toks[i], &mut probe, false).is_some()).collect();
    let filler = spots.is_empty();
    if filler {
        spots = (1..toks.len()).filter(|&i| replace_word(&toks[i], &mut probe, true).is_some()).collect();
    }
    if spots.is_empty() {
        return None;
    }
    let k = rng.range(1, 3);
    let mut changed = false;
    for i in rng.sample_sorted(spots.len(), k) {
        if let Some(w) = replace_word(&toks[spots[i]], rng, filler) {
            changed |= w != toks[spots[i]];
            toks[spots[i]] = w;
        }
    }
    if !changed {
        return None;
    }
    let mut ss = paras[p].clone();
    ss[s] = toks.join(" ");
    let mut d = doc.clone();
    d.paras[p] = ss.join(" ");
    Some(d)
}

const TITLE_PREFIXES: [&str; 6] = ["UPDATE 1-", "UPDATE 2-", "WATCH: ", "Breaking: ", "EXPLAINER: ", "Live updates: "];

pub(super) fn retitle(doc: &Doc, rng: &mut Rng) -> Option<Doc> {
    let lede = doc.paras.iter().find(|p| words(p) >= 12).or(doc.paras.first());
    for _ in 0..8 {
        let t = match rng.below(5) {
            0 => match lede {
                Some(p) => {
                    let text = dateline_len(p).map_or(p.as_str(), |n| &p[n..]);
                    let first = sentences(text).into_iter().next().unwrap_or_default();
                    headline_from(&first, rng.range(6, 11))
                }
                None => continue,
            },
            1 => headline_case(&doc.title),
            2 if !doc.title.is_empty() => format!("{}{}", rng.pick(&TITLE_PREFIXES), doc.title),
            3 if !doc.title.is_empty() => format!("{} {} {}", doc.title, rng.pick(&["|", "-"]), doc.source),
            _ => {
                let mut toks: Vec<String> = doc.title.split_whitespace().map(str::to_owned).collect();
                let spots: Vec<usize> =
                    (0..toks.len()).filter(|&i| replace_word(&toks[i], &mut rng.clone(), false).is_some()).collect();
                if spots.is_empty() {
                    continue;
                }
                let i = *rng.pick(&spots);
                toks[i] = replace_word(&toks[i], rng, false)?;
                toks.join(" ")
            }
        };
        if !t.trim().is_empty() && t != doc.title {
            return Some(Doc { title: t, ..doc.clone() });
        }
    }
    let t = format!("{}{}", rng.pick(&TITLE_PREFIXES), doc.title);
    Some(Doc { title: t.trim().to_owned(), ..doc.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{doc, FLOOD};

    #[test]
    fn sentence_edit_replaces_a_few_words_of_one_sentence() {
        let d = doc(FLOOD);
        for seed in 0..20 {
            let e = edit_sentence(&d, &mut Rng::new(seed)).unwrap();
            let (a, b): (Vec<String>, Vec<String>) = (
                d.paras.iter().flat_map(|p| sentences(p)).collect(),
                e.paras.iter().flat_map(|p| sentences(p)).collect(),
            );
            assert_eq!(a.len(), b.len());
            let diff: Vec<(&String, &String)> = a.iter().zip(&b).filter(|(x, y)| x != y).collect();
            assert_eq!(diff.len(), 1, "one sentence edited");
            let (x, y) = diff[0];
            let (xs, ys): (Vec<&str>, Vec<&str>) = (x.split_whitespace().collect(), y.split_whitespace().collect());
            assert_eq!(xs.len(), ys.len());
            let replaced = xs.iter().zip(&ys).filter(|(p, q)| p != q).count();
            assert!((1..=3).contains(&replaced), "{replaced} words replaced in {y}");
        }
    }
    #[test]
    fn headline_changes() {
        let d = Doc { title: "Floods force thousands from homes in Bohemia".into(), ..doc(FLOOD) };
        for seed in 0..20 {
            let t = retitle(&d, &mut Rng::new(seed)).unwrap();
            assert_ne!(t.title, d.title);
            assert!(!t.title.trim().is_empty());
            assert_eq!(t.paras, d.paras);
        }
    }
}
