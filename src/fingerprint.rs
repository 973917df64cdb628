//! 64-bit simhash fingerprints over word shingles.
//!
//! The `simhash` crate is pinned (`=0.3.0`, SipHash hasher): a fingerprint
//! stored in an archive must mean the same thing in the next release, and
//! the golden test below fails if either changes.

use crate::shingle::Shingles;

/// The simhash of the `k`-word shingles of normalized `text`. Allocation-free.
pub fn fingerprint(text: &str, k: usize) -> u64 {
    simhash::simhash_stream(Shingles::new(text, k))
}

/// Number of differing bits between two fingerprints.
#[inline]
pub fn hamming(a: u64, b: u64) -> u32 {
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
