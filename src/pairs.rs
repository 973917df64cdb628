//! The `pairs` stage: a candidate index that proposes pairs to verify
//! without ever comparing all pairs.
//!
//! Four keys propose pairs:
//! - **simhash block tables** (Manku, Jain, Das Sarma 2007): the 64-bit
//!   fingerprint is split into `max_hamming + 1` blocks; two fingerprints
//!   within Hamming distance `max_hamming` agree exactly on at least one
//!   block, so each block is a table key, and pairs in a bucket are proposed
//!   when their distance is `<= max_hamming`;
//! - **shingle anchors**: the shingles whose hash has its low
//!   [`ANCHOR_BITS`] bits zero (a content-defined 1-in-8 sample, so a
//!   truncated copy keeps the anchors of the part it kept), plus each
//!   record's smallest shingle hash;
//! - the hash of the **normalized body** (exact copies);
//! - the hash of the **canonical URL**.
//!
//! Exact copies are indexed once: the records with one normalized body (and,
//! for stubs, one title) are paired with the first of them, the one with
//! the least [`order_key`], and only that first record joins the simhash
//! and anchor tables. A million copies of one
//! page cost a million pairs, and every pair the first one finds is a pair of
//! each copy's cluster. (Every record joins the URL table.)
//!
//! In every bucket of at most [`BUCKET_ALL_PAIRS`] records all pairs are
//! proposed; in a larger bucket each record is paired with the next
//! [`WINDOW`] records in two orders: by one of its min-hashes (near-copies
//! share min-hashes, so they sit side by side) and by a hash of (key,
//! record), different in every bucket (partial copies share many anchors, so
//! they meet in one of many differently ordered windows). Both orders, and
//! every other tie, follow each record's [`order_key`] (a hash of its own
//! signature) before its input position, which decides only between
//! records with identical signatures, so shuffling the input proposes the
//! same pairs; and the keyed stages ([`crate::keyed`]), which see one
//! bucket at a time, break every tie the same way. A bucket of `m`
//! records costs at most `2 * m * WINDOW` pairs, not `m²`: a common phrase
//! shared by thousands of records costs linear work.

use rayon::prelude::*;

use rdst::{RadixKey, RadixSort};

use crate::config::Params;
use crate::fingerprint::hamming;
use crate::shingle::Member;
use crate::sign::Signature;

/// Anchors are shingles whose hash has this many low bits zero (1 in 8).
pub(crate) const ANCHOR_BITS: u32 = 3;
/// Buckets up to this size propose all their pairs.
pub const BUCKET_ALL_PAIRS: usize = 32;
/// In larger buckets each record is paired with this many neighbours in
/// each of two orders.
pub(crate) const WINDOW: usize = 4;
/// Large buckets a record joins at most (its rarest).
pub(crate) const LARGE_BUCKETS_PER_RECORD: usize = 8;
/// Min-hashes per record used to order large buckets.
pub(crate) const MINHASHES: usize = 4;

/// Which keys proposed a pair (bit flags).
pub mod via {
    pub(crate) const SIMHASH: u8 = 1;
    pub(crate) const ANCHOR: u8 = 2;
    pub(crate) const TEXT: u8 = 4;
    pub(crate) const URL: u8 = 8;
}

/// A proposed pair, `a < b`: eight bytes, as a run at scale holds tens
/// of millions of them. Which keys proposed it is [`Proposal`]'s, for
/// `explain` and `eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub a: u32,
    pub b: u32,
}

/// A proposed pair with the keys that proposed it ([`via`] flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proposal {
    pub pair: Candidate,
    pub via: u8,
}

/// What the candidate index writes for each pair it proposes: the pair
/// alone ([`Candidate`], the run's) or with its keys ([`Proposal`]).
trait Proposed: Copy + Send + Sync + RadixKey {
    fn new(a: u32, b: u32, via: u8) -> Self;
    fn pair(&self) -> Candidate;
    /// Fold `other`, the same pair proposed again, into `self`.
    fn absorb(&mut self, other: &Self);
}

impl Proposed for Candidate {
    fn new(a: u32, b: u32, _: u8) -> Self {
        Candidate { a, b }
    }
    fn pair(&self) -> Candidate {
        *self
    }
    fn absorb(&mut self, _: &Self) {}
}

impl Proposed for Proposal {
    fn new(a: u32, b: u32, via: u8) -> Self {
        Proposal { pair: Candidate { a, b }, via }
    }
    fn pair(&self) -> Candidate {
        self.pair
    }
    fn absorb(&mut self, other: &Self) {
        self.via |= other.via;
    }
}

impl RadixKey for Candidate {
    const LEVELS: usize = 8;
    #[inline]
    fn get_level(&self, level: usize) -> u8 {
        // (a, b) as one u64, least significant byte first: `(a, b)` order.
        (((u64::from(self.a) << 32) | u64::from(self.b)) >> (8 * level)) as u8
    }
}

impl RadixKey for Proposal {
    const LEVELS: usize = 8;
    #[inline]
    fn get_level(&self, level: usize) -> u8 {
        self.pair.get_level(level)
    }
}

/// A record under one key of a table of the candidate index; ordered by
/// key, then record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry<K> {
    key: K,
    record: u32,
}

impl<K: Copy + Into<u64>> RadixKey for Entry<K> {
    // The record's four bytes, then the key's: `(key, record)` order.
    const LEVELS: usize = 4 + std::mem::size_of::<K>();
    #[inline]
    fn get_level(&self, level: usize) -> u8 {
        if level < 4 {
            (self.record >> (8 * level)) as u8
        } else {
            (self.key.into() >> (8 * (level - 4))) as u8
        }
    }
}

fn mix(x: u64) -> u64 {
    // splitmix64 finalizer: a fixed permutation of u64.
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A pair in a simhash bucket is proposed only when its fingerprints are
/// this close.
fn within_hamming(x: u64, y: u64, p: &Params) -> bool {
    hamming(x, y) <= p.max_hamming
}

/// Which of a record's [`MINHASHES`] min-hashes orders the large bucket
/// of `key` (see [`bucket_pairs`]).
pub(crate) fn minhash_slot(key: u64) -> usize {
    (mix(key) % MINHASHES as u64) as usize
}

/// Call `push` with the pairs of one bucket (records sharing `key`). A large
/// bucket is walked twice: once ordered by one of the records' min-hashes
/// (the [`minhash_slot`] of the key, which `minhash` gives for a member),
/// so that near-identical records sit side by side, and once in a
/// per-bucket random order (a hash of the key and the member's
/// [`order_key`]), so that partial copies, which rarely share a min-hash,
/// meet different neighbours in every bucket. Ties fall to the order key,
/// then to the member (members are in input order: record indices in one
/// run, positions in an ordinal-sorted list in the keyed stages).
pub(crate) fn bucket_pairs(
    key: u64,
    members: &mut [u32],
    minhash: impl Fn(u32) -> u64,
    order: impl Fn(u32) -> u64,
    mut push: impl FnMut(u32, u32),
) {
    let window = |members: &[u32], push: &mut dyn FnMut(u32, u32)| {
        for i in 0..members.len() {
            for j in i + 1..members.len().min(i + 1 + WINDOW) {
                push(members[i], members[j]);
            }
        }
    };
    if members.len() <= BUCKET_ALL_PAIRS {
        for i in 0..members.len() {
            for j in i + 1..members.len() {
                push(members[i], members[j]);
            }
        }
    } else {
        // Each member's sort keys read once (a record's min-hashes and
        // order key lie anywhere in memory; a comparison sort read them
        // log m times).
        let mut keyed: Vec<(u64, u64, u64, u32)> = members
            .iter()
            .map(|&m| {
                let o = order(m);
                (minhash(m), mix(key ^ o), o, m)
            })
            .collect();
        keyed.sort_unstable();
        for (slot, k) in members.iter_mut().zip(&keyed) {
            *slot = k.3;
        }
        window(members, &mut push);
        keyed.sort_unstable_by_key(|k| (k.1, k.2, k.3));
        for (slot, k) in members.iter_mut().zip(&keyed) {
            *slot = k.3;
        }
        window(members, &mut push);
    }
}

/// Which of `entries` (sorted by key then record; `starts` the first entry
/// of each bucket, then the end) join their bucket's pairs: all of a small
/// bucket, and of a record's large buckets the [`LARGE_BUCKETS_PER_RECORD`]
/// smallest, ties broken by key.
///
/// The large buckets are visited smallest first (ties by key: entries sort
/// by key, so by where the bucket starts), and each of their entries joins
/// while its record has joined fewer than [`LARGE_BUCKETS_PER_RECORD`]: a
/// record's first buckets in that order are its smallest. What this keeps
/// per record is one count, a byte, where keeping each record's best few
/// (size, entry) so far read and wrote two cache lines at random for every
/// large entry (0.78 s of a million-record run, on two threads).
fn rarest_large_buckets<K>(entries: &[Entry<K>], starts: &[usize], records: usize) -> Vec<bool> {
    const _: () = assert!(LARGE_BUCKETS_PER_RECORD < u8::MAX as usize);
    let mut joins = vec![true; entries.len()];
    let mut large: Vec<(usize, usize)> =
        starts.windows(2).filter(|w| w[1] - w[0] > BUCKET_ALL_PAIRS).map(|w| (w[1] - w[0], w[0])).collect();
    if large.is_empty() {
        return joins;
    }
    large.sort_unstable();
    let mut joined = vec![0u8; records];
    for (size, from) in large {
        for (join, entry) in joins[from..from + size].iter_mut().zip(&entries[from..from + size]) {
            let n = &mut joined[entry.record as usize];
            *join = (*n as usize) < LARGE_BUCKETS_PER_RECORD;
            *n += u8::from(*join);
        }
    }
    joins
}

/// Group `(key, record)` entries by key and append each bucket's pairs to
/// `out`, those that `keep` keeps when it is given. Keys are as narrow as
/// their table allows (an anchor is a 32-bit [`Member`]): the entries are
/// the largest thing this stage holds.
fn pairs_by_key<K: Copy + Ord + Into<u64> + Send + Sync, T: Proposed>(
    mut entries: Vec<Entry<K>>,
    flag: u8,
    minhash: &[[u64; MINHASHES]],
    order: &[u64],
    keep: Option<&(dyn Fn(u32, u32) -> bool + Sync)>,
    out: &mut Vec<T>,
) {
    // A radix sort (rdst, on the run's threads): 2 to 3 times faster than
    // the comparison sort here, in place.
    entries.radix_sort_builder().with_low_mem_tuner().sort();
    entries.dedup();
    let mut starts = Vec::new();
    for i in 0..entries.len() {
        if i == 0 || entries[i].key != entries[i - 1].key {
            starts.push(i);
        }
    }
    starts.push(entries.len());
    // Each record joins at most LARGE_BUCKETS_PER_RECORD large buckets: its
    // rarest ones (ties broken by key). Copies meet in small buckets or, side
    // by side in min-hash order, in any large bucket they share; the budget
    // keeps records made of common phrases from costing 8 pairs per phrase.
    let joins = rarest_large_buckets(&entries, &starts, minhash.len());
    // Walk the buckets of `chunk` (indices into `starts`' windows), giving
    // each pair that `keep` keeps to `push`. `members` is the walker's
    // buffer (a bucket is a few records, and there are millions of them).
    let walk = |chunk: std::ops::Range<usize>, members: &mut Vec<u32>, push: &mut dyn FnMut(T)| {
        for w in starts[chunk.start..chunk.end + 1].windows(2).filter(|w| w[1] - w[0] > 1) {
            let key = entries[w[0]].key.into();
            let slot = minhash_slot(key);
            members.clear();
            members.extend((w[0]..w[1]).filter(|&i| joins[i]).map(|i| entries[i].record));
            bucket_pairs(
                key,
                members,
                |m| minhash[m as usize][slot],
                |m| order[m as usize],
                |x, y| {
                    if keep.is_none_or(|keep| keep(x, y)) {
                        push(T::new(x.min(y), x.max(y), flag));
                    }
                },
            );
        }
    };
    let buckets = starts.len() - 1;
    let chunks: Vec<std::ops::Range<usize>> =
        (0..buckets).step_by(WALK_CHUNK).map(|c| c..(c + WALK_CHUNK).min(buckets)).collect();
    let start = out.len();
    match keep {
        // Every pair is kept: each chunk's pairs are counted first
        // ([`bucket_pair_count`]) and written straight to their place in
        // `out`, in parallel; the pairs are the largest thing this stage
        // makes (84 million at 1M), and a vector per worker, copied into
        // `out` after, took their memory twice.
        None => {
            let counts: Vec<usize> = chunks
                .par_iter()
                .map(|chunk| {
                    starts[chunk.start..chunk.end + 1]
                        .windows(2)
                        .map(|w| bucket_pair_count(joins[w[0]..w[1]].iter().filter(|&&j| j).count()))
                        .sum()
                })
                .collect();
            out.par_extend(rayon::iter::repeat_n(T::new(0, 0, 0), counts.iter().sum()));
            let places = crate::split_by_lengths(&mut out[start..], counts);
            places.into_par_iter().zip(chunks).for_each_init(Vec::new, |members, (place, chunk)| {
                let mut at = 0;
                walk(chunk, members, &mut |pair| {
                    place[at] = pair;
                    at += 1;
                });
                assert_eq!(at, place.len(), "as many pairs as counted");
            });
        }
        // Pairs filtered as they are made (the simhash tables keep only
        // close fingerprints, a few pairs a record): each worker's in a
        // vector of its own, copied once into `out` (reserved at its final
        // size).
        Some(_) => {
            let parts: Vec<Vec<T>> = chunks
                .into_par_iter()
                .map_init(Vec::new, |members, chunk| {
                    let mut part = Vec::new();
                    walk(chunk, members, &mut |pair| part.push(pair));
                    part
                })
                .collect();
            out.reserve(parts.iter().map(Vec::len).sum());
            for part in parts {
                out.extend(part);
            }
        }
    }
}

/// Buckets walked by one task of [`pairs_by_key`].
const WALK_CHUNK: usize = 4096;

/// The pairs [`bucket_pairs`] proposes in a bucket of `m` members.
fn bucket_pair_count(m: usize) -> usize {
    if m <= BUCKET_ALL_PAIRS {
        m * m.saturating_sub(1) / 2
    } else {
        // Each of two walks pairs member i with the next min(WINDOW, m - 1 - i).
        2 * (WINDOW * (m - WINDOW) + WINDOW * (WINDOW - 1) / 2)
    }
}

/// `MINHASHES` min-hashes of a shingle set (the plain minimum, then minima
/// under fixed permutations of the hash space); `u64::MAX` when empty.
pub fn minhashes(shingles: &[Member]) -> [u64; MINHASHES] {
    let mut m = [u64::MAX; MINHASHES];
    for h in shingles.iter().map(|&h| u64::from(h)) {
        for (i, slot) in m.iter_mut().enumerate() {
            let v = if i == 0 { h } else { mix(h ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)) };
            *slot = (*slot).min(v);
        }
    }
    m
}

/// The table key of fingerprint `fp` in table `t` of `blocks`: the bits of
/// block `t`, tagged with `t` so that tables never share a key.
fn block_key(fp: u64, t: u32, blocks: u32) -> u64 {
    let lo = 64 * t / blocks;
    let hi = 64 * (t + 1) / blocks;
    let width = hi - lo;
    let mask = if width == 64 { u64::MAX } else { (1u64 << width) - 1 };
    ((fp >> lo) & mask) | ((t as u64) << 58)
}

/// Every record's place in a content order: records sorted by what their
/// signatures hold (normalized body, stub flag, title, fingerprint, words,
/// URL, shingles), input position only between records whose signatures
/// are identical. The pairs and cluster stages break every tie by this
/// rank, never by input position, so shuffling the input changes no
/// cluster: records that tie on all of it are interchangeable.
pub fn content_ranks(sigs: &[Signature]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..sigs.len() as u32).collect();
    order.par_sort_unstable_by(|&x, &y| {
        let (a, b) = (&sigs[x as usize], &sigs[y as usize]);
        (a.text_key, a.stub, a.title_key, a.fingerprint, a.words, a.url_key)
            .cmp(&(b.text_key, b.stub, b.title_key, b.fingerprint, b.words, b.url_key))
            .then_with(|| a.shingles.cmp(&b.shingles))
            .then(x.cmp(&y))
    });
    let mut rank = vec![0u32; sigs.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    rank
}

/// A record's order key: a hash of what its signature holds (normalized
/// body, stub flag, title, URL; the shingles, fingerprint and word count
/// follow from the body), computed from the record alone. The pairs stage
/// breaks its ties by (order key, input position), never by a rank over the
/// whole corpus, so that the keyed stages, which see one bucket or one
/// body's copies at a time, break them the same way; and records whose
/// signatures are identical tie, so shuffling the input changes no pair.
pub fn order_key(s: &Signature) -> u64 {
    let url = s.url_key.map_or(0, |u| mix(u ^ 0x55));
    [s.text_key as u64, (s.text_key >> 64) as u64, s.title_key, url, s.stub as u64].iter().fold(0, |h, &x| mix(h ^ x))
}

/// The key that gathers exact copies: normalized body, stub flag and, for
/// a stub, its title. `None` for a record without a body, which stands for
/// itself.
pub fn copy_group(s: &Signature) -> Option<(u128, bool, u64)> {
    (s.text_key != 0).then_some((s.text_key, s.stub, if s.stub { s.title_key } else { 0 }))
}

/// For each record, the copy that stands for it in the simhash and anchor
/// tables: of the records with its [`copy_group`], the one with the least
/// (order key, input position). Records without a body stand for
/// themselves.
///
/// Content order ([`content_ranks`]) sorts first by normalized body, then
/// by stub flag, then by title, so the records of one group are
/// consecutive in `rank` order, and one walk in that order finds each
/// group (`rank` must be [`content_ranks`] of `sigs`).
pub(crate) fn first_copies(sigs: &[Signature], rank: &[u32], order: &[u64]) -> Vec<u32> {
    let mut by_rank = vec![0u32; rank.len()];
    for (i, &r) in rank.iter().enumerate() {
        by_rank[r as usize] = i as u32;
    }
    let mut first: Vec<u32> = (0..sigs.len() as u32).collect();
    let groups = by_rank.chunk_by(|&x, &y| {
        let g = copy_group(&sigs[x as usize]);
        g.is_some() && g == copy_group(&sigs[y as usize])
    });
    for group in groups.filter(|g| g.len() > 1) {
        let f = *group.iter().min_by_key(|&&i| (order[i as usize], i)).expect("a group is not empty");
        for &i in group {
            first[i as usize] = f;
        }
    }
    first
}

/// All candidate pairs for `sigs`, sorted by `(a, b)`, each once.
/// `rank` is [`content_ranks`] of `sigs`.
pub(crate) fn candidates(sigs: &[Signature], rank: &[u32], p: &Params) -> Vec<Candidate> {
    proposed(sigs, rank, p)
}

/// [`candidates`], each with the union of the keys that proposed it: what
/// `explain` and `eval` report of a pair.
pub fn proposals(sigs: &[Signature], rank: &[u32], p: &Params) -> Vec<Proposal> {
    proposed(sigs, rank, p)
}

/// Which keys proposed the pair `(a, b)` (either order) among
/// `proposals` (sorted, as [`proposals`] gives them); 0 when none did.
pub fn proposed_via(proposals: &[Proposal], a: u32, b: u32) -> u8 {
    let key = Candidate { a: a.min(b), b: a.max(b) };
    proposals.binary_search_by_key(&key, |p| p.pair).map_or(0, |i| proposals[i].via)
}

fn proposed<T: Proposed>(sigs: &[Signature], rank: &[u32], p: &Params) -> Vec<T> {
    let minhash: Vec<[u64; MINHASHES]> = sigs.par_iter().map(|s| minhashes(&s.shingles)).collect();
    let minhash = &minhash[..];
    let order: Vec<u64> = sigs.par_iter().map(order_key).collect();
    let first = first_copies(sigs, rank, &order);
    let mut all = Vec::new();

    // exact copies: each paired with the first of them
    all.extend((0..sigs.len() as u32).filter(|&i| first[i as usize] != i).map(|i| {
        let f = first[i as usize];
        T::new(f.min(i), f.max(i), via::TEXT)
    }));
    let Tables { simhash, anchor, url } = table_entries(sigs, &first, p);
    let close = |x: u32, y: u32| within_hamming(sigs[x as usize].fingerprint, sigs[y as usize].fingerprint, p);
    pairs_by_key(simhash, via::SIMHASH, minhash, &order, Some(&close), &mut all);
    pairs_by_key(anchor, via::ANCHOR, minhash, &order, None, &mut all);
    pairs_by_key(url, via::URL, minhash, &order, None, &mut all);

    // Sorted, and each pair kept once with the union of its keys, in place:
    // a second vector beside `all` was the pipeline's peak. A radix sort on
    // `(a, b)` (see `pairs_by_key`).
    all.radix_sort_builder().with_low_mem_tuner().sort();
    all.dedup_by(|later, kept| {
        let same = later.pair() == kept.pair();
        if same {
            kept.absorb(later);
        }
        same
    });
    all.shrink_to_fit();
    all
}

/// The `(key, record)` entries of the candidate index's tables.
struct Tables {
    simhash: Vec<Entry<u64>>,
    anchor: Vec<Entry<Member>>,
    url: Vec<Entry<u64>>,
}

/// The anchors of a shingle set: the shingles whose hash has its low
/// [`ANCHOR_BITS`] bits zero, then its smallest shingle (once).
fn anchors(shingles: &[Member]) -> impl Iterator<Item = Member> + '_ {
    let mask = (1 << ANCHOR_BITS) - 1;
    let min = shingles.first().copied();
    shingles.iter().copied().filter(move |h| h & mask == 0 && Some(*h) != min).chain(min)
}

/// The simhash table keys of a record with fingerprint `fp`, one a block.
fn simhash_keys(fp: u64, p: &Params) -> impl Iterator<Item = u64> {
    let blocks = p.max_hamming + 1;
    (0..blocks).map(move |t| block_key(fp, t, blocks))
}

/// The [`Tables`] of `sigs`; `first` is [`first_copies`]: only first copies
/// join the simhash and anchor tables, every record the URL table.
fn table_entries(sigs: &[Signature], first: &[u32], p: &Params) -> Tables {
    let n = sigs.len() as u32;
    let stands_for_itself = |i: u32| first[i as usize] == i;
    // simhash block tables; records without shingles have no fingerprint.
    let simhash: Vec<Entry<u64>> = (0..n)
        .filter(|&i| stands_for_itself(i) && !sigs[i as usize].shingles.is_empty())
        .flat_map(|i| simhash_keys(sigs[i as usize].fingerprint, p).map(move |key| Entry { key, record: i }))
        .collect();
    // shingle anchors, counted first, then written side by side into one
    // vector of their exact size (a parallel collect gathered them in
    // pieces and copied them all once more, on one thread)
    let anchors_of = |i: usize| anchors(if stands_for_itself(i as u32) { &sigs[i].shingles } else { &[] });
    const BLOCK: usize = 4096;
    let block = |b: usize| b * BLOCK..((b + 1) * BLOCK).min(sigs.len());
    let counts: Vec<usize> = (0..sigs.len().div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| block(b).map(|i| anchors_of(i).count()).sum())
        .collect();
    // Set to zero on every thread first: `vec![entry; n]` wrote its
    // hundreds of megabytes, and took their fresh pages, on one thread.
    let mut anchor = Vec::new();
    anchor.par_extend(rayon::iter::repeat_n(Entry { key: 0 as Member, record: 0 }, counts.iter().sum()));
    crate::split_by_lengths(&mut anchor, counts).into_par_iter().enumerate().for_each(|(b, stretch)| {
        let entries = block(b).flat_map(|i| anchors_of(i).map(move |key| Entry { key, record: i as u32 }));
        let mut filled = 0;
        for (slot, entry) in stretch.iter_mut().zip(entries) {
            *slot = entry;
            filled += 1;
        }
        debug_assert_eq!(filled, stretch.len(), "as many anchors as counted");
    });
    // canonical URL
    let url = (0..n).filter_map(|i| sigs[i as usize].url_key.map(|key| Entry { key, record: i })).collect();
    Tables { simhash, anchor, url }
}

/// A table of the candidate index, as the keyed stages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    // In the order of their letters in the line formats (a, f, u).
    Anchor,
    Simhash,
    Url,
}

/// A record's keys in the candidate index's tables, as the keyed stages
/// emit them (the single run builds the same entries per table in
/// [`table_entries`]): its simhash blocks (when it has shingles) and its
/// anchors when it stands for itself ([`first_copies`]), and its URL key.
pub fn record_keys(s: &Signature, stands_for_itself: bool, p: &Params) -> Vec<(Table, u64)> {
    let mut keys = Vec::new();
    if stands_for_itself && !s.shingles.is_empty() {
        keys.extend(simhash_keys(s.fingerprint, p).map(|k| (Table::Simhash, k)));
        keys.extend(anchors(&s.shingles).map(|h| (Table::Anchor, u64::from(h))));
    }
    keys.extend(s.url_key.map(|k| (Table::Url, k)));
    keys
}

/// Of one record's [`record_keys`], those whose buckets it joins: every key
/// of a small bucket, and per table the [`LARGE_BUCKETS_PER_RECORD`] of its
/// large buckets with the fewest entries, ties broken by key. `size` gives
/// the entries of a large bucket (more than [`BUCKET_ALL_PAIRS`]) and
/// `None` for a small one. The rule of [`rarest_large_buckets`], for one
/// record whose bucket sizes were counted apart.
pub fn joined_keys(keys: Vec<(Table, u64)>, size: impl Fn(Table, u64) -> Option<u64>) -> Vec<(Table, u64)> {
    let mut large: Vec<(Table, u64, u64)> = Vec::new();
    let mut joined = Vec::with_capacity(keys.len());
    for (t, k) in keys {
        match size(t, k) {
            Some(n) => large.push((t, n, k)),
            None => joined.push((t, k)),
        }
    }
    large.sort_unstable();
    for per_table in large.chunk_by(|x, y| x.0 == y.0) {
        joined.extend(per_table.iter().take(LARGE_BUCKETS_PER_RECORD).map(|&(t, _, k)| (t, k)));
    }
    joined
}

/// Of a record's [`minhashes`], the one that orders it in the large
/// bucket of `key` (see [`bucket_pairs`]).
pub fn minhash_for(minhashes: &[u64; MINHASHES], key: u64) -> u64 {
    minhashes[minhash_slot(key)]
}

/// What a keyed stage knows of one member of a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct BucketEntry {
    /// The record's ordinal (its position in the single run's input).
    pub record: u64,
    /// [`order_key`].
    pub order: u64,
    /// [`minhash_for`] the bucket's key.
    pub minhash: u64,
    /// The fingerprint (read in simhash tables only).
    pub fingerprint: u64,
}

/// Call `push(i, j)` (`i < j`, positions in `entries`) with the candidate
/// pairs the single run proposes in the bucket of `key` in `table` whose
/// joined members are `entries`: each record once, sorted by record (so
/// that positions follow ordinals).
pub fn keyed_bucket_pairs(
    table: Table,
    key: u64,
    entries: &[BucketEntry],
    p: &Params,
    mut push: impl FnMut(usize, usize),
) {
    debug_assert!(entries.windows(2).all(|w| w[0].record < w[1].record), "entries sorted by record, once each");
    let mut members: Vec<u32> = (0..entries.len() as u32).collect();
    bucket_pairs(
        key,
        &mut members,
        |m| entries[m as usize].minhash,
        |m| entries[m as usize].order,
        |x, y| {
            let (i, j) = (x.min(y) as usize, x.max(y) as usize);
            if table != Table::Simhash || within_hamming(entries[i].fingerprint, entries[j].fingerprint, p) {
                push(i, j);
            }
        },
    );
}

/// The size of the largest bucket of the candidate index of `sigs` (in any
/// table, before the cap on large buckets per record): tests check that a
/// corpus is large enough for the caps ([`BUCKET_ALL_PAIRS`]) to come into play.
pub fn largest_bucket(sigs: &[Signature], p: &Params) -> usize {
    fn largest<K: Ord>(mut entries: Vec<Entry<K>>) -> usize {
        entries.sort_unstable();
        entries.dedup();
        entries.chunk_by(|x, y| x.key == y.key).map(<[_]>::len).max().unwrap_or(0)
    }
    let order: Vec<u64> = sigs.iter().map(order_key).collect();
    let t = table_entries(sigs, &first_copies(sigs, &content_ranks(sigs), &order), p);
    largest(t.simhash).max(largest(t.anchor)).max(largest(t.url))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(fp: u64, shingles: Vec<u32>) -> Signature {
        Signature {
            fingerprint: fp,
            words: shingles.len() as u32,
            shingles,
            text_key: 0,
            url_key: None,
            ..Default::default()
        }
    }

    fn firsts(sigs: &[Signature]) -> Vec<u32> {
        first_copies(sigs, &content_ranks(sigs), &sigs.iter().map(order_key).collect::<Vec<_>>())
    }

    #[test]
    fn each_bit_belongs_to_exactly_one_block() {
        for blocks in 1..=16 {
            for bit in 0..64 {
                let differing =
                    (0..blocks).filter(|&t| block_key(0, t, blocks) != block_key(1 << bit, t, blocks)).count();
                assert_eq!(differing, 1, "blocks={blocks} bit={bit}");
            }
        }
    }

    #[test]
    fn simhash_tables_find_pairs_within_k_and_only_those() {
        let p = Params { max_hamming: 3, ..Params::default() };
        let base = 0xDEAD_BEEF_0123_4567u64;
        // One bit flipped in each of three blocks: distance 3 -> proposed.
        let near = base ^ (1 << 1) ^ (1 << 20) ^ (1 << 40);
        // Distance 4, one bit in each block: no block agrees, never proposed.
        let far = base ^ (1 << 2) ^ (1 << 21) ^ (1 << 41) ^ (1 << 61);
        // Distance 4 within one block: shares blocks but fails the distance check.
        let far2 = base ^ 0b1111;
        let sigs =
            vec![sig(base, vec![1 << 8]), sig(near, vec![2 << 8]), sig(far, vec![3 << 8]), sig(far2, vec![5 << 8])];
        let c = proposals(&sigs, &content_ranks(&sigs), &p);
        let pairs: Vec<(u32, u32)> =
            c.iter().filter(|c| c.via & via::SIMHASH != 0).map(|c| (c.pair.a, c.pair.b)).collect();
        assert_eq!(pairs, [(0, 1)]);
    }

    #[test]
    fn shared_anchor_proposes_and_large_buckets_stay_linear() {
        let p = Params::default();
        let anchor = 7u32 << ANCHOR_BITS;
        let n = 1000u32;
        let sigs: Vec<Signature> = (0..n).map(|i| sig(mix(i as u64), vec![1 + i * 16 + 1, anchor])).collect();
        let c = proposals(&sigs, &content_ranks(&sigs), &p);
        let anchored = c.iter().filter(|c| c.via & via::ANCHOR != 0).count();
        assert!(anchored <= 2 * n as usize * WINDOW, "{anchored}");
        assert!(anchored >= n as usize, "{anchored}");
        assert!(c.windows(2).all(|w| w[0].pair < w[1].pair), "sorted by (a, b), each once");
        // Every record is in some pair.
        let mut seen = vec![false; n as usize];
        for c in &c {
            seen[c.pair.a as usize] = true;
            seen[c.pair.b as usize] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }

    #[test]
    fn radix_keys_order_as_the_types_do() {
        fn sorts_as_compared<T: RadixKey + Ord + Copy + Send + Sync + std::fmt::Debug>(mut v: Vec<T>, what: &str) {
            let mut by_radix = v.clone();
            by_radix.radix_sort_builder().with_low_mem_tuner().sort();
            v.sort_unstable();
            assert_eq!(by_radix, v, "{} {what}", v.len());
        }
        // rdst picks its algorithm by input size: sizes from a comparison
        // sort's to a multi-threaded radix sort's.
        let mut next = crate::test_rng::below(11);
        for n in [0, 1, 100, 5_000, 60_000, 1_100_000] {
            let mut pairs: Vec<Candidate> = (0..n)
                .map(|_| {
                    let a = next(u64::from(u32::MAX)) as u32;
                    Candidate { a, b: a + 1 + next(u64::from(u32::MAX - a)) as u32 }
                })
                .collect();
            pairs.extend_from_slice(&pairs.clone()[..n / 3]);
            let anchors = pairs.iter().map(|c| Entry { key: c.b ^ 0x8000_0001, record: c.a.rotate_left(7) }).collect();
            sorts_as_compared::<Entry<Member>>(anchors, "anchor entries");
            let keyed = pairs.iter().map(|c| Entry { key: mix(u64::from(c.b)), record: c.a }).collect();
            sorts_as_compared::<Entry<u64>>(keyed, "64-bit entries");
            sorts_as_compared(pairs, "candidates");
        }
    }

    #[test]
    fn a_candidate_is_eight_bytes() {
        // A run at 1M records holds tens of millions of them at once.
        assert_eq!(std::mem::size_of::<Candidate>(), 8);
    }

    #[test]
    fn candidates_are_sorted_unique_and_merge_flags() {
        let mut a = sig(1, vec![16, 33]);
        a.url_key = Some(9);
        let mut b = sig(1, vec![16, 35]);
        b.url_key = Some(9);
        let sigs = [a, b];
        let c = proposals(&sigs, &content_ranks(&sigs), &Params::default());
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].via, via::SIMHASH | via::ANCHOR | via::URL);
        assert_eq!(proposed_via(&c, 1, 0), c[0].via);
        assert_eq!(candidates(&sigs, &content_ranks(&sigs), &Params::default()), [c[0].pair]);
    }

    #[test]
    fn exact_copies_are_paired_with_their_first_only() {
        let p = Params::default();
        let copy = |title_key, stub| Signature { text_key: 42, title_key, stub, ..sig(0xABCD, vec![1, 2, 3]) };
        let mut sigs: Vec<Signature> = (0..1000).map(|_| copy(0, false)).collect();
        // Two stubs of one notice under different titles, and one under the first title again.
        sigs.extend([copy(7, true), copy(8, true), copy(7, true)]);
        let first = firsts(&sigs);
        assert!(first[..1000].iter().all(|&f| f == first[0]), "one first copy of the 1000");
        assert_eq!(first[1000..], [1000, 1001, 1000]);
        let c = proposals(&sigs, &content_ranks(&sigs), &p);
        // 999 copies of record 0, the repeated stub, and what the tables
        // propose between the three first copies (0, 1000, 1001).
        assert!(c.iter().filter(|c| c.via & via::TEXT != 0).count() == 1000, "{}", c.len());
        assert!(c.iter().all(|c| [first[0], 1000, 1001].contains(&c.pair.a)), "every pair has a first copy");
        assert!(c.len() <= 1000 + 3, "{}", c.len());
    }

    #[test]
    fn first_copies_are_the_first_in_rank_order_of_each_body() {
        // The definition, by a map from each group to its first copy: the
        // least (order key, position).
        fn by_map(sigs: &[Signature]) -> Vec<u32> {
            let key = |s: &Signature| (s.text_key, s.stub, if s.stub { s.title_key } else { 0 });
            let mut first: std::collections::HashMap<(u128, bool, u64), u32> = std::collections::HashMap::new();
            for (i, s) in sigs.iter().enumerate().filter(|(_, s)| s.text_key != 0) {
                let slot = first.entry(key(s)).or_insert(i as u32);
                if (order_key(s), i) < (order_key(&sigs[*slot as usize]), *slot as usize) {
                    *slot = i as u32;
                }
            }
            (0..sigs.len()).map(|i| if sigs[i].text_key == 0 { i as u32 } else { first[&key(&sigs[i])] }).collect()
        }
        let mut next = crate::test_rng::below(11);
        for round in 0..50 {
            // Few bodies, titles and fingerprints, so that groups are large
            // and stubs and non-stubs share bodies and titles.
            let sigs: Vec<Signature> = (0..next(300))
                .map(|_| Signature {
                    text_key: next(6) as u128,
                    stub: next(3) == 0,
                    title_key: next(3),
                    words: next(4) as u32,
                    ..sig(next(4), vec![next(5) as Member])
                })
                .collect();
            assert_eq!(firsts(&sigs), by_map(&sigs), "round {round}");
        }
    }

    #[test]
    fn anchor_entries_are_each_first_copys_anchors_and_smallest_shingle() {
        let mut next = crate::test_rng::below(13);
        // More records than a block of the parallel fill, some copies.
        let sigs: Vec<Signature> = (0..10_000)
            .map(|i| {
                let mut shingles: Vec<Member> = (0..next(40)).map(|_| next(1 << 12) as Member).collect();
                shingles.sort_unstable();
                shingles.dedup();
                Signature { text_key: if i % 10 == 0 { 7 } else { i as u128 + 100 }, ..sig(i as u64, shingles) }
            })
            .collect();
        let first = firsts(&sigs);
        let mut want = Vec::new();
        for (i, s) in sigs.iter().enumerate().filter(|&(i, _)| first[i] == i as u32) {
            let min = s.shingles.first().copied();
            want.extend(s.shingles.iter().filter(|&&h| h & 7 == 0 && Some(h) != min).map(|&h| (h, i as u32)));
            want.extend(min.map(|h| (h, i as u32)));
        }
        assert!(want.len() > 10_000, "{}", want.len());
        let got: Vec<(Member, u32)> =
            table_entries(&sigs, &first, &Params::default()).anchor.iter().map(|e| (e.key, e.record)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn bucket_pair_count_is_what_bucket_pairs_proposes() {
        for m in 0..=200u32 {
            let mut members: Vec<u32> = (0..m).collect();
            let mut n = 0;
            bucket_pairs(u64::from(m), &mut members, |x| mix(u64::from(x)), |x| u64::from(x) * 7, |_, _| n += 1);
            assert_eq!(bucket_pair_count(m as usize), n, "{m} members");
        }
    }

    #[test]
    fn each_record_joins_its_rarest_large_buckets() {
        // The definition: sort a record's large-bucket entries by (bucket
        // size, key) and keep the first LARGE_BUCKETS_PER_RECORD.
        let mut next = crate::test_rng::below(5);
        for round in 0..30 {
            let records = 1 + next(60) as u32;
            let keys = 1 + next(40);
            let mut entries: Vec<Entry<u64>> =
                (0..next(3000)).map(|_| Entry { key: next(keys), record: next(records as u64) as u32 }).collect();
            entries.sort_unstable();
            entries.dedup();
            let mut starts: Vec<usize> =
                (0..entries.len()).filter(|&i| i == 0 || entries[i].key != entries[i - 1].key).collect();
            starts.push(entries.len());
            let size = |i: usize| starts.windows(2).find(|w| w[0] <= i && i < w[1]).map(|w| w[1] - w[0]).unwrap();
            let mut large: Vec<(u32, usize, u64, usize)> = (0..entries.len())
                .filter(|&i| size(i) > BUCKET_ALL_PAIRS)
                .map(|i| (entries[i].record, size(i), entries[i].key, i))
                .collect();
            large.sort_unstable();
            let mut want = vec![true; entries.len()];
            for (k, &(doc, _, _, i)) in large.iter().enumerate() {
                want[i] = large[..k].iter().filter(|e| e.0 == doc).count() < LARGE_BUCKETS_PER_RECORD;
            }
            let got = rarest_large_buckets(&entries, &starts, records as usize);
            assert_eq!(got, want, "round {round}");
        }
    }
}
