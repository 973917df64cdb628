//! newsdedup finds near-duplicate articles in scraped news dumps and writes
//! one canonical article per story with the outlets that carried it.
//!
//! The pipeline runs one way, one module per stage, each a function over
//! plain data so that stages can also run apart:
//!
//! ```text
//! reader      listing text / JSON Lines  -> Vec<Article>           (reader/)
//! sign        normalize + shingle + simhash, with per-outlet       (normalize, shingle, fingerprint,
//!             boilerplate lines left out -> Vec<Signature>         sign, boilerplate)
//! pairs       candidate index, sub-quadratic -> Vec<Candidate>     (pairs.rs)
//! verify      Jaccard / containment rules -> Vec<Edge>             (verify.rs)
//! cluster     hubs, excerpts, complete linkage -> groups           (cluster.rs)
//! apply       canonical choice -> Vec<Cluster>                     (apply.rs)
//! writer      jsonl / json / text                                  (writer/)
//! ```
//!
//! Bodies need not stay in memory between the reader and the writer: with
//! [`reader::ReadOptions::spool_above`] (the command line's default) the
//! reader appends each to one anonymous temporary file ([`spool`]) and the
//! record keeps where it lies ([`record::Body`]); `sign` and the writer read
//! it back. A body that cannot be read back is an error of the run.
//!
//! [`dedup`] runs the stages from records to clusters. `eval`'s scoring and
//! `explain`'s analysis live here too; the command line (clap) is a layer of
//! its own in the binary (`src/cmd/`), and nothing here depends on it.

pub mod apply;
pub mod boilerplate;
pub mod cluster;
pub mod config;
pub mod dates;
pub mod error;
pub mod eval;
pub mod exit;
pub mod explain;
pub mod fingerprint;
pub mod index;
pub mod input;
pub mod keyed;
pub mod messages;
pub mod normalize;
pub mod output;
pub mod pairs;
pub mod reader;
pub mod record;
pub mod shingle;
pub mod sign;
pub mod spool;
pub mod stages;
pub mod urlkey;
pub mod verify;
pub mod writer;

use crate::apply::Cluster;
use crate::boilerplate::Boilerplate;
use crate::config::{CanonicalRule, Params};
use crate::pairs::Candidate;
use crate::record::Article;
use crate::sign::Signature;
use crate::verify::Edge;

/// Everything one dedup run computed, for writers, `eval` and `explain`.
#[derive(Debug)]
pub struct Dedup {
    pub boilerplate: Boilerplate,
    pub sigs: Vec<Signature>,
    pub candidates: Vec<Candidate>,
    pub edges: Vec<Edge>,
    /// Records that contain mutually unrelated records (see [`cluster::hubs`]).
    pub hubs: Vec<cluster::Hub>,
    /// Each record's place in the content order that breaks every tie (see
    /// [`pairs::content_ranks`]).
    pub ranks: Vec<u32>,
    /// Records contained in mutually unrelated records (see [`cluster::excerpts`]).
    pub excerpts: Vec<bool>,
    pub clusters: Vec<Cluster>,
    /// Wall time of each stage, in pipeline order.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl Dedup {
    /// Number of records that are not the canonical of their cluster.
    pub fn duplicates(&self) -> usize {
        self.clusters.iter().map(|c| c.members.len() - 1).sum()
    }
}

/// Names of the stages [`dedup`] runs, in order.
pub const STAGES: [&str; 5] = ["sign", "pairs", "verify", "cluster", "apply"];

/// Run every stage from records to clusters. The one error is a spooled
/// body that cannot be read back (see [`spool`]).
pub fn dedup(articles: &[Article], p: &Params, rule: CanonicalRule) -> Result<Dedup, error::Error> {
    dedup_observed(articles, p, rule, &mut |_| {})
}

/// [`dedup`], calling `on_stage` with each stage's name (see [`STAGES`]) as
/// it starts: a hook for a progress display, which stays out of the library.
pub fn dedup_observed(
    articles: &[Article],
    p: &Params,
    rule: CanonicalRule,
    on_stage: &mut dyn FnMut(&'static str),
) -> Result<Dedup, error::Error> {
    on_stage("sign");
    let clock = std::time::Instant::now();
    let (boilerplate, sigs) = sign::detect_and_sign(articles, p).map_err(error::Error::body)?;
    let timings = vec![("sign", clock.elapsed())];
    on_stage("pairs");
    Ok(dedup_signed(boilerplate, sigs, p, rule, timings, on_stage))
}

/// Run the stages after `sign` on records already signed under
/// `boilerplate` (an archive index and today's records, see [`index`]);
/// `timings` holds the stages already run; `on_stage` hears of each later
/// stage as it starts (`pairs` is announced by the caller).
pub fn dedup_signed(
    boilerplate: Boilerplate,
    sigs: Vec<Signature>,
    p: &Params,
    rule: CanonicalRule,
    mut timings: Vec<(&'static str, std::time::Duration)>,
    on_stage: &mut dyn FnMut(&'static str),
) -> Dedup {
    let mut clock = std::time::Instant::now();
    let mut lap = |name: &'static str, next: Option<&'static str>| {
        let now = std::time::Instant::now();
        timings.push((name, now - clock));
        clock = now;
        if let Some(next) = next {
            on_stage(next);
        }
    };
    let (ranks, candidates, edges) = pairs_verified(&sigs, p, &mut lap);
    let (hubs, excerpts, clusters) = clusters_of(&sigs, &ranks, &edges, p, rule, &mut lap);
    Dedup { boilerplate, sigs, candidates, edges, ranks, hubs, excerpts, clusters, timings }
}

/// The `pairs` and `verify` stages over signed records: the records' content
/// ranks, the candidate pairs and the verified pairs. `lap` hears of each
/// stage's end (`pairs`, then `verify`) with the stage that follows. The
/// single run and the `newsdedup pairs` stage both call it.
pub fn pairs_verified(
    sigs: &[Signature],
    p: &Params,
    lap: &mut dyn FnMut(&'static str, Option<&'static str>),
) -> (Vec<u32>, Vec<Candidate>, Vec<Edge>) {
    let ranks = pairs::content_ranks(sigs);
    let candidates = pairs::candidates(sigs, &ranks, p);
    lap("pairs", Some("verify"));
    let edges = verify::verify(sigs, &candidates, |c| (c.a, c.b), p);
    lap("verify", Some("cluster"));
    (ranks, candidates, edges)
}

/// The `cluster` and `apply` stages over verified pairs: the records' hub
/// and excerpt roles and the clusters with their canonicals. `ranks` is
/// [`pairs::content_ranks`] of `sigs`; `lap` hears of each stage's end.
/// The single run and the `newsdedup cluster` stage both call it.
pub fn clusters_of(
    sigs: &[Signature],
    ranks: &[u32],
    edges: &[Edge],
    p: &Params,
    rule: CanonicalRule,
    lap: &mut dyn FnMut(&'static str, Option<&'static str>),
) -> (Vec<cluster::Hub>, Vec<bool>, Vec<Cluster>) {
    let rel = cluster::Relation::new(sigs, edges, p);
    let hubs = cluster::hubs(&rel, ranks, edges);
    let excerpts = cluster::excerpts(&rel, ranks, edges);
    let groups = cluster::cluster_with_roles(&rel, ranks, edges, &hubs, &excerpts);
    lap("cluster", Some("apply"));
    let clusters = apply::apply(groups, sigs, rule);
    lap("apply", None);
    (hubs, excerpts, clusters)
}

/// `all` cut into consecutive pieces of the given `lengths` (which must add
/// up to at most its length), so that each piece can be filled by its own
/// task.
pub(crate) fn split_by_lengths<T>(all: &mut [T], lengths: impl IntoIterator<Item = usize>) -> Vec<&mut [T]> {
    let mut rest = all;
    let mut pieces = Vec::new();
    for n in lengths {
        let (piece, tail) = std::mem::take(&mut rest).split_at_mut(n);
        pieces.push(piece);
        rest = tail;
    }
    pieces
}

/// Reproducible pseudo-random inputs for unit tests.
#[cfg(test)]
pub(crate) mod test_rng {
    /// Draws below `n` from a 64-bit linear congruential generator seeded
    /// with `seed` (its high bits: the low bits of an LCG cycle quickly).
    pub(crate) fn below(seed: u64) -> impl FnMut(u64) -> u64 {
        let mut state = seed;
        move |n| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % n
        }
    }
}
