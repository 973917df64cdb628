//! `newsdedup eval`: compare the clusters of a run with labelled truth.
//!
//! Pairwise precision, recall and F1 count pairs of records: a predicted
//! pair is true when both records carry the same label. The adjusted Rand
//! index (Hubert and Arabie 1985) is the NEWS-COPY metric. Only records
//! present in both the input and the truth are scored; the others are
//! listed, not ignored.
//!
//! Errors are counted from the contingency table in linear time, never by
//! enumerating pairs: a single cluster of 100,000 records holds 5 billion
//! pairs. At most `--max-errors` of each kind are analysed and listed; with
//! `--max-errors 0` every error is listed except in a cluster holding more
//! than [`HUGE_CLUSTER_PAIRS`] errors, which is listed as one line with its
//! count. Memory stays bounded by what is listed.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;

use serde_json::{json, Value};

use crate::config::{CanonicalRule, Params};
use crate::error::{Error, Problem, ProblemKind};
use crate::explain::{analyse, cluster_of, proposals, PairReport};
use crate::record::Article;
use crate::writer::round4;

/// With `--max-errors 0`, a cluster holding more errors of a kind than this
/// is listed as one line with its count, not pair by pair.
pub const HUGE_CLUSTER_PAIRS: u64 = 100;

/// Pairwise and partition-level agreement of two labellings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    pub records: usize,
    pub predicted_pairs: u64,
    pub truth_pairs: u64,
    pub true_pairs: u64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub ari: f64,
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Score `predicted` against `truth` (one label each, same length).
pub fn score<P: Eq + std::hash::Hash, T: Eq + std::hash::Hash>(predicted: &[P], truth: &[T]) -> Scores {
    assert_eq!(predicted.len(), truth.len());
    let n = predicted.len();
    let mut a: HashMap<&P, u64> = HashMap::new();
    let mut b: HashMap<&T, u64> = HashMap::new();
    let mut cells: HashMap<(&P, &T), u64> = HashMap::new();
    for (p, t) in predicted.iter().zip(truth) {
        *a.entry(p).or_default() += 1;
        *b.entry(t).or_default() += 1;
        *cells.entry((p, t)).or_default() += 1;
    }
    let tp: u64 = cells.values().map(|&c| pairs(c)).sum();
    let pp: u64 = a.values().map(|&c| pairs(c)).sum();
    let tt: u64 = b.values().map(|&c| pairs(c)).sum();
    let total = pairs(n as u64) as f64;
    let precision = if pp == 0 { 1.0 } else { tp as f64 / pp as f64 };
    let recall = if tt == 0 { 1.0 } else { tp as f64 / tt as f64 };
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
    let expected = if total == 0.0 { 0.0 } else { pp as f64 * tt as f64 / total };
    let max = (pp as f64 + tt as f64) / 2.0;
    let ari = if (max - expected).abs() < f64::EPSILON {
        if pp == tt && tp == pp {
            1.0
        } else {
            0.0
        }
    } else {
        (tp as f64 - expected) / (max - expected)
    };
    Scores { records: n, predicted_pairs: pp, truth_pairs: tt, true_pairs: tp, precision, recall, f1, ari }
}

fn label_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Labels as (id, label), in file order.
pub type Labels = Vec<(String, String)>;

/// The label of `a` in its field `name`: a known field (`source`, `title`,
/// `date`, `url`, `category`/`categories`, joined by `|`) or a passed-through
/// one. Empty values are no label.
pub fn record_label(a: &Article, name: &str) -> Option<String> {
    let known = match name {
        "source" => Some(a.source.clone()),
        "title" => Some(a.title.clone()),
        "date" => a.date.clone(),
        "url" => a.url.clone(),
        "category" | "categories" => Some(a.categories.join("|")),
        _ => return a.extra.get(name).and_then(label_string),
    };
    known.filter(|l| !l.is_empty())
}

/// Read a truth file: id -> label, in file order. Problems name file and line.
pub fn read_truth(path: &std::path::Path, field: &str) -> Result<(Labels, Vec<Problem>), Error> {
    let name = path.to_string_lossy().into_owned();
    let file = File::open(path).map_err(|e| Error::io(&name, e))?;
    let mut problems = Vec::new();
    let lines =
        crate::reader::read_lines(BufReader::new(file), &name, &mut problems).map_err(|e| Error::io(&name, e))?;
    let mut out = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for l in lines.iter().filter(|l| !l.text.trim().is_empty()) {
        let bad = |kind| Problem { file: name.clone(), line: l.number, kind };
        match serde_json::from_str::<Value>(&l.text) {
            Ok(Value::Object(m)) => match (m.get("id").and_then(label_string), m.get(field).and_then(label_string)) {
                (Some(id), Some(_)) if seen.contains_key(&id) => {
                    let first = format!("{name}:{}", seen[&id]);
                    problems.push(bad(ProblemKind::DuplicateId { id, first }));
                }
                (Some(id), Some(label)) => {
                    seen.insert(id.clone(), l.number);
                    out.push((id, label));
                }
                (None, _) => problems.push(bad(ProblemKind::MissingField("id"))),
                (_, None) => problems.push(bad(ProblemKind::WrongType {
                    field: field.to_owned(),
                    expected: "a label (string or number)",
                })),
            },
            Ok(_) => problems.push(bad(ProblemKind::NotAnObject)),
            Err(e) => problems.push(bad(ProblemKind::InvalidJson(e.to_string()))),
        }
    }
    Ok((out, problems))
}

/// A cluster holding errors of one kind: a predicted cluster holding false
/// merges (its parts are truth labels), or a truth cluster whose pairs were
/// missed (its parts are predicted clusters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCluster {
    /// The predicted cluster's canonical id, or the truth label.
    pub name: String,
    pub records: usize,
    /// How many parts of the other labelling the cluster's records fall in.
    pub parts: usize,
    /// Pairs of the cluster across parts: the errors it holds.
    pub pairs: u64,
}

/// The errors of one kind.
#[derive(Debug, Clone)]
pub struct Errors<T = PairReport> {
    /// Every error pair, counted, not enumerated.
    pub count: u64,
    /// The pairs analysed and listed.
    pub listed: Vec<T>,
    /// Clusters whose errors are not all in `listed`, in input order.
    pub clusters: Vec<ErrorCluster>,
}

/// The evaluation of one run against truth.
pub struct Evaluation {
    pub scores: Scores,
    pub predicted_clusters: usize,
    pub truth_clusters: usize,
    pub false_merges: Errors,
    pub missed: Errors,
    pub missing_from_input: Vec<String>,
    pub missing_from_truth: Vec<String>,
}

/// The errors within `groups` (lists of scored positions, each in input
/// order): pairs of a group whose `part` differs. Counted in time linear in
/// the records; at most `limit` pairs analysed (0: all, but a group holding
/// more than [`HUGE_CLUSTER_PAIRS`] only counted), each in `O(group size)`.
fn errors<T>(
    mut groups: Vec<&Vec<usize>>,
    part: &[u32],
    limit: usize,
    name: &dyn Fn(&[usize]) -> String,
    analyse_pair: &dyn Fn(usize, usize) -> T,
) -> Errors<T> {
    groups.sort_by_key(|g| g[0]);
    let mut out = Errors { count: 0, listed: Vec::new(), clusters: Vec::new() };
    let mut sizes: HashMap<u32, u64> = HashMap::new();
    for g in groups {
        sizes.clear();
        for &k in g {
            *sizes.entry(part[k]).or_default() += 1;
        }
        let wrong = pairs(g.len() as u64) - sizes.values().map(|&c| pairs(c)).sum::<u64>();
        if wrong == 0 {
            continue;
        }
        out.count += wrong;
        let room = if limit == 0 {
            if wrong > HUGE_CLUSTER_PAIRS {
                0
            } else {
                usize::MAX
            }
        } else {
            limit - out.listed.len().min(limit)
        };
        let mut listed = 0u64;
        if room > 0 {
            // Every row before the final run of one part holds an error, so
            // the scan costs O(group size) per listed pair at most.
            let last = part[g[g.len() - 1]];
            let mut tail = g.len() - 1;
            while tail > 0 && part[g[tail - 1]] == last {
                tail -= 1;
            }
            'rows: for (x, &i) in g[..tail].iter().enumerate() {
                for &j in &g[x + 1..] {
                    if part[i] != part[j] {
                        out.listed.push(analyse_pair(i, j));
                        listed += 1;
                        if listed as usize >= room {
                            break 'rows;
                        }
                    }
                }
            }
        }
        let bounded = limit == 0 || out.clusters.len() < limit;
        if listed < wrong && bounded {
            out.clusters.push(ErrorCluster { name: name(g), records: g.len(), parts: sizes.len(), pairs: wrong });
        }
    }
    out
}

/// Evaluate a run over `articles` against `truth` labels (id -> label),
/// listing at most `max_errors` errors of each kind (0: see [`errors`]).
/// The one error is a spooled body that cannot be read back.
pub fn evaluate(
    articles: &[Article],
    truth: &[(String, String)],
    p: &Params,
    max_errors: usize,
) -> Result<Evaluation, crate::error::Error> {
    evaluate_observed(articles, truth, p, max_errors, &mut |_| {})
}

/// [`evaluate`], calling `on_stage` as each stage of the run starts (see
/// [`crate::dedup_observed`]), then with `"score"`.
pub fn evaluate_observed(
    articles: &[Article],
    truth: &[(String, String)],
    p: &Params,
    max_errors: usize,
    on_stage: &mut dyn FnMut(&'static str),
) -> Result<Evaluation, crate::error::Error> {
    let d = crate::dedup_observed(articles, p, CanonicalRule::Longest, on_stage)?;
    on_stage("score");
    let of = cluster_of(&d, articles.len());
    let label: HashMap<&str, &str> = truth.iter().map(|(i, l)| (i.as_str(), l.as_str())).collect();
    let ids: HashMap<&str, u32> = articles.iter().enumerate().map(|(i, a)| (a.id.as_str(), i as u32)).collect();
    let missing_from_input =
        truth.iter().filter(|(i, _)| !ids.contains_key(i.as_str())).map(|(i, _)| i.clone()).collect();
    let missing_from_truth: Vec<String> =
        articles.iter().filter(|a| !label.contains_key(a.id.as_str())).map(|a| a.id.clone()).collect();
    let scored: Vec<u32> =
        (0..articles.len() as u32).filter(|&i| label.contains_key(articles[i as usize].id.as_str())).collect();
    let pred: Vec<u32> = scored.iter().map(|&i| of[i as usize]).collect();
    let tru: Vec<&str> = scored.iter().map(|&i| label[articles[i as usize].id.as_str()]).collect();
    let scores = score(&pred, &tru);
    // Each truth label as a number, in order of first appearance.
    let mut label_no: HashMap<&str, u32> = HashMap::new();
    let tru_no: Vec<u32> = tru
        .iter()
        .map(|&l| {
            let next = label_no.len() as u32;
            *label_no.entry(l).or_insert(next)
        })
        .collect();
    let mut by_pred: HashMap<u32, Vec<usize>> = HashMap::new();
    let mut by_truth: HashMap<u32, Vec<usize>> = HashMap::new();
    for k in 0..scored.len() {
        by_pred.entry(pred[k]).or_default().push(k);
        by_truth.entry(tru_no[k]).or_default().push(k);
    }
    // The keys behind each proposal, found when the first error is listed.
    let keys = std::cell::OnceCell::new();
    let analyse_pair =
        |i: usize, j: usize| analyse(scored[i], scored[j], &d, &of, keys.get_or_init(|| proposals(&d, p)), p);
    let canonical_id = |g: &[usize]| articles[d.clusters[pred[g[0]] as usize].canonical as usize].id.clone();
    let truth_label = |g: &[usize]| tru[g[0]].to_owned();
    let false_merges = errors(by_pred.values().collect(), &tru_no, max_errors, &canonical_id, &analyse_pair);
    let missed = errors(by_truth.values().collect(), &pred, max_errors, &truth_label, &analyse_pair);
    debug_assert_eq!(false_merges.count, scores.predicted_pairs - scores.true_pairs);
    debug_assert_eq!(missed.count, scores.truth_pairs - scores.true_pairs);
    Ok(Evaluation {
        scores,
        predicted_clusters: by_pred.len(),
        truth_clusters: by_truth.len(),
        false_merges,
        missed,
        missing_from_input,
        missing_from_truth,
    })
}

/// How a kind of error names its clusters, in text and JSON.
struct Kind {
    title: &'static str,
    cluster: &'static str,
    parts: &'static str,
}

const FALSE_MERGES: Kind = Kind { title: "false merges", cluster: "predicted cluster of", parts: "truth labels" };
const MISSED: Kind = Kind { title: "missed pairs", cluster: "truth cluster", parts: "predicted clusters" };

fn print_pairs(kind: &Kind, e: &Errors, arts: &[Article], p: &Params, out: &mut String) {
    let (count, list) = (e.count, &e.listed);
    out.push_str(&format!(
        "\n{}: {count}{}\n",
        kind.title,
        if (list.len() as u64) < count { format!(" (first {} listed)", list.len()) } else { String::new() }
    ));
    for c in &e.clusters {
        out.push_str(&format!(
            "  {} {}: {} records in {} {}, {} {}\n",
            kind.cluster, c.name, c.records, c.parts, kind.parts, c.pairs, kind.title
        ));
    }
    for r in list {
        let (a, b) = (&arts[r.a as usize], &arts[r.b as usize]);
        out.push_str(&format!(
            "  {} ({}) \"{}\"\n  {} ({}) \"{}\"\n    Jaccard {}, containment {}, Hamming {}: {}\n",
            a.id,
            a.source,
            a.title,
            b.id,
            b.source,
            b.title,
            round4(r.sim.jaccard),
            round4(r.sim.containment),
            r.sim.hamming,
            r.verdict(p)
        ));
    }
}

impl Evaluation {
    /// The report as one JSON object (`eval --format json`).
    pub fn to_json(&self, arts: &[Article], p: &Params) -> Value {
        let (ev, s) = (self, &self.scores);
        json!({
            "records": arts.len(),
            "scored": s.records,
            "predicted_clusters": ev.predicted_clusters,
            "truth_clusters": ev.truth_clusters,
            "predicted_pairs": s.predicted_pairs,
            "truth_pairs": s.truth_pairs,
            "true_pairs": s.true_pairs,
            "precision": round4(s.precision),
            "recall": round4(s.recall),
            "f1": round4(s.f1),
            "ari": round4(s.ari),
            "false_merges": ev.false_merges.count,
            "missed_pairs": ev.missed.count,
            "false_merge_list": ev.false_merges.listed.iter().map(|r| r.to_json(arts, p)).collect::<Vec<_>>(),
            "missed_pair_list": ev.missed.listed.iter().map(|r| r.to_json(arts, p)).collect::<Vec<_>>(),
            "false_merge_clusters": ev.false_merges.clusters.iter()
                .map(|c| json!({"cluster": c.name, "records": c.records, "truth_labels": c.parts, "pairs": c.pairs}))
                .collect::<Vec<_>>(),
            "missed_pair_clusters": ev.missed.clusters.iter()
                .map(|c| json!({"label": c.name, "records": c.records, "predicted_clusters": c.parts, "pairs": c.pairs}))
                .collect::<Vec<_>>(),
            "missing_from_input": ev.missing_from_input,
            "missing_from_truth": ev.missing_from_truth,
        })
    }

    /// The report as text (`eval --format text`).
    pub fn to_text(&self, arts: &[Article], p: &Params) -> String {
        let (ev, s) = (self, &self.scores);
        let mut o = format!(
            "records   {} read, {} scored\nclusters  {} predicted, {} in truth\npairs     {} predicted, {} in truth, {} true\nprecision {:.4}\nrecall    {:.4}\nF1        {:.4}\nARI       {:.4}\n",
            arts.len(),
            s.records,
            ev.predicted_clusters,
            ev.truth_clusters,
            s.predicted_pairs,
            s.truth_pairs,
            s.true_pairs,
            s.precision,
            s.recall,
            s.f1,
            s.ari
        );
        for (what, ids) in [
            ("in the truth but not the input", &ev.missing_from_input),
            ("in the input but not the truth", &ev.missing_from_truth),
        ] {
            if !ids.is_empty() {
                o.push_str(&format!("\nids {what} ({}): {}\n", ids.len(), ids.join(", ")));
            }
        }
        print_pairs(&FALSE_MERGES, &ev.false_merges, arts, p, &mut o);
        print_pairs(&MISSED, &ev.missed, arts, p, &mut o);
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_trivial_scores() {
        let s = score(&[1, 1, 2, 3], &["a", "a", "b", "c"]);
        assert_eq!((s.precision, s.recall, s.f1, s.ari), (1.0, 1.0, 1.0, 1.0));
        let all_single = score(&[1, 2, 3], &["a", "b", "c"]);
        assert_eq!(all_single.ari, 1.0);
    }

    #[test]
    fn known_ari_value() {
        // Classic example: ARI of these partitions is 0.24242...
        let pred = [0, 0, 0, 1, 1, 1];
        let truth = [0, 0, 1, 1, 2, 2];
        let s = score(&pred, &truth);
        assert_eq!((s.true_pairs, s.predicted_pairs, s.truth_pairs), (2, 6, 3));
        assert!((s.ari - 0.242_424_242).abs() < 1e-6, "{}", s.ari);
        assert!((s.precision - 2.0 / 6.0).abs() < 1e-12);
        assert!((s.recall - 2.0 / 3.0).abs() < 1e-12);
    }

    /// `errors` counts what enumerating every pair counts, and lists the
    /// first pairs in the same order.
    #[test]
    fn errors_match_brute_force_enumeration() {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n) as u32
        };
        for round in 0..200 {
            let n = 1 + round % 40;
            let group_of: Vec<u32> = (0..n).map(|_| next(4)).collect();
            let part: Vec<u32> = (0..n).map(|_| next(1 + (round as u64 % 5))).collect();
            let mut groups: HashMap<u32, Vec<usize>> = HashMap::new();
            for (k, &g) in group_of.iter().enumerate() {
                groups.entry(g).or_default().push(k);
            }
            let mut sorted: Vec<&Vec<usize>> = groups.values().collect();
            sorted.sort();
            let all: Vec<(usize, usize)> = sorted
                .iter()
                .flat_map(|g| {
                    let part = &part;
                    g.iter().enumerate().flat_map(move |(x, &i)| {
                        g[x + 1..].iter().filter(move |&&j| part[i] != part[j]).map(move |&j| (i, j))
                    })
                })
                .collect();
            let report = |i: usize, j: usize| (i, j);
            for limit in [1, 3, 20] {
                let e = errors(groups.values().collect(), &part, limit, &|g| g[0].to_string(), &report);
                assert_eq!(e.count, all.len() as u64);
                assert_eq!(e.listed, all[..all.len().min(limit)], "limit {limit}");
                assert!(e.clusters.len() <= limit);
            }
            let e = errors(groups.values().collect(), &part, 0, &|g| g[0].to_string(), &report);
            assert_eq!(e.count, all.len() as u64);
            if e.clusters.is_empty() {
                assert_eq!(e.listed.len(), all.len());
            }
        }
    }
}
