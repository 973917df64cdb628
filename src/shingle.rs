//! Word shingles over normalized text.
//!
//! A shingle is a window of `k` consecutive words, borrowed as a `&str`
//! slice of the normalized text (words are single-space separated), so
//! shingling allocates nothing. A text with fewer than `k` words yields one
//! shingle, the whole text; an empty text yields none.

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
/// and releases, so shingle sets can be stored and compared later.
#[inline]
pub fn shingle_hash(shingle: &str) -> u64 {
    xxh3_64(shingle.as_bytes())
}

/// The set of shingle hashes of `text`, sorted and without repeats, written
/// into `out` (cleared first).
pub fn shingle_set_into(text: &str, k: usize, out: &mut Vec<u64>) {
    out.clear();
    out.extend(Shingles::new(text, k).map(shingle_hash));
    out.sort_unstable();
    out.dedup();
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
    fn set_is_sorted_and_unique() {
        let mut v = Vec::new();
        shingle_set_into("a b a b a b", 2, &mut v);
        assert_eq!(v.len(), 2);
        assert!(v.windows(2).all(|w| w[0] < w[1]));
    }
}
