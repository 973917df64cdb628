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
//! The parser looks ahead a few rows ([`LOOK_AHEAD`]) and back one, so the
//! input is read in batches of rows and each batch's rows are dropped once
//! the records in them are parsed: reading holds one batch and the entry
//! being parsed, not the input. A run of blank (or whitespace-only) lines is
//! one row with its count, so that blank padding costs nothing. A batch is
//! parsed in chunks in parallel while the next one is read (see
//! [`parse_records`]); the records are the same, in the same order.
//!
//! A body to spool that is a stretch of a file read as it lies (lines
//! ending in a bare `\n`, no trailing spaces but at its very end) is not
//! joined or copied: the record keeps where it lies and its hash, and it is
//! read back from the file ([`body_at`]).

use std::io::{self, BufRead};
use std::sync::Arc;

use super::{BodyAt, LineReader, ReadOutcome};
use crate::error::{Problem, ProblemKind};
use crate::record::{Article, Body, Origin};

/// A non-blank line (`blanks == 0`), or a run of `blanks` blank lines (empty
/// `text`) starting at line `number`. Two blank rows never follow each
/// other, which bounds the parser's look-ahead (see [`LOOK_AHEAD`]).
#[derive(Debug)]
struct Line {
    number: u64,
    text: String,
    blanks: u64,
    /// Where the row starts in the input, when its text is its bytes
    /// ([`LineReader::next_str_at`]).
    at: Option<u64>,
    /// Where the next row starts, when this row is a stretch of the input
    /// that a body keeps as it is: its text (no trailing spaces) and a bare
    /// `\n`, or for a run of blank lines, that many bare `\n`s.
    next: Option<u64>,
}

impl Line {
    /// A line of input, number `number`, starting at `at` (when its text is
    /// its bytes) and ending in a bare `\n` or not.
    fn read(number: u64, at: Option<u64>, text: String, newline: bool) -> Line {
        let kept = text.trim_end().len() == text.len();
        let next = at.filter(|_| newline && kept).map(|at| at + text.len() as u64 + 1);
        Line { number, text, blanks: 0, at, next }
    }
}

/// How many rows past the one it looks at the parser may read: an entry
/// start reads two more rows, a header a blank row and the entry start
/// after it (four).
const LOOK_AHEAD: usize = 4;

/// Rows read at least per batch.
const BATCH: usize = 16384;

/// Rows parsed by one task at least: a batch is cut into chunks of about
/// this many rows (see [`parse_records`]).
const CHUNK: usize = 2048;

/// Read listing text from `lines` of input `name` into `out`; returns the
/// number of lines read.
pub fn read<R: BufRead>(lines: LineReader<R>, name: &Arc<str>, out: &mut ReadOutcome) -> io::Result<u64> {
    read_batched(lines, name, out, BATCH)
}

/// Rows read, with the problems found reading them, and whether they end the
/// input.
struct Batch {
    rows: Vec<Line>,
    problems: Vec<Problem>,
    eof: bool,
}

/// Read at least `want` rows (fewer at the end of the input); a run of blank
/// lines is one row.
fn read_rows<R: BufRead>(lines: &mut LineReader<R>, name: &Arc<str>, want: usize) -> io::Result<Batch> {
    let mut batch = Batch { rows: Vec::with_capacity(want), problems: Vec::new(), eof: false };
    while batch.rows.len() < want {
        let Some((number, at, text)) = lines.next_str_at(name, &mut batch.problems)? else {
            batch.eof = true;
            break;
        };
        let text = text.into_owned();
        push_row(&mut batch.rows, Line::read(number, at, text, lines.ended_in_newline()));
    }
    Ok(batch)
}

/// Append `line` to `rows`: a blank line (or a run of them) joins a run of
/// blank lines that ends `rows`.
fn push_row(rows: &mut Vec<Line>, line: Line) {
    let blank = line.blanks > 0 || line.text.trim().is_empty();
    match rows.last_mut() {
        Some(run) if blank && run.blanks > 0 => {
            run.blanks += line.blanks.max(1);
            run.next = match (run.next, line.at, line.next) {
                (Some(end), Some(at), Some(next)) if end == at => Some(next),
                _ => None,
            };
        }
        _ if blank => rows.push(Line { text: String::new(), blanks: line.blanks.max(1), ..line }),
        _ => rows.push(line),
    }
}

/// [`read`] in batches of at least `batch` rows. Each batch is parsed (in
/// parallel, see [`parse_records`]) while the next one is read, and its
/// records and problems are added in input order: the records and problems
/// are the same, in the same order, for every batch size and thread count.
fn read_batched<R: BufRead>(
    mut lines: LineReader<R>,
    name: &Arc<str>,
    out: &mut ReadOutcome,
    batch: usize,
) -> io::Result<u64> {
    let first = read_rows(&mut lines, name, batch)?;
    out.problems.extend(first.problems);
    let (mut rows, mut eof) = (first.rows, first.eof);
    // The first row not parsed yet; a row before it stays for the look-behind.
    let mut from = 0;
    // Rows to read next (while the rows in hand are parsed): a batch, or, in
    // a record longer than a batch, as many as are held, so that it is
    // parsed again only as often as its rows double.
    let mut want = batch;
    // Bodies to spool are left in the input where they lie as they are.
    let locate = out.reads_back();
    loop {
        let mut parsed = None;
        let next = rayon::in_place_scope(|scope| {
            let (rows, parsed) = (&rows, &mut parsed);
            let rows = Rows { lines: rows, eof, locate };
            scope.spawn(move |_| *parsed = Some(parse_records(&rows, from, name, CHUNK)));
            (!eof).then(|| read_rows(&mut lines, name, want)).transpose()
        })?;
        let (records, done) = parsed.expect("the parse task ran");
        for (article, problems, found) in records {
            for kind in problems {
                out.problems.push(Problem { file: name.to_string(), line: article.origin.line, kind });
            }
            out.push_found(article, found)?;
        }
        let Some(next) = next else { break };
        out.problems.extend(next.problems);
        let keep = done.saturating_sub(1);
        rows.drain(..keep);
        from = done - keep;
        // A parse that left more than half a batch unparsed is in a long
        // record: the read after the one in hand doubles what it will see.
        let unparsed = rows.len() - from;
        want = if unparsed > batch / 2 { unparsed + next.rows.len() } else { batch };
        rows.reserve(next.rows.len());
        for line in next.rows {
            push_row(&mut rows, line);
        }
        eof = next.eof;
    }
    Ok(lines.count())
}

/// The rows read so far of an input, `eof` when they are all its rows;
/// with `locate`, a body that is a stretch of the input is left there
/// ([`body_of`]).
struct Rows<'l> {
    lines: &'l [Line],
    eof: bool,
    locate: bool,
}

impl Rows<'_> {
    /// Whether row `i` exists, once that and the rows the parser may read
    /// past it ([`LOOK_AHEAD`]) are known; `None` when more must be read.
    fn has(&self, i: usize) -> Option<bool> {
        (self.eof || i + LOOK_AHEAD < self.lines.len()).then_some(i < self.lines.len())
    }
}

/// True for the listing's relative-time lines: `3 days ago`, `an hour ago`,
/// `about 5 hours ago`, `a few seconds ago`, `1 hr. ago`, `5m ago`,
/// `yesterday`, `just now`. Any Unicode space may separate the words (scraped
/// HTML often has `3&nbsp;days ago`).
pub fn is_relative_time(line: &str) -> bool {
    // None has more than six words (`less than a few seconds ago`): a body
    // line, asked this for every line, is refused before it is lowercased.
    if line.split_whitespace().nth(6).is_some() {
        return false;
    }
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
        && t.split_whitespace().nth(8).is_none()
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
    let latest = ends_in_tag && t.chars().count() <= 120 && t.to_lowercase().starts_with("latest news");
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

/// The rows of a body among `lines`: blank rows at either end dropped.
fn body_rows(lines: &[Line]) -> &[Line] {
    let start = lines.iter().position(|l| l.blanks == 0).unwrap_or(lines.len());
    let end = lines.iter().rposition(|l| l.blanks == 0).map_or(start, |e| e + 1);
    &lines[start..end]
}

/// The body of `rows` ([`body_rows`]) in pieces, in order: each line's text
/// without trailing spaces, a `\n` between rows, and a `\n` more for each
/// blank line but one in a run of them (so that they stay paragraph breaks).
fn body_pieces<'l>(rows: &'l [Line], mut emit: impl FnMut(&'l str)) {
    for (k, l) in rows.iter().enumerate() {
        if k > 0 {
            emit("\n");
        }
        if l.blanks > 0 {
            (1..l.blanks).for_each(|_| emit("\n"));
        } else {
            emit(l.text.trim_end());
        }
    }
}

/// Join lines as a body ([`body_pieces`]). The body is allocated at its
/// exact length: records keep their bodies to the end of the run, and a
/// string grown line by line keeps a quarter more on average.
fn join_body(lines: &[Line]) -> String {
    let rows = body_rows(lines);
    let breaks = rows.len().saturating_sub(1);
    let len: usize = breaks
        + rows
            .iter()
            .map(|l| if l.blanks > 0 { l.blanks as usize - 1 } else { l.text.trim_end().len() })
            .sum::<usize>();
    let mut body = String::with_capacity(len);
    body_pieces(rows, |piece| body.push_str(piece));
    debug_assert_eq!(body.len(), len);
    body
}

/// Where the body of `lines` ([`join_body`]) lies in the input, when it is a
/// stretch of it as it is: rows one after the other, each but the last its
/// text and a bare `\n` ([`Line::next`]). `None` for an empty body, or one
/// that a CRLF, a lone CR, trailing spaces, a whitespace-only line, a BOM or
/// broken UTF-8 makes differ from its bytes.
fn body_at(lines: &[Line]) -> Option<BodyAt> {
    let rows = body_rows(lines);
    let (last, inner) = rows.split_last()?;
    let start = rows[0].at?;
    let mut at = start;
    for row in inner {
        if row.at != Some(at) {
            return None;
        }
        at = row.next?;
    }
    if last.at != Some(at) {
        return None;
    }
    let len = at + last.text.trim_end().len() as u64 - start;
    let mut hash = xxhash_rust::xxh3::Xxh3::new();
    body_pieces(rows, |piece| hash.update(piece.as_bytes()));
    Some(BodyAt { at: start, raw: len, len, hash: hash.digest(), json: false })
}

/// The body of `lines`, and with `locate`, where it lies in the input when
/// it is a stretch of it ([`body_at`]): the record's body is then left
/// empty until [`ReadOutcome::push_found`] places it.
fn body_of(lines: &[Line], locate: bool) -> (Body, Option<BodyAt>) {
    match locate.then(|| body_at(lines)).flatten() {
        Some(found) => (Body::default(), Some(found)),
        None => (join_body(lines).into(), None),
    }
}

/// A record parsed, with the problems found in it (all at its first line),
/// and where its body lies in the input when it is left there.
type Parsed = (Article, Vec<ProblemKind>, Option<BodyAt>);

/// The records that start in a run of rows, each with the row it starts
/// at, and where the run ends: the first row at or after its `until` that
/// the parse reached, or (`stopped`) the row whose record needs rows not
/// read yet.
struct Run {
    records: Vec<(usize, Parsed)>,
    /// Every row a record (or a blank or header row) starts at, in order.
    steps: Vec<usize>,
    end: usize,
    stopped: bool,
}

/// Parse `rows` from row `i`, one record after the other, until a record
/// starts at or after `until` (or the rows run out).
fn run_from(rows: &Rows, mut i: usize, until: usize, name: &Arc<str>) -> Run {
    let mut run = Run { records: Vec::new(), steps: Vec::new(), end: i, stopped: false };
    while i < until {
        let Some((next, record)) = next_record(rows, i, name) else {
            run.stopped = true;
            break;
        };
        run.steps.push(i);
        if let Some(record) = record {
            run.records.push((i, record));
        }
        i = next;
    }
    run.end = i;
    run
}

/// The records of `rows` from row `from` on, in order, and the first row not
/// parsed: the start of an entry that needs rows not read yet (or the end of
/// the input).
///
/// Where a record starts depends only on the row it starts at, so the rows
/// are cut into chunks of about `chunk` rows, each starting at an entry
/// start, and each chunk is parsed on its own, in parallel. A chunk's parse
/// is then the input's parse from the first row of it that the parse of the
/// chunks before reached; when that row is not one of the chunk's own
/// record starts (the record before ran over the cut), the chunk is parsed
/// again from that row. The result is what parsing the rows one record after
/// the other gives, whatever `chunk` is.
fn parse_records(rows: &Rows, from: usize, name: &Arc<str>, chunk: usize) -> (Vec<Parsed>, usize) {
    use rayon::prelude::*;
    let lines = rows.lines;
    let mut starts = vec![from];
    let mut cut = from + chunk;
    while cut < lines.len() {
        // An entry start within a chunk's rows of the cut; none there (a long
        // stray text, a record longer than the batch) ends the cutting, so
        // that no row is looked at twice.
        let near = cut..(cut + chunk).min(lines.len());
        let Some(s) = near.into_iter().find(|&s| rows.has(s) == Some(true) && is_entry_start(lines, s)) else {
            break;
        };
        starts.push(s);
        cut = s + chunk;
    }
    let ends: Vec<usize> = starts[1..].iter().copied().chain([usize::MAX]).collect();
    let runs: Vec<Run> = starts.par_iter().zip(&ends).map(|(&s, &until)| run_from(rows, s, until, name)).collect();
    let mut records = Vec::new();
    let mut at = from;
    for (run, &until) in runs.into_iter().zip(&ends) {
        if at >= until {
            continue;
        }
        let run = match run.steps.binary_search(&at) {
            Ok(step) => {
                let first = run.records.partition_point(|r| r.0 < run.steps[step]);
                Run { records: run.records.into_iter().skip(first).collect(), steps: Vec::new(), ..run }
            }
            Err(_) => run_from(rows, at, until, name),
        };
        records.extend(run.records.into_iter().map(|(_, r)| r));
        at = run.end;
        if run.stopped {
            break;
        }
    }
    (records, at)
}

/// The record at row `i`, if one starts there (with its problems), and the
/// row after it; `None` at the end of `rows`, or when the record needs rows
/// not read yet.
fn next_record(rows: &Rows, mut i: usize, name: &Arc<str>) -> Option<(usize, Option<Parsed>)> {
    let lines = rows.lines;
    if !rows.has(i)? {
        return None;
    }
    if lines[i].text.trim().is_empty() || is_header(lines, i) {
        return Some((i + 1, None));
    }
    let origin = Origin { file: name.clone(), line: lines[i].number };
    let mut article = Article::at(origin);
    let mut problems = Vec::new();
    if !is_entry_start(lines, i) {
        // Stray text: keep it as a record of its own rather than drop it.
        let start = i;
        while rows.has(i)? && !is_boundary(lines, i) {
            i += 1;
        }
        let found;
        (article.body, found) = body_of(&lines[start..i], rows.locate);
        problems.push(ProblemKind::TextOutsideEntry);
        return Some((i, Some((article, problems, found))));
    }
    if entry_start(lines, i) == Some(false) {
        problems.push(ProblemKind::EntryWithoutTags);
    }
    article.source = lines[i].text.trim().to_owned();
    article.date = Some(lines[i + 1].text.split_whitespace().collect::<Vec<_>>().join(" "));
    i += 2;
    while rows.has(i)? && is_tag(lines[i].text.trim()) {
        let tag = tag_text(&lines[i].text);
        if !tag.eq_ignore_ascii_case(&article.source) && !article.categories.iter().any(|c| c == tag) {
            article.categories.push(tag.to_owned());
        }
        i += 1;
    }
    while rows.has(i)? && lines[i].text.trim().is_empty() {
        i += 1;
    }
    if rows.has(i)? && !is_boundary(lines, i) {
        article.title = lines[i].text.trim().to_owned();
        i += 1;
    } else {
        problems.push(ProblemKind::EntryWithoutTitle);
    }
    let start = i;
    while rows.has(i)? && !is_boundary(lines, i) {
        i += 1;
    }
    let found;
    (article.body, found) = body_of(&lines[start..i], rows.locate);
    if article.body.is_empty() && found.is_none() && !article.title.is_empty() {
        problems.push(ProblemKind::EntryWithoutBody);
    }
    Some((i, Some((article, problems, found))))
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
            (a.id.as_str(), a.source.as_str(), a.title.as_str(), a.body.in_memory().unwrap()),
            ("l.txt:4", "A", "Title A", "Body a.")
        );
        assert_eq!(a.categories, ["Politics"]);
        assert_eq!(a.date.as_deref(), Some("1 day ago"));
        let b = &out.articles[1];
        assert_eq!((b.id.as_str(), b.body.in_memory().unwrap()), ("l.txt:10", "Body b1.\n\nBody b2."));
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
            out.articles.iter().map(|a| (a.source.as_str(), a.title.as_str(), a.body.in_memory().unwrap())).collect();
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
    fn batches_of_any_size_read_the_same_records() {
        let text = "Latest news with #X\n\n\nstray\nwords\n\nA\n1 day ago\n- Politics\n- A\nTitle A\nBody a.\n\n\n\nmore a.\nB\n2 days ago\n- B\nTitle B\nBody b.\nLatest news with #Y\n#Tag\n\nC\n3 days ago\nTitle C\n\n#Lone\n\nD\n1 hour ago\n- D\nOnly title\nE\n5m ago\n-\n\n\n";
        let whole = read(text);
        assert_eq!(whole.articles.len(), 6, "{:?}", whole.articles);
        for batch in 1..12 {
            let mut out = ReadOutcome::default();
            let name: Arc<str> = Arc::from("l.txt");
            read_batched(LineReader::new(text.as_bytes()), &name, &mut out, batch).unwrap();
            assert_eq!(out.articles, whole.articles, "batch {batch}");
            assert_eq!(out.problems, whole.problems, "batch {batch}");
        }
    }

    /// Random listing-like text: entries, loose and broken entries, headers,
    /// stray lines, lines that look like an entry's parts in the wrong place,
    /// and runs of blank lines.
    fn random_listing(seed: u64, lines: usize) -> String {
        const PARTS: [&str; 16] = [
            "The Sun",
            "3 days ago",
            "- Politics",
            "-World",
            "A title of a story",
            "A body line ends here.",
            "",
            "",
            "Latest news with #X",
            "#Tag",
            "yesterday",
            "- The Sun",
            "Yahoo",
            "5m ago",
            "Follow us with #Floods",
            "   ",
        ];
        let mut next = crate::test_rng::below(seed);
        let mut text = String::new();
        for _ in 0..lines {
            if next(3) == 0 {
                text.push_str("BBC\n1 day ago\n- News\nTitle\nBody.\n");
            } else {
                text.push_str(PARTS[next(PARTS.len() as u64) as usize]);
                text.push('\n');
            }
        }
        text
    }

    #[test]
    fn chunks_parsed_apart_give_the_records_of_one_parse() {
        let name: Arc<str> = Arc::from("l.txt");
        for seed in 0..100 {
            let text = random_listing(seed, 10 + seed as usize * 2);
            let mut problems = Vec::new();
            let mut reader = LineReader::new(text.as_bytes());
            let mut rows = Vec::new();
            while let Some((number, at, line)) = reader.next_str_at(&name, &mut problems).unwrap() {
                let line = line.into_owned();
                push_row(&mut rows, Line::read(number, at, line, reader.ended_in_newline()));
            }
            for (eof, locate) in [(true, false), (false, false), (true, true)] {
                let rows = Rows { lines: &rows, eof, locate };
                for from in [0, 1, 5] {
                    let one = run_from(&rows, from, usize::MAX, &name);
                    let end = one.end;
                    let one: Vec<_> = one.records.into_iter().map(|r| r.1).collect();
                    for chunk in [1, 2, 3, 5, 8, 13, 50] {
                        let (records, done) = parse_records(&rows, from, &name, chunk);
                        assert_eq!((&records, done), (&one, end), "seed {seed} eof {eof} from {from} chunk {chunk}");
                        assert_eq!(records.iter().any(|r| r.2.is_some()), locate && !records.is_empty());
                    }
                }
            }
        }
    }

    #[test]
    fn random_listings_read_the_same_in_any_batch_size() {
        for seed in 0..60 {
            let text = random_listing(1000 + seed, 100);
            let whole = read(&text);
            for batch in [1, 2, 7, 64] {
                let mut out = ReadOutcome::default();
                let name: Arc<str> = Arc::from("l.txt");
                read_batched(LineReader::new(text.as_bytes()), &name, &mut out, batch).unwrap();
                assert_eq!(out.articles, whole.articles, "seed {seed} batch {batch}");
                assert_eq!(out.problems, whole.problems, "seed {seed} batch {batch}");
            }
        }
    }

    #[test]
    fn stray_text_is_kept_as_a_record() {
        let out = read("some stray words\nmore\n\nA\n1 day ago\n- A\nT\nBody.\n");
        assert_eq!(out.articles.len(), 2);
        assert_eq!(out.articles[0].body, "some stray words\nmore");
        assert_eq!(out.problems[0].kind, ProblemKind::TextOutsideEntry);
    }
}
