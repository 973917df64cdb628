//! 64-bit simhash fingerprints over word shingles.
//!
//! The `simhash` crate is pinned (`=0.3.0`, SipHash hasher): a fingerprint
//! stored in an archive must mean the same thing in the next release, and
//! the golden test below fails if either changes.

use crate::shingle::{for_each_shingle, Shingles};

/// The simhash of the `k`-word shingles of normalized `text`, computed by
/// the `simhash` crate. Allocation-free.
///
/// This is the reference: [`fingerprint_fast`], which the pipeline uses,
/// must equal it bit for bit on every text (`tests/fingerprint_prop.rs`).
pub fn fingerprint(text: &str, k: usize) -> u64 {
    simhash::simhash_stream(Shingles::new(text, k))
}

/// The same fingerprint as [`fingerprint`], bit for bit, several times
/// faster: each shingle is hashed exactly as the crate hashes a feature
/// (SipHash-2-4 with keys 0, 0 over its bytes and the `0xff` that `str`'s
/// `Hash` appends), in one pass with no hasher state to buffer, and the 64
/// bit lanes are counted eight at a time (a byte counter per lane).
///
/// The crate keeps a signed, saturating `i32` weight per lane, `+1` for a
/// set bit and `-1` for a clear one, and sets the lanes whose weight ends
/// above 0. That weight is `2 * ones - n` after `n` shingles while it cannot
/// saturate, that is while `n < i32::MAX`; a text has at most one shingle
/// per byte, so texts shorter than `i32::MAX` bytes never saturate, and
/// longer ones go to the crate.
pub fn fingerprint_fast(text: &str, k: usize) -> u64 {
    if text.len() >= i32::MAX as usize {
        return fingerprint(text, k);
    }
    let mut lanes = LaneCounts::default();
    for_each_shingle(text, k, |shingle| lanes.add(feature_hash(shingle.as_bytes())));
    lanes.simhash()
}

/// `SPREAD[b]` has byte `i` equal to bit `i` of `b`: adding it to a `u64`
/// counts the eight bits of `b` into eight byte-wide lane counters at once.
const SPREAD: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let mut i = 0;
        while i < 8 {
            table[b] |= ((b as u64 >> i) & 1) << (8 * i);
            i += 1;
        }
        b += 1;
    }
    table
};

/// Per-lane counts of set bits over the hashes added so far.
pub(crate) struct LaneCounts {
    /// Byte `i` of `packed[j]`: set bits of lane `8 * j + i` since the last
    /// flush (at most 255, so a byte never overflows).
    packed: [u64; 8],
    pending: u32,
    ones: [u64; 64],
    total: u64,
}

impl Default for LaneCounts {
    fn default() -> LaneCounts {
        LaneCounts { packed: [0; 8], pending: 0, ones: [0; 64], total: 0 }
    }
}

impl LaneCounts {
    #[inline]
    pub(crate) fn add(&mut self, hash: u64) {
        for (j, packed) in self.packed.iter_mut().enumerate() {
            *packed += SPREAD[((hash >> (8 * j)) & 0xff) as usize];
        }
        self.pending += 1;
        if self.pending == 255 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        for (j, packed) in self.packed.iter_mut().enumerate() {
            for i in 0..8 {
                self.ones[8 * j + i] += (*packed >> (8 * i)) & 0xff;
            }
            *packed = 0;
        }
        self.total += u64::from(self.pending);
        self.pending = 0;
    }

    /// Lane `i` is set when more hashes had bit `i` set than clear.
    pub(crate) fn simhash(mut self) -> u64 {
        self.flush();
        let mut simhash = 0;
        for (i, &ones) in self.ones.iter().enumerate() {
            if 2 * ones > self.total {
                simhash |= 1 << i;
            }
        }
        simhash
    }
}

/// The hash the `simhash` crate (feature `hasher-sip`) gives the feature
/// `&str` with these bytes: `siphasher`'s `SipHasher::default()`
/// (SipHash-2-4, keys 0 and 0) fed the bytes and then `0xff`, the
/// terminator `str`'s `Hash` writes.
#[inline]
fn feature_hash(bytes: &[u8]) -> u64 {
    let mut v = [0x736f6d6570736575u64, 0x646f72616e646f6d, 0x6c7967656e657261, 0x7465646279746573];
    let mut blocks = bytes.chunks_exact(8);
    for block in &mut blocks {
        compress(&mut v, u64::from_le_bytes(block.try_into().expect("8 bytes")));
    }
    let rest = blocks.remainder();
    let mut tail = 0u64;
    for (i, &b) in rest.iter().enumerate() {
        tail |= u64::from(b) << (8 * i);
    }
    tail |= 0xff << (8 * rest.len());
    if rest.len() == 7 {
        // The terminator completes a block.
        compress(&mut v, tail);
        tail = 0;
    }
    // The final block: the message length (mod 256) in the top byte.
    compress(&mut v, ((bytes.len() as u64 + 1) << 56) | tail);
    v[2] ^= 0xff;
    for _ in 0..4 {
        sip_round(&mut v);
    }
    v[0] ^ v[1] ^ v[2] ^ v[3]
}

/// One message block of SipHash-2-4: two compression rounds.
#[inline(always)]
fn compress(v: &mut [u64; 4], m: u64) {
    v[3] ^= m;
    sip_round(v);
    sip_round(v);
    v[0] ^= m;
}

#[inline(always)]
fn sip_round(v: &mut [u64; 4]) {
    v[0] = v[0].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(13);
    v[1] ^= v[0];
    v[0] = v[0].rotate_left(32);
    v[2] = v[2].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(16);
    v[3] ^= v[2];
    v[0] = v[0].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(21);
    v[3] ^= v[0];
    v[2] = v[2].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(17);
    v[1] ^= v[2];
    v[2] = v[2].rotate_left(32);
}

/// Number of differing bits between two fingerprints.
#[inline]
pub(crate) fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;

    #[test]
    fn golden_fingerprints() {
        // Guards the pinned simhash version and hasher feature: if this
        // fails, stored fingerprints from earlier releases no longer match.
        assert_eq!(simhash::simhash("The cat sat on the mat"), 2595200813813010837);
        let text = normalize("The Czech Republic on Wednesday summoned China's ambassador over a cyberattack.");
        assert_eq!(format!("{:016x}", fingerprint(&text, 3)), GOLDEN);
        assert_eq!(fingerprint("", 3), 0);
        assert_eq!(fingerprint_fast(&text, 3), fingerprint(&text, 3));
        assert_eq!(fingerprint_fast("", 3), 0);
        assert_eq!(fingerprint_fast("The cat sat on the mat", 6), fingerprint("The cat sat on the mat", 6));
    }

    #[test]
    fn feature_hash_is_the_crates_sip_hash() {
        // One feature: every lane's weight is +1 or -1, so the simhash is
        // the feature's hash itself. Every tail length, and blocks of 8.
        let text: String = ('a'..='z').cycle().take(70).collect();
        for end in 0..text.len() {
            let s = &text[..end];
            assert_eq!(feature_hash(s.as_bytes()), simhash::simhash_stream(std::iter::once(s)), "{end}");
        }
    }

    #[test]
    fn lane_counts_flush_past_255_hashes() {
        // 600 shingles: the byte counters flush twice, ties included.
        let words: Vec<String> = (0..602).map(|i| format!("w{}", i % 37)).collect();
        let text = words.join(" ");
        for k in [1, 2, 3, 5] {
            assert_eq!(fingerprint_fast(&text, k), fingerprint(&text, k), "k={k}");
        }
        let mut lanes = LaneCounts::default();
        for _ in 0..300 {
            lanes.add(u64::MAX);
            lanes.add(0);
        }
        assert_eq!(lanes.simhash(), 0, "a tie in every lane leaves it clear");
    }
    const GOLDEN: &str = "292ce339ecde9f11";

    #[test]
    fn near_copies_are_close_and_different_texts_far() {
        let a = normalize("The Czech Republic on Wednesday summoned China's ambassador over a cyberattack targeting Prague's foreign ministry as the EU and Washington condemned the attack and NATO warned of a growing threat.");
        let b = normalize("The Czech Republic on Wednesday summoned China’s ambassador over a cyberattack targeting Prague’s foreign ministry as the EU and Washington condemned the attack and NATO warned of a growing threat. bur-frj/jza/giv");
        let c = normalize("Spotify filed to go public on the New York Stock Exchange, listing shares directly without an underwriter, a rare move for a company of its size.");
        let ab = hamming(fingerprint(&a, 3), fingerprint(&b, 3));
        let ac = hamming(fingerprint(&a, 3), fingerprint(&c, 3));
        assert!(ab < ac, "ab={ab} ac={ac}");
    }
}
