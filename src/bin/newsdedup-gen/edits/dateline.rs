//! Datelines (`PRAGUE (AP) \u{2014} `): recognised and dropped, or added.

use crate::dates::MONTHS;
use crate::rng::Rng;
use crate::text::{capitalize, words, Doc};

const CITIES: [&str; 24] = [
    "Washington",
    "New York",
    "Prague",
    "London",
    "Paris",
    "Berlin",
    "Brussels",
    "Beijing",
    "Tokyo",
    "Moscow",
    "Seoul",
    "Kyiv",
    "Geneva",
    "Rome",
    "Madrid",
    "Stockholm",
    "Sydney",
    "Toronto",
    "Hong Kong",
    "Taipei",
    "Los Angeles",
    "Chicago",
    "Raleigh",
    "Austin",
];
const AGENCIES: [&str; 5] = ["AP", "AFP", "Reuters", "dpa", "Bloomberg"];

/// The first city of [`CITIES`] the document mentions, or a random one.
pub(super) fn city_for(doc: &Doc, rng: &mut Rng) -> &'static str {
    let found = CITIES.iter().find(|c| doc.paras.iter().any(|p| p.contains(*c)));
    found.copied().unwrap_or_else(|| *rng.pick(&CITIES))
}

/// Byte length of the dateline opening `par` (`PRAGUE (AP) — `, `PRAGUE: `,
/// `AUSTIN, Texas — `, `NEW YORK, May 30 (Reuters) - `, `PRAGUE--`), with the
/// spaces after it.
pub(super) fn dateline_len(par: &str) -> Option<usize> {
    let chars: Vec<(usize, char)> = par.char_indices().collect();
    let mut i = 0;
    let mut upper = 0;
    while let Some(&(_, c)) = chars.get(i) {
        let next_upper = chars.get(i + 1).is_some_and(|&(_, n)| n.is_uppercase());
        if c.is_uppercase() {
            upper += 1;
        } else if !(c == ' ' || c == '.' || c == '\'' || (c == '-' && next_upper && upper > 0)) {
            break;
        }
        i += 1;
    }
    if upper < 2 || i > 40 {
        return None;
    }
    let byte = |i: usize| chars.get(i).map_or(par.len(), |&(b, _)| b);
    let mut rest = &par[byte(i)..];
    // The place must be whole words.
    if chars.get(i).is_some_and(|&(_, c)| c.is_alphanumeric()) {
        return None;
    }
    if let Some(r) = rest.strip_prefix(',') {
        // A state or a date: `, Texas`, `, May 30`.
        let end = r.find(['(', '\u{2014}', '\u{2013}', ':']).or_else(|| r.find(" -"))?;
        let q = &r[..end];
        if end > 25 || !q.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '.') {
            return None;
        }
        rest = &r[end..];
    }
    let mut agency = false;
    let t = rest.trim_start();
    if let Some(r) = t.strip_prefix('(') {
        let close = r.find(')')?;
        if close == 0 || close > 20 || !r[..close].chars().all(|c| c.is_alphanumeric() || " /.&".contains(c)) {
            return None;
        }
        rest = &r[close + 1..];
        agency = true;
    }
    let t = rest.trim_start();
    let after = ["\u{2014}", "\u{2013}", "--", "-", ":"].iter().find_map(|s| t.strip_prefix(s));
    let rest = match after {
        Some(r) => r,
        None if agency => t,
        None => return None,
    };
    let rest = rest.trim_start();
    (!rest.is_empty()).then(|| par.len() - rest.len())
}

pub(super) fn dateline(doc: &Doc, rng: &mut Rng) -> Option<Doc> {
    let mut d = doc.clone();
    // Real copy often opens with a byline or a timestamp: look at the first few paragraphs.
    if let Some((i, len)) = doc.paras.iter().take(4).enumerate().find_map(|(i, p)| Some((i, dateline_len(p)?))) {
        d.paras[i] = capitalize(&doc.paras[i][len..]);
        return Some(d);
    }
    let lede = doc.paras.iter().position(|p| words(p) >= 20).unwrap_or(0);
    let first = doc.paras.get(lede)?;
    let city = city_for(doc, rng).to_uppercase();
    let agency = rng.pick(&AGENCIES);
    let line = match rng.below(5) {
        0 => format!("{city} ({agency}) \u{2014} "),
        1 => format!("{city}: "),
        2 => format!("{city} -- "),
        3 => format!("{city}, {} {} ({agency}) - ", rng.pick(&MONTHS), rng.range(1, 28)),
        _ => format!("{city}--"),
    };
    d.paras[lede] = format!("{line}{first}");
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{doc, FLOOD};

    #[test]
    fn datelines_are_recognised_dropped_and_added() {
        for (text, rest) in [
            ("PRAGUE (AP) \u{2014} The Czech Republic said", "The Czech Republic said"),
            ("PRAGUE: The Czech Republic said", "The Czech Republic said"),
            ("NEW YORK, May 30 (Reuters) - The Trump administration", "The Trump administration"),
            ("AUSTIN, Texas \u{2014} Computer files", "Computer files"),
            ("PRAGUE--The Czech Republic", "The Czech Republic"),
            ("WASHINGTON -- The director", "The director"),
            ("WILKES-BARRE, Pa. (AP) \u{2014} A judge", "A judge"),
        ] {
            let n = dateline_len(text).unwrap_or_else(|| panic!("dateline in {text}"));
            assert_eq!(&text[n..], rest);
        }
        for text in ["The Czech Republic said", "NATO said on Friday", "I said so", "ADAM LIPTAK works here"] {
            assert_eq!(dateline_len(text), None, "{text}");
        }
        let with = doc(FLOOD);
        let dropped = dateline(&with, &mut Rng::new(1)).unwrap();
        assert!(dropped.paras[0].starts_with("Heavy rain caused"));
        assert_eq!(dropped.paras[1..], with.paras[1..]);
        for seed in 0..20 {
            let added = dateline(&dropped, &mut Rng::new(seed)).unwrap();
            let n = dateline_len(&added.paras[0]).expect("an added dateline is recognised");
            assert_eq!(&added.paras[0][n..], dropped.paras[0]);
            assert!(added.paras[0][..n].contains("PRAGUE"), "a city the story mentions");
        }
    }
}
