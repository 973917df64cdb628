//! The `cluster` stage: from verified pairs to groups of records, without
//! letting one page glue different stories together.
//!
//! Plain single-link union over all verified pairs chains: a roundup page
//! that contains stories A and B links both, a photo caption carried by two
//! stories links both, and whole stories merge. Three guards stop that:
//!
//! 1. **Hubs.** A record that *contains* two or more smaller records
//!    (containment `>=` the threshold, whichever rule passed the pair) which
//!    are not [`related`] to each other is a hub (a roundup, a live blog, an
//!    aggregator page): the pairs in which it is the container and which only
//!    the containment rule passed are dropped. A pair that passes Jaccard is
//!    a copy of the page as a whole and stays (another snapshot of the same
//!    live blog, a reprint that sits beside shared chrome), unless the hub
//!    passes Jaccard with two records that are not related to each other:
//!    then no one story is the page, and it is a *roundup*, all of whose
//!    containing pairs are dropped.
//! 2. **Excerpts.** The mirror case: a record *contained in* two or more
//!    records that are not related to each other (a photo caption, a video
//!    blurb, a background paragraph that several different stories carry)
//!    is an excerpt: the pairs in which it is the contained side and which
//!    only the containment rule passed are dropped. What it shares with one
//!    story it shares with another, so containment cannot say which one it
//!    copies. Same-text and same-URL copies of it still group.
//! 3. **Complete linkage at a weaker level.** Edges are merged strongest
//!    first (same URL, same text, then by Jaccard, then containment). Two
//!    clusters merge only when every pair between them (up to
//!    [`LINK_SAMPLE`] members a side, in cluster order) is related: a
//!    duplicate by the verification rules, or with containment `>= link`.
//!    Copies of one story are all related to each other; a chain A~B~C
//!    through a page B that shares different parts with A and C is cut at
//!    its weakest link.
//!
//! Every tie (edges of equal strength, which cluster absorbs the other,
//! which partners represent a set, the container of two records of one
//! size) is broken by [`content_ranks`], never by input position, so
//! shuffling the input changes no cluster's membership.

use std::cmp::Ordering;
use std::collections::HashSet;

use crate::config::Params;
#[cfg(test)]
use crate::pairs::content_ranks;
use crate::sign::Signature;
use crate::verify::{decide, reaches, Edge, Reason};

/// Members compared per side when two clusters meet.
pub(crate) const LINK_SAMPLE: usize = 8;
/// Representatives each record contained in a possible hub is checked against.
pub(crate) const HUB_SAMPLE: usize = 4;

/// True when one side of `e` holds the other (containment `>=` the
/// threshold), whichever rule made it a duplicate; exact copies excepted.
fn contains(e: &Edge, p: &Params) -> bool {
    matches!(e.reason, Reason::Jaccard | Reason::Containment) && e.sim.containment >= p.containment
}

/// True when two records are related: duplicates, or sharing at least
/// `link` of the smaller one's shingles. Copies of one story are related
/// to each other; different stories are not, even on the same event.
pub(crate) fn related(a: &Signature, b: &Signature, p: &Params) -> bool {
    reaches(a, b, |s| s.containment >= p.link || decide(a, b, s, p).is_some())
}

/// The records, the parameters and the verified pairs the cluster stage
/// works from. It answers [`related`] first from the verified pairs: a pair
/// that verify passed is a duplicate by the verification rules, so it is
/// related without its two sets being merged again. Most pairs the guards
/// ask about are copies of one story that verify has already paired.
pub(crate) struct Relation<'s> {
    sigs: &'s [Signature],
    p: &'s Params,
    /// Each record's verified partners, sorted.
    partners: Lists,
}

impl<'s> Relation<'s> {
    /// The relation over `sigs` whose verified pairs are `edges`.
    pub(crate) fn new(sigs: &'s [Signature], edges: &[Edge], p: &'s Params) -> Relation<'s> {
        let mut partners = Lists::new(sigs.len(), || edges.iter().flat_map(|e| [(e.a, e.b), (e.b, e.a)]));
        for list in partners.each_mut() {
            list.sort_unstable();
        }
        Relation { sigs, p, partners }
    }

    /// True when `x` and `y` are a verified pair.
    fn verified(&self, x: u32, y: u32) -> bool {
        let (px, py) = (self.partners.of(x), self.partners.of(y));
        if px.len() <= py.len() {
            px.binary_search(&y).is_ok()
        } else {
            py.binary_search(&x).is_ok()
        }
    }

    /// [`related`] for records `x` and `y`.
    pub(crate) fn related(&self, x: u32, y: u32) -> bool {
        self.verified(x, y) || related(&self.sigs[x as usize], &self.sigs[y as usize], self.p)
    }
}

/// A list of records for each record, all in one array (no allocation per
/// record): `items[start[i]..start[i + 1]]` is record `i`'s list.
struct Lists {
    start: Vec<usize>,
    items: Vec<u32>,
}

impl Lists {
    /// Lists for records `0..n`: record `i`'s holds each `x` of the pairs
    /// `(i, x)` that `pairs` yields, in the order they come (`pairs` is
    /// called twice, to count and to fill).
    fn new<I: Iterator<Item = (u32, u32)>>(n: usize, pairs: impl Fn() -> I) -> Lists {
        let mut start = vec![0usize; n + 1];
        for (i, _) in pairs() {
            start[i as usize + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut fill = start.clone();
        let mut items = vec![0u32; start[n]];
        for (i, x) in pairs() {
            items[fill[i as usize]] = x;
            fill[i as usize] += 1;
        }
        Lists { start, items }
    }

    /// Record `i`'s list.
    fn of(&self, i: u32) -> &[u32] {
        &self.items[self.start[i as usize]..self.start[i as usize + 1]]
    }

    /// Every record's list, to be reordered in place.
    fn each_mut(&mut self) -> Vec<&mut [u32]> {
        crate::split_by_lengths(&mut self.items, self.start.windows(2).map(|w| w[1] - w[0]))
    }
}

/// True when `container` is the larger side of a containment pair.
fn is_container(sigs: &[Signature], rank: &[u32], container: u32, other: u32) -> bool {
    let (c, o) = (sigs[container as usize].shingles.len(), sigs[other as usize].shingles.len());
    c > o || (c == o && rank[container as usize] < rank[other as usize])
}

/// The container and the contained side of a containment pair.
pub(crate) fn sides(sigs: &[Signature], rank: &[u32], e: &Edge) -> (u32, u32) {
    if is_container(sigs, rank, e.a, e.b) {
        (e.a, e.b)
    } else {
        (e.b, e.a)
    }
}

/// True for each record whose `partners` hold two records that are not
/// [`related`] to each other. Every partner is checked, in rank order,
/// against up to [`HUB_SAMPLE`] representatives (partners seen so far that
/// are related to all earlier representatives), so a mixed set is found
/// however many copies of one of its stories it holds.
fn mixed(rel: &Relation, rank: &[u32], mut partners: Lists) -> Vec<bool> {
    use rayon::prelude::*;
    partners
        .each_mut()
        .into_par_iter()
        .map(|parts| {
            parts.sort_unstable_by_key(|&x| rank[x as usize]);
            let mut reps: Vec<u32> = Vec::new();
            for &x in parts.iter() {
                if reps.iter().any(|&r| !rel.related(x, r)) {
                    return true;
                }
                if reps.len() < HUB_SAMPLE {
                    reps.push(x);
                }
            }
            false
        })
        .collect()
}

/// What a record holds: a hub contains two or more smaller records which
/// are not [`related`] to each other; a roundup is a hub whose Jaccard pairs
/// alone hold two such records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hub {
    pub hub: bool,
    pub roundup: bool,
}

/// The [`Hub`] role of every record. `rank` is [`content_ranks`] of `sigs`.
pub(crate) fn hubs(rel: &Relation, rank: &[u32], edges: &[Edge]) -> Vec<Hub> {
    let (sigs, p) = (rel.sigs, rel.p);
    let containing = || edges.iter().filter(|e| contains(e, p));
    let contained = Lists::new(sigs.len(), || containing().map(|e| sides(sigs, rank, e)));
    let by_jaccard =
        Lists::new(sigs.len(), || containing().filter(|e| e.reason == Reason::Jaccard).map(|e| sides(sigs, rank, e)));
    let hub = mixed(rel, rank, contained);
    let roundup = mixed(rel, rank, by_jaccard);
    hub.into_iter().zip(roundup).map(|(hub, roundup)| Hub { hub, roundup: hub && roundup }).collect()
}

/// Excerpts: records contained in two or more larger records which are not
/// [`related`] to each other. `rank` is [`content_ranks`] of `sigs`.
pub(crate) fn excerpts(rel: &Relation, rank: &[u32], edges: &[Edge]) -> Vec<bool> {
    let (sigs, p) = (rel.sigs, rel.p);
    let containers = Lists::new(sigs.len(), || {
        edges.iter().filter(|e| contains(e, p)).map(|e| {
            let (big, small) = sides(sigs, rank, e);
            (small, big)
        })
    });
    mixed(rel, rank, containers)
}

/// True when the cluster stage uses `e`: a pair that only the containment
/// rule passed is dropped when its container is a hub or its contained
/// side an excerpt; a Jaccard pair is dropped when its container is a
/// roundup.
/// `rank` is [`content_ranks`] of `sigs`.
pub(crate) fn usable(sigs: &[Signature], rank: &[u32], e: &Edge, p: &Params, hub: &[Hub], excerpt: &[bool]) -> bool {
    let (big, small) = sides(sigs, rank, e);
    match e.reason {
        Reason::Containment => !hub[big as usize].hub && !excerpt[small as usize],
        Reason::Jaccard => !(contains(e, p) && hub[big as usize].roundup),
        Reason::SameUrl | Reason::SameText => true,
    }
}

fn strength(e: &Edge) -> (u8, f64, f64) {
    let rank = match e.reason {
        Reason::SameUrl => 3,
        Reason::SameText => 2,
        _ => 0,
    };
    (rank, e.sim.jaccard, e.sim.containment)
}

/// Union-find root of `x` in `parent`, halving the path on the way.
pub(crate) fn root(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        parent[x as usize] = parent[parent[x as usize] as usize];
        x = parent[x as usize];
    }
    x
}

/// Union-find whose roots keep their members in merge order: the larger
/// cluster absorbs the smaller, and of two of one size the one whose root
/// comes first in [`content_ranks`] order. A cluster's members are a list
/// linked through `next` from its root (always its first member), the
/// absorbed cluster's list joined after the absorbing one's: no allocation
/// per record.
struct UnionFind<'r> {
    parent: Vec<u32>,
    /// The member after each record in its cluster's list, or [`END`].
    next: Vec<u32>,
    /// Each root's last member.
    last: Vec<u32>,
    /// Each root's number of members.
    size: Vec<u32>,
    rank: &'r [u32],
}

/// The end of a [`UnionFind`] member list.
const END: u32 = u32::MAX;

impl<'r> UnionFind<'r> {
    fn new(n: usize, rank: &'r [u32]) -> UnionFind<'r> {
        let each = || (0..n as u32).collect::<Vec<u32>>();
        UnionFind { parent: each(), next: vec![END; n], last: each(), size: vec![1; n], rank }
    }

    fn find(&mut self, x: u32) -> u32 {
        root(&mut self.parent, x)
    }

    /// The number of members of the cluster whose root is `r`.
    fn size(&self, r: u32) -> usize {
        self.size[r as usize] as usize
    }

    /// The members of the cluster whose root is `r`, in merge order.
    fn members(&self, r: u32) -> impl Iterator<Item = u32> + Clone + '_ {
        std::iter::successors(Some(r), |&x| Some(self.next[x as usize]).filter(|&n| n != END))
    }

    fn union(&mut self, a: u32, b: u32) {
        let first = |r: u32| (std::cmp::Reverse(self.size[r as usize]), self.rank[r as usize]);
        let (keep, gone) = if first(a) <= first(b) { (a, b) } else { (b, a) };
        self.parent[gone as usize] = keep;
        self.next[self.last[keep as usize] as usize] = gone;
        self.last[keep as usize] = self.last[gone as usize];
        self.size[keep as usize] += self.size[gone as usize];
    }

    /// Every cluster's members in merge order, clusters in order of root.
    fn groups(&self) -> Vec<Vec<u32>> {
        let roots = (0..self.parent.len() as u32).filter(|&x| self.parent[x as usize] == x);
        roots.map(|r| self.members(r).collect()).collect()
    }
}

/// Group records `0..sigs.len()` from verified `edges`. Each group is sorted
/// by input position; groups are ordered by their first member. The tests'
/// entry point; [`crate::dedup`] keeps the roles it finds for `explain`.
#[cfg(test)]
pub(crate) fn cluster(sigs: &[Signature], edges: &[Edge], p: &Params) -> Vec<Vec<u32>> {
    let (rank, rel) = (content_ranks(sigs), Relation::new(sigs, edges, p));
    cluster_with_roles(&rel, &rank, edges, &hubs(&rel, &rank, edges), &excerpts(&rel, &rank, edges))
}

/// [`cluster`] with the records' [`hubs`] and [`excerpts`] already found.
pub(crate) fn cluster_with_roles(
    rel: &Relation,
    rank: &[u32],
    edges: &[Edge],
    hub: &[Hub],
    excerpt: &[bool],
) -> Vec<Vec<u32>> {
    use rayon::prelude::*;
    let (sigs, p) = (rel.sigs, rel.p);
    let usable: Vec<&Edge> = edges.iter().filter(|e| usable(sigs, rank, e, p, hub, excerpt)).collect();
    // Records joined by no usable pair are clusters of one; the others are
    // clustered one connected component at a time, in parallel: every rule
    // below (merge order, complete linkage, the refusals, which root
    // absorbs the other) looks only at the two clusters an edge joins, both
    // inside the edge's component, so each component clusters as it would
    // among all the others.
    let mut parent: Vec<u32> = (0..sigs.len() as u32).collect();
    for e in &usable {
        let (ra, rb) = (root(&mut parent, e.a), root(&mut parent, e.b));
        parent[ra.max(rb) as usize] = ra.min(rb);
    }
    let by_rank = |e: &Edge| {
        let (x, y) = (rank[e.a as usize], rank[e.b as usize]);
        (x.min(y), x.max(y))
    };
    let mut order: Vec<(u32, &Edge)> = usable.iter().map(|&e| (root(&mut parent, e.a), e)).collect();
    order.par_sort_unstable_by(|(cx, x), (cy, y)| {
        cx.cmp(cy)
            .then_with(|| strength(y).partial_cmp(&strength(x)).unwrap_or(Ordering::Equal))
            .then_with(|| by_rank(x).cmp(&by_rank(y)))
    });
    let components: Vec<&[(u32, &Edge)]> = order.chunk_by(|x, y| x.0 == y.0).collect();
    let mut groups: Vec<Vec<u32>> =
        components.par_iter().flat_map_iter(|c| cluster_component(rel, rank, c.iter().map(|x| x.1))).collect();
    let mut joined = vec![false; sigs.len()];
    for e in &usable {
        joined[e.a as usize] = true;
        joined[e.b as usize] = true;
    }
    groups.extend((0..sigs.len() as u32).filter(|&i| !joined[i as usize]).map(|i| vec![i]));
    groups.sort_unstable_by_key(|g| g[0]);
    groups
}

/// The clusters of one connected component, from its usable `edges` in
/// merge order (strongest first, ties by rank): each sorted by input
/// position, every record of the component in one of them.
fn cluster_component<'e>(rel: &Relation, rank: &[u32], edges: impl Iterator<Item = &'e Edge> + Clone) -> Vec<Vec<u32>> {
    // Records numbered within the component, in input order.
    let mut records: Vec<u32> = edges.clone().flat_map(|e| [e.a, e.b]).collect();
    records.sort_unstable();
    records.dedup();
    let local = |x: u32| records.binary_search(&x).expect("an edge's record is in its component") as u32;
    let local_rank: Vec<u32> = records.iter().map(|&x| rank[x as usize]).collect();
    let mut uf = UnionFind::new(records.len(), &local_rank);
    // Clusters only grow, so a refused merge stays refused until one side
    // changes: remember refusals by (roots, sizes).
    let mut refused: HashSet<(u32, u32, usize, usize)> = HashSet::new();
    for e in edges {
        let (ra, rb) = (uf.find(local(e.a)), uf.find(local(e.b)));
        if ra == rb {
            continue;
        }
        let (na, nb) = (uf.size(ra), uf.size(rb));
        let key = if ra < rb { (ra, rb, na, nb) } else { (rb, ra, nb, na) };
        if refused.contains(&key) {
            continue;
        }
        let agree = matches!(e.reason, Reason::SameUrl | Reason::SameText) || {
            // Complete linkage at the weaker `link` level: every sampled
            // pair across the two clusters must be related.
            let global = |x: u32| records[x as usize];
            let (ma, mb) = (uf.members(ra).take(LINK_SAMPLE), uf.members(rb).take(LINK_SAMPLE));
            ma.clone().all(|x| mb.clone().all(|y| rel.related(global(x), global(y))))
        };
        if agree {
            uf.union(ra, rb);
        } else {
            refused.insert(key);
        }
    }
    let mut groups = uf.groups();
    for g in &mut groups {
        for x in g.iter_mut() {
            *x = records[*x as usize];
        }
        g.sort_unstable();
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::verify;

    fn verify_all(sigs: &[Signature], pairs: &[(u32, u32)], p: &Params) -> Vec<crate::verify::Edge> {
        verify(sigs, pairs, |&ab| ab, p)
    }

    fn sig(shingles: impl IntoIterator<Item = u32>) -> Signature {
        let shingles: Vec<u32> = shingles.into_iter().collect();
        Signature {
            fingerprint: 0,
            words: shingles.len() as u32 + 2,
            shingles,
            text_key: 0,
            url_key: None,
            ..Default::default()
        }
    }

    fn all_pairs(n: u32) -> Vec<(u32, u32)> {
        // Tests only: the real pipeline gets its pairs from the index.
        (0..n).flat_map(|a| (a + 1..n).map(move |b| (a, b))).collect()
    }

    /// The union-find as it was before its members were linked lists: roots
    /// keep their members in merge order, in a vector each.
    struct VecUnionFind<'r> {
        parent: Vec<u32>,
        members: Vec<Vec<u32>>,
        rank: &'r [u32],
    }

    impl<'r> VecUnionFind<'r> {
        fn new(n: usize, rank: &'r [u32]) -> VecUnionFind<'r> {
            VecUnionFind { parent: (0..n as u32).collect(), members: (0..n as u32).map(|i| vec![i]).collect(), rank }
        }

        fn find(&mut self, x: u32) -> u32 {
            root(&mut self.parent, x)
        }

        fn union(&mut self, a: u32, b: u32) {
            let first = |r: u32| (std::cmp::Reverse(self.members[r as usize].len()), self.rank[r as usize]);
            let (keep, gone) = if first(a) <= first(b) { (a, b) } else { (b, a) };
            self.parent[gone as usize] = keep;
            let moved = std::mem::take(&mut self.members[gone as usize]);
            self.members[keep as usize].extend(moved);
        }
    }

    /// The clustering as it was before components were clustered apart and
    /// before verified pairs answered [`related`]: one union-find over every
    /// usable pair, in merge order, every relation found by merging sets.
    fn cluster_all_at_once(sigs: &[Signature], rank: &[u32], edges: &[Edge], p: &Params) -> Vec<Vec<u32>> {
        let merged_only = Relation::new(sigs, &[], p);
        let (hub, excerpt) = (hubs(&merged_only, rank, edges), excerpts(&merged_only, rank, edges));
        let by_rank = |e: &Edge| {
            let (x, y) = (rank[e.a as usize], rank[e.b as usize]);
            (x.min(y), x.max(y))
        };
        let mut order: Vec<&Edge> = edges.iter().filter(|e| usable(sigs, rank, e, p, &hub, &excerpt)).collect();
        order.sort_by(|x, y| {
            strength(y).partial_cmp(&strength(x)).unwrap_or(Ordering::Equal).then(by_rank(x).cmp(&by_rank(y)))
        });
        let mut uf = VecUnionFind::new(sigs.len(), rank);
        let mut refused: HashSet<(u32, u32, usize, usize)> = HashSet::new();
        for e in order {
            let (ra, rb) = (uf.find(e.a), uf.find(e.b));
            if ra == rb {
                continue;
            }
            let (ma, mb) = (&uf.members[ra as usize], &uf.members[rb as usize]);
            let key = if ra < rb { (ra, rb, ma.len(), mb.len()) } else { (rb, ra, mb.len(), ma.len()) };
            if refused.contains(&key) {
                continue;
            }
            let agree = matches!(e.reason, Reason::SameUrl | Reason::SameText)
                || ma
                    .iter()
                    .take(LINK_SAMPLE)
                    .all(|&x| mb.iter().take(LINK_SAMPLE).all(|&y| related(&sigs[x as usize], &sigs[y as usize], p)));
            if agree {
                uf.union(ra, rb);
            } else {
                refused.insert(key);
            }
        }
        let mut groups: Vec<Vec<u32>> = uf.members.into_iter().filter(|m| !m.is_empty()).collect();
        for g in &mut groups {
            g.sort_unstable();
        }
        groups.sort_unstable_by_key(|g| g[0]);
        groups
    }

    #[test]
    fn components_clustered_apart_cluster_as_all_at_once() {
        // Random records built from a few stories, partial copies, excerpts
        // and roundups, so that hubs, excerpts and refused merges all occur.
        let mut next = crate::test_rng::below(11);
        let p = Params::default();
        let (mut with_hubs, mut with_excerpts, mut split) = (0, 0, 0);
        for round in 0..40 {
            let n = 20 + next(60) as u32;
            let sigs: Vec<Signature> = (0..n)
                .map(|_| {
                    let parts = 1 + next(3);
                    let mut shingles: Vec<u32> = Vec::new();
                    for _ in 0..parts {
                        let story = next(6) * 1000;
                        let (from, len) = (next(40), 30 + next(100));
                        shingles.extend((story + from..story + from + len).map(|h| h as u32));
                    }
                    shingles.extend((0..next(20)).map(|_| (100_000 + next(1_000_000)) as u32));
                    shingles.sort_unstable();
                    shingles.dedup();
                    let mut s = sig(shingles);
                    if next(10) == 0 {
                        s.text_key = 1 + next(3) as u128;
                    }
                    s
                })
                .collect();
            let rank = content_ranks(&sigs);
            let edges = verify_all(&sigs, &all_pairs(n), &p);
            let rel = Relation::new(&sigs, &edges, &p);
            let (hub, excerpt) = (hubs(&rel, &rank, &edges), excerpts(&rel, &rank, &edges));
            let apart = cluster_with_roles(&rel, &rank, &edges, &hub, &excerpt);
            for x in 0..n {
                for y in 0..n {
                    let paired = edges.iter().any(|e| (e.a, e.b) == (x.min(y), x.max(y)));
                    assert_eq!(rel.verified(x, y), paired, "round {round}: {x} {y}");
                    let merged = related(&sigs[x as usize], &sigs[y as usize], &p);
                    assert_eq!(rel.related(x, y), merged, "round {round}: {x} {y}");
                }
            }
            assert_eq!(apart, cluster_all_at_once(&sigs, &rank, &edges, &p), "round {round}");
            with_hubs += hub.iter().any(|h| h.hub) as usize;
            with_excerpts += excerpt.iter().any(|&x| x) as usize;
            split += (apart.iter().filter(|g| g.len() > 1).count() > 1) as usize;
        }
        // The rounds hold what the clustering guards against, and several
        // multi-member clusters each, so that clustering apart is tried.
        assert!(with_hubs > 0 && with_excerpts > 0 && split > 0, "{with_hubs} {with_excerpts} {split}");
    }

    #[test]
    fn roundup_page_does_not_glue_two_stories() {
        let p = Params::default();
        let story_a = sig(0..100);
        let story_a_copy = sig(0..95);
        let story_b = sig(1000..1100);
        let roundup = sig((0..100).chain(1000..1100).chain(5000..5150));
        let sigs = vec![story_a, story_b, roundup, story_a_copy];
        let edges = verify_all(&sigs, &all_pairs(4), &p);
        // Single-link would merge everything through the roundup.
        assert!(edges.iter().any(|e| (e.a, e.b) == (1, 2)));
        assert!(edges.iter().any(|e| (e.a, e.b) == (0, 2)));
        let hub = Hub { hub: true, roundup: false };
        assert_eq!(
            hubs(&Relation::new(&sigs, &edges, &p), &content_ranks(&sigs), &edges),
            [Hub::default(), Hub::default(), hub, Hub::default()]
        );
        assert_eq!(cluster(&sigs, &edges, &p), vec![vec![0, 3], vec![1], vec![2]]);
    }

    #[test]
    fn roundup_is_a_hub_however_many_copies_of_one_story_it_holds() {
        let p = Params::default();
        let mut sigs: Vec<Signature> =
            (0..20).map(|i| sig((0..100).chain(10_000 + i * 3..10_000 + i * 3 + 2))).collect();
        sigs.push(sig(1000..1100)); // story B, read after the copies of A
        sigs.push(sig((0..100).chain(1000..1100).chain(5000..5150))); // the roundup
        let n = sigs.len() as u32;
        let edges = verify_all(&sigs, &all_pairs(n), &p);
        let hub = hubs(&Relation::new(&sigs, &edges, &p), &content_ranks(&sigs), &edges);
        assert!(hub[21].hub, "the roundup is a hub");
        assert_eq!(hub.iter().filter(|h| h.hub).count(), 1);
        let groups = cluster(&sigs, &edges, &p);
        assert!(groups.contains(&vec![20]) && groups.contains(&vec![21]), "{groups:?}");
        assert!(groups.contains(&(0..20).collect::<Vec<u32>>()), "{groups:?}");
    }

    #[test]
    fn truncated_copies_join_their_full_version() {
        let p = Params::default();
        let full = sig(0..400);
        let cut1 = sig(0..60);
        let cut2 = sig(0..150);
        let edited = sig((0..380).chain(900..920));
        let other = sig(2000..2300);
        let sigs = vec![cut1, other, full, cut2, edited];
        let edges = verify_all(&sigs, &all_pairs(5), &p);
        assert_eq!(cluster(&sigs, &edges, &p), vec![vec![0, 2, 3, 4], vec![1]]);
    }

    #[test]
    fn jaccard_chain_stops_where_ends_differ() {
        let p = Params { jaccard: 0.5, containment: 0.95, link: 0.5, ..Params::default() };
        let a = sig(0..100);
        let b = sig(30..130);
        let c = sig(60..160);
        let sigs = vec![a, b, c];
        let edges = verify_all(&sigs, &all_pairs(3), &p);
        assert_eq!(edges.len(), 2, "{edges:?}");
        let groups = cluster(&sigs, &edges, &p);
        assert_eq!(groups.len(), 2, "{groups:?}");
    }

    #[test]
    fn a_caption_in_two_stories_joins_neither() {
        let p = Params::default();
        // Two different stories that both carry one photo caption, and three
        // "share" pages holding only that caption.
        let caption = 0..60u32;
        let story_a = sig(caption.clone().chain(1000..1500));
        let story_b = sig(caption.clone().chain(2000..2400));
        let shares: Vec<Signature> = (0..3).map(|_| Signature { text_key: 77, ..sig(caption.clone()) }).collect();
        let mut sigs = vec![story_a, story_b];
        sigs.extend(shares);
        let edges = verify_all(&sigs, &all_pairs(5), &p);
        assert!(edges.iter().any(|e| (e.a, e.b) == (0, 2) && e.reason == Reason::Containment), "{edges:?}");
        assert_eq!(
            excerpts(&Relation::new(&sigs, &edges, &p), &content_ranks(&sigs), &edges),
            [false, false, true, true, true]
        );
        assert_eq!(hubs(&Relation::new(&sigs, &edges, &p), &content_ranks(&sigs), &edges), [Hub::default(); 5]);
        // The share pages group (same text); neither story takes them.
        assert_eq!(cluster(&sigs, &edges, &p), vec![vec![0], vec![1], vec![2, 3, 4]]);
    }

    #[test]
    fn a_lead_contained_in_one_story_only_joins_it() {
        let p = Params::default();
        // An aggregator card (the lead) and its story, plus an unrelated story.
        let sigs = vec![sig(0..60), sig(0..600), sig(5000..5600)];
        let edges = verify_all(&sigs, &all_pairs(3), &p);
        assert_eq!(excerpts(&Relation::new(&sigs, &edges, &p), &content_ranks(&sigs), &edges), [false; 3]);
        assert_eq!(cluster(&sigs, &edges, &p), vec![vec![0, 1], vec![2]]);
    }

    #[test]
    fn a_hub_keeps_its_jaccard_copy() {
        let p = Params::default();
        // An aggregator page that holds two different cards, and a second
        // snapshot of the same page: the snapshot is a copy by Jaccard.
        let page = sig((0..50).chain(1000..1050).chain(5000..5400));
        let snapshot = sig((0..50).chain(1000..1050).chain(5000..5300).chain(9000..9050));
        let card_a = sig(0..50);
        let card_b = sig(1000..1050);
        let sigs = vec![page, snapshot, card_a, card_b];
        let edges = verify_all(&sigs, &all_pairs(4), &p);
        let hub = hubs(&Relation::new(&sigs, &edges, &p), &content_ranks(&sigs), &edges);
        assert_eq!(hub[0], Hub { hub: true, roundup: false }, "{hub:?}");
        assert!(edges.iter().any(|e| (e.a, e.b) == (0, 1) && e.reason == Reason::Jaccard));
        assert_eq!(cluster(&sigs, &edges, &p), vec![vec![0, 1], vec![2], vec![3]]);
    }

    #[test]
    fn a_roundup_of_two_whole_stories_is_a_copy_of_neither() {
        let p = Params::default();
        // Each story is about half the page: both pass Jaccard with it.
        let story_a = sig(0..100);
        let story_b = sig(1000..1100);
        let roundup = sig((0..100).chain(1000..1100).chain(5000..5010));
        let story_a_copy = sig(0..96);
        let sigs = vec![story_a, story_b, roundup, story_a_copy];
        let edges = verify_all(&sigs, &all_pairs(4), &p);
        assert!(edges.iter().filter(|e| e.b == 2 && e.reason == Reason::Jaccard).count() == 2, "{edges:?}");
        assert_eq!(
            hubs(&Relation::new(&sigs, &edges, &p), &content_ranks(&sigs), &edges)[2],
            Hub { hub: true, roundup: true }
        );
        assert_eq!(cluster(&sigs, &edges, &p), vec![vec![0, 3], vec![1], vec![2]]);
    }
}
