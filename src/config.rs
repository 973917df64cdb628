//! Parameters of a run, validated once from the command line.

/// How the canonical article of a cluster is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CanonicalRule {
    /// The most complete version: most normalized body words; ties go to input order.
    Longest,
    /// The member read first.
    First,
}

/// How the 64-bit simhash fingerprint of a record hashes its shingles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fingerprint {
    /// The XXH3 hashes of the shingle set, hashed once for both (default):
    /// one pass over the text. Measured to give the same clusters as
    /// `Simhash` on every labelled corpus (`tests/corpora.rs`).
    Xxh3,
    /// SipHash per shingle, bit-identical to the pinned `simhash` crate (the
    /// reference; a second pass over the text).
    Simhash,
}

/// Similarity parameters shared by every stage. Thresholds are inclusive:
/// a pair passes when its measure is `>=` the threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Words per shingle.
    pub shingle_size: usize,
    /// Pairs with Jaccard similarity `>=` this are duplicates.
    pub jaccard: f64,
    /// Pairs where `>=` this share of the smaller record's shingles occur in
    /// the larger one are duplicates (a truncated copy joins its full version).
    pub containment: f64,
    /// Two clusters merge only when every pair between them has containment
    /// `>=` this (or is a duplicate): complete linkage at a weaker level.
    pub link: f64,
    /// Records with fewer normalized body words than this match only a
    /// record with the same normalized body (or the same canonical URL).
    pub min_words: usize,
    /// The simhash tables propose pairs within this Hamming distance (inclusive).
    pub max_hamming: u32,
    /// A body line counts as outlet boilerplate when it recurs in at least
    /// this many records of one outlet (0 turns boilerplate removal off).
    pub boilerplate_min: usize,
    /// Body lines with fewer normalized words than this (headings, bylines,
    /// datelines, navigation) are left out of the compared text, unless no
    /// longer line remains (0 or 1: every line counts).
    pub min_line_words: usize,
    /// Records whose canonical URLs are equal are the same article.
    pub use_urls: bool,
    /// How fingerprints hash shingles.
    pub fingerprint: Fingerprint,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            shingle_size: 3,
            jaccard: 0.35,
            containment: 0.7,
            link: 0.4,
            min_words: 20,
            max_hamming: 3,
            boilerplate_min: 3,
            min_line_words: 8,
            use_urls: true,
            fingerprint: Fingerprint::Xxh3,
        }
    }
}

impl Params {
    /// Check ranges; the message names the option.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=16).contains(&self.shingle_size) {
            return Err(format!("--shingle-size must be from 1 to 16, not {}", self.shingle_size));
        }
        for (name, v) in [("--jaccard", self.jaccard), ("--containment", self.containment), ("--link", self.link)] {
            // Written so that NaN fails too: every comparison with NaN is false.
            if !(v > 0.0 && v <= 1.0) {
                return Err(format!("{name} must be greater than 0 and at most 1, not {v}"));
            }
        }
        if self.boilerplate_min == 1 {
            return Err("--boilerplate-min must be 0 (off) or at least 2: a line in one record recurs nowhere".into());
        }
        if self.max_hamming > 15 {
            return Err(format!("--max-hamming must be from 0 to 15, not {}", self.max_hamming));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_refuse_nan_and_infinities() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -0.1, 1.0 + 1e-9] {
            for set in [
                |p: &mut Params, v| p.jaccard = v,
                |p: &mut Params, v| p.containment = v,
                |p: &mut Params, v| p.link = v,
            ] {
                let mut p = Params::default();
                set(&mut p, v);
                assert!(p.validate().is_err(), "{v} accepted: {p:?}");
            }
        }
        let mut p = Params::default();
        (p.jaccard, p.containment, p.link) = (1.0, 1.0, f64::MIN_POSITIVE);
        assert_eq!(p.validate(), Ok(()));
    }
}
