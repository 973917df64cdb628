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

use super::{round4, Output};
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

/// The canonical of each kept record's cluster, in input order.
fn kept(out: &Output) -> Vec<u32> {
    let mut kept: Vec<u32> = out.clusters.iter().map(|c| c.canonical).collect();
    kept.sort_unstable();
    kept
}

pub fn write_ids(out: &Output, w: &mut dyn Write) -> io::Result<()> {
    for i in kept(out) {
        writeln!(w, "{}", escape(&out.articles[i as usize].id))?;
    }
    Ok(())
}

pub fn write_tsv(out: &Output, w: &mut dyn Write) -> io::Result<()> {
    let mut canonical: Vec<u32> = (0..out.articles.len() as u32).collect();
    for c in out.clusters {
        for &m in &c.members {
            canonical[m as usize] = c.canonical;
        }
    }
    writeln!(w, "id\tcanonical\tsimilarity")?;
    for (i, a) in out.articles.iter().enumerate() {
        let c = canonical[i] as usize;
        let s = if c == i { 1.0 } else { round4(similarity(&out.sigs[c], &out.sigs[i]).jaccard) };
        writeln!(w, "{}\t{}\t{s}", escape(&a.id), escape(&out.articles[c].id))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::Cluster;
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
