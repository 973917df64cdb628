//! Edits: the ways outlets alter wire copy, and [`variant`], which applies
//! a few of them to make one outlet's copy of a story.

mod cuts;
mod dateline;
mod inserts;
mod quotes;
mod reword;

use crate::dates::shift_date;
use crate::outlets::OUTLETS;
use crate::rng::Rng;
use crate::text::Doc;
use cuts::{link_gaps, truncate};
use dateline::dateline;
use inserts::{boilerplate, captions, slug, subheads};
use quotes::requote;
use reword::{edit_sentence, retitle};

/// One alteration of a syndicated copy. Variants apply theirs in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Edit {
    /// Cut to the first K paragraphs (at least 2 paragraphs and 80 words kept).
    Truncate,
    /// Drop the dateline (`PRAGUE (AP) — `), or add one.
    Dateline,
    /// Link text removed: 2-5 word spans dropped from a few sentences.
    LinkGaps,
    /// One sentence edited: 1-3 words replaced.
    Reword,
    /// Quote marks changed: straight <-> curly, single <-> double.
    Quotes,
    /// Subheads inserted between paragraphs.
    Subheads,
    /// Photo captions added.
    Captions,
    /// Agency slug (`bur-frj/jza/giv`) appended.
    Slug,
    /// The outlet's fixed site boilerplate added.
    Boilerplate,
    /// A new headline.
    Headline,
}

impl Edit {
    const ALL: [Edit; 10] = [
        Edit::Truncate,
        Edit::Dateline,
        Edit::LinkGaps,
        Edit::Reword,
        Edit::Quotes,
        Edit::Subheads,
        Edit::Captions,
        Edit::Slug,
        Edit::Boilerplate,
        Edit::Headline,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Edit::Truncate => "truncate",
            Edit::Dateline => "dateline",
            Edit::LinkGaps => "link-gaps",
            Edit::Reword => "sentence-edit",
            Edit::Quotes => "quotes",
            Edit::Subheads => "subheads",
            Edit::Captions => "captions",
            Edit::Slug => "slug",
            Edit::Boilerplate => "boilerplate",
            Edit::Headline => "headline",
        }
    }

    /// The edited document, or `None` when the edit does not apply (or would change nothing).
    fn apply(self, doc: &Doc, outlet: usize, rng: &mut Rng) -> Option<Doc> {
        match self {
            Edit::Truncate => truncate(doc, rng),
            Edit::Dateline => dateline(doc, rng),
            Edit::LinkGaps => link_gaps(doc, rng),
            Edit::Reword => edit_sentence(doc, rng),
            Edit::Quotes => requote(doc, rng),
            Edit::Subheads => subheads(doc, rng),
            Edit::Captions => captions(doc, rng),
            Edit::Slug => slug(doc, rng),
            Edit::Boilerplate => boilerplate(doc, outlet),
            Edit::Headline => retitle(doc, rng),
        }
    }
}

/// A syndicated copy of `base` by outlet `outlet`, with the edits applied.
pub(crate) fn variant(base: &Doc, outlet: usize, rng: &mut Rng) -> (Doc, Vec<Edit>) {
    let want = 1 + rng.weighted(&[35, 30, 20, 15]);
    let mut order = Edit::ALL;
    rng.shuffle(&mut order);
    let chosen = &order[..want];
    let mut doc = Doc { source: OUTLETS[outlet].to_owned(), ..base.clone() };
    if let Some(date) = doc.date.as_deref().and_then(|d| shift_date(d, rng.range(0, 2) as i64)) {
        doc.date = Some(date);
    }
    let mut applied = Vec::new();
    for e in Edit::ALL.into_iter().filter(|e| chosen.contains(e)) {
        if let Some(d) = e.apply(&doc, outlet, rng) {
            doc = d;
            applied.push(e);
        }
    }
    if applied.is_empty() {
        if let Some(d) = retitle(&doc, rng) {
            doc = d;
            applied.push(Edit::Headline);
        }
    }
    (doc, applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{doc, FLOOD};

    #[test]
    fn variants_carry_their_outlet_and_one_to_four_edits_in_order() {
        let d = doc(FLOOD);
        for seed in 0..50 {
            let (v, edits) = variant(&d, 3, &mut Rng::new(seed));
            assert_eq!(v.source, OUTLETS[3]);
            assert!((1..=4).contains(&edits.len()), "{edits:?}");
            let pos: Vec<usize> = edits.iter().map(|e| Edit::ALL.iter().position(|x| x == e).unwrap()).collect();
            assert!(pos.windows(2).all(|w| w[0] < w[1]), "distinct, in pipeline order: {edits:?}");
            assert!(v != d);
        }
    }
}
