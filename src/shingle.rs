//! Word shingles over normalized text.
//!
//! A shingle is a window of `k` consecutive words, borrowed as a `&str`
//! slice of the normalized text (words are single-space separated), so
//! shingling allocates nothing. A text with fewer than `k` words yields one
//! shingle, the whole text; an empty text yields none.
//!
//! The signing hot path does not use the [`Shingles`] iterator, which scans
//! each byte twice (once for a window's start, once for its end) with a
//! byte-at-a-time search. [`for_each_shingle_hash`] finds the spaces once,
//! 64 bytes at a time as a bit mask, keeps the starts of the last `k + 1`
//! words in a small ring, and hashes each window as a slice: the same
//! slices, so the same hashes, in the same order.

use xxhash_rust::xxh3::xxh3_64;

/// Iterator over the `k`-word shingles of normalized `text`.
#[derive(Debug, Clone)]
pub struct Shingles<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    done: bool,
}

impl<'a> Shingles<'a> {
    pub fn new(text: &'a str, k: usize) -> Shingles<'a> {
        let k = k.max(1);
        let mut end = 0;
        let mut found = 0;
        for (i, b) in text.bytes().enumerate() {
            if b == b' ' {
                found += 1;
                if found == k {
                    end = i;
                    break;
                }
            }
        }
        if found < k {
            end = text.len();
        }
        Shingles { text, start: 0, end, done: text.is_empty() }
    }
}

impl<'a> Iterator for Shingles<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.done {
            return None;
        }
        let item = &self.text[self.start..self.end];
        if self.end >= self.text.len() {
            self.done = true;
        } else {
            let bytes = self.text.as_bytes();
            self.start += bytes[self.start..].iter().position(|&b| b == b' ').map_or(0, |p| p + 1);
            self.end += 1 + bytes[self.end + 1..].iter().position(|&b| b == b' ').unwrap_or(bytes.len() - self.end - 1);
        }
        Some(item)
    }
}

/// The 64-bit hash of one shingle (XXH3, seed 0): stable across platforms
/// and releases, so shingle sets can be stored and compared later. The
/// fingerprint is built from all 64 bits; a shingle set holds [`member`]s.
#[inline]
pub fn shingle_hash(shingle: &str) -> u64 {
    xxh3_64(shingle.as_bytes())
}

/// An element of a shingle set: the low 32 bits of a [`shingle_hash`].
///
/// Half the size of the whole hash, so the sets (the largest thing a run
/// keeps of each record) take half the memory and the intersections read
/// half the bytes. Two distinct shingles of one pair of records share a
/// member with probability `|A| |B| / 2^32` (about 1 in 17,000 for two
/// 500-shingle records, which then count one shared shingle more); the
/// anchors (members with their low [`crate::pairs::ANCHOR_BITS`] bits
/// zero) and the sketches' bits are the bits the whole hash had there.
pub type Member = u32;

/// The [`Member`] of a shingle hash.
#[inline]
pub fn member(hash: u64) -> Member {
    hash as Member
}

/// Word starts kept by [`for_each_shingle`]: a ring of the last `RING`
/// word starts, enough for any window of up to `RING - 1` words.
const RING: usize = 32;

/// Call `f` with every `k`-word shingle of `text`, in order: exactly the
/// items of [`Shingles::new(text, k)`](Shingles::new) (every space separates
/// two words, as there), found in one pass over the bytes.
#[inline]
pub fn for_each_shingle<'a>(text: &'a str, k: usize, mut f: impl FnMut(&'a str)) {
    let k = k.max(1);
    if k >= RING {
        Shingles::new(text, k).for_each(f);
        return;
    }
    if text.is_empty() {
        return;
    }
    let bytes = text.as_bytes();
    // `starts[w % RING]` is where word `w` starts; word 0 starts at 0.
    let mut starts = [0usize; RING];
    let mut words = 1usize;
    let mut on_space = |space: usize| {
        // The space ends word `words - 1` and starts word `words`.
        if words >= k {
            // A space is one byte: both ends are char boundaries.
            f(&text[starts[(words - k) % RING]..space]);
        }
        starts[words % RING] = space + 1;
        words += 1;
    };
    // Sixteen bytes at a time, a high bit for each space: exactly the zero
    // bytes of `x`, the bytes XOR 0x20 (no carry crosses a byte, as a
    // borrow can in the shorter test for any zero byte). The bit-per-byte
    // mask of 64 bytes this replaced compiled to a shift for each byte; the
    // `shingle` benchmark went from 33.0 ms to 29.0 ms (30.0 ms eight bytes
    // at a time).
    const LOW: u128 = u128::MAX / 0xff;
    const HIGH: u128 = LOW << 7;
    let mut chunks = bytes.chunks_exact(16);
    let mut base = 0;
    for chunk in &mut chunks {
        let x = u128::from_le_bytes(chunk.try_into().expect("sixteen bytes")) ^ (LOW * u128::from(b' '));
        let mut spaces = !(((x & !HIGH) + !HIGH) | x) & HIGH;
        while spaces != 0 {
            on_space(base + spaces.trailing_zeros() as usize / 8);
            spaces &= spaces - 1;
        }
        base += 16;
    }
    for (i, &b) in chunks.remainder().iter().enumerate() {
        if b == b' ' {
            on_space(base + i);
        }
    }
    // The last window ends the text; a text of fewer than `k` words is one
    // shingle, the whole text.
    f(if words >= k { &text[starts[(words - k) % RING]..] } else { text });
}

/// Call `f` with the [`shingle_hash`] of every `k`-word shingle of `text`,
/// in order ([`for_each_shingle`]).
#[inline]
pub fn for_each_shingle_hash(text: &str, k: usize, mut f: impl FnMut(u64)) {
    for_each_shingle(text, k, |s| f(shingle_hash(s)));
}

/// Reusable buffers of [`sort_dedup`].
#[derive(Debug, Default)]
pub struct SortScratch {
    dealt: Vec<Member>,
    starts: Vec<usize>,
}

/// Sort `v` and drop its repeats.
///
/// Set members are uniform 32-bit values, so one pass that deals them
/// into about as many buckets as there are hashes by their top bits leaves
/// them nearly sorted: every hash is at most a few places from where it
/// belongs, and one insertion sort finishes the job in about one compare a
/// hash. That is two to three times faster than `sort_unstable` on a few
/// hundred hashes and more; short sets go straight to `sort_unstable`.
/// Either way the result is `v` sorted and deduplicated, whatever the
/// values (input that fills a bucket with more than 64 goes to
/// `sort_unstable`, so no input makes it quadratic).
pub fn sort_dedup(v: &mut Vec<Member>, scratch: &mut SortScratch) {
    if v.len() < 256 {
        v.sort_unstable();
        v.dedup();
        return;
    }
    // Between n and 2n buckets (at most 2^16): 9 to 16 top bits.
    let bits = (usize::BITS - v.len().leading_zeros()).min(16);
    let shift = Member::BITS - bits;
    let starts = &mut scratch.starts;
    starts.clear();
    starts.resize((1 << bits) + 1, 0);
    for &h in v.iter() {
        starts[(h >> shift) as usize + 1] += 1;
    }
    // A bucket of more than a few dozen is no uniform hash set (or a set
    // of repeats): the insertion sort would be quadratic in it.
    if starts.iter().any(|&n| n > 64) {
        v.sort_unstable();
        v.dedup();
        return;
    }
    for b in 1..starts.len() {
        starts[b] += starts[b - 1];
    }
    // `starts[b]` is where bucket `b` starts; deal each hash to its bucket.
    let dealt = &mut scratch.dealt;
    dealt.clear();
    dealt.resize(v.len(), 0);
    for &h in v.iter() {
        let next = &mut starts[(h >> shift) as usize];
        dealt[*next] = h;
        *next += 1;
    }
    // Buckets are in order: an insertion sort only moves hashes within
    // their bucket.
    for i in 1..dealt.len() {
        let h = dealt[i];
        let mut j = i;
        while j > 0 && dealt[j - 1] > h {
            dealt[j] = dealt[j - 1];
            j -= 1;
        }
        dealt[j] = h;
    }
    v.clear();
    v.push(dealt[0]);
    v.extend(dealt.windows(2).filter(|w| w[0] != w[1]).map(|w| w[1]));
}

/// The set of shingle [`member`]s of `text`, sorted and without repeats,
/// written into `out` (cleared first).
pub fn shingle_set_into(text: &str, k: usize, out: &mut Vec<Member>) {
    out.clear();
    for_each_shingle_hash(text, k, |h| out.push(member(h)));
    sort_dedup(out, &mut SortScratch::default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_of_k_words() {
        let s: Vec<_> = Shingles::new("a bb c dd e", 3).collect();
        assert_eq!(s, ["a bb c", "bb c dd", "c dd e"]);
        let s: Vec<_> = Shingles::new("a bb c", 1).collect();
        assert_eq!(s, ["a", "bb", "c"]);
    }

    #[test]
    fn short_and_empty_texts() {
        assert_eq!(Shingles::new("a bb", 3).collect::<Vec<_>>(), ["a bb"]);
        assert_eq!(Shingles::new("a bb c", 3).collect::<Vec<_>>(), ["a bb c"]);
        assert_eq!(Shingles::new("", 3).count(), 0);
    }

    #[test]
    fn one_pass_windows_equal_the_iterator() {
        // Double, leading and trailing spaces, 16-byte chunk edges, every k
        // up to past the ring.
        let mut texts: Vec<String> = vec!["".into(), " ".into(), "a".into(), "  a  b ".into(), "a b c".into()];
        let long: Vec<String> = (0..300).map(|i| "w".repeat(1 + i % 13) + &i.to_string()).collect();
        texts.push(long.join(" "));
        texts.push(long.join("  "));
        texts.push(format!(" {} ", long[..40].join(" ")));
        // Bytes one bit from a space (`!`, NUL, the NBSP's second byte)
        // right after one: a test for zero bytes that lets a borrow cross
        // them counts them as spaces.
        texts.push("a !b \u{a0}c\u{2020} d!! e\0 ! f\u{a0} ".repeat(9));
        for t in &texts {
            for k in [0, 1, 2, 3, 5, 16, 31, 32, 40] {
                let mut got = Vec::new();
                for_each_shingle(t, k, |s| got.push(s));
                assert_eq!(got, Shingles::new(t, k).collect::<Vec<_>>(), "{t:?} k={k}");
            }
        }
    }

    #[test]
    fn sort_dedup_equals_sort_then_dedup() {
        let mut x = 0x9e3779b97f4a7c15u64;
        let mut next = move || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            member((x ^ (x >> 29)) >> 16)
        };
        for n in [0, 1, 2, 255, 256, 257, 3000, 70_000] {
            // Uniform with some repeats (the bucket path), one value a third
            // of the time, and a skewed top byte (the fallback).
            for kind in 0..3 {
                let mut v: Vec<Member> = Vec::with_capacity(n);
                for i in 0..n {
                    let h = next();
                    v.push(match kind {
                        0 if i % 17 == 5 => v[i / 2],
                        1 if i % 3 == 0 => 7,
                        2 => h >> 9,
                        _ => h,
                    });
                }
                let mut want = v.clone();
                want.sort_unstable();
                want.dedup();
                sort_dedup(&mut v, &mut SortScratch::default());
                assert_eq!(v, want, "n={n} kind={kind}");
            }
        }
    }

    #[test]
    fn set_is_sorted_and_unique() {
        let mut v = Vec::new();
        shingle_set_into("a b a b a b", 2, &mut v);
        assert_eq!(v.len(), 2);
        assert!(v.windows(2).all(|w| w[0] < w[1]));
    }
}
