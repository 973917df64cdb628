//! The `apply` stage's choice: one canonical article per cluster.

use crate::config::CanonicalRule;
use crate::sign::Signature;

/// A cluster: its canonical record and all members (canonical included),
/// as input positions in input order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    pub canonical: u32,
    pub members: Vec<u32>,
}

impl Cluster {
    /// Members other than the canonical, in input order.
    pub fn duplicates(&self) -> impl Iterator<Item = u32> + '_ {
        self.members.iter().copied().filter(move |&m| m != self.canonical)
    }
}

/// Choose the canonical member of `members` (sorted by input position).
pub(crate) fn choose(members: &[u32], sigs: &[Signature], rule: CanonicalRule) -> u32 {
    match rule {
        CanonicalRule::First => members[0],
        // max_by_key keeps the last maximum; reverse so ties go to input order.
        CanonicalRule::Longest => {
            members.iter().rev().copied().max_by_key(|&m| sigs[m as usize].words).expect("clusters are never empty")
        }
    }
}

/// Turn groups of input positions into clusters with their canonical.
pub(crate) fn apply(groups: Vec<Vec<u32>>, sigs: &[Signature], rule: CanonicalRule) -> Vec<Cluster> {
    groups.into_iter().map(|members| Cluster { canonical: choose(&members, sigs, rule), members }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(words: u32) -> Signature {
        Signature { fingerprint: 0, shingles: vec![], words, text_key: 0, url_key: None, ..Default::default() }
    }

    #[test]
    fn longest_wins_and_ties_go_to_input_order() {
        let sigs = vec![sig(10), sig(30), sig(30), sig(5)];
        assert_eq!(choose(&[0, 1, 2, 3], &sigs, CanonicalRule::Longest), 1);
        assert_eq!(choose(&[0, 2, 3], &sigs, CanonicalRule::Longest), 2);
        assert_eq!(choose(&[0, 1, 2, 3], &sigs, CanonicalRule::First), 0);
        let c = Cluster { canonical: 1, members: vec![0, 1, 2] };
        assert_eq!(c.duplicates().collect::<Vec<_>>(), [0, 2]);
    }
}
