//! Readers: turn listing text or JSON Lines into [`Article`] records.
//!
//! Every reader is generic over [`BufRead`], never fails on bad content, and
//! reports each problem as a [`Problem`] naming the file and line. A record
//! with a problem is kept with whatever text it has, so nothing is lost.

pub mod jsonl;
pub mod listing;

use std::collections::HashMap;
use std::io::BufRead;

use crate::error::{Problem, ProblemKind};
use crate::record::Article;

/// Which parser reads an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// JSON Lines when the first non-blank character is `{`, listing text otherwise.
    Auto,
    /// Scraped listing text (outlet, relative time, `- ` tags, title, body).
    Listing,
    /// One JSON object per line.
    Jsonl,
}

/// Records and problems read from one or more inputs.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    pub articles: Vec<Article>,
    pub problems: Vec<Problem>,
    /// Display names of the inputs, in the order read.
    pub inputs: Vec<String>,
}

/// A line of input: its 1-based number and its text without the line ending.
#[derive(Debug, Clone)]
pub struct Line {
    pub number: u64,
    pub text: String,
}

/// Read every line of `reader`, stripping `\n`/`\r\n`, a UTF-8 BOM at the
/// start of a line (inputs joined by `cat` carry one inside),
/// and replacing invalid UTF-8 (reported as a problem on that line).
pub fn read_lines<R: BufRead>(mut reader: R, name: &str, problems: &mut Vec<Problem>) -> std::io::Result<Vec<Line>> {
    let mut lines = Vec::new();
    let mut buf = Vec::new();
    let mut number = 0u64;
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        number += 1;
        if buf.last() == Some(&b'\n') {
            buf.pop();
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
        }
        // A BOM starts the input, or any line where files were joined by `cat`.
        let bytes = buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf[..]);
        let text = match std::str::from_utf8(bytes) {
            Ok(s) => s.to_owned(),
            Err(_) => {
                problems.push(Problem { file: name.to_owned(), line: number, kind: ProblemKind::InvalidUtf8 });
                String::from_utf8_lossy(bytes).into_owned()
            }
        };
        lines.push(Line { number, text });
    }
    Ok(lines)
}

/// The format `Auto` resolves to for these lines.
pub fn detect(lines: &[Line]) -> InputFormat {
    match lines.iter().map(|l| l.text.trim_start()).find(|t| !t.is_empty()) {
        Some(t) if t.starts_with('{') => InputFormat::Jsonl,
        _ => InputFormat::Listing,
    }
}

/// Read one input named `name` (`-` for stdin) in `format`, appending its
/// records and problems to `out`.
pub fn read_input<R: BufRead>(
    reader: R,
    name: &str,
    format: InputFormat,
    out: &mut ReadOutcome,
) -> std::io::Result<()> {
    out.inputs.push(name.to_owned());
    let lines = read_lines(reader, name, &mut out.problems)?;
    let before = out.articles.len();
    match match format {
        InputFormat::Auto => detect(&lines),
        f => f,
    } {
        InputFormat::Jsonl => jsonl::parse(&lines, name, out),
        _ => listing::parse(&lines, name, out),
    }
    if out.articles.len() == before {
        let line = lines.len().max(1) as u64;
        out.problems.push(Problem { file: name.to_owned(), line, kind: ProblemKind::EmptyInput });
    }
    Ok(())
}

/// Make record ids unique across all inputs. A clash is reported naming both
/// places, and the later record's id becomes `ID@FILE:LINE` so that it can
/// still be addressed.
pub fn check_unique_ids(out: &mut ReadOutcome) {
    let mut seen: HashMap<String, String> = HashMap::with_capacity(out.articles.len());
    for a in &mut out.articles {
        let here = a.origin.to_string();
        if let Some(first) = seen.get(&a.id) {
            out.problems.push(Problem {
                file: a.origin.file.clone(),
                line: a.origin.line,
                kind: ProblemKind::DuplicateId { id: a.id.clone(), first: first.clone() },
            });
            let mut renamed = format!("{}@{}", a.id, here);
            let mut n = 2;
            while seen.contains_key(&renamed) {
                renamed = format!("{}@{}#{n}", a.id, here);
                n += 1;
            }
            a.id = renamed;
        }
        seen.insert(a.id.clone(), here);
    }
    // Keep problems in input order: inputs in the order read, then line.
    // The same name read twice (`- -`) ranks at its first reading.
    let mut rank: HashMap<&str, usize> = HashMap::new();
    for (i, name) in out.inputs.iter().enumerate() {
        rank.entry(name.as_str()).or_insert(i);
    }
    out.problems.sort_by_key(|p| (rank.get(p.file.as_str()).copied().unwrap_or(usize::MAX), p.line));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_lines_strips_bom_crlf_and_reports_bad_utf8() {
        let input = b"\xEF\xBB\xBFfirst\r\nsecond \xFF\nthird\n\xEF\xBB\xBFcat-joined".to_vec();
        let mut problems = Vec::new();
        let lines = read_lines(&input[..], "x.txt", &mut problems).unwrap();
        let texts: Vec<_> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["first", "second \u{FFFD}", "third", "cat-joined"]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].to_string(), "x.txt:2: invalid UTF-8 (kept with U+FFFD replacement characters)");
    }

    #[test]
    fn detect_by_first_non_blank_character() {
        let mk = |s: &str| vec![Line { number: 1, text: String::new() }, Line { number: 2, text: s.into() }];
        assert_eq!(detect(&mk("  {\"id\":1}")), InputFormat::Jsonl);
        assert_eq!(detect(&mk("The Sun")), InputFormat::Listing);
    }

    #[test]
    fn duplicate_ids_are_reported_with_both_places() {
        let mut out = ReadOutcome::default();
        let input = "{\"id\":\"a\",\"body\":\"x\"}\n{\"id\":\"a\",\"body\":\"y\"}\n";
        read_input(input.as_bytes(), "d.jsonl", InputFormat::Auto, &mut out).unwrap();
        check_unique_ids(&mut out);
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].to_string(), "d.jsonl:2: duplicate id `a`, first seen at d.jsonl:1");
        assert_eq!(out.articles[1].id, "a@d.jsonl:2");
    }

    #[test]
    fn renamed_duplicate_ids_stay_unique() {
        let mut out = ReadOutcome::default();
        let input =
            "{\"id\":\"a@d.jsonl:3\",\"body\":\"x\"}\n{\"id\":\"a\",\"body\":\"y\"}\n{\"id\":\"a\",\"body\":\"z\"}\n";
        read_input(input.as_bytes(), "d.jsonl", InputFormat::Auto, &mut out).unwrap();
        check_unique_ids(&mut out);
        let ids: Vec<&str> = out.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a@d.jsonl:3", "a", "a@d.jsonl:3#2"]);
    }
}
