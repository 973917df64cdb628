//! `--format text`: for people, on a terminal. Per cluster: the canonical
//! title, its outlets, the duplicates with their similarity, then the body.
//!
//! Scraped text must not drive the terminal: control characters (ANSI
//! escapes, carriage returns, C1 codes), bidi embeddings, overrides, isolates
//! and marks (U+202E turns text around), and line and paragraph separators
//! (U+2028, U+2029) are written as visible `\u{..}` escapes. Fields stay on one
//! line (line breaks and tabs become spaces); the body keeps its line breaks
//! and tabs.

use std::borrow::Cow;
use std::io::{self, Write};

use serde_json::Value;

use super::{round4, Duplicate, Framed, Framing, Output};
use crate::apply::Cluster;
use crate::verify::similarity;

/// True for characters a terminal must not receive raw.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}'
        )
}

/// `s` with unsafe characters escaped; `keep` ones written as they are,
/// `space` ones as a space.
fn escape<'s>(s: &'s str, keep: &[char], space: &[char]) -> Cow<'s, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_unsafe(c) || keep.contains(&c) {
            out.push(c);
        } else if space.contains(&c) {
            out.push(' ');
        } else {
            out.extend(c.escape_unicode());
        }
    }
    Cow::Owned(out)
}

/// `s` on one line: line breaks and tabs become spaces, other unsafe
/// characters are escaped, so a field cannot break the layout.
fn one_line(s: &str) -> Cow<'_, str> {
    escape(s, &[], &['\n', '\r', '\t'])
}

/// A body: line breaks and tabs kept, other unsafe characters escaped.
fn body(s: &str) -> Cow<'_, str> {
    escape(s, &['\n', '\t'], &[])
}

/// A field of an earlier run's duplicate, as text; figures are written as
/// this run writes its own (`1`, not `1.0`).
fn field(d: &Value, key: &str) -> String {
    match d.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) if key != "id" => n.as_f64().map_or_else(|| n.to_string(), |f| f.to_string()),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// How the clusters are laid out.
pub const FRAMING: Framing = Framing::Blocks;

pub fn write(out: &Output, w: &mut dyn Write) -> io::Result<()> {
    let mut items = Framed::start(FRAMING, w)?;
    items.items(out.clusters, super::streamed, |c, w| write_cluster(out, c, w))?;
    items.finish()
}

/// One cluster's block, ending with its body's last line.
pub fn write_cluster(out: &Output, c: &Cluster, w: &mut dyn Write) -> io::Result<()> {
    let a = &out.articles[c.canonical as usize];
    writeln!(w, "== {}", if a.title.is_empty() { "(no title)".into() } else { one_line(&a.title) })?;
    write!(w, "id: {}", one_line(&a.id))?;
    if let Some(d) = &a.date {
        write!(w, " | date: {}", one_line(d))?;
        if let Some(serde_json::Value::String(r)) = out.date_resolved(Some(d)) {
            write!(w, " ({r})")?;
        }
    }
    writeln!(w)?;
    writeln!(w, "sources: {}", one_line(&out.sources(c).join(", ")))?;
    let canon = &out.sigs[c.canonical as usize];
    for d in out.duplicates(c) {
        let (id, source, title, jaccard, containment) = match d {
            Duplicate::Member(d) => {
                let da = &out.articles[d as usize];
                let s = similarity(canon, &out.sigs[d as usize]);
                let (j, c) = (round4(s.jaccard).to_string(), round4(s.containment).to_string());
                (da.id.clone(), da.source.clone(), da.title.clone(), j, c)
            }
            Duplicate::Prior(d) => {
                (field(d, "id"), field(d, "source"), field(d, "title"), field(d, "similarity"), field(d, "containment"))
            }
        };
        writeln!(
            w,
            "  duplicate {} ({}) \"{}\" similarity {} containment {}",
            one_line(&id),
            one_line(&source),
            one_line(&title),
            one_line(&jaccard),
            one_line(&containment)
        )?;
    }
    writeln!(w)?;
    writeln!(w, "{}", body(&a.body.text()?))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{body, one_line};

    #[test]
    fn fields_stay_on_one_line() {
        assert_eq!(one_line("plain"), "plain");
        assert_eq!(one_line("two\nlines\tand\u{7}bell"), "two lines and\\u{7}bell");
    }

    #[test]
    fn terminal_controls_are_escaped() {
        assert_eq!(one_line("\u{1b}[31mred\u{1b}[0m"), "\\u{1b}[31mred\\u{1b}[0m");
        assert_eq!(one_line("abc\u{202E}fed"), "abc\\u{202e}fed");
        assert_eq!(
            one_line("a\u{2028}b\u{2029}c\u{2066}d\u{200F}\u{85}"),
            "a\\u{2028}b\\u{2029}c\\u{2066}d\\u{200f}\\u{85}"
        );
        assert_eq!(
            body("line one\n\tindented\r\u{1b}]0;title\u{7}"),
            "line one\n\tindented\\u{d}\\u{1b}]0;title\\u{7}"
        );
        assert_eq!(body("caf\u{e9} \u{201C}quoted\u{201D}"), "caf\u{e9} \u{201C}quoted\u{201D}");
    }
}
