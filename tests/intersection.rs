//! The shingle-set intersection of `verify`: the galloping path taken for
//! very unbalanced sizes must count exactly what the plain merge counts, and
//! the early-stopping variant must never prune a pair that reaches `need`;
//! the block merge counts exactly what the plain merge counts.

use newsdedup::verify::{
    block_intersection_at_least, fenced_intersection_at_least, fences, gallop_intersection_at_least, intersection,
    intersection_at_least, merge_intersection, FENCE_EVERY, GALLOP_RATIO,
};
use proptest::prelude::*;

fn sorted_set(mut v: Vec<u32>) -> Vec<u32> {
    v.sort_unstable();
    v.dedup();
    v
}

/// A large set and a small one, the small one partly drawn from the large
/// (so that they share elements, including the first and last) and partly
/// random, in a narrow or a wide value range.
fn unbalanced_pair() -> impl Strategy<Value = (Vec<u32>, Vec<u32>)> {
    (
        prop::collection::vec(any::<u32>(), 0..3000),
        prop::collection::vec(any::<prop::sample::Index>(), 0..60),
        prop::collection::vec(any::<u32>(), 0..60),
        prop_oneof![Just(u32::MAX), Just(20_000u32), Just(100u32)],
    )
        .prop_map(|(large, picks, extra, range)| {
            let large = sorted_set(large.into_iter().map(|x| x % range).collect());
            let mut small: Vec<u32> = extra.into_iter().map(|x| x % range).collect();
            if !large.is_empty() {
                small.extend(picks.iter().map(|i| large[i.index(large.len())]));
            }
            (sorted_set(small), large)
        })
}

/// Two sets of any sizes, mostly close ones (the merge path).
fn any_pair() -> impl Strategy<Value = (Vec<u32>, Vec<u32>)> {
    (prop::collection::vec(0u32..500, 0..400), prop::collection::vec(0u32..500, 0..400))
        .prop_map(|(a, b)| (sorted_set(a), sorted_set(b)))
}

fn check(a: &[u32], b: &[u32], need: usize) -> Result<(), TestCaseError> {
    let exact = merge_intersection(a, b);
    prop_assert_eq!(intersection(a, b), exact);
    prop_assert_eq!(intersection(b, a), exact);
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    prop_assert_eq!(gallop_intersection_at_least(small, large, 0), Some(exact));
    for (x, y) in [(a, b), (b, a)] {
        prop_assert_eq!(block_intersection_at_least(x, y, need), (exact >= need).then_some(exact));
        let early = intersection_at_least(x, y, need);
        if exact >= need {
            prop_assert_eq!(early, Some(exact), "pruned a pair that reaches need {}", need);
        } else if let Some(n) = early {
            prop_assert_eq!(n, exact);
        }
    }
    let g = gallop_intersection_at_least(small, large, need);
    prop_assert_eq!(g, (exact >= need).then_some(exact));
    // The fenced lookup, either way round: exact whenever it answers.
    for (x, y) in [(small, large), (large, small)] {
        let f = fenced_intersection_at_least(x, y, &fences(y), need);
        prop_assert_eq!(f, (exact >= need).then_some(exact), "fenced, need {}", need);
    }
    Ok(())
}

proptest! {
    #[test]
    fn gallop_equals_merge_on_unbalanced_sets((small, large) in unbalanced_pair(), need in 0usize..80) {
        check(&small, &large, need)?;
    }

    #[test]
    fn intersection_equals_merge_on_any_sets((a, b) in any_pair(), need in 0usize..300) {
        check(&a, &b, need)?;
    }
}

#[test]
fn gallop_is_taken_and_exact_on_a_roundup() {
    // A roundup of 200,000 shingles holding a 50-shingle record, spread out.
    let large: Vec<u32> = (0..200_000u32).map(|i| i * 3).collect();
    let small: Vec<u32> = (0..50u32).map(|i| i * 12_000 + (i % 2)).collect();
    assert!(small.len() * GALLOP_RATIO < large.len());
    let exact = merge_intersection(&small, &large);
    assert_eq!(exact, 25);
    assert_eq!(intersection(&large, &small), exact);
    assert_eq!(intersection_at_least(&small, &large, 25), Some(25));
    assert_eq!(intersection_at_least(&small, &large, 26), None);
    let f = fences(&large);
    assert_eq!(f.len(), large.len().div_ceil(FENCE_EVERY));
    assert_eq!(fenced_intersection_at_least(&small, &large, &f, 25), Some(25));
    assert_eq!(fenced_intersection_at_least(&small, &large, &f, 26), None);
    // Values at each run's first and last place, below and above the set.
    let edges: Vec<u32> = (0..large.len())
        .filter(|i| i % FENCE_EVERY == 0 || i % FENCE_EVERY == FENCE_EVERY - 1)
        .map(|i| large[i])
        .chain([large[large.len() - 1] + 1])
        .collect();
    assert_eq!(fenced_intersection_at_least(&edges, &large, &f, 0), Some(edges.len() - 1));
    let below = [0u32, 1, 2];
    assert_eq!(fenced_intersection_at_least(&below, &large[1..], &fences(&large[1..]), 0), Some(0));
}

fn sig_of(shingles: Vec<u32>) -> newsdedup::sign::Signature {
    newsdedup::sign::Signature { shingles, ..Default::default() }
}

/// The sketch bound as its definition gives it, one bit at a time: the bits
/// both bitmaps set, the larger folded onto the smaller (bit `i` of the
/// folded map set when any bit `i mod` the smaller size is), plus the
/// fewer of the shingles either set holds beyond one a bit set.
fn bound_bit_by_bit(a: &[u32], b: &[u32]) -> usize {
    let ((ma, ones_a), (mb, ones_b)) = (newsdedup::verify::sketch(a), newsdedup::verify::sketch(b));
    let ((small, n_small, ones_small), (large, n_large)) = if ma.len() <= mb.len() {
        ((ma, a.len(), ones_a), (mb, b.len()))
    } else {
        ((mb, b.len(), ones_b), (ma, a.len()))
    };
    let bit = |map: &[u64], i: usize| map[i / 64] >> (i % 64) & 1 == 1;
    let bits = small.len() * 64;
    let folded: Vec<bool> = (0..bits).map(|i| (i..large.len() * 64).step_by(bits).any(|j| bit(&large, j))).collect();
    let both = (0..bits).filter(|&i| bit(&small, i) && folded[i]).count();
    let ones_large = folded.iter().filter(|&&f| f).count();
    both + (n_small - ones_small as usize).min(n_large - ones_large)
}

proptest! {
    /// The sketch bound is its definition ([`bound_bit_by_bit`]) and never
    /// below the exact count, whatever the sizes (equal bitmaps, folded
    /// ones, tiny sets) and however the values fall.
    #[test]
    fn sketch_bound_never_undercounts(
        (a, b) in prop_oneof![any_pair(), unbalanced_pair()],
        wide in prop::collection::vec(any::<u32>(), 0..1500),
        shift in 0u32..64,
    ) {
        let wide = sorted_set(wide);
        let spread = |v: &[u32]| sorted_set(v.iter().map(|x| x.rotate_left(shift)).collect());
        // Twice as wide: a bitmap of more than 64 words folded onto one of
        // more than 64 when `wide` holds more than 1,024.
        let double = sorted_set(wide.iter().copied().chain(spread(&wide)).collect());
        let sets = [a.clone(), b.clone(), wide.clone(), spread(&a), spread(&wide), double];
        let sigs: Vec<_> = sets.iter().cloned().map(sig_of).collect();
        let sketches = newsdedup::verify::Sketches::new(&sigs);
        for x in 0..sets.len() {
            for y in 0..sets.len() {
                let exact = merge_intersection(&sets[x], &sets[y]);
                let bound = sketches.bound(&sigs, x as u32, y as u32);
                prop_assert!(bound >= exact, "bound {} < exact {} for sets {} and {}", bound, exact, x, y);
                prop_assert_eq!(bound, bound_bit_by_bit(&sets[x], &sets[y]), "sets {} and {}", x, y);
            }
        }
    }
}

/// Two unrelated sets of 500 shingles share none, and the bound says they
/// cannot reach the 259 a Jaccard of 0.35 needs: the merge is skipped.
#[test]
fn sketch_bound_refuses_unrelated_sets() {
    let mut state = 99u64;
    let mut next = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 32) as u32
    };
    let mut refused = 0;
    for _ in 0..100 {
        let a = sorted_set((0..500).map(|_| next()).collect());
        let b = sorted_set((0..500).map(|_| next()).collect());
        let sigs = [sig_of(a), sig_of(b)];
        let s = newsdedup::verify::Sketches::new(&sigs);
        refused += (s.bound(&sigs, 0, 1) < 259) as usize;
    }
    assert!(refused >= 95, "only {refused} of 100 unrelated pairs refused");
}
