//! The ASCII normalization fast path against Unicode word segmentation as
//! the oracle: on any ASCII text, `normalize_ascii_into` writes the same
//! words and counts them the same as `normalize_unicode_into`.

use newsdedup::normalize::{normalize_ascii_into, normalize_into, normalize_unicode_into};
use proptest::prelude::*;

/// ASCII rich in what the word rules look at: letters, digits, `_`, the
/// middle marks `.`, `'`, `:`, `,`, `;`, dashes, spaces and controls.
fn ascii_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-cA-C0-2_.':,;\\- \"!?/\t\n\r]{0,60}",
        2 => prop::collection::vec(
            prop_oneof!["[A-Za-z]{1,8}", "[0-9]{1,5}", "[0-9]{1,3}[.,;:'][0-9]{1,3}", "[a-z]{1,4}[.:'][a-z]{1,4}",
                "U\\.S\\.", "can't", "_+", "[.,;:'_\\-]", "[ \t\n]"],
            0..30,
        )
        .prop_map(|p| p.concat()),
        1 => "[\\x00-\\x7f]{0,80}",
        // Plain words and single spaces, broken now and then: the stretches
        // that are copied sixteen bytes at a time, ending at every offset.
        2 => prop::collection::vec(
            ("[A-Za-z0-9]{1,17}", prop_oneof![12 => Just(" ".to_owned()), 1 => "[ .,'_:;\\-\t]{1,2}", 1 => "[a-z]{0,3}[\\x00-\\x7f]"]),
            0..40,
        )
        .prop_map(|p| p.into_iter().map(|(w, s)| w + &s).collect()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn ascii_fast_path_equals_unicode_segmentation(t in ascii_text(), prefix in prop::sample::select(&["", "x"][..])) {
        let (mut fast, mut slow) = (String::from(prefix), String::from(prefix));
        let n_fast = normalize_ascii_into(&t, &mut fast);
        let n_slow = normalize_unicode_into(&t, &mut slow);
        prop_assert_eq!(&fast, &slow);
        prop_assert_eq!(n_fast, n_slow);
        let mut via = String::from(prefix);
        prop_assert_eq!(normalize_into(&t, &mut via), n_slow);
        prop_assert_eq!(via, slow);
    }
}

/// Unicode text with ASCII runs and spaces in every position: what
/// `normalize_into` cuts into ASCII and Unicode pieces.
fn mixed_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[a-zA-Z0-9_.':,;\\- ]{0,12}",
        2 => prop::sample::select(&[
            " ", "  ", "\u{A0}", "\u{2000}", "\u{202F}", "\u{3000}", "\u{2028}", "\n", "\t", "\u{903}", "\u{301}",
            "\u{200D}", "\u{AD}", "\u{200B}", "\u{FEFF}", "’", "“", "”", "—", "–", "·", "😀", "👩\u{200D}💻", "🇨🇿",
            "🇨", "İ", "ß", "ǅ", "カタカナ", "中文", "עברית", "\"", "א'", "١٢٣", "½", "x\u{301}", "\u{1F3FB}",
        ][..])
        .prop_map(str::to_owned),
        1 => any::<String>(),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    #[test]
    fn cutting_at_ascii_spaces_equals_unicode_segmentation(t in mixed_text(), prefix in prop::sample::select(&["", "x"][..])) {
        let (mut fast, mut slow) = (String::from(prefix), String::from(prefix));
        let n_fast = normalize_into(&t, &mut fast);
        let n_slow = normalize_unicode_into(&t, &mut slow);
        prop_assert_eq!(&fast, &slow);
        prop_assert_eq!(n_fast, n_slow);
    }
}
