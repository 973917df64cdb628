//! Lines outlets add around wire copy: subheads, photo captions, agency
//! slugs and their own site boilerplate.

use crate::dates::MONTHS;
use crate::outlets::outlet_lines;
use crate::rng::Rng;
use crate::text::{capitalize, headline_case, Doc, SMALL_WORDS};

use super::dateline::city_for;

/// A subhead taken from `par`: 2 or 3 words in a row, not starting or ending on a small word.
fn subhead_phrase(par: &str, rng: &mut Rng) -> Option<String> {
    let ws: Vec<&str> = par.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric())).collect();
    let plain = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_alphabetic() || c == '\'' || c == '-');
    let edge = |w: &str| plain(w) && w.chars().count() >= 3 && !SMALL_WORDS.contains(&w.to_lowercase().as_str());
    let len = rng.range(2, 3);
    let spots: Vec<usize> = (0..ws.len().saturating_sub(len - 1))
        .filter(|&i| edge(ws[i]) && edge(ws[i + len - 1]) && ws[i..i + len].iter().all(|w| plain(w)))
        .collect();
    if spots.is_empty() {
        return None;
    }
    let i = *rng.pick(&spots);
    Some(ws[i..i + len].join(" "))
}

pub(super) fn subheads(doc: &Doc, rng: &mut Rng) -> Option<Doc> {
    let n = doc.paras.len();
    if n < 2 {
        return None;
    }
    let afp = rng.chance(0.5);
    let k = rng.range(1, 3);
    let at: Vec<usize> = rng.sample_sorted(n - 1, k).into_iter().map(|i| i + 1).collect();
    let mut paras = Vec::with_capacity(n + at.len());
    for (i, p) in doc.paras.iter().enumerate() {
        if at.binary_search(&i).is_ok() {
            if let Some(phrase) = subhead_phrase(p, rng) {
                paras.push(if afp { format!("- {} -", capitalize(&phrase)) } else { headline_case(&phrase) });
            }
        }
        paras.push(p.clone());
    }
    (paras.len() > n).then(|| Doc { paras, ..doc.clone() })
}

const FIRST_NAMES: [&str; 12] =
    ["Petr", "Evan", "Alex", "Maria", "Jacquelyn", "Susan", "Kiichiro", "Andrew", "Markus", "Ng Han", "Lisa", "Jose"];
const LAST_NAMES: [&str; 12] =
    ["Josek", "Vucci", "Brandon", "Sato", "Martin", "Walsh", "Harnik", "Schreiber", "Guan", "Kovacs", "Luis", "Rourke"];
const ACTIONS: [&str; 7] = [
    "speaks to journalists",
    "arrives for a meeting",
    "attends a news conference",
    "gestures during a press briefing",
    "looks on during a hearing",
    "walks past the building",
    "addresses supporters",
];
const SUBJECTS: [&str; 6] =
    ["A protester", "A police officer", "An official", "A lawmaker", "A supporter", "A journalist"];
const NOT_NAMES: [&str; 14] =
    ["The", "A", "An", "In", "On", "But", "He", "She", "It", "They", "We", "This", "That", "And"];
/// Second words of capitalized pairs that name institutions, not people.
const NOT_SURNAMES: [&str; 16] = [
    "Court",
    "Department",
    "House",
    "Republic",
    "Ministry",
    "Office",
    "Union",
    "States",
    "Bureau",
    "Party",
    "Times",
    "News",
    "Post",
    "Committee",
    "Council",
    "Music",
];

/// Two capitalized words in a row, like a person's name.
fn names_in(doc: &Doc) -> Vec<String> {
    let mut out = Vec::new();
    for p in &doc.paras {
        let toks: Vec<&str> = p.split_whitespace().collect();
        for w in toks.windows(2) {
            let cap = |t: &str| {
                t.chars().next().is_some_and(char::is_uppercase)
                    && t.chars().skip(1).all(|c| c.is_lowercase())
                    && t.chars().count() >= 2
            };
            let second = w[1].trim_end_matches(['.', ',', ';', ':', '\'', '"', '\u{2019}', '\u{201D}']);
            if cap(w[0])
                && cap(second)
                && !NOT_NAMES.contains(&w[0])
                && !NOT_SURNAMES.contains(&second)
                && !w[1].ends_with("'s")
            {
                out.push(format!("{} {second}", w[0]));
            }
        }
    }
    out
}

fn caption(doc: &Doc, rng: &mut Rng) -> String {
    let names = names_in(doc);
    let subject =
        if !names.is_empty() && rng.chance(0.6) { rng.pick(&names).clone() } else { rng.pick(&SUBJECTS).to_string() };
    let action = rng.pick(&ACTIONS);
    let city = city_for(doc, rng);
    let year = doc.date.as_deref().and_then(|d| d.get(..4)).filter(|y| y.parse::<u32>().is_ok()).unwrap_or("2019");
    let when = format!("{} {}, {year}", rng.pick(&MONTHS), rng.range(1, 28));
    let who = format!("{} {}", rng.pick(&FIRST_NAMES), rng.pick(&LAST_NAMES));
    let credit = match rng.below(4) {
        0 | 1 => format!("(AP Photo/{who})"),
        2 => format!("(Reuters/{who})"),
        _ => format!("(Photo by {who}/AFP via Getty Images)"),
    };
    let prefix = if rng.chance(0.6) { "Photo: " } else { "" };
    format!("{prefix}{subject} {action} in {city}, {when}. {credit}")
}

pub(super) fn captions(doc: &Doc, rng: &mut Rng) -> Option<Doc> {
    let mut d = doc.clone();
    for _ in 0..rng.range(1, 2) {
        let c = caption(doc, rng);
        let at = if rng.chance(0.5) { 0 } else { rng.below(d.paras.len() + 1) };
        d.paras.insert(at, c);
    }
    Some(d)
}

/// An agency slug: `bur-frj/jza/giv`.
fn slug_text(rng: &mut Rng) -> String {
    let group =
        |rng: &mut Rng| -> String { (0..rng.range(2, 4)).map(|_| (b'a' + rng.below(26) as u8) as char).collect() };
    let mut s = format!("{}-{}", group(rng), group(rng));
    for _ in 0..rng.range(1, 3) {
        s.push('/');
        s.push_str(&group(rng));
    }
    s
}

pub(super) fn slug(doc: &Doc, rng: &mut Rng) -> Option<Doc> {
    let mut d = doc.clone();
    let s = slug_text(rng);
    let last = d.paras.last_mut()?;
    if rng.chance(0.5) {
        last.push(' ');
        last.push_str(&s);
    } else {
        d.paras.push(s);
    }
    Some(d)
}

pub(super) fn boilerplate(doc: &Doc, outlet: usize) -> Option<Doc> {
    let (head, tail) = outlet_lines(outlet);
    let paras = head.into_iter().chain(doc.paras.iter().cloned()).chain(tail).collect();
    Some(Doc { paras, ..doc.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outlets::OUTLETS;
    use crate::testdata::{all_words, doc, is_subsequence, BANK, FLOOD};
    use crate::text::words;

    #[test]
    fn subheads_go_between_paragraphs() {
        let d = doc(FLOOD);
        for seed in 0..20 {
            let s = subheads(&d, &mut Rng::new(seed)).unwrap();
            let added = s.paras.len() - d.paras.len();
            assert!((1..=3).contains(&added));
            assert_eq!(s.paras[0], d.paras[0], "not before the first paragraph");
            assert_eq!(s.paras.last(), d.paras.last());
            let extra: Vec<&String> = s.paras.iter().filter(|p| !d.paras.contains(p)).collect();
            assert_eq!(extra.len(), added);
            for h in extra {
                assert!(words(h) <= 5, "{h}");
                let afp = h.starts_with("- ") && h.ends_with(" -");
                assert!(afp || h.split_whitespace().next().unwrap().starts_with(char::is_uppercase), "{h}");
            }
            assert!(is_subsequence(&d.paras, &s.paras));
        }
        assert_eq!(subheads(&doc("Only one paragraph here."), &mut Rng::new(1)), None);
    }

    #[test]
    fn captions_credit_a_photographer() {
        let d = doc(FLOOD);
        for seed in 0..20 {
            let c = captions(&d, &mut Rng::new(seed)).unwrap();
            let extra: Vec<&String> = c.paras.iter().filter(|p| !d.paras.contains(p)).collect();
            assert!((1..=2).contains(&extra.len()));
            for cap in extra {
                assert!(cap.contains("Photo") || cap.contains("(Reuters/"), "{cap}");
                assert!(cap.ends_with(')'), "{cap}");
            }
            assert!(is_subsequence(&d.paras, &c.paras));
        }
    }

    fn is_slug(s: &str) -> bool {
        let group = |g: &str| (2..=4).contains(&g.len()) && g.chars().all(|c| c.is_ascii_lowercase());
        let parts: Vec<&str> = s.split('/').collect();
        let Some((a, b)) = parts[0].split_once('-') else { return false };
        (2..=4).contains(&parts.len()) && group(a) && group(b) && parts[1..].iter().all(|g| group(g))
    }

    #[test]
    fn slug_is_appended_at_the_end() {
        let d = doc(FLOOD);
        for seed in 0..20 {
            let s = slug(&d, &mut Rng::new(seed)).unwrap();
            let last = s.body().split_whitespace().last().unwrap().to_owned();
            assert!(is_slug(&last), "{last}");
            assert!(s.body().starts_with(&d.body()));
            assert_eq!(all_words(&s).len(), all_words(&d).len() + 1);
        }
    }

    #[test]
    fn boilerplate_is_fixed_per_outlet() {
        let (a, b) = (doc(FLOOD), doc(BANK));
        for outlet in 0..OUTLETS.len() {
            let (x, y) = (boilerplate(&a, outlet).unwrap(), boilerplate(&b, outlet).unwrap());
            let (head, tail) = outlet_lines(outlet);
            assert!(!tail.is_empty());
            for (d, base) in [(&x, &a), (&y, &b)] {
                assert_eq!(d.paras[..head.len()], head[..]);
                assert_eq!(d.paras[d.paras.len() - tail.len()..], tail[..]);
                assert_eq!(d.paras[head.len()..d.paras.len() - tail.len()], base.paras[..]);
            }
        }
        assert_ne!(outlet_lines(0), outlet_lines(1));
    }
}
