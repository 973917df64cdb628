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
//!
//! The parser looks ahead a few lines, so an input's lines are kept until it
//! is parsed; a run of blank (or whitespace-only) lines is kept as one row
//! with its count, so that blank padding costs nothing.

use std::io::{self, BufRead};
use std::sync::Arc;

use super::{LineReader, ReadOutcome};
use crate::error::{Problem, ProblemKind};
use crate::record::{Article, Origin};

/// A non-blank line (`blanks == 0`), or a run of `blanks` blank lines (empty
/// `text`) starting at line `number`.
#[derive(Debug)]
struct Line {
    number: u64,
    text: String,
    blanks: u32,
}

/// Read listing text from `lines` of input `name` into `out`; returns the
/// number of lines read.
pub fn read<R: BufRead>(mut lines: LineReader<R>, name: &Arc<str>, out: &mut ReadOutcome) -> io::Result<u64> {
    let mut rows: Vec<Line> = Vec::new();
    while let Some((number, text)) = lines.next_str(name, &mut out.problems)? {
        if !text.trim().is_empty() {
            rows.push(Line { number, text: text.into_owned(), blanks: 0 });
            continue;
        }
        match rows.last_mut() {
            Some(run) if run.blanks > 0 && run.blanks < u32::MAX => run.blanks += 1,
            _ => rows.push(Line { number, text: String::new(), blanks: 1 }),
        }
    }
    parse(&rows, name, out);
    Ok(lines.count())
}

/// True for the listing's relative-time lines: `3 days ago`, `an hour ago`,
/// `about 5 hours ago`, `a few seconds ago`, `1 hr. ago`, `5m ago`,
/// `yesterday`, `just now`. Any Unicode space may separate the words (scraped
/// HTML often has `3&nbsp;days ago`).
pub fn is_relative_time(line: &str) -> bool {
    let lower = line.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    match words.as_slice() {
        ["just", "now"] | ["now"] | ["today"] | ["yesterday"] => return true,
        [] => return false,
        _ => {}
    }
    let Some((&"ago", rest)) = words.split_last() else {
        return false;
    };
    let rest = match rest {
        ["about" | "around" | "over" | "almost" | "nearly" | "less" | "more", rest @ ..] => rest,
        rest => rest,
    };
    let rest = match rest {
        ["than", rest @ ..] => rest,
        rest => rest,
    };
    let is_unit = |u: &str| {
        let u = u.trim_end_matches('.');
        let u = u.strip_suffix('s').filter(|s| !s.is_empty()).unwrap_or(u);
        matches!(
            u,
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
    };
    let is_count = |c: &str| {
        matches!(c, "a" | "an" | "one" | "few" | "several")
            || (!c.is_empty() && c.len() <= 4 && c.bytes().all(|b| b.is_ascii_digit()))
    };
    match rest {
        [count, unit] => is_count(count) && is_unit(unit),
        ["a", "few", unit] => is_unit(unit),
        [glued] => {
            // `5m ago`, `12h ago`
            let split = glued.find(|c: char| !c.is_ascii_digit()).unwrap_or(glued.len());
            split > 0 && split <= 4 && is_unit(&glued[split..])
        }
        _ => false,
    }
}

/// A tag line: `- Politics` (or `-Politics`, as some scrapes drop the space).
fn is_tag(line: &str) -> bool {
    line.strip_prefix('-').is_some_and(|rest| !rest.trim().is_empty() && !rest.starts_with('-'))
}

/// The text of a tag line.
fn tag_text(line: &str) -> &str {
    line.trim()[1..].trim()
}

/// An outlet line: short, not a tag, not ending like a sentence.
fn is_outlet(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty()
        && !is_tag(t)
        && t.split_whitespace().count() <= 8
        && !t.ends_with(['.', '!', '?', ',', ';', ':', '"', '\u{201D}'])
}

/// An entry starts here: an outlet line, then a relative-time line, then a
/// tag line. `Some(false)` when the tag lines are missing (outlet and time,
/// then the title): still an entry, reported as a problem.
fn entry_start(lines: &[Line], i: usize) -> Option<bool> {
    if !is_outlet(&lines[i].text) || !lines.get(i + 1).is_some_and(|l| is_relative_time(&l.text)) {
        return None;
    }
    match lines.get(i + 2) {
        Some(l) if is_tag(l.text.trim()) => Some(true),
        Some(l) if !l.text.trim().is_empty() => Some(false),
        _ => None,
    }
}

fn is_entry_start(lines: &[Line], i: usize) -> bool {
    entry_start(lines, i).is_some()
}

/// A page header such as `Latest news with #JanLipavsky`: a line that starts
/// with "Latest news" and ends in a hashtag, or a lone `#Tag` line between
/// blank lines, followed (after blank lines) by an entry or the end of the
/// input. Pages joined by `cat` put the header straight after the last body
/// line, so the first form needs no blank line before it. Any other line,
/// hashtag or not, stays in the body.
fn is_header(lines: &[Line], i: usize) -> bool {
    let t = lines[i].text.trim();
    let ends_in_tag = t.rsplit(char::is_whitespace).next().is_some_and(|w| w.len() > 1 && w.starts_with('#'));
    let latest = t.chars().count() <= 120 && t.to_lowercase().starts_with("latest news") && ends_in_tag;
    let lone_tag = ends_in_tag
        && !t.contains(char::is_whitespace)
        && (i == 0 || lines[i - 1].text.trim().is_empty())
        && lines.get(i + 1).is_some_and(|l| l.text.trim().is_empty());
    if !latest && !lone_tag {
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
    let start = lines.iter().position(|l| l.blanks == 0).unwrap_or(lines.len());
    let end = lines.iter().rposition(|l| l.blanks == 0).map_or(start, |e| e + 1);
    let mut body = String::new();
    for (k, l) in lines[start..end].iter().enumerate() {
        if k > 0 {
            body.push('\n');
        }
        if l.blanks > 0 {
            body.extend(std::iter::repeat_n('\n', l.blanks as usize - 1));
        } else {
            body.push_str(l.text.trim_end());
        }
    }
    body
}

/// Parse listing `lines` of input `name` into `out`.
fn parse(lines: &[Line], name: &Arc<str>, out: &mut ReadOutcome) {
    let problem =
        |out: &mut ReadOutcome, line: u64, kind| out.problems.push(Problem { file: name.to_string(), line, kind });
    let mut i = 0;
    while i < lines.len() {
        if lines[i].text.trim().is_empty() || is_header(lines, i) {
            i += 1;
            continue;
        }
        let origin = Origin { file: name.clone(), line: lines[i].number };
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
        if entry_start(lines, i) == Some(false) {
            problem(out, article.origin.line, ProblemKind::EntryWithoutTags);
        }
        article.source = lines[i].text.trim().to_owned();
        article.date = Some(lines[i + 1].text.split_whitespace().collect::<Vec<_>>().join(" "));
        i += 2;
        while i < lines.len() && is_tag(lines[i].text.trim()) {
            let tag = tag_text(&lines[i].text);
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
        for t in [
            "3 days ago",
            "1 day ago",
            "an hour ago",
            "5m ago",
            "12 hours ago",
            "Yesterday",
            "2 Weeks Ago",
            "2\u{a0}days ago",
            "about 5 hours ago",
            "a few seconds ago",
            "1 hr. ago",
            "5 mins ago",
            "over a year ago",
            "less than a minute ago",
        ] {
            assert!(is_relative_time(t), "{t}");
        }
        for t in
            ["The Sun", "days ago", "3 bananas ago", "ago", "- Politics", "12345 days ago", "s ago", "a long time ago"]
        {
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
    fn loose_entry_headers_still_start_entries() {
        // NBSP in the time, "about", no space after the dash, no tag line at all.
        let out = read("The Sun\n3 days ago\n- Politics\nTitle one\nBody one.\n\nBBC\n2\u{a0}days ago\n-World\nTitle two\nBody two.\n\nCNN\nabout 5 hours ago\nTitle three\nBody three.\n");
        let got: Vec<(&str, &str, &str)> =
            out.articles.iter().map(|a| (a.source.as_str(), a.title.as_str(), a.body.as_str())).collect();
        assert_eq!(
            got,
            [
                ("The Sun", "Title one", "Body one."),
                ("BBC", "Title two", "Body two."),
                ("CNN", "Title three", "Body three.")
            ]
        );
        assert_eq!(out.articles[1].categories, ["World"]);
        assert_eq!(out.articles[1].date.as_deref(), Some("2 days ago"));
        assert_eq!(out.problems.len(), 1);
        assert_eq!(
            out.problems[0].to_string(),
            "l.txt:13: entry has no `- ` tag line (read as outlet, time, title, body)"
        );
    }

    #[test]
    fn body_lines_that_look_a_little_like_headers_stay() {
        let out = read(
            "The Sun\n1 day ago\n- Politics\nTitle one\nFirst body line.\nLatest news on this story will follow.\n",
        );
        assert_eq!(out.articles[0].body, "First body line.\nLatest news on this story will follow.");
        let out = read("A\n1 day ago\n- A\nT\nBody.\n\nShare this #Floods\n\nB\n1 day ago\n- B\nU\nMore.\n");
        assert_eq!(out.articles[0].body, "Body.\n\nShare this #Floods");
        // A lone hashtag between blank lines before an entry is a page header.
        let out = read("A\n1 day ago\n- A\nT\nBody.\n\n#Floods\n\nB\n1 day ago\n- B\nU\nMore.\n");
        assert_eq!(out.articles[0].body, "Body.");
        assert!(out.problems.is_empty());
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
