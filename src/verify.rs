//! The `verify` stage: exact measures on shingle sets decide each candidate.
//!
//! Rules, tried in this order (all thresholds inclusive, see [`Params`]):
//! 1. same canonical URL: duplicate;
//! 2. same normalized body: duplicate; but a *stub* (a body that is only a
//!    short notice recurring across one outlet's records, such as a paywall
//!    message) matches only a record with the same body and the same title,
//!    and nothing else;
//! 3. either body shorter than `min_words` words: not a duplicate (short
//!    records match only by rules 1 and 2);
//! 4. Jaccard `>= jaccard`: duplicate;
//! 5. containment `>= containment`: duplicate (a truncated copy joins its
//!    full version).

use rdst::RadixSort;

use crate::config::Params;
use crate::fingerprint::hamming;
use crate::shingle::Member;
use crate::sign::{same_text_key, same_url_key, Signature};

/// Similarity figures of a pair of records.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    pub shared: usize,
    /// |A ∩ B| / |A ∪ B| over shingle sets.
    pub jaccard: f64,
    /// |A ∩ B| / min(|A|, |B|): the share of the smaller record found in the larger.
    pub containment: f64,
    pub hamming: u32,
}

/// Why a pair was judged a duplicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    SameUrl,
    SameText,
    Jaccard,
    Containment,
}

impl Reason {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Reason::SameUrl => "same canonical URL",
            Reason::SameText => "same normalized text",
            Reason::Jaccard => "Jaccard",
            Reason::Containment => "containment",
        }
    }
}

/// Size of the intersection of two sorted, repeat-free slices: a merge when
/// their sizes are close, a galloping search when one is over
/// [`GALLOP_RATIO`] times the other (a roundup holding thousands of records
/// against each of them), so the cost follows the smaller slice.
pub fn intersection(a: &[Member], b: &[Member]) -> usize {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if unbalanced(small, large) {
        gallop_intersection_at_least(small, large, 0).unwrap_or(0)
    } else {
        block_intersection_at_least(a, b, 0).unwrap_or(0)
    }
}

/// Sizes further apart than this take the galloping path: a merge costs
/// `|A| + |B|` cheap steps, galloping about `2 log2(|B| / |A|)` dearer ones
/// per element of the smaller set; they break even near 32.
pub const GALLOP_RATIO: usize = 32;

fn unbalanced(small: &[Member], large: &[Member]) -> bool {
    unbalanced_sizes(small.len(), large.len())
}

fn unbalanced_sizes(small: usize, large: usize) -> bool {
    small.saturating_mul(GALLOP_RATIO) < large
}

/// Size of the intersection by a plain merge. Branch-free: the comparison
/// results move the cursors, so the loop does not stall on mispredicted
/// branches. Costs `|a| + |b|` steps whatever the sizes.
pub fn merge_intersection(a: &[Member], b: &[Member]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        n += (x == y) as usize;
        i += (x <= y) as usize;
        j += (y <= x) as usize;
    }
    n
}

/// Size of the intersection of `small` with `large` (both sorted and
/// repeat-free) by galloping: each element of `small` is looked up in what
/// is left of `large` by an exponential then a binary search, in
/// `O(|small| log(|large| / |small|))`. `None` as soon as it can no
/// longer reach `need`.
pub fn gallop_intersection_at_least(small: &[Member], large: &[Member], need: usize) -> Option<usize> {
    let mut rest = large;
    let mut n = 0;
    for (k, &x) in small.iter().enumerate() {
        if rest.is_empty() {
            break;
        }
        // What is left of `small` (this element included) and of `large`
        // bounds what can still be shared.
        if n + (small.len() - k).min(rest.len()) < need {
            return None;
        }
        // First position in `rest` holding a value >= x: `rest[bound / 2] < x`
        // once `bound > 1`, so it lies in `bound / 2 ..= bound`.
        let mut bound = 1;
        while bound < rest.len() && rest[bound] < x {
            bound *= 2;
        }
        let lo = bound / 2;
        let i = lo + rest[lo..(bound + 1).min(rest.len())].partition_point(|&y| y < x);
        let hit = rest.get(i) == Some(&x);
        n += hit as usize;
        rest = &rest[i + hit as usize..];
    }
    (n >= need).then_some(n)
}

/// Values of a large set between two fences (see [`fences`]).
pub const FENCE_EVERY: usize = 64;

/// Every [`FENCE_EVERY`]th value of sorted `large`, from the first: a
/// summary of a large set small enough to stay in the cache, so that a
/// lookup in the set is a search of its fences and one run of
/// `FENCE_EVERY` values (four cache lines), where a gallop through a set of
/// a million values misses the cache at almost every probe.
pub fn fences(large: &[Member]) -> Vec<Member> {
    large.iter().step_by(FENCE_EVERY).copied().collect()
}

/// Size of the intersection of `small` with `large` (both sorted and
/// repeat-free) whose [`fences`] are `fences`, or `None` as soon as it can
/// no longer reach `need`: each value of `small` is looked up among the
/// fences at or after the previous one's, then in the one run of `large`
/// it falls in.
pub fn fenced_intersection_at_least(
    small: &[Member],
    large: &[Member],
    fences: &[Member],
    need: usize,
) -> Option<usize> {
    debug_assert_eq!(fences.len(), large.len().div_ceil(FENCE_EVERY));
    let mut n = 0;
    // The number of fences <= the previous value of `small`: the next
    // value's search starts at the first fence above it.
    let mut f = 0;
    for (k, &x) in small.iter().enumerate() {
        if n + small.len() - k < need {
            return None;
        }
        // The last fence <= x opens the run that may hold x.
        f += fences[f..].partition_point(|&y| y <= x);
        if f == 0 {
            continue; // below the whole set
        }
        let run = (f - 1) * FENCE_EVERY;
        let values = &large[run..(run + FENCE_EVERY).min(large.len())];
        n += values.binary_search(&x).is_ok() as usize;
    }
    (n >= need).then_some(n)
}

/// The [`fences`] of every record of at least [`FENCED_MIN`] shingles.
pub struct Fences {
    by_record: std::collections::HashMap<u32, Vec<Member>>,
}

/// Sets this large get [`fences`]: a gallop through a smaller one stays
/// within a few cache lines anyway.
pub const FENCED_MIN: usize = 4096;

impl Fences {
    pub fn new(sigs: &[Signature]) -> Fences {
        let by_record = sigs
            .iter()
            .enumerate()
            .filter(|(_, s)| s.shingles.len() >= FENCED_MIN)
            .map(|(i, s)| (i as u32, fences(&s.shingles)))
            .collect();
        Fences { by_record }
    }

    fn of(&self, i: u32) -> Option<&[Member]> {
        self.by_record.get(&i).map(Vec::as_slice)
    }
}

/// Similarity figures of `a` and `b`.
pub fn similarity(a: &Signature, b: &Signature) -> Similarity {
    similarity_of(a, b, intersection(&a.shingles, &b.shingles))
}

/// Similarity figures of `a` and `b`, which share `shared` shingles.
fn similarity_of(a: &Signature, b: &Signature, shared: usize) -> Similarity {
    let union = a.shingles.len() + b.shingles.len() - shared;
    let smaller = a.shingles.len().min(b.shingles.len());
    Similarity {
        shared,
        jaccard: if union == 0 { 0.0 } else { shared as f64 / union as f64 },
        containment: if smaller == 0 { 0.0 } else { shared as f64 / smaller as f64 },
        hamming: hamming(a.fingerprint, b.fingerprint),
    }
}

/// True when rules 4 and 5 (Jaccard, containment) may decide the pair:
/// neither record is a stub nor shorter than `min_words`.
pub(crate) fn shingle_rules_apply(a: &Signature, b: &Signature, p: &Params) -> bool {
    rules_apply(a.stub, a.words, b.stub, b.words, p)
}

fn rules_apply(stub_a: bool, words_a: u32, stub_b: bool, words_b: u32, p: &Params) -> bool {
    !stub_a && !stub_b && words_a as usize >= p.min_words && words_b as usize >= p.min_words
}

/// The rule that makes `a` and `b` duplicates, or `None`.
pub(crate) fn decide(a: &Signature, b: &Signature, s: &Similarity, p: &Params) -> Option<Reason> {
    if a.same_url(b) {
        return Some(Reason::SameUrl);
    }
    let same_text = a.same_text(b);
    if a.stub || b.stub {
        // A paywall or consent notice repeated by one outlet: the same notice
        // on two pages says nothing, unless the titles agree too.
        return (same_text && a.title_key == b.title_key).then_some(Reason::SameText);
    }
    if same_text {
        return Some(Reason::SameText);
    }
    if !shingle_rules_apply(a, b, p) {
        return None;
    }
    if s.jaccard >= p.jaccard {
        return Some(Reason::Jaccard);
    }
    if s.containment >= p.containment {
        return Some(Reason::Containment);
    }
    None
}

/// A verified duplicate pair, `a < b` (input positions).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub a: u32,
    pub b: u32,
    pub reason: Reason,
    pub sim: Similarity,
}

/// The fewest shared shingles with which `a` and `b` could pass the Jaccard
/// or the containment rule, rounded down and less one so that float
/// rounding can never prune a pair that passes; 0 when either set is empty.
pub(crate) fn min_shared(a: &Signature, b: &Signature, p: &Params) -> usize {
    min_shared_of(a.shingles.len(), b.shingles.len(), p)
}

fn min_shared_of(x: usize, y: usize, p: &Params) -> usize {
    let (x, y) = (x as f64, y as f64);
    let by_jaccard = p.jaccard * (x + y) / (1.0 + p.jaccard);
    let by_containment = p.containment * x.min(y);
    // `as` rounds toward zero, and below zero (or NaN) to 0: `floor` for
    // every value here, without the call to libm's `floor` that x86-64's
    // base instruction set needs for each candidate pair.
    (by_jaccard.min(by_containment) as usize).saturating_sub(1)
}

/// Size of the intersection of two sorted, repeat-free slices, or `None`
/// as soon as it can no longer reach `need`. Very unbalanced sizes gallop
/// (see [`intersection`]); others take [`block_intersection_at_least`].
pub fn intersection_at_least(a: &[Member], b: &[Member], need: usize) -> Option<usize> {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if unbalanced(small, large) {
        return gallop_intersection_at_least(small, large, need);
    }
    block_intersection_at_least(a, b, need)
}

/// Values compared at a time by [`block_intersection_at_least`]: eight
/// 32-bit members, two vector registers of the baseline x86-64 (SSE2).
const BLOCK: usize = 8;

/// Size of the intersection by a merge of blocks of [`BLOCK`] values: all 64
/// pairs of two blocks are compared at once (no dependency between the
/// comparisons, so they run in parallel, where a merge waits on each
/// comparison to move a cursor), then the block with the smaller last value
/// moves on (both when they are equal). A value of the block that moves on
/// cannot equal any later value of the other side, and each value matches
/// at most once, so the count is exact. `None` as soon as it can no longer
/// reach `need`: the bound is checked every 16 blocks.
pub fn block_intersection_at_least(a: &[Member], b: &[Member], need: usize) -> Option<usize> {
    block_merge(a, b, |_, most| (most < need).then_some(None), |n| (n >= need).then_some(n))
}

/// The merge of [`block_intersection_at_least`]: every 16 blocks,
/// `settle(n, most)` is told the count so far and the most it can reach,
/// and may end the merge with its verdict; `finish` makes the verdict of
/// the whole count.
#[inline(always)]
fn block_merge<T>(
    a: &[Member],
    b: &[Member],
    settle: impl Fn(usize, usize) -> Option<T>,
    finish: impl FnOnce(usize) -> T,
) -> T {
    let (mut i, mut j, mut n) = (0, 0, 0);
    loop {
        let mut steps = 0;
        while steps < 16 && i + BLOCK <= a.len() && j + BLOCK <= b.len() {
            let x: &[Member; BLOCK] = a[i..i + BLOCK].try_into().expect("a block");
            let y: &[Member; BLOCK] = b[j..j + BLOCK].try_into().expect("a block");
            for u in x {
                for v in y {
                    n += (u == v) as usize;
                }
            }
            let (xl, yl) = (x[BLOCK - 1], y[BLOCK - 1]);
            i += BLOCK * (xl <= yl) as usize;
            j += BLOCK * (yl <= xl) as usize;
            steps += 1;
        }
        if let Some(verdict) = settle(n, n + (a.len() - i).min(b.len() - j)) {
            return verdict;
        }
        if steps < 16 {
            break;
        }
    }
    // Fewer than a block left on one side: a plain merge of the rest.
    finish(n + merge_intersection(&a[i..], &b[j..]))
}

/// True when the [`Similarity`] of `a` and `b` satisfies `holds`, which
/// must be monotone in the shingles shared (false below some count, true
/// from it on, as every rule of [`decide`] is for two given records). The
/// merge stops as soon as the count so far satisfies it, or the most the
/// count can still reach does not: the answer is the one the whole count
/// gives, at a fraction of its cost for records that plainly agree (the
/// copies of one story that the cluster stage compares with each other).
pub(crate) fn reaches(a: &Signature, b: &Signature, holds: impl Fn(&Similarity) -> bool) -> bool {
    let (x, y) = (&a.shingles, &b.shingles);
    let holds_at = |n: usize| holds(&similarity_of(a, b, n));
    let (small, large) = if x.len() <= y.len() { (x, y) } else { (y, x) };
    if unbalanced(small, large) {
        return holds_at(intersection(x, y));
    }
    block_merge(
        x,
        y,
        |n, most| {
            if holds_at(n) {
                Some(true)
            } else if !holds_at(most) {
                Some(false)
            } else {
                None
            }
        },
        holds_at,
    )
}

/// Partition sketches of every shingle set, an exact and cheap upper bound
/// on the shingles two records share ([`Sketches::bound`]), so that most
/// candidate pairs (which share a phrase or two, not a story) are refused
/// without a merge of their sets.
///
/// A set of `n` shingles gets a bitmap of `2^k >= 4n` bits (at least 64):
/// bit `(h >> ANCHOR_SKIP) mod 2^k` is set for each shingle hash `h`. A
/// shingle both sets hold sets the same bit in both, so the shared
/// shingles number at most the bits set in both, plus what either set holds
/// beyond one shingle per set bit (its size less its bits set): a bound
/// that never refuses a pair reaching the count a rule needs. Bitmaps of
/// different sizes are compared at the smaller size, the larger folded onto
/// it by OR (bit `i` of the folded map is set when any bit `i mod 2^k` is).
/// About half a byte a shingle.
pub struct Sketches {
    words: Vec<u64>,
    /// Start of each record's bitmap in `words`, one past the last at the end.
    start: Vec<usize>,
    /// Bits set in each record's own bitmap.
    ones: Vec<u32>,
}

/// The low bits of a shingle hash choose anchors (see the pairs stage);
/// the bitmap uses the bits above them.
const ANCHOR_SKIP: u32 = 3;
/// Smallest and largest bitmaps: 2^6 and 2^24 bits.
const MIN_LOG2: u32 = 6;
const MAX_LOG2: u32 = 24;

fn sketch_log2(n: usize) -> u32 {
    (usize::BITS - (4 * n).saturating_sub(1).leading_zeros()).clamp(MIN_LOG2, MAX_LOG2)
}

impl Sketches {
    /// Sketch every record's shingle set, in parallel.
    pub fn new(sigs: &[Signature]) -> Sketches {
        use rayon::prelude::*;
        let mut start = Vec::with_capacity(sigs.len() + 1);
        let mut total = 0usize;
        for s in sigs {
            start.push(total);
            total += sketch_len(s.shingles.len());
        }
        start.push(total);
        let mut words = vec![0u64; total];
        let maps = crate::split_by_lengths(&mut words, start.windows(2).map(|w| w[1] - w[0]));
        let ones = maps.into_par_iter().zip(sigs.par_iter()).map(|(map, s)| fill_sketch(&s.shingles, map)).collect();
        Sketches { words, start, ones }
    }

    /// The first word of record `i`'s bitmap (read to bring it into the cache).
    fn head(&self, i: u32) -> u64 {
        self.words[self.start[i as usize]] ^ self.ones[i as usize] as u64
    }

    fn map(&self, i: u32) -> &[u64] {
        &self.words[self.start[i as usize]..self.start[i as usize + 1]]
    }

    /// At least as many as the shingles records `a` and `b` share.
    pub fn bound(&self, sigs: &[Signature], a: u32, b: u32) -> usize {
        sketch_bound(&self.glance(sigs, a), &self.glance(sigs, b))
    }

    /// What [`refused_at_a_glance`] reads of record `i`.
    fn glance<'s>(&'s self, sigs: &[Signature], i: u32) -> Glance<'s> {
        Glance::new(&sigs[i as usize], self.map(i), self.ones[i as usize])
    }
}

/// The sketch of a shingle set (see [`Sketches`]): its bitmap words and
/// the bits set in them.
pub fn sketch(shingles: &[Member]) -> (Vec<u64>, u32) {
    let mut map = vec![0u64; 1 << (sketch_log2(shingles.len()) - MIN_LOG2)];
    let ones = fill_sketch(shingles, &mut map);
    (map, ones)
}

/// The number of words of the sketch of a set of `shingles` shingles.
pub fn sketch_len(shingles: usize) -> usize {
    1 << (sketch_log2(shingles) - MIN_LOG2)
}

/// Set the bit of each shingle in `map` (zeroed, [`sketch_len`] words);
/// the bits set.
fn fill_sketch(shingles: &[Member], map: &mut [u64]) -> u32 {
    let mask = map.len() * 64 - 1;
    for &h in shingles {
        let bit = (h >> ANCHOR_SKIP) as usize & mask;
        map[bit / 64] |= 1 << (bit % 64);
    }
    map.iter().map(|w| w.count_ones()).sum()
}

/// What the checks before the exact count read of one record (see
/// [`refused_at_a_glance`]): its keys, flags, sizes and sketch, without
/// its shingle set. The keyed `buckets` stage sees only this.
#[derive(Debug, Clone, Copy)]
pub struct Glance<'a> {
    pub text_key: u128,
    pub url_key: Option<u64>,
    pub stub: bool,
    pub words: u32,
    /// The number of its shingles.
    pub shingles: usize,
    /// Its [`sketch`] and the bits set in it.
    pub sketch: &'a [u64],
    pub ones: u32,
}

impl<'a> Glance<'a> {
    /// The glance of `s`, whose sketch is `sketch` with `ones` bits set.
    pub fn new(s: &Signature, sketch: &'a [u64], ones: u32) -> Glance<'a> {
        Glance {
            text_key: s.text_key,
            url_key: s.url_key,
            stub: s.stub,
            words: s.words,
            shingles: s.shingles.len(),
            sketch,
            ones,
        }
    }
}

/// At least as many as the shingles `a` and `b` share, from their
/// sketches: the bits both set (the larger bitmap folded onto the smaller)
/// and, beyond them, the shingles that share a bit with another.
fn sketch_bound(a: &Glance, b: &Glance) -> usize {
    let ((small, ns, ones_small), (large, nl, ones)) = if a.sketch.len() <= b.sketch.len() {
        ((a.sketch, a.shingles, a.ones), (b.sketch, b.shingles, b.ones))
    } else {
        ((b.sketch, b.shingles, b.ones), (a.sketch, a.shingles, a.ones))
    };
    let (mut both, mut ones_large) = (0u32, 0u32);
    let w = small.len();
    if w == large.len() {
        // Not folded: its bits set are the record's own.
        ones_large = ones;
        for (x, y) in small.iter().zip(large) {
            both += (x & y).count_ones();
        }
    } else if w <= FOLD_WORDS {
        // Folded a stretch of `w` words at a time, in order through memory.
        let mut buffer = [0u64; FOLD_WORDS];
        let folded = &mut buffer[..w];
        for stretch in large.chunks_exact(w) {
            for (f, y) in folded.iter_mut().zip(stretch) {
                *f |= y;
            }
        }
        for (x, f) in small.iter().zip(folded.iter()) {
            both += (x & f).count_ones();
            ones_large += f.count_ones();
        }
    } else {
        for (i, x) in small.iter().enumerate() {
            let folded = large[i..].iter().step_by(w).fold(0, |acc, y| acc | y);
            both += (x & folded).count_ones();
            ones_large += folded.count_ones();
        }
    }
    let beyond = (ns - ones_small as usize).min(nl - ones_large as usize);
    both as usize + beyond
}

/// The largest smaller bitmap [`sketch_bound`] folds the larger onto in a
/// buffer on the stack (4,096 bits: sets of up to 1,024 shingles).
const FOLD_WORDS: usize = 64;

/// True when [`verify`] refuses `a` and `b` (a candidate, `a` the smaller
/// ordinal) before it counts what they share: neither URL nor body is the
/// same, and the shingle rules do not apply, or the sizes are balanced and
/// the [`Sketches`] bound falls short of [`min_shared`].
pub fn refused_at_a_glance(a: &Glance, b: &Glance, p: &Params) -> bool {
    if same_url_key(a.url_key, b.url_key) || same_text_key(a.text_key, b.text_key) {
        return false;
    }
    if !rules_apply(a.stub, a.words, b.stub, b.words, p) {
        return true;
    }
    let need = min_shared_of(a.shingles, b.shingles, p);
    // The bound reads the larger record's whole bitmap: for sizes far
    // apart (a roundup and each story it holds) that costs more than
    // galloping the smaller set through the larger, and a record holding
    // thousands of others made verify quadratic.
    let balanced = !unbalanced_sizes(a.shingles.min(b.shingles), a.shingles.max(b.shingles));
    balanced && sketch_bound(a, b) < need
}

/// Verify candidate pairs in parallel; keep the duplicates, in pair order.
/// Pairs that only the shingle rules could pass are not measured when those
/// rules do not apply, are refused when the [`Sketches`] bound is below
/// [`min_shared`], and stop early once they cannot reach it; a pass always
/// has its exact figures.
///
/// `pair` reads the records of each item of `pairs` (so that the candidate
/// list is verified where it lies, without a copy of its pairs).
pub(crate) fn verify<T: Sync>(
    sigs: &[Signature],
    pairs: &[T],
    pair: impl Fn(&T) -> (u32, u32) + Sync,
    p: &Params,
) -> Vec<Edge> {
    use rayon::prelude::*;
    let sketches = Sketches::new(sigs);
    let fences = Fences::new(sigs);
    // Pairs are sorted by `a`, so records `b` lie anywhere in memory: at a
    // million records, a read of one is a cache and TLB miss. Each block of
    // consecutive pairs is verified in order of `b` instead, a sweep up
    // through memory that shares pages and lets the prefetcher run ahead,
    // and its duplicates are put back in pair order.
    let block = (pairs.len() / (rayon::current_num_threads() * 8)).clamp(WARM_CHUNK, SWEEP_BLOCK);
    pairs
        .par_chunks(block)
        .flat_map_iter(|items| {
            // (b, a) packed into a u64, radix-sorted on this block's thread
            // (the blocks run in parallel): verify at 100k 0.424-0.430 s ->
            // 0.392-0.403 s against the comparison sort of (b, a) tuples.
            let mut order: Vec<u64> =
                items.iter().map(&pair).map(|(a, b)| (u64::from(b) << 32) | u64::from(a)).collect();
            order.radix_sort_builder().with_single_threaded_tuner().with_parallel(false).sort();
            let unpack = |k: u64| ((k >> 32) as u32, k as u32);
            let mut edges: Vec<Edge> = order
                .chunks(WARM_CHUNK)
                .flat_map(|chunk| {
                    // Reading what the checks read first for a whole chunk
                    // at once sends the loads out together, so that their
                    // waits overlap.
                    let mut touched = 0u64;
                    for b in chunk.iter().map(|&k| unpack(k).0) {
                        let s = &sigs[b as usize];
                        touched ^= s.text_key as u64 ^ s.words as u64 ^ sketches.head(b);
                    }
                    std::hint::black_box(touched);
                    chunk.iter().map(|&k| unpack(k)).filter_map(|(b, a)| verify_one(sigs, &sketches, &fences, a, b, p))
                })
                .collect();
            edges.sort_unstable_by_key(|e| (e.a, e.b));
            edges
        })
        .collect()
}

/// Most pairs verified as one sweep in order of their second record (see
/// [`verify`]): 8 MB of pair keys a thread. At a million records, a block
/// of 2^20 pairs touches most records' second-record data in one upward
/// pass, where a block of 2^17 touched one record in eight (verify at 1M:
/// 10.0 s -> 6.2-7.0 s; 2^21 6.6-7.6 s, 2^22 11.3 s, too few blocks to
/// share). The first records of a block, about 16,000, stay in the cache.
const SWEEP_BLOCK: usize = 1 << 20;

/// Pairs whose records are read together before they are verified (see
/// [`verify`]).
const WARM_CHUNK: usize = 32;

/// The [`Edge`] of `a` and `b`, when they are duplicates.
fn verify_one(sigs: &[Signature], sketches: &Sketches, fences: &Fences, a: u32, b: u32, p: &Params) -> Option<Edge> {
    let (sa, sb) = (&sigs[a as usize], &sigs[b as usize]);
    // The shared shingles, once counted: a pair that passes is not merged
    // a second time for its figures (for a roundup, each of the thousands
    // of stories it holds galloped through it twice).
    let mut shared = None;
    if !sa.same_url(sb) && !sa.same_text(sb) {
        if refused_at_a_glance(&sketches.glance(sigs, a), &sketches.glance(sigs, b), p) {
            return None;
        }
        let need = min_shared(sa, sb, p);
        let (small, (large, l)) = if sa.shingles.len() <= sb.shingles.len() {
            (&sa.shingles, (&sb.shingles, b))
        } else {
            (&sb.shingles, (&sa.shingles, a))
        };
        let balanced = !unbalanced(small, large);
        shared = Some(match fences.of(l) {
            Some(f) if !balanced => fenced_intersection_at_least(small, large, f, need)?,
            _ => intersection_at_least(small, large, need)?,
        });
    }
    let sim = match shared {
        Some(n) => similarity_of(sa, sb, n),
        None => similarity(sa, sb),
    };
    decide(sa, sb, &sim, p).map(|reason| Edge { a, b, reason, sim })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_shared_rounds_down_as_floor_does() {
        for jaccard in [0.0, 0.3, 0.5, 0.7, 0.85, 1.0, -0.5, f64::NAN] {
            for containment in [0.0, 0.5, 0.8, 1.0, -2.0] {
                let p = Params { jaccard, containment, ..Params::default() };
                for x in (0..300).chain([1_000, 4_999, 1 << 20]) {
                    for y in [0, 1, 2, 3, 7, 10, 99, 100, 101, 500, 10_000] {
                        let (fx, fy) = (x as f64, y as f64);
                        let v = (jaccard * (fx + fy) / (1.0 + jaccard)).min(containment * fx.min(fy));
                        let floor = (v.floor() as usize).saturating_sub(1);
                        assert_eq!(min_shared_of(x, y, &p), floor, "{x} {y} {jaccard} {containment}");
                    }
                }
            }
        }
    }

    fn sig(shingles: Vec<Member>, words: u32) -> Signature {
        Signature {
            fingerprint: 0,
            shingles,
            words,
            text_key: words as u128 * 7919 + 1,
            url_key: None,
            ..Default::default()
        }
    }

    #[test]
    fn intersection_of_sorted_sets() {
        assert_eq!(intersection(&[1, 3, 5, 7], &[2, 3, 7, 9]), 2);
        assert_eq!(intersection(&[], &[1]), 0);
    }

    /// Two sorted, repeat-free sets drawn by `next`: `sizes.0` and
    /// `sizes.1` draws of their own (below `spread`, the first set's above
    /// `offset`, the second's above twice it), then `sizes.2` draws below
    /// `spread` that both hold.
    fn overlapping_sets(
        next: &mut impl FnMut(u64) -> u64,
        sizes: (u64, u64, u64),
        spread: u64,
        offset: u64,
    ) -> (Vec<u32>, Vec<u32>) {
        let (na, nb, shared) = sizes;
        let mut a: Vec<u32> = (0..na).map(|_| (next(spread) + offset) as u32).collect();
        let mut b: Vec<u32> = (0..nb).map(|_| (next(spread) + 2 * offset) as u32).collect();
        let common: Vec<u32> = (0..shared).map(|_| next(spread) as u32).collect();
        a.extend(&common);
        b.extend(&common);
        for v in [&mut a, &mut b] {
            v.sort_unstable();
            v.dedup();
        }
        (a, b)
    }

    #[test]
    fn early_stop_never_rejects_a_pair_that_passes() {
        // Deterministic pseudo-random sets of many sizes and overlaps.
        let mut next = crate::test_rng::below(7);
        let p = Params { min_words: 1, ..Params::default() };
        let (mut passed, mut pruned) = (0, 0);
        for _ in 0..3000 {
            let (na, nb, shared) = (next(200), next(200), next(300));
            let (a, b) = overlapping_sets(&mut next, (na, nb, shared), 100_000, 1_000_000);
            let (sa, sb) = (sig(a, 500), sig(b, 400));
            let s = similarity(&sa, &sb);
            let early = intersection_at_least(&sa.shingles, &sb.shingles, min_shared(&sa, &sb, &p));
            if decide(&sa, &sb, &s, &p).is_some() {
                passed += 1;
                assert_eq!(early, Some(s.shared), "a passing pair was pruned: {s:?}");
            } else if early.is_none() {
                pruned += 1;
            }
            if let Some(n) = early {
                assert_eq!(n, s.shared);
            }
        }
        assert!(passed > 100 && pruned > 100, "passed {passed}, pruned {pruned}");
    }

    #[test]
    fn reaches_gives_the_answer_of_the_whole_count() {
        // Sets long enough to stop early (the verdict is checked every 16
        // blocks of 8), unbalanced ones (the galloping path), and monotone
        // tests on either side of the count.
        let mut next = crate::test_rng::below(11);
        let p = Params { min_words: 1, ..Params::default() };
        let (mut yes, mut no) = (0, 0);
        for round in 0..2000 {
            let (na, nb, shared) = if round % 10 == 0 {
                (next(40), 1500 + next(1500), next(40))
            } else {
                (next(1200), next(1200), next(1500))
            };
            let (a, b) = overlapping_sets(&mut next, (na, nb, shared), 1 << 20, 1 << 24);
            let (sa, sb) = (sig(a, 500), sig(b, 400));
            let whole = similarity(&sa, &sb);
            let link = next(100) as f64 / 100.0;
            let related = |s: &Similarity| s.containment >= link || decide(&sa, &sb, s, &p).is_some();
            let at_least = next(whole.shared as u64 * 2 + 2) as usize;
            let tests: [&dyn Fn(&Similarity) -> bool; 2] = [&related, &|s| s.shared >= at_least];
            for holds in tests {
                let want = holds(&whole);
                assert_eq!(reaches(&sa, &sb, holds), want, "{whole:?}, link {link}, at least {at_least}");
                if want {
                    yes += 1;
                } else {
                    no += 1;
                }
            }
        }
        assert!(yes > 500 && no > 500, "yes {yes}, no {no}");
    }

    #[test]
    fn thresholds_are_inclusive() {
        let p = Params { jaccard: 0.5, containment: 0.8, min_words: 1, ..Params::default() };
        // 2 shared of 4 in the union: Jaccard exactly 0.5 passes.
        let a = sig(vec![1, 2, 3], 10);
        let b = sig(vec![2, 3, 4], 11);
        let s = similarity(&a, &b);
        assert_eq!(s.jaccard, 0.5);
        assert_eq!(decide(&a, &b, &s, &p), Some(Reason::Jaccard));
        let p2 = Params { jaccard: 0.5001, containment: 0.9, ..p.clone() };
        assert_eq!(decide(&a, &b, &s, &p2), None);
        // Containment exactly 0.8: 4 of the smaller's 5 shingles.
        let c = sig(vec![1, 2, 3, 4, 5], 10);
        let d = sig((2..=20).collect(), 30);
        let s = similarity(&c, &d);
        assert_eq!(s.containment, 0.8);
        assert_eq!(decide(&c, &d, &s, &Params { jaccard: 0.9, ..p.clone() }), Some(Reason::Containment));
        assert_eq!(decide(&c, &d, &s, &Params { jaccard: 0.9, containment: 0.81, ..p }), None);
    }

    #[test]
    fn stubs_match_only_with_the_same_title() {
        let p = Params::default();
        let paywall = |title_key| Signature { stub: true, title_key, ..sig(vec![1, 2, 3], 8) };
        let (a, b) = (paywall(11), paywall(12));
        assert_eq!(a.text_key, b.text_key);
        assert_eq!(decide(&a, &b, &similarity(&a, &b), &p), None);
        let c = paywall(11);
        assert_eq!(decide(&a, &c, &similarity(&a, &c), &p), Some(Reason::SameText));
        // A stub never matches a real article by its shingles either.
        let full = Signature { title_key: 11, ..sig(vec![1, 2, 3], 400) };
        assert_eq!(decide(&a, &full, &similarity(&a, &full), &Params { min_words: 1, ..p }), None);
    }

    #[test]
    fn short_records_need_the_same_text() {
        let p = Params { min_words: 20, ..Params::default() };
        let a = sig(vec![1, 2, 3], 19);
        let mut b = sig(vec![1, 2, 3], 25);
        let s = similarity(&a, &b);
        assert_eq!(decide(&a, &b, &s, &p), None);
        b.text_key = a.text_key;
        assert_eq!(decide(&a, &b, &s, &p), Some(Reason::SameText));
        b.text_key = 99;
        b.url_key = Some(5);
        let mut a2 = a.clone();
        a2.url_key = Some(5);
        assert_eq!(decide(&a2, &b, &s, &p), Some(Reason::SameUrl));
    }
}
