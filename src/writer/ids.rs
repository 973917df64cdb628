//! `--format ids` and `--format tsv`: ids only, one per line.
//!
//! `ids` writes the id of every kept record (each cluster's canonical) in
//! input order. `tsv` writes a header `id\tcanonical\tsimilarity`, then one
//! line per input record in input order: its id, its cluster's canonical id
//! (a canonical maps to itself, with similarity 1), and its Jaccard
//! similarity with the canonical (4 decimals, as `duplicates` gives it).
//!
//! Ids are escaped so that no id can break a line or a column: a backslash
//! is written `\\`, a tab `\t`, a line feed `\n`, a carriage return `\r`
//! (the escapes of PostgreSQL's text COPY format and of the IANA TSV
//! convention); every other character is written as it is.

use std::borrow::Cow;
use std::io::{self, Write};

use super::{round4, Framed, Framing, Output};
use crate::apply::Cluster;
use crate::verify::similarity;

/// `id` with `\`, tab, LF and CR escaped as `\\`, `\t`, `\n`, `\r`.
pub fn escape(id: &str) -> Cow<'_, str> {
    if !id.contains(['\\', '\t', '\n', '\r']) {
        return Cow::Borrowed(id);
    }
    let mut out = String::with_capacity(id.len() + 4);
    for c in id.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The line `tsv` writes before its records.
const TSV_HEADER: &str = "id\tcanonical\tsimilarity";

/// How `ids` and `tsv` lay out their lines.
pub const FRAMING: Framing = Framing::Lines;

/// The line `ids` writes for a kept record (the canonical of `c`), without
/// its line feed.
pub fn kept_id<'a>(out: &Output<'a>, c: &Cluster) -> Cow<'a, str> {
    escape(&out.articles[c.canonical as usize].id)
}

/// The line `tsv` writes for record `i`, whose cluster's canonical is
/// `canonical`, without its line feed.
pub fn tsv_row(out: &Output, i: u32, canonical: u32) -> String {
    let (i, c) = (i as usize, canonical as usize);
    let s = if c == i { 1.0 } else { round4(similarity(&out.sigs[c], &out.sigs[i]).jaccard) };
    format!("{}\t{}\t{s}", escape(&out.articles[i].id), escape(&out.articles[c].id))
}

/// Write `tsv`'s header line.
pub fn write_tsv_head(w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "{TSV_HEADER}")
}

pub fn write_ids(out: &Output, w: &mut dyn Write) -> io::Result<()> {
    let mut kept: Vec<&Cluster> = out.clusters.iter().collect();
    kept.sort_unstable_by_key(|c| c.canonical);
    let mut lines = Framed::start(FRAMING, w)?;
    lines.items(&kept, |_| false, |c, w| w.write_all(kept_id(out, c).as_bytes()))?;
    lines.finish()
}

pub fn write_tsv(out: &Output, w: &mut dyn Write) -> io::Result<()> {
    let mut canonical: Vec<u32> = (0..out.articles.len() as u32).collect();
    for c in out.clusters {
        for &m in &c.members {
            canonical[m as usize] = c.canonical;
        }
    }
    write_tsv_head(w)?;
    let mut lines = Framed::start(FRAMING, w)?;
    let rows: Vec<(u32, u32)> = canonical.iter().enumerate().map(|(i, &c)| (i as u32, c)).collect();
    lines.items(&rows, |_| false, |&(i, c), w| w.write_all(tsv_row(out, i, c).as_bytes()))?;
    lines.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Article, Origin};
    use crate::sign::Signature;

    #[test]
    fn ids_cannot_break_lines_or_columns() {
        assert_eq!(escape("plain id"), "plain id");
        assert_eq!(escape("a\tb\nc\rd\\e"), "a\\tb\\nc\\rd\\\\e");
    }

    #[test]
    fn every_record_maps_to_its_canonical() {
        let articles: Vec<Article> = ["a", "b\tx", "c"]
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let mut a = Article::at(Origin { file: "in".into(), line: i as u64 + 1 });
                a.id = (*id).into();
                a
            })
            .collect();
        let sig = |shingles: Vec<u32>| Signature { shingles, words: 3, ..Default::default() };
        let sigs = [sig(vec![1, 2, 3, 4]), sig(vec![5]), sig(vec![1, 2, 3])];
        let clusters = [Cluster { canonical: 2, members: vec![0, 2] }, Cluster { canonical: 1, members: vec![1] }];
        let out = Output { articles: &articles, sigs: &sigs, clusters: &clusters, as_of: None };
        let mut w = Vec::new();
        write_tsv(&out, &mut w).unwrap();
        assert_eq!(String::from_utf8(w).unwrap(), "id\tcanonical\tsimilarity\na\tc\t0.75\nb\\tx\tb\\tx\t1\nc\tc\t1\n");
        let mut w = Vec::new();
        write_ids(&out, &mut w).unwrap();
        assert_eq!(String::from_utf8(w).unwrap(), "b\\tx\nc\n");
    }
}
