//! Quote marks changed: straight <-> curly, single <-> double.

use crate::rng::Rng;
use crate::text::{opens_after, Doc};

/// How [`requote`] changes quote marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteChange {
    StraightToCurly,
    CurlyToStraight,
    SingleToDouble,
    DoubleToSingle,
}

fn convert_quotes(text: &str, how: QuoteChange) -> String {
    let chars: Vec<char> = text.chars().collect();
    let prev = |i: usize| i.checked_sub(1).map(|j| chars[j]);
    let mut out = String::with_capacity(text.len() + 8);
    let mut open = false;
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let opening = opens_after(prev(i)) && next.is_some_and(|n| !n.is_whitespace());
        out.push(match (how, c) {
            (QuoteChange::StraightToCurly, '"') if opening => '\u{201C}',
            (QuoteChange::StraightToCurly, '"') => '\u{201D}',
            (QuoteChange::StraightToCurly, '\'') if opening => '\u{2018}',
            (QuoteChange::StraightToCurly, '\'') => '\u{2019}',
            (QuoteChange::CurlyToStraight, '\u{201C}' | '\u{201D}' | '\u{201E}') => '"',
            (QuoteChange::CurlyToStraight, '\u{2018}' | '\u{2019}') => '\'',
            (QuoteChange::DoubleToSingle, '"') => '\'',
            (QuoteChange::DoubleToSingle, '\u{201C}') => '\u{2018}',
            (QuoteChange::DoubleToSingle, '\u{201D}') => '\u{2019}',
            (QuoteChange::SingleToDouble, '\'' | '\u{2018}') if opening && next.is_some_and(char::is_alphanumeric) => {
                open = true;
                if c == '\'' {
                    '"'
                } else {
                    '\u{201C}'
                }
            }
            (QuoteChange::SingleToDouble, '\'' | '\u{2019}')
                if open
                    && prev(i).is_some_and(|p| !p.is_whitespace())
                    && next.is_none_or(|n| n.is_whitespace() || ".,;:!?)-\u{2014}".contains(n)) =>
            {
                open = false;
                if c == '\'' {
                    '"'
                } else {
                    '\u{201D}'
                }
            }
            _ => c,
        });
    }
    out
}

pub(super) fn requote(doc: &Doc, rng: &mut Rng) -> Option<Doc> {
    let mut ways = [
        QuoteChange::StraightToCurly,
        QuoteChange::CurlyToStraight,
        QuoteChange::SingleToDouble,
        QuoteChange::DoubleToSingle,
    ];
    rng.shuffle(&mut ways);
    ways.into_iter().find_map(|how| {
        let d = Doc {
            title: convert_quotes(&doc.title, how),
            paras: doc.paras.iter().map(|p| convert_quotes(p, how)).collect(),
            ..doc.clone()
        };
        // Only a change inside the body counts: the title alone is not a quote edit.
        (d.paras != doc.paras).then_some(d)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{doc, BANK, ELECTION, FLOOD};

    #[test]
    fn quote_marks_change_style() {
        let s = "He said \"no\" to 'China's' plan: 'We refuse.'";
        assert_eq!(
            convert_quotes(s, QuoteChange::StraightToCurly),
            "He said \u{201C}no\u{201D} to \u{2018}China\u{2019}s\u{2019} plan: \u{2018}We refuse.\u{2019}"
        );
        assert_eq!(convert_quotes(&convert_quotes(s, QuoteChange::StraightToCurly), QuoteChange::CurlyToStraight), s);
        assert_eq!(
            convert_quotes("'Growing pattern' of China's attacks, 'it said.'", QuoteChange::SingleToDouble),
            "\"Growing pattern\" of China's attacks, \"it said.\""
        );
        assert_eq!(
            convert_quotes("\u{2018}Fine,\u{2019} he said", QuoteChange::SingleToDouble),
            "\u{201C}Fine,\u{201D} he said"
        );
        assert_eq!(
            convert_quotes("\u{201C}No\u{201D} and \"yes\"", QuoteChange::DoubleToSingle),
            "\u{2018}No\u{2019} and 'yes'"
        );
        for (body, seed) in [(FLOOD, 1), (BANK, 2), (ELECTION, 3)] {
            let d = doc(body);
            let q = requote(&d, &mut Rng::new(seed)).unwrap();
            assert_ne!(q.paras, d.paras);
            let plain = |d: &Doc| {
                d.body()
                    .chars()
                    .filter(|c| !matches!(c, '"' | '\'' | '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}'))
                    .collect::<String>()
            };
            assert_eq!(plain(&q), plain(&d), "only quote marks change");
        }
        assert_eq!(requote(&doc("No quotes here at all."), &mut Rng::new(1)), None);
    }
}
