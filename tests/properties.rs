//! Properties of whole runs, on the library (`newsdedup::dedup`) and on the
//! real binary, over random corpora with real near-duplicates: base stories
//! (the bundled sample's bodies, the web corpus's when present, and random
//! text), copies of them edited, cut short, retitled, given a dateline, an
//! agency slug or other quote marks, roundups of several stories, unrelated
//! records and short ones, from a handful of outlets.
//!
//! - Conservation: every input record appears exactly once in the output, as
//!   a canonical or a duplicate, with its text unchanged.
//! - Determinism: byte-identical output across runs and across `--threads`
//!   1, 2 and 8.
//! - Order: shuffling the input changes no cluster's membership.
//!
//! 32 cases a property by default (16 for those running the binary);
//! `PROPTEST_CASES=N` raises both.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use newsdedup::config::{CanonicalRule, Params};
use newsdedup::reader::{read_input, InputFormat, ReadOutcome};
use newsdedup::record::{Article, Origin};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use serde_json::{json, Value};

const OUTLETS: &[&str] = &["The Sun", "Yahoo", "Reuters", "AP News", "Le Monde", "Asahi Shimbun", "Daily Post"];

/// Words for random text: enough of them that two random texts share
/// almost no 3-word shingle, so that random bases are distinct stories.
fn vocab() -> &'static [String] {
    static V: OnceLock<Vec<String>> = OnceLock::new();
    V.get_or_init(|| {
        let roots = [
            "minister", "council", "market", "river", "storm", "vote", "court", "energy", "border", "school", "union",
            "harbor", "police", "budget", "festival", "virus", "rocket", "bridge", "strike", "treaty",
        ];
        let forms = ["", "s", "ed", "ing", "al", "ly", "er", "ism", "ist", "ous", "ment", "ward"];
        let mut v: Vec<String> = roots.iter().flat_map(|r| forms.iter().map(move |f| format!("{r}{f}"))).collect();
        v.extend(["the", "a", "of", "on", "said", "Tuesday", "2026", "per", "cent", "new"].map(String::from));
        v
    })
}

/// Real story bodies: the bundled sample's, and the web corpus's when present.
fn real_bodies() -> &'static [String] {
    static B: OnceLock<Vec<String>> = OnceLock::new();
    B.get_or_init(|| {
        let mut files = vec![common::sample()];
        files.extend(common::web_corpus());
        let read = newsdedup::input::read_all(&files, InputFormat::Auto).expect("fixtures readable");
        let mut seen = BTreeSet::new();
        read.articles
            .into_iter()
            .map(|a| a.body.in_memory().unwrap().to_owned())
            .filter(|b| b.split_whitespace().count() >= 30 && seen.insert(b.clone()))
            .collect()
    })
}

/// How a record is derived from its story.
#[derive(Debug, Clone)]
enum Variant {
    /// The story as is.
    Original,
    /// Words replaced at these positions (per mille of the length) by these words.
    Edited(Vec<(u16, Index)>),
    /// Cut to this share (per cent) of its words.
    Truncated(u8),
    /// A dateline before, an agency slug after.
    Dateline,
    Slug,
    /// Straight quotes and dashes turned typographic, line breaks added.
    Typographic,
}

#[derive(Debug, Clone)]
enum Body {
    /// A variant of story `story`.
    Copy { story: Index, variant: Variant },
    /// Several stories one after another (a roundup page).
    Roundup(Vec<Index>),
    /// Random text of its own (short ones fall under `--min-words`).
    Unrelated(Vec<Index>),
}

#[derive(Debug, Clone)]
struct Spec {
    body: Body,
    outlet: Index,
    /// Retitled: a title of its own instead of the story's.
    retitled: bool,
    /// A URL: the outlet's page of the story (copies from one outlet share it).
    url: bool,
}

#[derive(Debug, Clone)]
struct CorpusSpec {
    /// Random stories, as word indices; real ones follow them.
    random_stories: Vec<Vec<Index>>,
    /// Real stories used, as indices into [`real_bodies`].
    real_stories: Vec<Index>,
    records: Vec<Spec>,
}

fn variant() -> impl Strategy<Value = Variant> {
    prop_oneof![
        2 => Just(Variant::Original),
        3 => prop::collection::vec((0u16..1000, any::<Index>()), 1..6).prop_map(Variant::Edited),
        2 => (40u8..100).prop_map(Variant::Truncated),
        1 => Just(Variant::Dateline),
        1 => Just(Variant::Slug),
        1 => Just(Variant::Typographic),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    let body = prop_oneof![
        8 => (any::<Index>(), variant()).prop_map(|(story, variant)| Body::Copy { story, variant }),
        1 => prop::collection::vec(any::<Index>(), 2..4).prop_map(Body::Roundup),
        2 => prop::collection::vec(any::<Index>(), 3..60).prop_map(Body::Unrelated),
    ];
    (body, any::<Index>(), prop::bool::weighted(0.3), prop::bool::weighted(0.3))
        .prop_map(|(body, outlet, retitled, url)| Spec { body, outlet, retitled, url })
}

fn corpus() -> impl Strategy<Value = CorpusSpec> {
    (
        prop::collection::vec(prop::collection::vec(any::<Index>(), 25..140), 1..5),
        prop::collection::vec(any::<Index>(), 0..4),
        // Now and then enough copies of one story that a candidate bucket
        // holds over 32 records (the index then pairs only near neighbours).
        prop_oneof![4 => prop::collection::vec(spec(), 2..24), 1 => prop::collection::vec(spec(), 30..90)],
    )
        .prop_map(|(random_stories, real_stories, records)| CorpusSpec { random_stories, real_stories, records })
}

fn words_of(ix: &[Index]) -> String {
    let v = vocab();
    ix.iter().map(|i| v[i.index(v.len())].as_str()).collect::<Vec<_>>().join(" ")
}

fn apply_variant(story: &str, v: &Variant) -> String {
    let words: Vec<&str> = story.split_whitespace().collect();
    match v {
        Variant::Original => story.to_owned(),
        Variant::Edited(edits) => {
            let mut w: Vec<String> = words.iter().map(|s| s.to_string()).collect();
            for (at, word) in edits {
                let i = (*at as usize * w.len() / 1000).min(w.len() - 1);
                w[i] = vocab()[word.index(vocab().len())].clone();
            }
            w.join(" ")
        }
        Variant::Truncated(pct) => words[..(words.len() * *pct as usize / 100).max(1)].join(" "),
        Variant::Dateline => format!("PRAGUE (AFP) — {story}"),
        Variant::Slug => format!("{story}\n\nbur-frj/jza/giv"),
        Variant::Typographic => {
            let s = story.replace('\'', "’").replace(" - ", " — ").replace('"', "“");
            // A line break every 40 words.
            let w: Vec<&str> = s.split(' ').collect();
            w.chunks(40).map(|c| c.join(" ")).collect::<Vec<_>>().join("\n")
        }
    }
}

/// The records a spec describes, ids `r0`, `r1`, ... in spec order.
fn build(c: &CorpusSpec) -> Vec<Article> {
    let real = real_bodies();
    let mut stories: Vec<String> = c.random_stories.iter().map(|s| words_of(s)).collect();
    stories.extend(c.real_stories.iter().filter(|_| !real.is_empty()).map(|i| real[i.index(real.len())].clone()));
    let title_of =
        |i: usize| format!("Story {i}: {}", stories[i].split_whitespace().take(6).collect::<Vec<_>>().join(" "));
    c.records
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let outlet = OUTLETS[s.outlet.index(OUTLETS.len())];
            let site = outlet.to_lowercase().replace(' ', "");
            let (body, title, page) = match &s.body {
                Body::Copy { story, variant } => {
                    let i = story.index(stories.len());
                    (apply_variant(&stories[i], variant), title_of(i), format!("story-{i}"))
                }
                Body::Roundup(parts) => {
                    let idx: Vec<usize> = parts.iter().map(|p| p.index(stories.len())).collect();
                    let body = idx.iter().map(|&i| stories[i].as_str()).collect::<Vec<_>>().join("\n\n");
                    (body, format!("Roundup of stories {idx:?}"), format!("roundup-{n}"))
                }
                Body::Unrelated(w) => (words_of(w), format!("Other {n}"), format!("other-{n}")),
            };
            let mut a = Article::at(Origin { file: "gen.jsonl".into(), line: n as u64 + 1 });
            a.id = format!("r{n}");
            a.source = outlet.into();
            a.title = if s.retitled { format!("Retitled {n}: {title}") } else { title };
            a.date = Some(format!("{} hours ago", n % 5 + 1));
            a.url = s.url.then(|| format!("https://www.{site}.com/news/{page}?utm_source=feed"));
            a.body = body.into();
            a
        })
        .collect()
}

fn to_jsonl(articles: &[Article]) -> Vec<u8> {
    let mut out = Vec::new();
    for a in articles {
        let mut v = json!({"id": a.id, "source": a.source, "title": a.title, "date": a.date, "body": a.body});
        if let Some(u) = &a.url {
            v["url"] = u.clone().into();
        }
        out.extend(serde_json::to_vec(&v).unwrap());
        out.push(b'\n');
    }
    out
}

/// `articles` read back from their JSON Lines, as the binary sees them.
fn reread(articles: &[Article]) -> Vec<Article> {
    let mut out = ReadOutcome::default();
    read_input(&to_jsonl(articles)[..], "gen.jsonl", InputFormat::Jsonl, &mut out).unwrap();
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    out.articles
}

fn dedup(articles: &[Article]) -> newsdedup::Dedup {
    newsdedup::dedup(articles, &Params::default(), CanonicalRule::Longest).unwrap()
}

/// Clusters as sets of ids.
fn memberships(articles: &[Article], d: &newsdedup::Dedup) -> BTreeSet<BTreeSet<String>> {
    d.clusters.iter().map(|c| c.members.iter().map(|&m| articles[m as usize].id.clone()).collect()).collect()
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(f)
}

/// Clusters of the binary's JSON Lines output, as sets of ids.
fn output_memberships(lines: &[Value]) -> BTreeSet<BTreeSet<String>> {
    lines
        .iter()
        .map(|v| {
            std::iter::once(&v["id"])
                .chain(v["duplicates"].as_array().unwrap().iter().map(|d| &d["id"]))
                .map(|id| id.as_str().unwrap().to_owned())
                .collect()
        })
        .collect()
}

/// A permutation of `0..n` from proptest indices (a Fisher-Yates shuffle).
fn permutation(n: usize, swaps: &[Index]) -> Vec<usize> {
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = swaps.get(i).map_or(i, |s| s.index(i + 1));
        p.swap(i, j);
    }
    p
}

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// At least one multi-record cluster in most corpora: checked over a fixed
/// run so that the generator keeps producing real near-duplicates.
#[test]
fn generated_corpora_have_real_clusters() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut with_dups, mut total, mut dups) = (0, 0, 0);
    for _ in 0..40 {
        let c = corpus().new_tree(&mut runner).unwrap().current();
        let articles = build(&c);
        let d = dedup(&articles);
        total += 1;
        dups += d.duplicates();
        with_dups += (d.duplicates() > 0) as usize;
    }
    assert!(with_dups * 10 >= total * 7, "only {with_dups} of {total} corpora have duplicates ({dups} in all)");
}

/// The corpus the order property once failed on (many identical copies, a
/// roundup, truncated copies), in two orders: edges of equal strength were
/// taken in input order and complete linkage sampled members in input order.
#[test]
fn order_of_identical_copies_and_a_roundup_changes_no_cluster() {
    let dir = common::root().join("tests/data");
    let runs: Vec<_> = ["order-min-a.jsonl", "order-min-b.jsonl"]
        .iter()
        .map(|f| {
            let out = common::run(&[dir.join(f).to_str().unwrap()], None);
            out.expect_code(0);
            output_memberships(&out.jsonl())
        })
        .collect();
    assert_eq!(runs[0], runs[1]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(32), ..ProptestConfig::default() })]

    /// Library: each record in exactly one cluster; members sorted, the
    /// canonical among them; clusters in the input order of their first member.
    #[test]
    fn library_conserves_every_record(c in corpus()) {
        let articles = build(&c);
        let d = dedup(&articles);
        let mut seen = vec![0; articles.len()];
        let mut firsts = Vec::new();
        for cl in &d.clusters {
            prop_assert!(cl.members.windows(2).all(|w| w[0] < w[1]), "members not in input order: {:?}", cl.members);
            prop_assert!(cl.members.contains(&cl.canonical));
            firsts.push(cl.members[0]);
            for &m in &cl.members {
                seen[m as usize] += 1;
            }
        }
        prop_assert!(seen.iter().all(|&n| n == 1), "records seen {:?} times", seen);
        prop_assert!(firsts.windows(2).all(|w| w[0] < w[1]));
    }

    /// Library: the same clusters and figures whatever the number of threads.
    #[test]
    fn library_is_deterministic_across_threads(c in corpus()) {
        let articles = build(&c);
        let one = in_pool(1, || dedup(&articles));
        for threads in [2, 8] {
            let other = in_pool(threads, || dedup(&articles));
            prop_assert_eq!(&one.clusters, &other.clusters);
            prop_assert_eq!(&one.edges, &other.edges);
            prop_assert_eq!(&one.hubs, &other.hubs);
        }
    }

    /// Library: a shuffled input gives the same clusters, as sets of ids.
    #[test]
    fn library_membership_does_not_depend_on_order(c in corpus(), swaps in prop::collection::vec(any::<Index>(), 90)) {
        let articles = build(&c);
        let perm = permutation(articles.len(), &swaps);
        let shuffled: Vec<Article> = perm.iter().map(|&i| articles[i].clone()).collect();
        let (a, b) = (dedup(&articles), dedup(&shuffled));
        prop_assert_eq!(memberships(&articles, &a), memberships(&shuffled, &b), "order {:?}", perm);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(16), ..ProptestConfig::default() })]

    /// Binary: every record once, as a canonical (all its fields unchanged)
    /// or a duplicate (id, source, title, date unchanged), and the clusters
    /// are the library's.
    #[test]
    fn binary_conserves_every_record_unchanged(c in corpus()) {
        let articles = reread(&build(&c));
        let out = common::run(&[], Some(&to_jsonl(&articles)));
        out.expect_code(0);
        let lines = out.jsonl();
        let by_id: BTreeMap<&str, &Article> = articles.iter().map(|a| (a.id.as_str(), a)).collect();
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for v in &lines {
            let id = v["id"].as_str().unwrap();
            let a = by_id.get(id).copied();
            prop_assert!(a.is_some(), "canonical {} was never read", id);
            let a = a.unwrap();
            prop_assert_eq!(v["body"].as_str(), Some(a.body.in_memory().unwrap()));
            prop_assert_eq!(v["title"].as_str(), Some(a.title.as_str()));
            prop_assert_eq!(v["source"].as_str(), Some(a.source.as_str()));
            prop_assert_eq!(v["date"].as_str(), a.date.as_deref());
            prop_assert_eq!(v["url"].as_str(), a.url.as_deref());
            *seen.entry(id).or_default() += 1;
            for dup in v["duplicates"].as_array().unwrap() {
                let id = dup["id"].as_str().unwrap();
                let a = by_id.get(id).copied();
                prop_assert!(a.is_some(), "duplicate {} was never read", id);
                let a = a.unwrap();
                prop_assert_eq!(dup["title"].as_str(), Some(a.title.as_str()));
                prop_assert_eq!(dup["source"].as_str(), Some(a.source.as_str()));
                prop_assert_eq!(dup["date"].as_str(), a.date.as_deref());
                *seen.entry(id).or_default() += 1;
            }
        }
        prop_assert_eq!(seen.len(), articles.len());
        prop_assert!(seen.values().all(|&n| n == 1), "ids seen more than once: {:?}", seen);
        prop_assert_eq!(output_memberships(&lines), memberships(&articles, &dedup(&articles)));
    }

    /// Binary: byte-identical output across runs and across --threads 1, 2, 8.
    #[test]
    fn binary_output_is_byte_identical_across_runs_and_threads(c in corpus()) {
        let input = to_jsonl(&build(&c));
        let first = common::run(&["--threads", "1"], Some(&input));
        first.expect_code(0);
        for threads in ["1", "2", "8"] {
            let again = common::run(&["--threads", threads], Some(&input));
            again.expect_code(0);
            prop_assert!(first.stdout == again.stdout, "--threads 1 and {} differ:\n{}", threads,
                common::side_by_side(&first.stdout_str(), &again.stdout_str()).unwrap_or_default());
        }
    }

    /// Binary: a shuffled input gives the same clusters, as sets of ids.
    #[test]
    fn binary_membership_does_not_depend_on_order(c in corpus(), swaps in prop::collection::vec(any::<Index>(), 90)) {
        let articles = build(&c);
        let perm = permutation(articles.len(), &swaps);
        let shuffled: Vec<Article> = perm.iter().map(|&i| articles[i].clone()).collect();
        let (a, b) = (common::run(&[], Some(&to_jsonl(&articles))), common::run(&[], Some(&to_jsonl(&shuffled))));
        a.expect_code(0);
        b.expect_code(0);
        prop_assert_eq!(output_memberships(&a.jsonl()), output_memberships(&b.jsonl()), "order {:?}", perm);
    }
}
