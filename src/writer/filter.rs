//! `--format filter`: the input records less their duplicates, as `sort -u`
//! would write them if it knew near-duplicates.
//!
//! Each kept record (the canonical of its cluster) is written in input
//! order, as it was read ([`Shape`]): a JSON object's text untouched (its
//! fields, their order, a numeric id, a `text` body; an element of a JSON
//! array has the whitespace between its tokens dropped so that it fits on
//! one line), a CSV row's cells under the same header. The duplicates it
//! absorbed go in one added field, `duplicates` (`_duplicates` when the
//! record already has a `duplicates` field of its own, `__duplicates` when it
//! has both, ...): the cluster record's `duplicates` list (`id`, `source`,
//! `title`, `date`, `similarity`, `containment`, then an earlier run's
//! entries). A record that absorbed nothing is written as it was read, with
//! no field added. Read back, the field is that earlier run's provenance
//! ([`crate::record::is_provenance`]), so a second run finds the same
//! clusters and writes the same bytes.
//!
//! The output's shape is the inputs': CSV (the header, plus a provenance
//! column holding the list as JSON text, empty for a record that absorbed
//! nothing) when every record was read from CSV with the same header; a JSON
//! array when every record was an element of a JSON array; JSON Lines
//! otherwise, a CSV row then becoming an object of its columns (strings). A
//! record kept without its shape (listing text, a JSON line that is not an
//! object) is written as its cluster record, as `--format jsonl` writes it.
//!
//! The output's kind is decided from a tally of the records' shapes
//! ([`Shapes`]), which the stages sum over shards (`newsdedup count`), so that
//! they decide it as one run does; each kept record's text ([`kept_text`])
//! and the kind's head and framing ([`Kind::write_head`], [`Kind::framing`])
//! are what the stages' pieces and `merge` write.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{Framed, Framing, Output};
use crate::apply::Cluster;
use crate::record::{Article, CsvHeader, Shape};

/// What the whole output is, decided over every input record's shape
/// ([`Shapes::kind`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// CSV under this header: every record was a CSV row under it.
    Csv(Arc<CsvHeader>),
    /// A JSON array: every record was an element of one.
    JsonArray,
    /// JSON Lines: any other mix.
    JsonLines,
}

impl Kind {
    /// How the kept records are laid out after [`Kind::write_head`].
    pub fn framing(&self) -> Framing {
        match self {
            Kind::JsonArray => Framing::Array,
            Kind::Csv(_) | Kind::JsonLines => Framing::Lines,
        }
    }

    /// Write what comes before the kept records: CSV's header row, with the
    /// provenance column added when it is not there yet.
    pub fn write_head(&self, w: &mut dyn Write) -> io::Result<()> {
        let Kind::Csv(header) = self else { return Ok(()) };
        let mut row: Vec<&str> = header.names.iter().map(String::as_str).collect();
        if header.present.is_none() {
            row.push(&header.provenance);
        }
        let mut csv = csv_writer(w);
        csv.write_record(&row).map_err(csv_error)?;
        csv.flush()
    }
}

/// How many input records have each shape that decides the [`Kind`]: a
/// tally over the records, which the stages sum over shards (`newsdedup
/// count` writes a shard's; see [`crate::stages::write_counts`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shapes {
    /// Every record, whatever its shape.
    pub records: u64,
    /// Elements of a JSON array.
    pub array: u64,
    /// CSV rows under each header, headers in the order first seen.
    pub csv: Vec<(Arc<CsvHeader>, u64)>,
}

impl Shapes {
    /// The tally of `articles`.
    pub fn of(articles: &[Article]) -> Shapes {
        let mut shapes = Shapes::default();
        for a in articles {
            shapes.add(a);
        }
        shapes
    }

    /// Count one record.
    pub fn add(&mut self, a: &Article) {
        self.records += 1;
        match a.shape.as_deref() {
            Some(Shape::Json { array: true, .. }) => self.array += 1,
            Some(Shape::Csv { header, .. }) => self.add_csv(header, 1),
            Some(Shape::Json { array: false, .. }) | None => {}
        }
    }

    /// Count `n` CSV rows under `header`.
    pub fn add_csv(&mut self, header: &Arc<CsvHeader>, n: u64) {
        match self.csv.iter_mut().find(|(h, _)| Arc::ptr_eq(h, header) || h == header) {
            Some((_, count)) => *count += n,
            None => self.csv.push((header.clone(), n)),
        }
    }

    /// The output's kind: CSV when every record was a CSV row under one
    /// header, a JSON array when every record was an element of one, JSON
    /// Lines otherwise (no record at all: JSON Lines, so nothing is written).
    pub fn kind(&self) -> Kind {
        match self.csv.as_slice() {
            [(header, n)] if *n == self.records && self.records > 0 => Kind::Csv(header.clone()),
            _ if self.array == self.records && self.records > 0 => Kind::JsonArray,
            _ => Kind::JsonLines,
        }
    }
}

pub fn write(out: &Output, w: &mut dyn Write) -> io::Result<()> {
    let mut kept: Vec<&Cluster> = out.clusters.iter().collect();
    kept.sort_unstable_by_key(|c| c.canonical);
    let kind = Shapes::of(out.articles).kind();
    kind.write_head(w)?;
    let mut items = Framed::start(kind.framing(), w)?;
    items.items(&kept, |c| super::streamed(c), |c, w| w.write_all(kept_text(out, c, &kind)?.as_bytes()))?;
    items.finish()
}

/// The text of a kept record (the canonical of `c`) in output of `kind`,
/// without its line feed: a CSV row, or a JSON object on one line.
pub fn kept_text(out: &Output, c: &Cluster, kind: &Kind) -> io::Result<String> {
    match kind {
        Kind::Csv(header) => csv_row(out, c, header),
        Kind::JsonArray | Kind::JsonLines => json_text(out, c),
    }
}

/// The provenance of a kept record: its cluster's `duplicates` list as JSON
/// text, written straight from the records (see [`Output::duplicates_json`]),
/// or `None` when it absorbed nothing.
fn provenance(out: &Output, c: &Cluster) -> Option<String> {
    let text = serde_json::to_string(&out.duplicates_json(c)).expect("a duplicates list always serializes");
    (text != "[]").then_some(text)
}

/// The writer of CSV output (rows may differ in length).
fn csv_writer<W: Write>(w: W) -> ::csv::Writer<W> {
    ::csv::WriterBuilder::new().flexible(true).from_writer(w)
}

/// A kept CSV row under `header`, with the provenance cell, as one CSV
/// record without its line feed. A record that is no CSV row (not expected:
/// [`Kind::Csv`] says every record is one) is an error.
fn csv_row(out: &Output, c: &Cluster, header: &CsvHeader) -> io::Result<String> {
    let a = &out.articles[c.canonical as usize];
    let Some(Shape::Csv { cells, .. }) = a.shape.as_deref() else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: record {} is not a CSV row, yet the output is CSV", a.origin, a.id),
        ));
    };
    let width = header.names.len();
    let text = provenance(out, c).unwrap_or_default();
    let mut row: Vec<&str> = cells.iter().take(width).map(|c| &**c).collect();
    row.resize(width, "");
    match header.present {
        Some(i) => row[i] = &text,
        None => row.push(&text),
    }
    row.extend(cells.iter().skip(width).map(|c| &**c));
    let mut csv = csv_writer(Vec::new());
    csv.write_record(&row).map_err(csv_error)?;
    let mut bytes = csv.into_inner().map_err(|e| e.into_error())?;
    bytes.pop(); // its line feed
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// A `csv` write error as the I/O error it is (a broken pipe stays one).
fn csv_error(e: ::csv::Error) -> io::Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("CSV: {other:?}")),
    }
}

/// One kept record as a JSON object's text, on one line. A record without
/// a shape is written as its cluster record, whose body may have to be read
/// back from the spool: an error there is returned.
fn json_text(out: &Output, c: &Cluster) -> io::Result<String> {
    let a = &out.articles[c.canonical as usize];
    let dups = provenance(out, c);
    match a.shape.as_deref() {
        Some(Shape::Json { raw, array, provenance, present }) => {
            let text = match &dups {
                None => Some(Cow::Borrowed(&**raw)),
                Some(d) => with_field(raw, provenance, *present, d).map(Cow::Owned),
            };
            match text {
                Some(t) if *array => Ok(minify(&t)),
                Some(t) => Ok(t.into_owned()),
                // An object whose text cannot be edited (not expected: the
                // text parsed when it was read): its cluster record instead.
                None => cluster_record(out, c),
            }
        }
        Some(Shape::Csv { header, cells }) => {
            let mut m = Map::new();
            for (i, cell) in cells.iter().enumerate() {
                let mut key = header.names.get(i).cloned().unwrap_or_else(|| format!("column {}", i + 1));
                let mut n = 2;
                while m.contains_key(&key) {
                    key = format!("{}#{n}", header.names[i]);
                    n += 1;
                }
                m.insert(key, Value::String(cell.to_string()));
            }
            if dups.is_some() {
                m.insert(header.provenance.clone(), Value::from(out.duplicate_values(c)));
            }
            Ok(Value::Object(m).to_string())
        }
        None => cluster_record(out, c),
    }
}

/// The cluster record of `c` as JSON text (see [`Output::json`]).
fn cluster_record(out: &Output, c: &Cluster) -> io::Result<String> {
    serde_json::to_string(&out.json(c)).map_err(io::Error::from)
}

/// `raw` (a JSON object's text) with field `name` set to `value` (JSON
/// text): replaced where it stands when `present`, else added last. The
/// rest of the text is left byte for byte.
pub fn with_field(raw: &str, name: &str, present: bool, value: &str) -> Option<String> {
    if present {
        let fields: HashMap<String, &RawValue> = serde_json::from_str(raw).ok()?;
        let old = fields.get(name)?.get();
        let start = old.as_ptr() as usize - raw.as_ptr() as usize;
        return Some(format!("{}{value}{}", &raw[..start], &raw[start + old.len()..]));
    }
    let object = raw.trim_end();
    let inner = object.strip_suffix('}')?;
    let head = inner.trim_end();
    let comma = if head.ends_with('{') { "" } else { "," };
    let key = Value::from(name).to_string();
    Some(format!("{head}{comma}{key}:{value}{}}}{}", &inner[head.len()..], &raw[object.len()..]))
}

/// JSON text with the whitespace between tokens dropped (strings untouched).
pub fn minify(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for ch in json.chars() {
        if in_string {
            out.push(ch);
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                in_string = false;
            }
        } else if ch == '"' {
            in_string = true;
            out.push(ch);
        } else if !matches!(ch, ' ' | '\t' | '\n' | '\r') {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{CanonicalRule, Params};
    use crate::reader::{check_unique_ids, read_input_with, InputFormat, ReadOptions, ReadOutcome};

    #[test]
    fn a_field_is_added_or_replaced_leaving_the_rest_byte_for_byte() {
        assert_eq!(
            with_field(r#"{"id": 1e2, "a":"}"} "#, "d", false, "[1]").unwrap(),
            r#"{"id": 1e2, "a":"}","d":[1]} "#
        );
        assert_eq!(with_field("{ }", "d", false, "[]").unwrap(), r#"{"d":[] }"#);
        assert_eq!(
            with_field(r#"{"d":[{"id":"x"}], "z" : 1.50}"#, "d", true, "[2]").unwrap(),
            r#"{"d":[2], "z" : 1.50}"#
        );
        assert_eq!(with_field(r#"{"k":"\u0041","d":[]}"#, "d", true, "[3]").unwrap(), r#"{"k":"\u0041","d":[3]}"#);
        assert_eq!(with_field("[1]", "d", false, "[]"), None);
    }

    #[test]
    fn every_records_shape_decides_the_kind() {
        let header = |names: &[&str]| {
            let names = names.iter().map(|n| n.to_string()).collect();
            Arc::new(CsvHeader { names, provenance: "duplicates".into(), present: None })
        };
        let csv = |h: &Arc<CsvHeader>| Shape::Csv { header: h.clone(), cells: Box::default() };
        let json = |array| Shape::Json { raw: "{}".into(), array, provenance: "duplicates".into(), present: false };
        let of = |shapes: Vec<Option<Shape>>| {
            let articles: Vec<Article> = shapes
                .into_iter()
                .map(|s| {
                    let mut a = Article::at(crate::record::Origin { file: "in".into(), line: 1 });
                    a.shape = s.map(Box::new);
                    a
                })
                .collect();
            Shapes::of(&articles).kind()
        };
        let (h1, h1_again, h2) = (header(&["id", "body"]), header(&["id", "body"]), header(&["id", "text"]));
        assert_eq!(of(vec![Some(csv(&h1)), Some(csv(&h1_again))]), Kind::Csv(h1.clone()));
        assert_eq!(of(vec![Some(csv(&h1)), Some(csv(&h2))]), Kind::JsonLines);
        assert_eq!(of(vec![Some(csv(&h1)), None]), Kind::JsonLines);
        assert_eq!(of(vec![Some(json(true)), Some(json(true))]), Kind::JsonArray);
        assert_eq!(of(vec![Some(json(true)), Some(json(false))]), Kind::JsonLines);
        assert_eq!(of(vec![Some(json(true)), Some(csv(&h1))]), Kind::JsonLines);
        assert_eq!(of(vec![]), Kind::JsonLines);
    }

    #[test]
    fn minify_drops_only_the_space_between_tokens() {
        assert_eq!(minify("{\n  \"a b\": [1, 2],\n  \"c\\\" d\": \"x\ty\"\n}"), "{\"a b\":[1,2],\"c\\\" d\":\"x\ty\"}");
    }

    const STORY: &str = "The regional council approved a new budget for public transport on Tuesday, adding night buses on four routes and extending tram service to the new hospital district by next spring, officials said after the vote";

    fn run(input: &str, name: &str) -> String {
        let opts = ReadOptions { format: InputFormat::Auto, keep_shape: true, ..Default::default() };
        let mut read = ReadOutcome::default();
        read_input_with(input.as_bytes(), name, &opts, &mut read).unwrap();
        check_unique_ids(&mut read);
        let result = crate::dedup(&read.articles, &Params::default(), CanonicalRule::First).unwrap();
        let out = Output { articles: &read.articles, sigs: &result.sigs, clusters: &result.clusters, as_of: None };
        let mut bytes = Vec::new();
        write(&out, &mut bytes).unwrap();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn json_lines_keep_their_text_and_gain_one_field() {
        let input = format!(
            "{{\"id\": 10, \"text\": \"{STORY}.\", \"n\": 1.50}}\n{{\"id\":\"u\",\"body\":\"Something else entirely, about football results in the northern league this weekend and nothing more\"}}\n{{\"id\":11,\"source\":\"B\",\"text\":\"{STORY}!\"}}\n"
        );
        let got = run(&input, "in.jsonl");
        let lines: Vec<&str> = got.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(
            lines[0].starts_with(&format!(
                "{{\"id\": 10, \"text\": \"{STORY}.\", \"n\": 1.50,\"duplicates\":[{{\"id\":\"11\",\"source\":\"B\","
            )),
            "{}",
            lines[0]
        );
        assert_eq!(lines[1], input.lines().nth(1).unwrap());
        // Read back, it is the same.
        assert_eq!(run(&got, "in.jsonl"), got);
    }

    #[test]
    fn csv_keeps_its_header_and_gains_one_column() {
        let input = format!("id,body,duplicates\n1,\"{STORY}.\",x\n2,other text,\n3,\"{STORY}\"\n");
        let got = run(&input, "in.csv");
        let lines: Vec<&str> = got.lines().collect();
        assert_eq!(lines[0], "id,body,duplicates,_duplicates");
        assert!(lines[1].starts_with(&format!("1,\"{STORY}.\",x,\"[{{\"\"id\"\":\"\"3\"\",")), "{}", lines[1]);
        assert_eq!(lines[2], "2,other text,,");
        assert_eq!(lines.len(), 3);
        assert_eq!(run(&got, "in.csv"), got);
    }

    #[test]
    fn array_elements_are_written_one_a_line() {
        let input =
            format!("[\n  {{\"id\": 1,\n   \"body\": \"{STORY}\"}},\n  {{\"id\": 2, \"body\": \"{STORY}\"}}\n]\n");
        let got = run(&input, "in.json");
        assert!(
            got.starts_with(&format!("[\n{{\"id\":1,\"body\":\"{STORY}\",\"duplicates\":[{{\"id\":\"2\"")),
            "{got}"
        );
        assert!(got.ends_with("}]}\n]\n"), "{got}");
        assert_eq!(run(&got, "in.json"), got);
    }
}
