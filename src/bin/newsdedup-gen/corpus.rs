//! The corpus: base stories, their variants and decoys, shuffled, numbered
//! and labelled, then written as records and truth rows.

use std::collections::HashMap;
use std::io::{self, Write};

use newsdedup::record::Article;
use serde_json::{Map, Value};

use crate::decoys::{decoy, quoted_sentences};
use crate::edits::{variant, Edit};
use crate::markov::Markov;
use crate::outlets::OUTLETS;
use crate::rng::Rng;
use crate::text::{paragraphs, sentences, words, Doc};

/// Copies per story beyond the base: 1 to 8, mostly few.
const VARIANT_WEIGHTS: [u32; 8] = [40, 22, 13, 9, 6, 4, 3, 3];

pub(crate) struct Options {
    pub(crate) seed: u64,
    pub(crate) articles: usize,
    pub(crate) decoys: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Base,
    Variant,
    Decoy,
}

#[derive(Debug, Clone)]
pub(crate) struct Record {
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
pub(crate) struct Stats {
    pub(crate) real: usize,
    pub(crate) synthetic: usize,
    pub(crate) variants: usize,
    pub(crate) decoys: usize,
}

pub(crate) struct Corpus {
    /// Records in output order, with their ids and truth labels.
    pub(crate) records: Vec<Record>,
    ids: Vec<String>,
    clusters: Vec<String>,
    /// The id of each story's base record.
    base_ids: Vec<String>,
    pub(crate) stats: Stats,
}

/// The body of an article read without a spool (as the generator reads its corpora).
fn body(a: &Article) -> &str {
    a.body.in_memory().expect("the corpora are read without a spool")
}

/// The input articles as base stories: one per label of `labels` (the
/// longest), every unlabelled article alone; flat one-paragraph bodies are
/// split into paragraphs of 1 to 3 sentences.
fn real_stories(articles: &[Article], labels: &HashMap<String, String>, rng: &mut Rng) -> Vec<(Doc, String)> {
    let mut out: Vec<(Doc, String)> = Vec::new();
    let mut slot: HashMap<&str, usize> = HashMap::new();
    for a in articles {
        let mut paras = paragraphs(body(a));
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

pub(crate) fn generate(
    opts: &Options,
    articles: &[Article],
    labels: &HashMap<String, String>,
) -> Result<Corpus, String> {
    let mut plan = Rng::stream(opts.seed, 1);
    let mut text = Rng::stream(opts.seed, 2);
    let mut edits = Rng::stream(opts.seed, 3);
    let mut decoys_rng = Rng::stream(opts.seed, 4);
    let mut order = Rng::stream(opts.seed, 5);

    let markov = Markov::train(articles.iter().map(body));
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

pub(crate) fn write_corpus(c: &Corpus, out: &mut impl Write, truth: &mut impl Write) -> io::Result<()> {
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
    use crate::testdata::{all_words, article, inputs, FLOOD};

    fn write(opts: &Options, labels: &HashMap<String, String>) -> (Corpus, String, String) {
        let c = generate(opts, &inputs(), labels).unwrap();
        let (mut out, mut truth) = (Vec::new(), Vec::new());
        write_corpus(&c, &mut out, &mut truth).unwrap();
        (c, String::from_utf8(out).unwrap(), String::from_utf8(truth).unwrap())
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
        short.body = paragraphs(FLOOD)[..2].join("\n\n").into();
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
}
