//! `newsdedup-gen`: write a large, labelled corpus of syndicated news copies
//! for `newsdedup eval`, reproducible from a seed.
//!
//! ```text
//! newsdedup-gen --seed 1 --articles 10000 --out gen.jsonl --truth gen.truth.jsonl INPUT...
//! ```
//!
//! * Base stories: the input articles (one per `--base-truth` cluster), then
//!   as many stories as needed written by a word Markov chain trained on every
//!   input body. Each base story is its own truth cluster.
//! * Variants: each story is carried by 1 to 8 more outlets, each altering the
//!   copy in 1 to 4 of the ways outlets alter wire copy (see [`Edit`]). A
//!   variant is in its story's cluster.
//! * Decoys (`--decoys`, a share of the records): different articles quoting
//!   1 to 3 of a story's quoted sentences. Each is its own cluster.
//!
//! Records are shuffled and numbered `gen-000000`, ...; a story's cluster is
//! the id of its base record, a decoy's its own id. The pseudo-random
//! generator (xoshiro256** seeded by splitmix64) is written out here and no
//! hash map is ever iterated, so a seed and the same inputs give
//! byte-identical files on every platform and with every crate version.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use serde_json::{Map, Value};

use newsdedup::reader::InputFormat;
use newsdedup::record::Article;

const EXAMPLES: &str = "\
Examples:
  newsdedup-gen --seed 1 --articles 10000 --out gen.jsonl --truth gen.truth.jsonl \\
      --base-truth web.truth.jsonl web.jsonl listing.txt
  newsdedup eval --truth gen.truth.jsonl gen.jsonl";

/// Write a seeded, labelled corpus of syndicated copies, new stories and
/// decoys built from real news articles, for `newsdedup eval`.
#[derive(Debug, Parser)]
#[command(name = "newsdedup-gen", version, after_help = EXAMPLES)]
struct Cli {
    /// Seed of the pseudo-random generator: the same seed and inputs give byte-identical files.
    #[arg(long, value_name = "N")]
    seed: u64,
    /// Number of records to write, exactly.
    #[arg(long, value_name = "N")]
    articles: usize,
    /// Corpus to write: JSON Lines of `id`, `source`, `title`, `date`, `body`.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Truth to write: JSON Lines of `id`, `cluster`, one row per record in corpus order.
    #[arg(long, value_name = "FILE")]
    truth: PathBuf,
    /// Share of the records that are decoys: different articles quoting the same statements as a story.
    #[arg(long, default_value_t = 0.1, value_name = "FRACTION")]
    decoys: f64,
    /// Truth for the inputs (`{"id": ..., "cluster": ...}` a line; repeatable): only one article
    /// per cluster, the longest, becomes a base story. Without it every input record is its own story.
    #[arg(long, value_name = "FILE")]
    base_truth: Vec<PathBuf>,
    /// Inputs, listing text or JSON Lines as newsdedup reads them.
    #[arg(value_name = "INPUT", required = true)]
    inputs: Vec<PathBuf>,
}

fn main() -> ExitCode {
    newsdedup::messages::set_program("newsdedup-gen");
    match run(&Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            newsdedup::message!("{e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> Result<(), String> {
    let start = Instant::now();
    if !(0.0..=1.0).contains(&cli.decoys) {
        return Err(format!("--decoys must be from 0 to 1, not {}", cli.decoys));
    }
    let read = newsdedup::input::read_all(&cli.inputs, InputFormat::Auto).map_err(|e| e.to_string())?;
    for p in &read.problems {
        newsdedup::message!("{p}");
    }
    let mut labels = HashMap::new();
    for (n, path) in cli.base_truth.iter().enumerate() {
        for (id, label) in read_labels(path)? {
            // Labels of different truth files never meet.
            labels.insert(id, format!("{n}:{label}"));
        }
    }
    if cli.base_truth.is_empty() {
        newsdedup::message!("no --base-truth: copies among the inputs become different stories in the truth");
    }
    let known = read.articles.iter().filter(|a| labels.contains_key(&a.id)).count();
    if labels.len() > known {
        newsdedup::message!(
            "{} --base-truth id(s) are not in the inputs (ids of listing records are FILE:LINE as given on the command line)",
            labels.len() - known
        );
    }
    let opts = Options { seed: cli.seed, articles: cli.articles, decoys: cli.decoys };
    let corpus = generate(&opts, &read.articles, &labels)?;
    let create = |p: &Path| File::create(p).map(BufWriter::new).map_err(|e| format!("{}: {e}", p.display()));
    let (mut out, mut truth) = (create(&cli.out)?, create(&cli.truth)?);
    write_corpus(&corpus, &mut out, &mut truth)
        .and_then(|()| out.flush())
        .and_then(|()| truth.flush())
        .map_err(|e| format!("writing {} / {}: {e}", cli.out.display(), cli.truth.display()))?;
    let s = &corpus.stats;
    newsdedup::message!(
        "{} records: {} stories ({} real, {} synthetic), {} variants, {} decoys; seed {}, {:.2}s",
        corpus.records.len(),
        s.real + s.synthetic,
        s.real,
        s.synthetic,
        s.variants,
        s.decoys,
        cli.seed,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `(id, cluster)` of every row of a truth file; ids and labels may be strings or numbers.
fn read_labels(path: &Path) -> Result<Vec<(String, String)>, String> {
    let name = path.display();
    let file = File::open(path).map_err(|e| format!("{name}: {e}"))?;
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let mut out = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| format!("{name}: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line).map_err(|e| format!("{name}:{}: {e}", n + 1))?;
        match (text(v.get("id")), text(v.get("cluster"))) {
            (Some(id), Some(label)) => out.push((id, label)),
            _ => return Err(format!("{name}:{}: a truth row needs `id` and `cluster`", n + 1)),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Pseudo-random numbers: xoshiro256** seeded by splitmix64, both fixed forever.

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[derive(Debug, Clone)]
struct Rng {
    s: [u64; 4],
}

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut sm = seed;
        Rng { s: [splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm)] }
    }

    /// An independent stream for one stage of the generator, so that stages
    /// do not shift each other's numbers.
    fn stream(seed: u64, stage: u64) -> Rng {
        let mut sm = seed ^ stage.wrapping_mul(0xD605_BBB5_8C8A_BBCD);
        Rng::new(splitmix64(&mut sm))
    }

    fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (`n > 0`), without modulo bias (Lemire's method).
    fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "below(0)");
        let n = n as u64;
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as usize;
            }
        }
    }

    /// Uniform in `lo..=hi`; `lo` when `hi < lo`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        if hi <= lo {
            lo
        } else {
            lo + self.below(hi - lo + 1)
        }
    }

    /// Uniform in `[0, 1)` with 53 bits.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// Index drawn with the given integer weights.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut x = self.below(total as usize) as u64;
        for (i, &w) in weights.iter().enumerate() {
            if x < u64::from(w) {
                return i;
            }
            x -= u64::from(w);
        }
        unreachable!("weights sum to total")
    }

    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i + 1);
            xs.swap(i, j);
        }
    }

    /// `k` distinct indices of `0..n` (all of them when `k >= n`), in draw order.
    fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        let k = k.min(n);
        for i in 0..k {
            let j = i + self.below(n - i);
            all.swap(i, j);
        }
        all.truncate(k);
        all
    }

    /// Like [`Rng::sample`], sorted.
    fn sample_sorted(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut v = self.sample(n, k);
        v.sort_unstable();
        v
    }
}

// ---------------------------------------------------------------------------
// Text: paragraphs, sentences, words.

/// Documents are paragraphs of text; a body joins them with blank lines.
#[derive(Debug, Clone, PartialEq)]
struct Doc {
    source: String,
    title: String,
    date: Option<String>,
    paras: Vec<String>,
}

impl Doc {
    fn body(&self) -> String {
        self.paras.join("\n\n")
    }

    fn words(&self) -> usize {
        self.paras.iter().map(|p| words(p)).sum()
    }
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Paragraphs of a body: runs of non-blank lines.
fn paragraphs(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in body.lines() {
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            if !cur.is_empty() {
                cur.push('\n');
            }
            cur.push_str(line.trim());
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

const OPENERS: &[char] = &['"', '\'', '\u{201C}', '\u{2018}', '(', '['];
const CLOSERS: &[char] = &['"', '\'', '\u{201D}', '\u{2019}', ')', ']'];

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "prof", "jr", "sr", "inc", "corp",
    "co", "ltd", "no", "vs", "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "u.s", "u.k",
    "u.n", "d.c", "a.m", "p.m", "e.g", "i.e", "calif", "mass", "fla", "ariz", "ore", "wash",
];

fn is_abbreviation(core: &str) -> bool {
    let w = core.trim_end_matches('.').trim_start_matches(OPENERS);
    let mut chars = w.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_uppercase();
    }
    ABBREVIATIONS.contains(&w.to_lowercase().as_str())
}

/// Whether token `tok` ends a sentence, given the token after it.
fn ends_sentence(tok: &str, next: Option<&str>) -> bool {
    let core = tok.trim_end_matches(CLOSERS);
    if !core.ends_with(['.', '!', '?']) {
        return false;
    }
    let Some(next) = next else { return true };
    match next.trim_start_matches(OPENERS).chars().next() {
        Some(c) if c.is_uppercase() || c.is_ascii_digit() => !is_abbreviation(core),
        _ => false,
    }
}

/// Sentences of a paragraph, whitespace collapsed to single spaces.
fn sentences(par: &str) -> Vec<String> {
    let toks: Vec<&str> = par.split_whitespace().collect();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, tok) in toks.iter().enumerate() {
        if ends_sentence(tok, toks.get(i + 1).copied()) {
            out.push(toks[start..=i].join(" "));
            start = i + 1;
        }
    }
    if start < toks.len() {
        out.push(toks[start..].join(" "));
    }
    out
}

fn is_double_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{201E}')
}

/// An opening quote may follow these (or the start of the text).
fn opens_after(prev: Option<char>) -> bool {
    prev.is_none_or(|p| p.is_whitespace() || "([{\u{2014}\u{2013}-/".contains(p))
}

/// Whether a sentence quotes someone: double quotes, or a single quote opening a word.
fn has_quote(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| {
        is_double_quote(c)
            || (matches!(c, '\'' | '\u{2018}')
                && opens_after(i.checked_sub(1).map(|j| chars[j]))
                && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric()))
    })
}

/// Remove unpaired quote marks that a Markov chain leaves behind.
fn balance_quotes(s: String) -> String {
    let straight = s.matches('"').count();
    let (open, close) = (s.matches('\u{201C}').count(), s.matches('\u{201D}').count());
    let s = if straight % 2 == 1 || open != close { s.chars().filter(|&c| !is_double_quote(c)).collect() } else { s };
    let chars: Vec<char> = s.chars().collect();
    let opening = |i: usize| {
        matches!(chars[i], '\'' | '\u{2018}')
            && opens_after(i.checked_sub(1).map(|j| chars[j]))
            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric())
    };
    let closing = |i: usize| {
        matches!(chars[i], '\'' | '\u{2019}')
            && i > 0
            && !chars[i - 1].is_whitespace()
            && chars.get(i + 1).is_none_or(|n| n.is_whitespace() || ".,;:!?)".contains(*n))
    };
    let opens = (0..chars.len()).filter(|&i| opening(i)).count();
    let closes = (0..chars.len()).filter(|&i| closing(i)).count();
    if opens > closes {
        (0..chars.len()).filter(|&i| !opening(i)).map(|i| chars[i]).collect()
    } else {
        s
    }
}

const SMALL_WORDS: &[&str] =
    &["a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"];

fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Headline case: every word capitalized except small words after the first.
fn headline_case(s: &str) -> String {
    let mut out = Vec::new();
    for (i, w) in s.split_whitespace().enumerate() {
        if i > 0 && SMALL_WORDS.contains(&w.to_lowercase().as_str()) {
            out.push(w.to_lowercase());
        } else {
            out.push(capitalize(w));
        }
    }
    out.join(" ")
}

/// A headline from running text: its first `n` words without quotes, with
/// no dangling small word or punctuation at the end.
fn headline_from(text: &str, n: usize) -> String {
    let mut toks: Vec<String> = text
        .split_whitespace()
        .map(|t| t.chars().filter(|&c| !is_double_quote(c) && !matches!(c, '\u{2018}' | '(' | ')')).collect::<String>())
        .map(|t| t.trim_matches(|c: char| c == '\'' || c == '\u{2019}').to_owned())
        .filter(|t| t.chars().any(char::is_alphanumeric))
        .take(n)
        .collect();
    while toks.len() > 2 && SMALL_WORDS.contains(&toks[toks.len() - 1].to_lowercase().trim_end_matches(',')) {
        toks.pop();
    }
    let joined = toks.join(" ");
    headline_case(joined.trim_end_matches(|c: char| !c.is_alphanumeric()))
}

/// Split `sents` into `p` non-empty runs of consecutive sentences.
fn group(sents: Vec<String>, p: usize, rng: &mut Rng) -> Vec<String> {
    let n = sents.len();
    let p = p.clamp(1, n.max(1));
    let cuts: Vec<usize> = rng.sample_sorted(n.saturating_sub(1), p - 1).into_iter().map(|c| c + 1).collect();
    let mut out = Vec::with_capacity(p);
    let mut cur: Vec<String> = Vec::new();
    for (i, s) in sents.into_iter().enumerate() {
        if cuts.binary_search(&i).is_ok() {
            out.push(cur.join(" "));
            cur.clear();
        }
        cur.push(s);
    }
    if !cur.is_empty() {
        out.push(cur.join(" "));
    }
    out
}

// ---------------------------------------------------------------------------
// Dates: `YYYY-MM-DD` arithmetic (Howard Hinnant's civil-day algorithms).

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn format_day(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `date` moved by `by` days when it starts with `YYYY-MM-DD` (the rest is kept).
fn shift_date(date: &str, by: i64) -> Option<String> {
    let b = date.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| date.get(r)?.parse::<u32>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(format_day(days_from_civil(i64::from(y), m, d) + by) + &date[10..])
}

const MONTHS: [&str; 12] =
    ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."];

// ---------------------------------------------------------------------------
// The Markov chain: word trigrams, backing off to bigrams now and then so
// that new stories are new and not long runs of one input article.

const BOUNDARY: u32 = 0;
const BACKOFF: f64 = 0.1;
const MIN_SENTENCE: usize = 5;
const MAX_SENTENCE: usize = 45;

struct Markov {
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
struct Cast {
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
    fn train<'a>(bodies: impl IntoIterator<Item = &'a str>) -> Markov {
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

    fn is_empty(&self) -> bool {
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
    fn sentence(&self, rng: &mut Rng) -> String {
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

    fn title(&self, rng: &mut Rng, cast: Option<&mut Cast>) -> String {
        let n = rng.range(5, 11);
        headline_from(&self.sentence_in(rng, cast), n)
    }

    /// A new story of 150 to 900 words in 4 to 12 paragraphs, with its own cast.
    fn story(&self, rng: &mut Rng) -> Doc {
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

// ---------------------------------------------------------------------------
// Outlets: names and the fixed site boilerplate of each.

const OUTLETS: [&str; 40] = [
    "Yahoo News",
    "The Sun",
    "Daily Mail",
    "The Independent",
    "ABC News",
    "CBS News",
    "NBC News",
    "Fox News",
    "The Washington Post",
    "Los Angeles Times",
    "Chicago Tribune",
    "The Seattle Times",
    "The Boston Globe",
    "Houston Chronicle",
    "San Francisco Chronicle",
    "Star Tribune",
    "Miami Herald",
    "The Denver Post",
    "Tampa Bay Times",
    "Arkansas Democrat-Gazette",
    "Hindustan Times",
    "The Straits Times",
    "South China Morning Post",
    "The Japan Times",
    "Asahi Shimbun",
    "The Hindu",
    "Arab News",
    "France 24",
    "Deutsche Welle",
    "The Irish Times",
    "The Guardian",
    "The Sydney Morning Herald",
    "NZ Herald",
    "Toronto Star",
    "CTV News",
    "Euronews",
    "MarketWatch",
    "Business Insider",
    "Newsweek",
    "U.S. News & World Report",
];

const HEAD_LINES: [&str; 5] =
    ["Advertisement", "Listen to this article", "Share this article", "Supported by", "{name} | Breaking News"];

const TAIL_LINES: [&str; 12] = [
    "Sign up for our daily newsletter.",
    "Sign up for the {name} morning briefing and get the day's top stories in your inbox.",
    "Follow {name} on Facebook, Twitter and Instagram.",
    "Copyright 2019 {name}. All rights reserved.",
    "This material may not be published, broadcast, rewritten or redistributed.",
    "Download the {name} app for breaking news alerts.",
    "Have a news tip? Email us at tips@{domain}.",
    "Subscribe to {name} for unlimited digital access.",
    "We use cookies to improve your experience on our site.",
    "Comments on this article are closed.",
    "Related Stories",
    "Most Read",
];

/// The fixed (head, tail) boilerplate lines of outlet `i`.
fn outlet_lines(i: usize) -> (Vec<String>, Vec<String>) {
    let name = OUTLETS[i];
    let domain: String = name.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase() + ".com";
    let fill = |t: &str| t.replace("{name}", name).replace("{domain}", &domain);
    let head = if i % 3 == 0 { vec![fill(HEAD_LINES[(i / 3) % HEAD_LINES.len()])] } else { Vec::new() };
    let tail = (0..1 + i % 3).map(|k| fill(TAIL_LINES[(i * 5 + k * 7) % TAIL_LINES.len()])).collect();
    (head, tail)
}

// ---------------------------------------------------------------------------
// Edits: the ways outlets alter wire copy.

/// One alteration of a syndicated copy. Variants apply theirs in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edit {
    /// Cut to the first K paragraphs (at least 2 paragraphs and 80 words kept).
    Truncate,
    /// Drop the dateline (`PRAGUE (AP) — `), or add one.
    Dateline,
    /// Link text removed: 2-5 word spans dropped from a few sentences.
    LinkGaps,
    /// One sentence edited: 1-3 words replaced.
    Reword,
    /// Quote marks changed: straight <-> curly, single <-> double.
    Quotes,
    /// Subheads inserted between paragraphs.
    Subheads,
    /// Photo captions added.
    Captions,
    /// Agency slug (`bur-frj/jza/giv`) appended.
    Slug,
    /// The outlet's fixed site boilerplate added.
    Boilerplate,
    /// A new headline.
    Headline,
}

impl Edit {
    const ALL: [Edit; 10] = [
        Edit::Truncate,
        Edit::Dateline,
        Edit::LinkGaps,
        Edit::Reword,
        Edit::Quotes,
        Edit::Subheads,
        Edit::Captions,
        Edit::Slug,
        Edit::Boilerplate,
        Edit::Headline,
    ];

    fn name(self) -> &'static str {
        match self {
            Edit::Truncate => "truncate",
            Edit::Dateline => "dateline",
            Edit::LinkGaps => "link-gaps",
            Edit::Reword => "sentence-edit",
            Edit::Quotes => "quotes",
            Edit::Subheads => "subheads",
            Edit::Captions => "captions",
            Edit::Slug => "slug",
            Edit::Boilerplate => "boilerplate",
            Edit::Headline => "headline",
        }
    }

    /// The edited document, or `None` when the edit does not apply (or would change nothing).
    fn apply(self, doc: &Doc, outlet: usize, rng: &mut Rng) -> Option<Doc> {
        match self {
            Edit::Truncate => truncate(doc, rng),
            Edit::Dateline => dateline(doc, rng),
            Edit::LinkGaps => link_gaps(doc, rng),
            Edit::Reword => edit_sentence(doc, rng),
            Edit::Quotes => requote(doc, rng),
            Edit::Subheads => subheads(doc, rng),
            Edit::Captions => captions(doc, rng),
            Edit::Slug => slug(doc, rng),
            Edit::Boilerplate => boilerplate(doc, outlet),
            Edit::Headline => retitle(doc, rng),
        }
    }
}

fn truncate(doc: &Doc, rng: &mut Rng) -> Option<Doc> {
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
fn city_for(doc: &Doc, rng: &mut Rng) -> &'static str {
    let found = CITIES.iter().find(|c| doc.paras.iter().any(|p| p.contains(*c)));
    found.copied().unwrap_or_else(|| *rng.pick(&CITIES))
}

/// Byte length of the dateline opening `par` (`PRAGUE (AP) — `, `PRAGUE: `,
/// `AUSTIN, Texas — `, `NEW YORK, May 30 (Reuters) - `, `PRAGUE--`), with the
/// spaces after it.
fn dateline_len(par: &str) -> Option<usize> {
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

fn dateline(doc: &Doc, rng: &mut Rng) -> Option<Doc> {
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

/// Words after which outlets' link text tends to start: "according to a [report]".
const LINK_TRIGGERS: [&str; 9] = ["a", "an", "the", "to", "in", "on", "via", "from", "by"];

fn link_gaps(doc: &Doc, rng: &mut Rng) -> Option<Doc> {
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

/// Split a token into (leading punctuation, word, trailing punctuation).
fn split_token(tok: &str) -> (&str, &str, &str) {
    let start = tok.find(char::is_alphanumeric).unwrap_or(tok.len());
    let end = tok.rfind(char::is_alphanumeric).map_or(start, |i| i + tok[i..].chars().next().map_or(1, char::len_utf8));
    (&tok[..start], &tok[start..end], &tok[end..])
}

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

fn edit_sentence(doc: &Doc, rng: &mut Rng) -> Option<Doc> {
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

/// How [`requote`] changes quote marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteChange {
    StraightToCurly,
    CurlyToStraight,
    SingleToDouble,
    DoubleToSingle,
}

fn convert_quotes(text: &str, how: QuoteChange) -> String {
    let chars: Vec<char> = text.chars().collect();
    let prev = |i: usize| i.checked_sub(1).map(|j| chars[j]);
    let mut out = String::with_capacity(text.len() + 8);
    let mut open = false;
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let opening = opens_after(prev(i)) && next.is_some_and(|n| !n.is_whitespace());
        out.push(match (how, c) {
            (QuoteChange::StraightToCurly, '"') if opening => '\u{201C}',
            (QuoteChange::StraightToCurly, '"') => '\u{201D}',
            (QuoteChange::StraightToCurly, '\'') if opening => '\u{2018}',
            (QuoteChange::StraightToCurly, '\'') => '\u{2019}',
            (QuoteChange::CurlyToStraight, '\u{201C}' | '\u{201D}' | '\u{201E}') => '"',
            (QuoteChange::CurlyToStraight, '\u{2018}' | '\u{2019}') => '\'',
            (QuoteChange::DoubleToSingle, '"') => '\'',
            (QuoteChange::DoubleToSingle, '\u{201C}') => '\u{2018}',
            (QuoteChange::DoubleToSingle, '\u{201D}') => '\u{2019}',
            (QuoteChange::SingleToDouble, '\'' | '\u{2018}') if opening && next.is_some_and(char::is_alphanumeric) => {
                open = true;
                if c == '\'' {
                    '"'
                } else {
                    '\u{201C}'
                }
            }
            (QuoteChange::SingleToDouble, '\'' | '\u{2019}')
                if open
                    && prev(i).is_some_and(|p| !p.is_whitespace())
                    && next.is_none_or(|n| n.is_whitespace() || ".,;:!?)-\u{2014}".contains(n)) =>
            {
                open = false;
                if c == '\'' {
                    '"'
                } else {
                    '\u{201D}'
                }
            }
            _ => c,
        });
    }
    out
}

fn requote(doc: &Doc, rng: &mut Rng) -> Option<Doc> {
    let mut ways = [
        QuoteChange::StraightToCurly,
        QuoteChange::CurlyToStraight,
        QuoteChange::SingleToDouble,
        QuoteChange::DoubleToSingle,
    ];
    rng.shuffle(&mut ways);
    ways.into_iter().find_map(|how| {
        let d = Doc {
            title: convert_quotes(&doc.title, how),
            paras: doc.paras.iter().map(|p| convert_quotes(p, how)).collect(),
            ..doc.clone()
        };
        // Only a change inside the body counts: the title alone is not a quote edit.
        (d.paras != doc.paras).then_some(d)
    })
}

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

fn subheads(doc: &Doc, rng: &mut Rng) -> Option<Doc> {
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

fn captions(doc: &Doc, rng: &mut Rng) -> Option<Doc> {
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

fn slug(doc: &Doc, rng: &mut Rng) -> Option<Doc> {
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

fn boilerplate(doc: &Doc, outlet: usize) -> Option<Doc> {
    let (head, tail) = outlet_lines(outlet);
    let paras = head.into_iter().chain(doc.paras.iter().cloned()).chain(tail).collect();
    Some(Doc { paras, ..doc.clone() })
}

const TITLE_PREFIXES: [&str; 6] = ["UPDATE 1-", "UPDATE 2-", "WATCH: ", "Breaking: ", "EXPLAINER: ", "Live updates: "];

fn retitle(doc: &Doc, rng: &mut Rng) -> Option<Doc> {
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

/// Copies per story beyond the base: 1 to 8, mostly few.
const VARIANT_WEIGHTS: [u32; 8] = [40, 22, 13, 9, 6, 4, 3, 3];

/// A syndicated copy of `base` by outlet `outlet`, with the edits applied.
fn variant(base: &Doc, outlet: usize, rng: &mut Rng) -> (Doc, Vec<Edit>) {
    let want = 1 + rng.weighted(&[35, 30, 20, 15]);
    let mut order = Edit::ALL;
    rng.shuffle(&mut order);
    let chosen = &order[..want];
    let mut doc = Doc { source: OUTLETS[outlet].to_owned(), ..base.clone() };
    if let Some(date) = doc.date.as_deref().and_then(|d| shift_date(d, rng.range(0, 2) as i64)) {
        doc.date = Some(date);
    }
    let mut applied = Vec::new();
    for e in Edit::ALL.into_iter().filter(|e| chosen.contains(e)) {
        if let Some(d) = e.apply(&doc, outlet, rng) {
            doc = d;
            applied.push(e);
        }
    }
    if applied.is_empty() {
        if let Some(d) = retitle(&doc, rng) {
            doc = d;
            applied.push(Edit::Headline);
        }
    }
    (doc, applied)
}

/// The sentences of `doc` that quote someone, long enough to recognise.
fn quoted_sentences(doc: &Doc) -> Vec<String> {
    doc.paras.iter().flat_map(|p| sentences(p)).filter(|s| (6..=40).contains(&words(s)) && has_quote(s)).collect()
}

/// A different article quoting 1 to 3 of `quotes`, the rest written by the chain.
fn decoy(quotes: &[String], date: Option<String>, markov: &Markov, rng: &mut Rng) -> (Doc, usize) {
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

// ---------------------------------------------------------------------------
// The corpus.

struct Options {
    seed: u64,
    articles: usize,
    decoys: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Base,
    Variant,
    Decoy,
}

#[derive(Debug, Clone)]
struct Record {
    doc: Doc,
    kind: Kind,
    /// The story: its cluster, or for a decoy the story it quotes.
    story: usize,
    edits: Vec<Edit>,
    /// The input id of a real base story.
    from: Option<String>,
    /// Quoted sentences a decoy shares with its story.
    quotes: usize,
}

#[derive(Debug, Default, Clone, PartialEq)]
struct Stats {
    real: usize,
    synthetic: usize,
    variants: usize,
    decoys: usize,
}

struct Corpus {
    /// Records in output order, with their ids and truth labels.
    records: Vec<Record>,
    ids: Vec<String>,
    clusters: Vec<String>,
    /// The id of each story's base record.
    base_ids: Vec<String>,
    stats: Stats,
}

/// The input articles as base stories: one per label of `labels` (the
/// longest), every unlabelled article alone; flat one-paragraph bodies are
/// split into paragraphs of 1 to 3 sentences.
fn real_stories(articles: &[Article], labels: &HashMap<String, String>, rng: &mut Rng) -> Vec<(Doc, String)> {
    let mut out: Vec<(Doc, String)> = Vec::new();
    let mut slot: HashMap<&str, usize> = HashMap::new();
    for a in articles {
        let mut paras = paragraphs(&a.body);
        if paras.is_empty() {
            continue;
        }
        if paras.len() == 1 && words(&paras[0]) > 120 {
            let sents = sentences(&paras[0]);
            paras.clear();
            let mut i = 0;
            while i < sents.len() {
                let k = rng.range(1, 3).min(sents.len() - i);
                paras.push(sents[i..i + k].join(" "));
                i += k;
            }
        }
        let doc = Doc { source: a.source.clone(), title: a.title.clone(), date: a.date.clone(), paras };
        match labels.get(&a.id).map(|l| (l, slot.get(l.as_str()).copied())) {
            Some((_, Some(i))) => {
                if doc.words() > out[i].0.words() {
                    out[i] = (doc, a.id.clone());
                }
            }
            Some((l, None)) => {
                slot.insert(l, out.len());
                out.push((doc, a.id.clone()));
            }
            None => out.push((doc, a.id.clone())),
        }
    }
    out
}

fn generate(opts: &Options, articles: &[Article], labels: &HashMap<String, String>) -> Result<Corpus, String> {
    let mut plan = Rng::stream(opts.seed, 1);
    let mut text = Rng::stream(opts.seed, 2);
    let mut edits = Rng::stream(opts.seed, 3);
    let mut decoys_rng = Rng::stream(opts.seed, 4);
    let mut order = Rng::stream(opts.seed, 5);

    let markov = Markov::train(articles.iter().map(|a| a.body.as_str()));
    let mut real = real_stories(articles, labels, &mut plan);
    plan.shuffle(&mut real);
    let n_decoys = ((opts.articles as f64 * opts.decoys).round() as usize).min(opts.articles);
    let mut left = opts.articles - n_decoys;
    let mut stats = Stats::default();
    let mut records: Vec<Record> = Vec::with_capacity(opts.articles);
    let mut stories: Vec<Doc> = Vec::new();
    let mut real = real.into_iter();
    while left > 0 {
        let story = stories.len();
        let (mut base, from) = match real.next() {
            Some((doc, id)) => {
                stats.real += 1;
                (doc, Some(id))
            }
            None => {
                if markov.is_empty() {
                    return Err("the inputs have no sentences to train the Markov chain on".into());
                }
                stats.synthetic += 1;
                (markov.story(&mut text), None)
            }
        };
        let k = (1 + plan.weighted(&VARIANT_WEIGHTS)).min(left - 1);
        let home = OUTLETS.iter().position(|o| *o == base.source);
        if base.source.is_empty() {
            let i = plan.below(OUTLETS.len());
            base.source = OUTLETS[i].to_owned();
        }
        let outlets: Vec<usize> =
            plan.sample(OUTLETS.len(), k + 1).into_iter().filter(|&o| Some(o) != home).take(k).collect();
        for &o in &outlets {
            let (doc, applied) = variant(&base, o, &mut edits);
            records.push(Record { doc, kind: Kind::Variant, story, edits: applied, from: None, quotes: 0 });
        }
        stats.variants += outlets.len();
        left -= 1 + outlets.len();
        records.push(Record { doc: base.clone(), kind: Kind::Base, story, edits: Vec::new(), from, quotes: 0 });
        stories.push(base);
    }
    // Decoys quote stories of this corpus (or, when it has none, the inputs).
    let mut pool: Vec<(usize, Doc)> = stories.iter().cloned().enumerate().collect();
    if pool.is_empty() {
        pool = real_stories(articles, labels, &mut plan).into_iter().map(|(d, _)| (usize::MAX, d)).collect();
    }
    let quoted: Vec<(usize, Vec<String>, Option<String>)> =
        pool.into_iter().map(|(i, d)| (i, quoted_sentences(&d), d.date)).filter(|(_, q, _)| !q.is_empty()).collect();
    if n_decoys > 0 && (quoted.is_empty() || markov.is_empty()) {
        return Err("no input sentence quotes anyone: cannot write decoys (use --decoys 0)".into());
    }
    for _ in 0..n_decoys {
        let (story, quotes, date) = decoys_rng.pick(&quoted);
        let (mut doc, n) = decoy(quotes, date.clone(), &markov, &mut decoys_rng);
        doc.source = decoys_rng.pick(&OUTLETS).to_string();
        records.push(Record { doc, kind: Kind::Decoy, story: *story, edits: Vec::new(), from: None, quotes: n });
        stats.decoys += 1;
    }
    order.shuffle(&mut records);
    let width = 6.max(opts.articles.saturating_sub(1).to_string().len());
    let ids: Vec<String> = (0..records.len()).map(|i| format!("gen-{i:0width$}")).collect();
    let mut base_id = vec![String::new(); stories.len()];
    for (r, id) in records.iter().zip(&ids) {
        if r.kind == Kind::Base {
            base_id[r.story] = id.clone();
        }
    }
    let clusters = records
        .iter()
        .zip(&ids)
        .map(|(r, id)| if r.kind == Kind::Decoy { id.clone() } else { base_id[r.story].clone() })
        .collect();
    Ok(Corpus { records, ids, clusters, base_ids: base_id, stats })
}

fn write_corpus(c: &Corpus, out: &mut impl Write, truth: &mut impl Write) -> io::Result<()> {
    for ((r, id), cluster) in c.records.iter().zip(&c.ids).zip(&c.clusters) {
        let mut o = Map::new();
        o.insert("id".into(), id.clone().into());
        o.insert("source".into(), r.doc.source.clone().into());
        o.insert("title".into(), r.doc.title.clone().into());
        if let Some(d) = &r.doc.date {
            o.insert("date".into(), d.clone().into());
        }
        o.insert("body".into(), r.doc.body().into());
        serde_json::to_writer(&mut *out, &Value::Object(o))?;
        out.write_all(b"\n")?;
        let mut t = Map::new();
        t.insert("id".into(), id.clone().into());
        t.insert("cluster".into(), cluster.clone().into());
        match r.kind {
            Kind::Base => {
                if let Some(f) = &r.from {
                    t.insert("from".into(), f.clone().into());
                }
            }
            Kind::Variant => {
                t.insert("edits".into(), r.edits.iter().map(|e| Value::from(e.name())).collect());
            }
            Kind::Decoy => {
                t.insert("decoy".into(), true.into());
                if let Some(b) = c.base_ids.get(r.story) {
                    t.insert("quotes_from".into(), b.clone().into());
                }
                t.insert("quoted".into(), r.quotes.into());
            }
        }
        serde_json::to_writer(&mut *truth, &Value::Object(t))?;
        truth.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsdedup::record::Origin;

    const FLOOD: &str = "PRAGUE (AP) \u{2014} Heavy rain caused the Vltava river to burst its banks in southern Bohemia on Tuesday, forcing the evacuation of about 2,000 residents from low-lying districts, regional officials said.

Firefighters used boats to reach families trapped on upper floors, and the army deployed two helicopters to carry drinking water and food to villages cut off by the flood.

\"We have never seen the water rise this fast in such a short time,\" said Jana Novakova, the mayor of one of the flooded towns. \"People had less than an hour to leave their homes.\"

The river peaked at 5.3 metres overnight, more than three metres above its normal level, and forecasters warned that further storms could push it higher before the weekend.

Prime Minister Petr Fiala said the government would release emergency funds on Wednesday. \"Nobody will be left alone with the damage,\" he told reporters in Prague after a meeting of the security council.

Insurers said they had already received more than 4,000 claims, most of them for flooded cellars, damaged cars and ruined household appliances, according to the Czech Insurance Association.";

    const BANK: &str = "The European Central Bank kept its key interest rates unchanged on Thursday and said inflation in the euro area was returning to its target more slowly than it had expected in the spring.

ECB President Christine Lagarde told reporters in Frankfurt that the governing council would continue to decide meeting by meeting. 'We are not committing in advance to any particular rate path,' she said.

Markets had priced in no change, and the euro was little moved after the announcement. Analysts said the bank was likely to cut rates again in December if wage growth continued to slow.

'The last mile of disinflation is always the hardest,' said Carsten Brzeski, an economist at ING in Frankfurt. He added that the bank would watch services prices closely over the winter.

The bank also said it would keep reinvesting the proceeds of maturing bonds bought under its pandemic programme until the end of the year, a decision welcomed by the governments of Italy and Greece.";

    const ELECTION: &str = "Voters in the southern state went to the polls on Sunday in a closely watched election for governor that both parties have called a test of the national mood ahead of next year's vote.

Turnout was high in the morning, election officials said, with long lines reported outside polling stations in the capital and in several rural districts.

\u{201C}This is the most important election in a generation,\u{201D} the opposition candidate told supporters at a rally on Saturday night. \u{201C}Every single vote is going to count.\u{201D}

The incumbent governor, who is seeking a third term, has campaigned on his record of cutting taxes and attracting new factories to the state, while his rival has promised to expand health care.

Polls close at 8 p.m. local time, and the first results are expected shortly afterwards. A recount is automatic if the margin is less than half a percentage point.";

    fn article(n: u64, source: &str, title: &str, body: &str) -> Article {
        let mut a = Article::at(Origin { file: "t.jsonl".into(), line: n });
        a.id = format!("t-{n}");
        a.source = source.into();
        a.title = title.into();
        a.date = Some("2019-05-30T10:00:00-04:00".into());
        a.body = body.into();
        a
    }

    fn inputs() -> Vec<Article> {
        vec![
            article(1, "ctk.cz", "Floods force thousands from homes in Bohemia", FLOOD),
            article(2, "ecb-watch.eu", "ECB holds rates, sees slower disinflation", BANK),
            article(3, "statehouse.com", "Voters head to the polls in governor's race", ELECTION),
        ]
    }

    fn doc(body: &str) -> Doc {
        Doc { source: "Test".into(), title: "A title".into(), date: None, paras: paragraphs(body) }
    }

    fn all_words(d: &Doc) -> Vec<String> {
        d.paras.iter().flat_map(|p| p.split_whitespace().map(str::to_owned)).collect()
    }

    /// `small` is `big` with words left out.
    fn is_subsequence(small: &[String], big: &[String]) -> bool {
        let mut it = big.iter();
        small.iter().all(|w| it.any(|b| b == w))
    }

    fn write(opts: &Options, labels: &HashMap<String, String>) -> (Corpus, String, String) {
        let c = generate(opts, &inputs(), labels).unwrap();
        let (mut out, mut truth) = (Vec::new(), Vec::new());
        write_corpus(&c, &mut out, &mut truth).unwrap();
        (c, String::from_utf8(out).unwrap(), String::from_utf8(truth).unwrap())
    }

    #[test]
    fn prng_golden_values() {
        // Published first output of splitmix64 from state 0, and xoshiro256**
        // seeded by it: the corpora of a seed must never change.
        assert_eq!(splitmix64(&mut 0), 0xE220_A839_7B1D_CDAF);
        let mut r = Rng::new(1);
        assert_eq!(
            [r.next_u64(), r.next_u64(), r.next_u64()],
            [0xB3F2_AF6D_0FC7_10C5, 0x853B_5596_4736_4CEA, 0x92F8_9756_082A_4514]
        );
    }

    #[test]
    fn prng_helpers_stay_in_range() {
        let mut r = Rng::new(42);
        let mut seen = [false; 7];
        for _ in 0..1000 {
            let x = r.below(7);
            seen[x] = true;
            assert!((3..=5).contains(&r.range(3, 5)));
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            assert_ne!(r.weighted(&[0, 5, 0, 1]), 0);
        }
        assert!(seen.iter().all(|&s| s), "below(7) hits every value");
        let s = r.sample(10, 4);
        assert_eq!(s.len(), 4);
        assert!(s.iter().all(|&i| i < 10) && s.iter().collect::<std::collections::BTreeSet<_>>().len() == 4);
        let mut v: Vec<usize> = (0..50).collect();
        r.shuffle(&mut v);
        assert_ne!(v, (0..50).collect::<Vec<_>>());
        v.sort_unstable();
        assert_eq!(v, (0..50).collect::<Vec<_>>());
    }

    #[test]
    fn same_seed_gives_identical_bytes_and_another_seed_does_not() {
        let opts = |seed| Options { seed, articles: 300, decoys: 0.1 };
        let none = HashMap::new();
        let (_, out1, truth1) = write(&opts(7), &none);
        let (_, out2, truth2) = write(&opts(7), &none);
        assert_eq!(out1, out2);
        assert_eq!(truth1, truth2);
        let (_, out3, _) = write(&opts(8), &none);
        assert_ne!(out1, out3);
    }

    #[test]
    fn truth_covers_every_record_exactly() {
        let none = HashMap::new();
        for articles in [0, 1, 2, 5, 37, 300] {
            for decoys in [0.0, 0.1, 0.5] {
                let (c, out, truth) = write(&Options { seed: 3, articles, decoys }, &none);
                let recs: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
                let rows: Vec<Value> = truth.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
                assert_eq!(recs.len(), articles, "{articles} {decoys}");
                assert_eq!(rows.len(), articles);
                let ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().unwrap()).collect();
                let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
                assert_eq!(unique.len(), articles, "ids are unique");
                let n_decoys = (articles as f64 * decoys).round() as usize;
                assert_eq!(c.stats.decoys, n_decoys);
                assert_eq!(c.stats.real + c.stats.synthetic + c.stats.variants + c.stats.decoys, articles);
                let mut bases = 0;
                for (i, (rec, row)) in recs.iter().zip(&rows).enumerate() {
                    assert_eq!(rec["id"], row["id"], "same order");
                    for field in ["source", "title", "body"] {
                        assert!(rec[field].is_string(), "{field}");
                    }
                    let cluster = row["cluster"].as_str().unwrap();
                    assert!(unique.contains(cluster), "cluster {cluster} names a record");
                    match c.records[i].kind {
                        Kind::Decoy => {
                            assert_eq!(cluster, ids[i]);
                            assert_eq!(row["decoy"], true);
                        }
                        Kind::Base => {
                            assert_eq!(cluster, ids[i]);
                            bases += 1;
                        }
                        Kind::Variant => {
                            let j = ids.iter().position(|&x| x == cluster).unwrap();
                            assert_eq!(c.records[j].kind, Kind::Base);
                            assert_eq!(c.records[j].story, c.records[i].story);
                            assert!(!row["edits"].as_array().unwrap().is_empty());
                        }
                    }
                }
                assert_eq!(bases, c.stats.real + c.stats.synthetic, "one base per story");
            }
        }
    }

    #[test]
    fn base_truth_keeps_the_longest_article_of_a_cluster() {
        let mut arts = inputs();
        let mut short = article(4, "copy.com", "Floods (short)", FLOOD);
        short.body = paragraphs(FLOOD)[..2].join("\n\n");
        arts.insert(0, short);
        let labels: HashMap<String, String> = [("t-4", "flood"), ("t-1", "flood"), ("t-2", "bank")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let stories = real_stories(&arts, &labels, &mut Rng::new(1));
        let froms: Vec<&str> = stories.iter().map(|(_, id)| id.as_str()).collect();
        assert_eq!(froms, ["t-1", "t-2", "t-3"]);
        assert_eq!(real_stories(&arts, &HashMap::new(), &mut Rng::new(1)).len(), 4);
    }

    #[test]
    fn flat_listing_bodies_are_split_into_paragraphs() {
        let flat = paragraphs(FLOOD).join(" ");
        let a = article(9, "The Sun", "t", &flat);
        let (d, _) = &real_stories(&[a], &HashMap::new(), &mut Rng::new(5))[0];
        assert!(d.paras.len() >= 3);
        assert_eq!(all_words(d).join(" "), flat.split_whitespace().collect::<Vec<_>>().join(" "));
    }

    #[test]
    fn markov_stories_have_the_shape_of_news_and_are_new() {
        let arts = inputs();
        let m = Markov::train(arts.iter().map(|a| a.body.as_str()));
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
        let m = Markov::train(arts.iter().map(|a| a.body.as_str()));
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

    #[test]
    fn sentences_respect_abbreviations_and_quotes() {
        assert_eq!(
            sentences("Mr. Smith met U.S. officials at 8 a.m. on Monday. \"Go now,\" he said. \"Now!\" Then he left."),
            ["Mr. Smith met U.S. officials at 8 a.m. on Monday.", "\"Go now,\" he said.", "\"Now!\"", "Then he left."]
        );
        assert!(has_quote("'We call on China,' said the ministry."));
        assert!(has_quote("He said \u{201C}no\u{201D} twice."));
        assert!(!has_quote("China's ministry and the members' union met."));
        assert_eq!(balance_quotes("He said \"no to it.".into()), "He said no to it.");
        assert_eq!(balance_quotes("It was 'fine,' he said.".into()), "It was 'fine,' he said.");
        assert_eq!(balance_quotes("It was 'fine and good.".into()), "It was fine and good.");
    }

    #[test]
    fn dates_shift_across_months_and_keep_the_time() {
        assert_eq!(shift_date("2019-02-27T10:00:00-04:00", 2).as_deref(), Some("2019-03-01T10:00:00-04:00"));
        assert_eq!(shift_date("2020-02-28", 1).as_deref(), Some("2020-02-29"));
        assert_eq!(shift_date("2019-12-31", 1).as_deref(), Some("2020-01-01"));
        assert_eq!(shift_date("3 days ago", 1), None);
        for z in -1000..1000 {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

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
    fn quote_marks_change_style() {
        let s = "He said \"no\" to 'China's' plan: 'We refuse.'";
        assert_eq!(
            convert_quotes(s, QuoteChange::StraightToCurly),
            "He said \u{201C}no\u{201D} to \u{2018}China\u{2019}s\u{2019} plan: \u{2018}We refuse.\u{2019}"
        );
        assert_eq!(convert_quotes(&convert_quotes(s, QuoteChange::StraightToCurly), QuoteChange::CurlyToStraight), s);
        assert_eq!(
            convert_quotes("'Growing pattern' of China's attacks, 'it said.'", QuoteChange::SingleToDouble),
            "\"Growing pattern\" of China's attacks, \"it said.\""
        );
        assert_eq!(
            convert_quotes("\u{2018}Fine,\u{2019} he said", QuoteChange::SingleToDouble),
            "\u{201C}Fine,\u{201D} he said"
        );
        assert_eq!(
            convert_quotes("\u{201C}No\u{201D} and \"yes\"", QuoteChange::DoubleToSingle),
            "\u{2018}No\u{2019} and 'yes'"
        );
        for (body, seed) in [(FLOOD, 1), (BANK, 2), (ELECTION, 3)] {
            let d = doc(body);
            let q = requote(&d, &mut Rng::new(seed)).unwrap();
            assert_ne!(q.paras, d.paras);
            let plain = |d: &Doc| {
                d.body()
                    .chars()
                    .filter(|c| !matches!(c, '"' | '\'' | '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}'))
                    .collect::<String>()
            };
            assert_eq!(plain(&q), plain(&d), "only quote marks change");
        }
        assert_eq!(requote(&doc("No quotes here at all."), &mut Rng::new(1)), None);
    }

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

    #[test]
    fn variants_carry_their_outlet_and_one_to_four_edits_in_order() {
        let d = doc(FLOOD);
        for seed in 0..50 {
            let (v, edits) = variant(&d, 3, &mut Rng::new(seed));
            assert_eq!(v.source, OUTLETS[3]);
            assert!((1..=4).contains(&edits.len()), "{edits:?}");
            let pos: Vec<usize> = edits.iter().map(|e| Edit::ALL.iter().position(|x| x == e).unwrap()).collect();
            assert!(pos.windows(2).all(|w| w[0] < w[1]), "distinct, in pipeline order: {edits:?}");
            assert!(v != d);
        }
    }

    #[test]
    fn decoys_quote_the_story_but_are_mostly_new() {
        let arts = inputs();
        let m = Markov::train(arts.iter().map(|a| a.body.as_str()));
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
