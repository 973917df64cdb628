//! The scraped listing format.
//!
//! ```text
//! Latest news with #JanLipavsky        <- optional page header
//!
//! The Sun                              <- outlet
//! 3 days ago                           <- relative time
//! - Politics                           <- one or more tag lines
//! - The Sun
//! Czech FM summons Chinese ambassador  <- title
//! PRAGUE: The Czech Republic ...       <- body, one or more lines
//! ```
//!
//! Entries are separated by two, one or no blank lines, so an entry starts
//! where the structure says so: a non-blank line, then a relative-time line,
//! then a `- ` tag line. Blank lines inside a body are kept as paragraph
//! breaks; trailing spaces and blank lines at the end of a body are dropped.

use super::{Line, ReadOutcome};
use crate::error::{Problem, ProblemKind};
use crate::record::{Article, Origin};

/// True for the listing's relative-time lines: `3 days ago`, `an hour ago`,
/// `5m ago`, `yesterday`, `just now`.
pub fn is_relative_time(line: &str) -> bool {
    let t = line.trim().to_lowercase();
    if matches!(t.as_str(), "just now" | "now" | "today" | "yesterday") {
        return true;
    }
    let Some(rest) = t.strip_suffix(" ago") else {
        return false;
    };
    let rest = rest.trim();
    let (count, unit) = match rest.split_once(' ') {
        Some((c, u)) => (c, u.trim()),
        None => {
            let split = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            (&rest[..split], &rest[split..])
        }
    };
    let count_ok = matches!(count, "a" | "an" | "one")
        || (!count.is_empty() && count.len() <= 4 && count.bytes().all(|b| b.is_ascii_digit()));
    let unit = unit.strip_suffix('s').unwrap_or(unit);
    count_ok
        && matches!(
            unit,
            "second"
                | "sec"
                | "s"
                | "minute"
                | "min"
                | "m"
                | "hour"
                | "hr"
                | "h"
                | "day"
                | "d"
                | "week"
                | "wk"
                | "w"
                | "month"
                | "mo"
                | "year"
                | "yr"
                | "y"
        )
}

fn is_tag(line: &str) -> bool {
    line.starts_with("- ") && line.len() > 2 && !line[2..].trim().is_empty()
}

fn is_entry_start(lines: &[Line], i: usize) -> bool {
    let t = lines[i].text.trim();
    !t.is_empty()
        && !t.starts_with("- ")
        && lines.get(i + 1).is_some_and(|l| is_relative_time(&l.text))
        && lines.get(i + 2).is_some_and(|l| is_tag(l.text.trim_end()))
}

/// A page header such as `Latest news with #JanLipavsky`: a line followed
/// (after blank lines) by an entry or the end of the input, that either
/// starts with "Latest news" (pages joined by `cat` put it straight after
/// the last body line) or is a short line (at most 6 words) ending in a
/// hashtag, at the start of the input or after a blank line, and followed
/// by a blank line. A body's last line that ends in a hashtag stays in the body.
fn is_header(lines: &[Line], i: usize) -> bool {
    let t = lines[i].text.trim();
    let after_blank = i == 0 || lines[i - 1].text.trim().is_empty();
    let latest = t.chars().count() <= 120 && t.to_lowercase().starts_with("latest news");
    let tagged = after_blank
        && t.split_whitespace().count() <= 6
        && t.rsplit(' ').next().is_some_and(|w| w.len() > 1 && w.starts_with('#'))
        && lines.get(i + 1).is_some_and(|l| l.text.trim().is_empty());
    if !latest && !tagged {
        return false;
    }
    let mut j = i + 1;
    while j < lines.len() && lines[j].text.trim().is_empty() {
        j += 1;
    }
    j == lines.len() || is_entry_start(lines, j)
}

fn is_boundary(lines: &[Line], i: usize) -> bool {
    is_entry_start(lines, i) || is_header(lines, i)
}

/// Join lines `from..to` as a body: trailing spaces removed, blank lines at
/// either end dropped, inner blank lines kept as paragraph breaks.
fn join_body(lines: &[Line]) -> String {
    let trimmed: Vec<&str> = lines.iter().map(|l| l.text.trim_end()).collect();
    let start = trimmed.iter().position(|t| !t.is_empty()).unwrap_or(trimmed.len());
    let end = trimmed.iter().rposition(|t| !t.is_empty()).map_or(start, |e| e + 1);
    trimmed[start..end].join("\n")
}

/// Parse listing `lines` of input `name` into `out`.
pub fn parse(lines: &[Line], name: &str, out: &mut ReadOutcome) {
    let problem =
        |out: &mut ReadOutcome, line: u64, kind| out.problems.push(Problem { file: name.to_owned(), line, kind });
    let mut i = 0;
    while i < lines.len() {
        if lines[i].text.trim().is_empty() || is_header(lines, i) {
            i += 1;
            continue;
        }
        let origin = Origin { file: name.to_owned(), line: lines[i].number };
        let mut article = Article::at(origin);
        if !is_entry_start(lines, i) {
            // Stray text: keep it as a record of its own rather than drop it.
            let start = i;
            while i < lines.len() && !is_boundary(lines, i) {
                i += 1;
            }
            article.body = join_body(&lines[start..i]);
            problem(out, article.origin.line, ProblemKind::TextOutsideEntry);
            out.articles.push(article);
            continue;
        }
        article.source = lines[i].text.trim().to_owned();
        article.date = Some(lines[i + 1].text.trim().to_owned());
        i += 2;
        while i < lines.len() && is_tag(lines[i].text.trim_end()) {
            let tag = lines[i].text[2..].trim();
            if !tag.eq_ignore_ascii_case(&article.source) && !article.categories.iter().any(|c| c == tag) {
                article.categories.push(tag.to_owned());
            }
            i += 1;
        }
        while i < lines.len() && lines[i].text.trim().is_empty() {
            i += 1;
        }
        if i < lines.len() && !is_boundary(lines, i) {
            article.title = lines[i].text.trim().to_owned();
            i += 1;
        } else {
            problem(out, article.origin.line, ProblemKind::EntryWithoutTitle);
        }
        let start = i;
        while i < lines.len() && !is_boundary(lines, i) {
            i += 1;
        }
        article.body = join_body(&lines[start..i]);
        if article.body.is_empty() && !article.title.is_empty() {
            problem(out, article.origin.line, ProblemKind::EntryWithoutBody);
        }
        out.articles.push(article);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::{read_input, InputFormat};

    fn read(text: &str) -> ReadOutcome {
        let mut out = ReadOutcome::default();
        read_input(text.as_bytes(), "l.txt", InputFormat::Listing, &mut out).unwrap();
        out
    }

    #[test]
    fn relative_times() {
        for t in ["3 days ago", "1 day ago", "an hour ago", "5m ago", "12 hours ago", "Yesterday", "2 Weeks Ago"] {
            assert!(is_relative_time(t), "{t}");
        }
        for t in ["The Sun", "days ago", "3 bananas ago", "ago", "- Politics", "12345 days ago"] {
            assert!(!is_relative_time(t), "{t}");
        }
    }

    #[test]
    fn entries_without_blank_lines_between_them() {
        let out = read("Latest news with #X\n\n\nA\n1 day ago\n- Politics\n- A\nTitle A\nBody a.\nB\n2 days ago\n- B\nTitle B\nBody b1.\n\nBody b2.  \n\n");
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert_eq!(out.articles.len(), 2);
        let a = &out.articles[0];
        assert_eq!(
            (a.id.as_str(), a.source.as_str(), a.title.as_str(), a.body.as_str()),
            ("l.txt:4", "A", "Title A", "Body a.")
        );
        assert_eq!(a.categories, ["Politics"]);
        assert_eq!(a.date.as_deref(), Some("1 day ago"));
        let b = &out.articles[1];
        assert_eq!((b.id.as_str(), b.body.as_str()), ("l.txt:10", "Body b1.\n\nBody b2."));
        assert!(b.categories.is_empty());
    }

    #[test]
    fn concatenated_pages_keep_headers_out_of_bodies() {
        let out = read(
            "Latest news with #X\nA\n1 day ago\n- A\nT\nBody.\n\nLatest news with #Y\n\nB\n1 day ago\n- B\nU\nMore.\n",
        );
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert_eq!(out.articles.len(), 2);
        assert_eq!(out.articles[0].body, "Body.");
        assert_eq!(out.articles[1].body, "More.");
    }

    #[test]
    fn body_lines_ending_in_a_hashtag_stay_in_the_body() {
        let out =
            read("A\n1 day ago\n- A\nT\nBody.\nFollow us with #Floods\nB\n1 day ago\n- B\nU\nMore.\nShare with #X\n");
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert_eq!(out.articles[0].body, "Body.\nFollow us with #Floods");
        assert_eq!(out.articles[1].body, "More.\nShare with #X");
        let out = read("#Czechia\n\nA\n1 day ago\n- A\nT\nBody.\n");
        assert_eq!(out.articles.len(), 1);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
    }

    #[test]
    fn entry_without_body_is_reported_and_kept() {
        let out = read("A\n1 day ago\n- A\nOnly a title\nB\n1 day ago\n- B\nT\nBody.\n");
        assert_eq!(out.articles.len(), 2);
        assert_eq!(out.articles[0].title, "Only a title");
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].to_string(), "l.txt:1: entry has no body");
    }

    #[test]
    fn stray_text_is_kept_as_a_record() {
        let out = read("some stray words\nmore\n\nA\n1 day ago\n- A\nT\nBody.\n");
        assert_eq!(out.articles.len(), 2);
        assert_eq!(out.articles[0].body, "some stray words\nmore");
        assert_eq!(out.problems[0].kind, ProblemKind::TextOutsideEntry);
    }
}
