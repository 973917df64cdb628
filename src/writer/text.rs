//! `--format text`: for people. Per cluster: the canonical title, its
//! outlets, the duplicates with their similarity, then the body.

use std::borrow::Cow;
use std::io::{self, Write};

use super::{round4, Output};
use crate::verify::similarity;

/// `s` on one line: line breaks and tabs become spaces, other control
/// characters are escaped, so a field cannot break the layout.
fn one_line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\n' | '\r' | '\t' => " ".to_string(),
                c if c.is_control() => c.escape_unicode().to_string(),
                c => c.to_string(),
            })
            .collect(),
    )
}

pub fn write(out: &Output, w: &mut dyn Write) -> io::Result<()> {
    for (i, c) in out.clusters.iter().enumerate() {
        let a = &out.articles[c.canonical as usize];
        if i > 0 {
            writeln!(w)?;
        }
        writeln!(w, "== {}", if a.title.is_empty() { "(no title)".into() } else { one_line(&a.title) })?;
        write!(w, "id: {}", one_line(&a.id))?;
        if let Some(d) = &a.date {
            write!(w, " | date: {}", one_line(d))?;
        }
        writeln!(w)?;
        writeln!(w, "sources: {}", one_line(&out.sources(c).join(", ")))?;
        let canon = &out.sigs[c.canonical as usize];
        for d in c.duplicates() {
            let da = &out.articles[d as usize];
            let s = similarity(canon, &out.sigs[d as usize]);
            writeln!(
                w,
                "  duplicate {} ({}) \"{}\" similarity {} containment {}",
                one_line(&da.id),
                one_line(&da.source),
                one_line(&da.title),
                round4(s.jaccard),
                round4(s.containment)
            )?;
        }
        writeln!(w)?;
        writeln!(w, "{}", a.body)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn fields_stay_on_one_line() {
        assert_eq!(one_line("plain"), "plain");
        assert_eq!(one_line("two\nlines\tand\u{7}bell"), "two lines and\\u{7}bell");
    }
}
