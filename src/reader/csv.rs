//! CSV with a header row (RFC 4180: `,` between fields, `"` around a field
//! that holds one, a line break or a `"`, doubled inside), read with the
//! `csv` crate.
//!
//! The header names the fields, as the keys of a JSON object do
//! ([`Fields`]; `category`/`categories` too, a cell holding one category or
//! a JSON array of them). Every other column is passed through as a string
//! field ([`Article::extra`]); an empty cell of a known field counts as
//! absent. A record's default id is `FILE:LINE` of the line where its row
//! starts. A row of another length than the header, a header naming a
//! column twice, a header without the body column, invalid UTF-8 and a quote
//! left open at the end are reported; no row is dropped. Blank lines are
//! skipped. The input is read whole.
//!
//! A column holding `--format filter` provenance (named as
//! [`provenance_name`] picks, every cell empty or a provenance array) is an
//! earlier run's: its arrays become [`Article::prior`].

use std::io::{self, BufRead};
use std::sync::Arc;

use serde_json::{Map, Value};

use super::jsonl::{filtered_prior, LineCounter};
use super::{ReadOptions, ReadOutcome, BOM};
use crate::error::{Problem, ProblemKind};
use crate::record::{is_provenance, provenance_name, Article, CsvHeader, Origin, Shape};

/// One row as read: the line it starts on, its cells.
struct Row {
    line: u64,
    cells: Vec<Box<str>>,
}

/// Read CSV from `reader`, input `name`, into `out`; returns the number of
/// lines read.
pub fn read<R: BufRead>(mut reader: R, name: &Arc<str>, opts: &ReadOptions, out: &mut ReadOutcome) -> io::Result<u64> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes)?;
    let lines = super::LineReader::new(&bytes[..]).count_all()?;
    let text = bytes.strip_prefix(BOM).unwrap_or(&bytes);
    let bom = bytes.len() - text.len();
    let problem = |line: u64, kind: ProblemKind| Problem { file: name.to_string(), line, kind };
    let first_problem = out.problems.len();

    let mut csv = ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text);
    let mut counter = LineCounter::new(&bytes);
    let mut rows: Vec<Row> = Vec::new();
    let mut record = ::csv::ByteRecord::new();
    let mut last_start = 0;
    loop {
        let more = csv.read_byte_record(&mut record).map_err(csv_error)?;
        if !more {
            break;
        }
        // A row after a CRLF starts, for `csv`, at the LF of that CRLF.
        let mut start = record.position().map_or(0, |p| p.byte() as usize);
        while matches!(text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        last_start = start;
        let line = counter.line_at(bom + start);
        let mut bad_utf8 = false;
        let cells = record
            .iter()
            .map(|cell| match std::str::from_utf8(cell) {
                Ok(s) => Box::from(s),
                Err(_) => {
                    bad_utf8 = true;
                    Box::from(String::from_utf8_lossy(cell).as_ref())
                }
            })
            .collect();
        if bad_utf8 {
            out.problems.push(problem(line, ProblemKind::InvalidUtf8));
        }
        rows.push(Row { line, cells });
    }
    if rows.is_empty() {
        return Ok(lines);
    }
    if unclosed_quote(&text[last_start..]) {
        let line = rows.last().map_or(1, |r| r.line);
        out.problems.push(problem(line, ProblemKind::UnclosedQuote));
    }
    let header = rows.remove(0);
    let fields = &opts.fields;

    // Each column's key: its role (a known field) or the name it is passed
    // through under; a name given twice is passed through renamed.
    let names: Vec<String> = header.cells.iter().map(|c| c.to_string()).collect();
    let mut keys: Vec<(Option<&'static str>, String)> = Vec::with_capacity(names.len());
    for name in &names {
        let trimmed = name.trim();
        let taken = |k: &str| keys.iter().any(|(_, key)| key == k);
        if taken(trimmed) {
            let mut n = 2;
            while taken(&format!("{trimmed}#{n}")) || names.iter().any(|c| c.trim() == format!("{trimmed}#{n}")) {
                n += 1;
            }
            let renamed = format!("{trimmed}#{n}");
            let kind = ProblemKind::DuplicateColumn { name: trimmed.to_owned(), renamed: renamed.clone() };
            out.problems.push(problem(header.line, kind));
            keys.push((None, renamed));
        } else {
            keys.push((fields.role(trimmed), trimmed.to_owned()));
        }
    }
    if !keys.iter().any(|(role, _)| *role == Some("body")) {
        out.problems.push(problem(header.line, ProblemKind::MissingColumn(fields.body.clone())));
    }

    // The provenance column: absent, or holding only empty cells and
    // provenance arrays.
    let column = |n: &str| keys.iter().position(|(role, key)| role.is_none() && key == n);
    let usable = |n: &str| {
        let named = keys.iter().position(|(_, key)| key == n);
        match (named, column(n)) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(_), Some(i)) => rows.iter().all(|r| {
                r.cells.get(i).is_none_or(|c| {
                    c.is_empty() || serde_json::from_str::<Value>(c).is_ok_and(|v| is_provenance(&v, true))
                })
            }),
        }
    };
    let provenance = provenance_name(usable);
    let present = column(&provenance);
    let shape_header = Arc::new(CsvHeader { names, provenance, present });

    for row in rows {
        if row.cells.len() != keys.len() {
            let kind = ProblemKind::RowLength { fields: row.cells.len(), header: keys.len() };
            out.problems.push(problem(row.line, kind));
        }
        let mut article = Article::at(Origin { file: name.clone(), line: row.line });
        let mut body: Option<String> = None;
        let mut extra = Map::new();
        for (i, cell) in row.cells.iter().enumerate() {
            if Some(i) == present {
                if let Ok(v @ Value::Array(_)) = serde_json::from_str::<Value>(cell) {
                    if is_provenance(&v, false) {
                        let Value::Array(duplicates) = v else { unreachable!("matched above") };
                        article.prior = Some(Box::new(filtered_prior(duplicates)));
                    }
                }
                continue;
            }
            let Some((role, key)) = keys.get(i) else {
                extra.insert(format!("column {}", i + 1), Value::String(cell.to_string()));
                continue;
            };
            let cell: &str = cell;
            match *role {
                Some("id") if !cell.is_empty() => article.id = cell.to_owned(),
                Some("source") => article.source = cell.to_owned(),
                Some("title") => article.title = cell.to_owned(),
                Some("date") => article.date = Some(cell.to_owned()).filter(|s| !s.is_empty()),
                Some("url") => article.url = Some(cell.to_owned()).filter(|s| !s.is_empty()),
                Some("body") if body.is_none() && !cell.is_empty() => body = Some(cell.to_owned()),
                Some("categories") => match serde_json::from_str::<Vec<String>>(cell) {
                    Ok(list) if cell.trim_start().starts_with('[') => {
                        article.categories.extend(list.into_iter().filter(|c| !c.is_empty()))
                    }
                    _ if !cell.is_empty() => article.categories.push(cell.to_owned()),
                    _ => {}
                },
                Some(_) if cell.is_empty() => {}
                _ => {
                    extra.insert(key.clone(), Value::String(cell.to_owned()));
                }
            }
        }
        article.body = body.unwrap_or_default().into();
        article.extra = extra;
        if opts.keep_shape {
            let cells = if opts.shape_kind_only { Box::default() } else { row.cells.into_boxed_slice() };
            article.shape = Some(Box::new(Shape::Csv { header: shape_header.clone(), cells }));
        }
        out.push(article)?;
    }
    out.problems[first_problem..].sort_by_key(|p| p.line);
    Ok(lines)
}

/// A `csv` error as an I/O error (reading from memory, only an I/O error can
/// happen: fields are read as bytes and rows may differ in length).
fn csv_error(e: ::csv::Error) -> io::Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("CSV: {other:?}")),
    }
}

/// True when the row starting `rest` (the input's last) opens a quoted field
/// that is still open at the end of the input, as RFC 4180 reads quotes: one
/// opens a field that starts with it, and a doubled one inside stands for
/// itself.
fn unclosed_quote(rest: &[u8]) -> bool {
    #[derive(PartialEq)]
    enum State {
        Start,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::Start;
    for &b in rest {
        state = match (state, b) {
            (State::Start, b'"') => State::Quoted,
            (State::Start | State::Unquoted | State::QuoteInQuoted, b',' | b'\n' | b'\r') => State::Start,
            (State::Start | State::Unquoted, _) => State::Unquoted,
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (State::QuoteInQuoted, _) => State::Unquoted,
        };
    }
    state == State::Quoted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::{read_input_with, Fields, InputFormat};

    fn read_with(text: &[u8], opts: &ReadOptions) -> ReadOutcome {
        let mut out = ReadOutcome::default();
        read_input_with(text, "in.csv", opts, &mut out).unwrap();
        out
    }

    fn read(text: &str) -> ReadOutcome {
        read_with(text.as_bytes(), &ReadOptions::new(InputFormat::Auto))
    }

    fn problems(out: &ReadOutcome) -> Vec<String> {
        out.problems.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn columns_map_to_the_fields_of_json_lines() {
        let out = read(concat!(
            "\u{feff}id,source,title,text,date,url,categories,lang\r\n",
            "7,AP,T,\"first, line\r\n\r\nsecond \"\"quoted\"\"\",2024-01-01,https://x/y,\"[\"\"a\"\",\"\"b\"\"]\",en\r\n",
            ",BBC,U,body,,,World,\r\n",
        ));
        assert!(out.problems.is_empty(), "{:?}", problems(&out));
        let a = &out.articles[0];
        assert_eq!((a.id.as_str(), a.source.as_str(), a.title.as_str()), ("7", "AP", "T"));
        assert_eq!(a.body, "first, line\r\n\r\nsecond \"quoted\"");
        assert_eq!(a.date.as_deref(), Some("2024-01-01"));
        assert_eq!(a.url.as_deref(), Some("https://x/y"));
        assert_eq!(a.categories, ["a", "b"]);
        assert_eq!(serde_json::to_string(&a.extra).unwrap(), r#"{"lang":"en"}"#);
        // An empty id is the default `FILE:LINE`; empty date and url are absent.
        let b = &out.articles[1];
        assert_eq!((b.id.as_str(), b.origin.line), ("in.csv:5", 5));
        assert_eq!((b.date.as_deref(), b.url.as_deref()), (None, None));
        assert_eq!(b.categories, ["World"]);
        assert_eq!(serde_json::to_string(&b.extra).unwrap(), r#"{"lang":""}"#);
    }

    #[test]
    fn bad_rows_are_reported_and_kept() {
        let text = b"id,title,body,extra\na,T,x\n\nb,U,y,e,more\nc,V,\"z\xff\",w\nd,W,\"open\nq\n";
        let out = read_with(text, &ReadOptions::new(InputFormat::Csv));
        let ids: Vec<&str> = out.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c", "d"]);
        assert_eq!(
            problems(&out),
            [
                "in.csv:2: CSV row has 3 fields but the header has 4 (kept: the missing fields are empty)",
                "in.csv:4: CSV row has 5 fields but the header has 4 (kept: the extra fields are passed through)",
                "in.csv:5: invalid UTF-8 (kept with U+FFFD replacement characters)",
                "in.csv:6: CSV quoted field not closed before the end of the input (the rest is kept in it)",
                "in.csv:6: CSV row has 3 fields but the header has 4 (kept: the missing fields are empty)",
            ]
        );
        assert_eq!(serde_json::to_string(&out.articles[1].extra).unwrap(), r#"{"extra":"e","column 5":"more"}"#);
        assert_eq!(out.articles[2].body, "z\u{FFFD}");
        assert_eq!(out.articles[3].body, "open\nq\n");
    }

    #[test]
    fn header_problems_are_reported_once() {
        let out = read("id,title,title,content\na,T,U,x\n");
        assert_eq!(
            problems(&out),
            [
                "in.csv:1: CSV header names column `title` twice (the later one is passed through as `title#2`)",
                "in.csv:1: CSV header has no `body` column (every record's body is empty)",
            ]
        );
        assert_eq!(out.articles[0].title, "T");
        assert_eq!(serde_json::to_string(&out.articles[0].extra).unwrap(), r#"{"title#2":"U","content":"x"}"#);
        // A header alone holds no records.
        let out = read("id,body\n");
        assert_eq!(problems(&out), ["in.csv:1: input holds no records"]);
    }

    #[test]
    fn field_names_can_be_mapped() {
        let fields =
            Fields { id: "uuid".into(), body: "content".into(), title: "headline".into(), ..Fields::default() };
        let opts = ReadOptions { format: InputFormat::Csv, fields, ..Default::default() };
        let out = read_with(b"uuid,headline,content,text,id\nu1,H,C,T,9\n", &opts);
        assert!(out.problems.is_empty(), "{:?}", problems(&out));
        let a = &out.articles[0];
        assert_eq!((a.id.as_str(), a.title.as_str(), a.body.in_memory().unwrap()), ("u1", "H", "C"));
        // `text` is the body's alias only while the body field is `body`.
        assert_eq!(serde_json::to_string(&a.extra).unwrap(), r#"{"text":"T","id":"9"}"#);
    }

    #[test]
    fn lone_cr_and_crlf_rows_keep_their_lines() {
        let out = read_with(b"id,body\r1,a\r\r2,\"b\rc\"\r\n3,d", &ReadOptions::new(InputFormat::Csv));
        let got: Vec<(&str, u64)> = out.articles.iter().map(|a| (a.id.as_str(), a.origin.line)).collect();
        assert_eq!(got, [("1", 2), ("2", 4), ("3", 6)]);
    }

    #[test]
    fn a_provenance_column_is_an_earlier_run() {
        let prov = r#"[{"id":"b","source":"BBC","similarity":0.9}]"#.replace('"', "\"\"");
        let text = format!("id,source,body,duplicates\na,AP,x,\"{prov}\"\nc,CNN,y,\n");
        let opts = ReadOptions { format: InputFormat::Csv, keep_shape: true, ..Default::default() };
        let out = read_with(text.as_bytes(), &opts);
        assert!(out.problems.is_empty(), "{:?}", problems(&out));
        let prior = out.articles[0].prior.as_deref().expect("prior");
        assert_eq!(prior.duplicates[0]["id"], "b");
        assert_eq!(prior.sources, ["BBC"]);
        assert!(out.articles[0].extra.is_empty());
        assert!(out.articles[1].prior.is_none());
        let Some(Shape::Csv { header, cells }) = out.articles[1].shape.as_deref() else { panic!("no shape") };
        assert_eq!((header.provenance.as_str(), header.present), ("duplicates", Some(3)));
        assert_eq!(cells.len(), 4);
        // A `duplicates` column of the input's own is left alone.
        let out = read_with(b"id,body,duplicates\na,x,3\n", &opts);
        assert_eq!(serde_json::to_string(&out.articles[0].extra).unwrap(), r#"{"duplicates":"3"}"#);
        let Some(Shape::Csv { header, .. }) = out.articles[0].shape.as_deref() else { panic!("no shape") };
        assert_eq!((header.provenance.as_str(), header.present), ("_duplicates", None));
    }

    #[test]
    fn unclosed_quotes_are_found_as_rfc_4180_reads_them() {
        assert!(unclosed_quote(b"a,\"open"));
        assert!(unclosed_quote(b"a,\"x\"\"y\n"));
        assert!(!unclosed_quote(b"a,\"x\"\"y\""));
        assert!(!unclosed_quote(b"5\" screen,b"));
        assert!(!unclosed_quote(b""));
    }
}
