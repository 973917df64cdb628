//! The fast simhash path against the `simhash` crate as the oracle: on any
//! text, normalized or not, ASCII or not, and any shingle size, the
//! fingerprint the pipeline computes is the crate's, bit for bit.

use newsdedup::fingerprint::{fingerprint, fingerprint_fast};
use newsdedup::normalize::normalize;
use proptest::prelude::*;

/// Words of every length around SipHash's 8-byte blocks, in several
/// scripts, with the odd mark and emoji.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z0-9]{1,20}",
        2 => "[A-Za-z’'.:-]{1,12}",
        1 => "[à-žα-ωа-я]{1,9}",
        1 => "[一-龥ぁ-ゖ]{1,6}",
        1 => prop::sample::select(&["😀", "👩\u{200D}💻", "क\u{903}", "i\u{307}", "\u{A0}", "\u{2028}", "—"][..])
            .prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

fn text() -> impl Strategy<Value = String> {
    (prop::collection::vec(word(), 0..400), prop::sample::select(&[" ", "  ", "\n", " - "][..]))
        .prop_map(|(words, sep)| words.join(sep))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn fast_fingerprint_is_the_crates_on_normalized_text(t in text(), k in 0usize..9) {
        let norm = normalize(&t);
        prop_assert_eq!(fingerprint_fast(&norm, k), fingerprint(&norm, k));
    }

    #[test]
    fn fast_fingerprint_is_the_crates_on_raw_text(t in text(), k in 0usize..9) {
        prop_assert_eq!(fingerprint_fast(&t, k), fingerprint(&t, k));
    }

    #[test]
    fn fast_fingerprint_is_the_crates_on_any_string(t in any::<String>(), k in 1usize..4) {
        prop_assert_eq!(fingerprint_fast(&t, k), fingerprint(&t, k));
    }
}
