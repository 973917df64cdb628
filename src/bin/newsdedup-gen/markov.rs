//! The Markov chain: word trigrams, backing off to bigrams now and then so
//! that new stories are new and not long runs of one input article.

use std::collections::HashMap;

use crate::dates::{days_from_civil, format_day};
use crate::rng::Rng;
use crate::text::{
    balance_quotes, capitalize, ends_sentence, group, headline_from, paragraphs, sentences, split_token, words, Doc,
};

const BOUNDARY: u32 = 0;
const BACKOFF: f64 = 0.1;
const MIN_SENTENCE: usize = 5;
const MAX_SENTENCE: usize = 45;

pub(crate) struct Markov {
    vocab: Vec<String>,
    /// Per word: a name (capitalized, never seen in lower case) that a new story may recast.
    names: Vec<bool>,
    next2: HashMap<(u32, u32), Vec<u32>>,
    next1: HashMap<u32, Vec<u32>>,
}

/// The word of a token without punctuation or a possessive `'s`: (before, word, after).
fn name_core(tok: &str) -> (&str, &str, &str) {
    let (pre, core, _) = split_token(tok);
    let core = core.strip_suffix("'s").or_else(|| core.strip_suffix("\u{2019}s")).unwrap_or(core);
    (pre, core, &tok[pre.len() + core.len()..])
}

const SYLLABLES: [&str; 24] = [
    "ka", "lo", "ver", "dan", "mi", "sto", "ra", "bel", "tor", "nes", "qui", "mar", "el", "ost", "vin", "dra", "pel",
    "sen", "ga", "lu", "rik", "ham", "zo", "bri",
];

/// The people, places and figures of one new story: each name of the input
/// is kept or consistently replaced by a made-up one, so that new stories
/// share the phrasing of the inputs but are about different things.
#[derive(Default)]
pub(crate) struct Cast {
    names: HashMap<String, Option<String>>,
}

impl Cast {
    fn made_up(like: &str, rng: &mut Rng) -> String {
        if like.chars().all(|c| c.is_uppercase() || c.is_ascii_digit()) {
            let letter = |rng: &mut Rng| (b'A' + rng.below(26) as u8) as char;
            let digit = |rng: &mut Rng| (b'0' + rng.below(10) as u8) as char;
            return like.chars().map(|c| if c.is_ascii_digit() { digit(rng) } else { letter(rng) }).collect();
        }
        let n = rng.range(2, 3);
        capitalize(&(0..n).map(|_| *rng.pick(&SYLLABLES)).collect::<String>())
    }

    fn render(&mut self, tok: &str, is_name: bool, rng: &mut Rng) -> String {
        let (pre, core, post) = name_core(tok);
        if is_name {
            let new =
                self.names.entry(core.to_owned()).or_insert_with(|| rng.chance(0.7).then(|| Cast::made_up(core, rng)));
            if let Some(n) = new {
                return format!("{pre}{n}{post}");
            }
        } else if core.len() <= 6 && !core.is_empty() && core.chars().all(|c| c.is_ascii_digit()) {
            let year = core.len() == 4 && (core.starts_with("19") || core.starts_with("20"));
            if !year && rng.chance(0.5) {
                let first = (b'1' + rng.below(9) as u8) as char;
                let rest: String = (1..core.len()).map(|_| (b'0' + rng.below(10) as u8) as char).collect();
                return format!("{pre}{first}{rest}{post}");
            }
        }
        tok.to_owned()
    }
}

impl Markov {
    pub(crate) fn train<'a>(bodies: impl IntoIterator<Item = &'a str>) -> Markov {
        let mut m =
            Markov { vocab: vec![String::new()], names: Vec::new(), next2: HashMap::new(), next1: HashMap::new() };
        let mut index: HashMap<String, u32> = HashMap::new();
        for body in bodies {
            for par in paragraphs(body) {
                for s in sentences(&par) {
                    let toks: Vec<&str> = s.split_whitespace().collect();
                    if toks.len() < 4 || !ends_sentence(toks[toks.len() - 1], None) {
                        continue;
                    }
                    let (mut a, mut b) = (BOUNDARY, BOUNDARY);
                    for tok in toks {
                        let id = *index.entry(tok.to_owned()).or_insert_with(|| {
                            m.vocab.push(tok.to_owned());
                            (m.vocab.len() - 1) as u32
                        });
                        m.add(a, b, id);
                        (a, b) = (b, id);
                    }
                    m.add(a, b, BOUNDARY);
                }
            }
        }
        let lower: std::collections::HashSet<String> = m
            .vocab
            .iter()
            .map(|t| name_core(t).1)
            .filter(|c| c.starts_with(char::is_lowercase))
            .map(str::to_lowercase)
            .collect();
        m.names = m
            .vocab
            .iter()
            .map(|t| {
                let core = name_core(t).1;
                core.starts_with(char::is_uppercase)
                    && core.chars().count() >= 2
                    && core.chars().all(|c| c.is_alphanumeric() || c == '-')
                    && !lower.contains(&core.to_lowercase())
            })
            .collect();
        m
    }

    fn add(&mut self, a: u32, b: u32, next: u32) {
        self.next2.entry((a, b)).or_default().push(next);
        if b != BOUNDARY {
            self.next1.entry(b).or_default().push(next);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        !self.next2.contains_key(&(BOUNDARY, BOUNDARY))
    }

    fn walk(&self, rng: &mut Rng) -> Vec<u32> {
        let mut out = Vec::new();
        let (mut a, mut b) = (BOUNDARY, BOUNDARY);
        while out.len() < MAX_SENTENCE {
            let backoff = b != BOUNDARY && rng.chance(BACKOFF);
            let followers = if backoff { self.next1.get(&b) } else { None }
                .or_else(|| self.next2.get(&(a, b)))
                .or_else(|| self.next1.get(&b));
            let Some(f) = followers else { break };
            let w = f[rng.below(f.len())];
            if w == BOUNDARY {
                return out;
            }
            out.push(w);
            (a, b) = (b, w);
        }
        out.push(BOUNDARY); // too long: marks an unfinished walk
        out
    }

    /// One sentence of 5 to 45 words with balanced quotes.
    pub(crate) fn sentence(&self, rng: &mut Rng) -> String {
        self.sentence_in(rng, None)
    }

    /// A sentence with the names and figures of `cast`.
    fn sentence_in(&self, rng: &mut Rng, mut cast: Option<&mut Cast>) -> String {
        let mut last = Vec::new();
        for _ in 0..32 {
            let w = self.walk(rng);
            if w.last() != Some(&BOUNDARY) && (MIN_SENTENCE..=MAX_SENTENCE).contains(&w.len()) {
                last = w;
                break;
            }
            last = w.into_iter().filter(|&x| x != BOUNDARY).collect();
        }
        let toks: Vec<String> = last
            .iter()
            .map(|&x| {
                let tok = &self.vocab[x as usize];
                match cast.as_deref_mut() {
                    Some(c) => c.render(tok, self.names[x as usize], rng),
                    None => tok.clone(),
                }
            })
            .collect();
        let mut s = toks.join(" ");
        if !ends_sentence(&s, None) {
            s = s.trim_end_matches(|c: char| !c.is_alphanumeric()).to_owned() + ".";
        }
        balance_quotes(s)
    }

    pub(crate) fn title(&self, rng: &mut Rng, cast: Option<&mut Cast>) -> String {
        let n = rng.range(5, 11);
        headline_from(&self.sentence_in(rng, cast), n)
    }

    /// A new story of 150 to 900 words in 4 to 12 paragraphs, with its own cast.
    pub(crate) fn story(&self, rng: &mut Rng) -> Doc {
        let target = rng.range(150, 900);
        let mut cast = Cast::default();
        let (mut sents, mut n) = (Vec::new(), 0);
        while n < target || sents.len() < 4 {
            let s = self.sentence_in(rng, Some(&mut cast));
            let w = words(&s);
            if n + w > 900 {
                if n >= 150 && sents.len() >= 4 {
                    break;
                }
                continue;
            }
            n += w;
            sents.push(s);
        }
        let p = rng.range(4, 12);
        let title = self.title(rng, Some(&mut cast));
        let date = format_day(days_from_civil(2018, 1, 1) + rng.below(730) as i64);
        Doc { source: String::new(), title, date: Some(date), paras: group(sents, p, rng) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::inputs;

    #[test]
    fn markov_stories_have_the_shape_of_news_and_are_new() {
        let arts = inputs();
        let m = Markov::train(arts.iter().map(|a| a.body.in_memory().unwrap()));
        let mut r = Rng::new(11);
        let mut bodies = std::collections::BTreeSet::new();
        for _ in 0..40 {
            let d = m.story(&mut r);
            assert!((150..=900).contains(&d.words()), "{} words", d.words());
            assert!((4..=12).contains(&d.paras.len()), "{} paragraphs", d.paras.len());
            assert!(!d.title.is_empty());
            for p in &d.paras {
                for s in sentences(p) {
                    assert!(ends_sentence(&s, None), "sentence ends: {s}");
                    assert_eq!(s.matches('"').count() % 2, 0, "balanced: {s}");
                }
            }
            assert!(arts.iter().all(|a| a.body != d.body()));
            bodies.insert(d.body());
        }
        assert_eq!(bodies.len(), 40, "distinct stories");
    }

    #[test]
    fn new_stories_recast_names_consistently() {
        let arts = inputs();
        let m = Markov::train(arts.iter().map(|a| a.body.in_memory().unwrap()));
        let name = |w: &str| m.names[m.vocab.iter().position(|v| v == w).unwrap()];
        assert!(name("Prague") && name("Fiala") && name("Lagarde") && name("ECB"));
        assert!(!name("The") && !name("said") && !name("He"), "capitalized common words are not names");
        let mut r = Rng::new(9);
        for _ in 0..20 {
            let mut cast = Cast::default();
            let a = cast.render("Fiala's", true, &mut r);
            let b = cast.render("Fiala,", true, &mut r);
            assert_eq!(a.strip_suffix("'s"), b.strip_suffix(','), "one name, one replacement");
            let acronym = cast.render("(ECB)", true, &mut r);
            assert!(acronym.starts_with('(') && acronym.ends_with(')') && acronym.len() == 5, "{acronym}");
            assert_eq!(cast.render("the", false, &mut r), "the");
            assert_eq!(cast.render("2019.", false, &mut r), "2019.", "years stay");
        }
    }
}
