//! `--format text`: for people. Per cluster: the canonical title, its
//! outlets, the duplicates with their similarity, then the body.

use std::io::{self, Write};

use super::{round4, Output};
use crate::verify::similarity;

pub fn write(out: &Output, w: &mut dyn Write) -> io::Result<()> {
    for (i, c) in out.clusters.iter().enumerate() {
        let a = &out.articles[c.canonical as usize];
        if i > 0 {
            writeln!(w)?;
        }
        writeln!(w, "== {}", if a.title.is_empty() { "(no title)" } else { &a.title })?;
        write!(w, "id: {}", a.id)?;
        if let Some(d) = &a.date {
            write!(w, " | date: {d}")?;
        }
        writeln!(w)?;
        writeln!(w, "sources: {}", out.sources(c).join(", "))?;
        let canon = &out.sigs[c.canonical as usize];
        for d in c.duplicates() {
            let da = &out.articles[d as usize];
            let s = similarity(canon, &out.sigs[d as usize]);
            writeln!(
                w,
                "  duplicate {} ({}) \"{}\" similarity {} containment {}",
                da.id,
                da.source,
                da.title,
                round4(s.jaccard),
                round4(s.containment)
            )?;
        }
        writeln!(w)?;
        writeln!(w, "{}", a.body)?;
    }
    Ok(())
}
